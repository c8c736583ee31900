"""What comparing a proposal with other programmes costs (issue 16, part 4).

Generates ``--programmes`` programmes of ``--texts`` initiatives each (the synthetic texts
of ``benchmarks/similarity.py``, drawn from the evaluation set's word frequencies, with
``bulk_create``) in a fresh SQLite database under
a temporary data directory, builds and saves each programme's index once (as the first
worker would), then times ``matching.across(proposal, viewer)`` the way the harmonisation
tab calls it: cold (a new process: every other programme's index loaded from its file) and
warm (indexes in memory, within ``across.MAX_AGE``, so no query per programme), and the
typing box's ``similar_published`` over the published fifth of them. The proposals are the
evaluation set's queries.

Aim: warm p95 < 50 ms for 20 other programmes of 5 000 texts (the tab's own query is
about 10 ms at that size).

Run: ``python benchmarks/similarity_across.py [--programmes 21] [--texts 2000]
[--queries 40]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

BENCHMARKS = Path(__file__).resolve().parent
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=21)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="nytte-across-"))
    os.environ["NYTTE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nytte.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from similarity import DATA, synthetic_texts

    from nytte.core.choices import Role
    from nytte.core.models import Organisation, Programme, ProgrammeMembership, User
    from nytte.portfolio.models import Initiative
    from nytte.proposals import matching
    from nytte.proposals.matching import index as index_module
    from nytte.proposals.models import Proposal
    from nytte.similarity.evaluate import load_eval_set

    evalset = load_eval_set(DATA)
    corpus = iter(synthetic_texts(evalset, args.programmes * args.texts))
    queries = [q.query for q in evalset.queries][: args.queries]
    org = Organisation.objects.create(name="Skatteetaten", orgnr="974761076")
    programmes = [
        Programme.objects.create(
            name=f"Program {i}", slug=f"program-{i}", owner=org, publish_overview=True
        )
        for i in range(args.programmes)
    ]
    for p in programmes:
        rows = []
        for j in range(args.texts):
            words = next(corpus).split()
            title, description = " ".join(words[:6]), " ".join(words[6:])
            rows.append(
                Initiative(
                    programme=p,
                    code=f"T-{j}",
                    title=title,
                    description=description,
                    owner_organisation=org,
                    published=j % 5 == 0,
                )
            )
        Initiative.objects.bulk_create(rows, batch_size=1000)
    here = programmes[0]
    viewer = User.objects.create(username="fasilitator")
    ProgrammeMembership.objects.create(user=viewer, programme=here, role=Role.FACILITATOR)
    proposals = []
    for n, query in enumerate(queries):
        title, _sep, need = query.partition("\n")
        proposals.append(
            Proposal.objects.create(programme=here, number=n + 1, title=title[:300], need=need)
        )
    n_texts = args.programmes * args.texts
    print(f"{args.programmes} programmes × {args.texts} initiatives = {n_texts} texts")

    started = time.perf_counter()
    for p in programmes:
        matching.fresh(p.pk)  # build and save, as the first worker of each would
    print(f"build and save every index: {time.perf_counter() - started:.1f} s (once)")

    index_module.reset()  # a new worker: the files are there, nothing is in memory
    started = time.perf_counter()
    found = matching.across(proposals[0], viewer)
    cold = (time.perf_counter() - started) * 1000
    print(f"first across() in a new worker (loads {args.programmes - 1} files): {cold:.0f} ms")

    times, hits = [], 0
    for proposal in proposals:
        started = time.perf_counter()
        found = matching.across(proposal, viewer)
        times.append((time.perf_counter() - started) * 1000)
        hits += len(found)
    print(
        f"warm across(): p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f}"
        f" ms over {len(times)} proposals ({hits / len(times):.1f} shown per proposal)"
    )

    public = []
    matching.similar_published("varsel før gebyr")  # builds the published index once
    for proposal in proposals:
        started = time.perf_counter()
        matching.similar_published(proposal.title + " " + proposal.need)
        public.append((time.perf_counter() - started) * 1000)
    print(
        f"public typing box over {n_texts // 5} published: p50 {statistics.median(public):.1f}"
        f" ms, p95 {percentile(public, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
