"""Measure ranking quality on a labelled set (benchmarks/data/similarity_eval.json).

Pairs are scored one at a time with the query's *other* relevant documents
filtered out of the ranking, so a pair's rank says how many unrelated texts
the facilitator would read before reaching it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nytte.similarity.documents import Document

DIFFICULTIES = ("easy", "hard")


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """A text whose related documents are known; ``relevant`` maps id → difficulty."""

    query: str
    relevant: dict[str, str]
    near_miss: tuple[str, ...]
    split: str


@dataclass(frozen=True, slots=True)
class EvalSet:
    documents: tuple[Document, ...]
    queries: tuple[EvalQuery, ...]

    def text(self, doc_id: str) -> str:
        return next(d.text for d in self.documents if d.id == doc_id)

    def splits(self) -> list[str]:
        return sorted({q.split for q in self.queries})


def load_eval_set(path: str | Path) -> EvalSet:
    """Read the JSON set; a document's text is its title and body on two lines."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    docs = tuple(
        Document(
            d["id"],
            f"{d['title']}\n{d['text']}",
            d["kind"],
            {
                k: d[k]
                for k in ("lang", "cluster", "role", "split", "organisations", "life_events")
                if k in d
            },
        )
        for d in raw["documents"]
    )
    queries = tuple(
        EvalQuery(q["query"], dict(q["relevant"]), tuple(q.get("near_miss", ())), q["split"])
        for q in raw["queries"]
    )
    return EvalSet(docs, queries)


@dataclass(slots=True)
class Bucket:
    """Running sums for one (split, difficulty) cell."""

    n: int = 0
    hits_at_5: int = 0
    reciprocal: float = 0.0
    top1: int = 0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.hits_at_5 += rank <= 5
            self.reciprocal += 1.0 / rank
            self.top1 += rank == 1

    @property
    def recall_at_5(self) -> float:
        return self.hits_at_5 / self.n if self.n else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.n if self.n else 0.0

    @property
    def precision_at_1(self) -> float:
        return self.top1 / self.n if self.n else 0.0


@dataclass(slots=True)
class Report:
    """Pair metrics by (split, difficulty); query metrics and near-miss rates by split."""

    pairs: dict[tuple[str, str], Bucket] = field(default_factory=lambda: defaultdict(Bucket))
    queries: dict[str, Bucket] = field(default_factory=lambda: defaultdict(Bucket))
    near_miss_checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    near_miss_above: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    near_miss_top1: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def pair(self, split: str = "all", difficulty: str = "all") -> Bucket:
        return self.pairs[(split, difficulty)]


Ranker = Callable[[EvalQuery, str], Sequence[str]]


def filtered_rank(ranking: Sequence[str], target: str, others: Iterable[str]) -> int | None:
    """1-based rank of ``target`` ignoring ``others``; None if absent."""
    skip = set(others)
    rank = 0
    for doc_id in ranking:
        if doc_id in skip:
            continue
        rank += 1
        if doc_id == target:
            return rank
    return None


def evaluate(ranker: Ranker, evalset: EvalSet) -> Report:
    """Run ``ranker(query, text)`` for every query and aggregate the metrics.

    The ranker must not return the query document itself.
    """
    report = Report()
    texts = {d.id: d.text for d in evalset.documents}
    for q in evalset.queries:
        if not q.relevant:  # a proposal that matches nothing: see the band figures
            continue
        ranking = list(ranker(q, texts[q.query]))
        for target, difficulty in q.relevant.items():
            others = [r for r in q.relevant if r != target]
            rank = filtered_rank(ranking, target, others)
            for split in (q.split, "all"):
                for diff in (difficulty, "all"):
                    report.pairs[(split, diff)].add(rank)
        first = next((i + 1 for i, d in enumerate(ranking) if d in q.relevant), None)
        for split in (q.split, "all"):
            report.queries[split].add(first)
        # Near-miss: does it outrank the best-placed relevant document, or win top-1?
        best_relevant = first if first is not None else len(ranking) + 1
        for nm in q.near_miss:
            pos = ranking.index(nm) + 1 if nm in ranking else None
            for split in (q.split, "all"):
                report.near_miss_checked[split] += 1
                if pos is not None and pos < best_relevant:
                    report.near_miss_above[split] += 1
                if pos == 1:
                    report.near_miss_top1[split] += 1
    return report


def format_report(name: str, report: Report, splits: Sequence[str]) -> str:
    """A plain-text table: one row per split × difficulty, then query-level rows."""
    lines = [f"== {name}"]
    lines.append(f"{'split':<9} {'pairs':<6} {'n':>4} {'R@5':>6} {'MRR':>6} {'P@1':>6}")
    for split in (*splits, "all"):
        for diff in (*DIFFICULTIES, "all"):
            b = report.pairs.get((split, diff))
            if b is None or not b.n:
                continue
            lines.append(
                f"{split:<9} {diff:<6} {b.n:>4} {b.recall_at_5:>6.3f} {b.mrr:>6.3f} "
                f"{b.precision_at_1:>6.3f}"
            )
    lines.append(f"{'split':<9} {'query':<6} {'n':>4} {'R@5*':>6} {'MRR':>6} {'P@1':>6}  near-miss")
    for split in (*splits, "all"):
        b = report.queries.get(split)
        if b is None or not b.n:
            continue
        checked = report.near_miss_checked.get(split, 0) or 1
        above = report.near_miss_above.get(split, 0) / checked
        top1 = report.near_miss_top1.get(split, 0) / checked
        lines.append(
            f"{split:<9} {'':<6} {b.n:>4} {b.recall_at_5:>6.3f} {b.mrr:>6.3f} "
            f"{b.precision_at_1:>6.3f}  above-relevant {above:.3f} top-1 {top1:.3f}"
        )
    return "\n".join(lines)
