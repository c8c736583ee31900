"""Server time, queries and bytes of every page family and API list on the scale data set.

Loads the shared scale data (``scale_data.py``: one programme with 10 000 initiatives,
100 000 cost lines, 20 000 benefits, 40 000 indicators, 400 000 measurements, 5 000
proposals, and 50 small programmes beside it), logs in the programme's facilitator with
Django's test client and times each page in-process: the programme page, portfolio, benefits
(register, detail, map, follow-up, who pays, realisation plan), cost-benefit and co-funding,
proposals (list, board, harmonisation tab, matrix, queue, criteria), scenarios,
administration (as a programme admin) and the API lists, against the logged-out front page
in the same run. For each it prints p50/p95 of wall time, CPU p50, SQL p50, the most queries
in one request and the bytes of the response. The harmonisation index is built and saved
once first (as ``nytte worker`` does), then the tab's first request in a new worker (the
saved index mapped from disk, nothing in memory) is timed on its own.

Aims: every page p50 < 50 ms, p95 < 150 ms, ≤ 10 queries, ≤ about 300 KB of HTML.

Run: ``python benchmarks/pages.py [--requests 10] [--cache var/scale.sqlite3]
[--database-url postgres://… [--keep]] [--only benefits] [--after-change] [--heavy]``.
``--after-change`` also times the first request of the cached pages after a change, without
and with the warm that ``nytte worker`` runs after it (and the warm's own time). ``--heavy``
also times what the worker does for the programme's realisation plan: saving a version and
building its Word and Excel files (minutes), then the saved version's pages. On SQLite
``--cache`` reuses a generated database file across runs (generated and saved there when
missing). On PostgreSQL Django's throw-away ``test_<name>`` database beside the one in the
URL is used and dropped after; with ``--keep`` the URL's database itself is used (created
and migrated), and the data generated in it once are reused by the next runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portfolio import configure, percentile

P50_MS, P95_MS, QUERIES, HTML_KB = 50.0, 150.0, 10, 300
SLOW_S = 2.0


@dataclass
class Result:
    name: str
    status: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None
    sql_ms: float | None = None
    queries: int | None = None
    kbytes: float | None = None


def time_page(client: Any, name: str, url: str, n: int, warmup: int = 1) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, sql, queries = [], [], [], []
    size = 0
    in_sql = [0.0]

    def clock(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started

    k, total = 0, warmup + n
    while k < total:
        in_sql[0] = 0.0
        try:
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                body = b"".join(response) if response.streaming else response.content
                elapsed = time.perf_counter() - started
                elapsed_cpu = time.process_time() - started_cpu
        except Exception as exc:
            return Result(name, f"error: {type(exc).__name__}: {exc}"[:80])
        if response.status_code != 200:
            return Result(name, f"HTTP {response.status_code} {url}")
        size = len(body)
        if k == 0 and elapsed > SLOW_S:  # a slow page: one timed request is enough
            total = min(total, warmup + 1)
        if k >= warmup:
            times.append(elapsed * 1000)
            cpu.append(elapsed_cpu * 1000)
            sql.append(in_sql[0] * 1000)
            queries.append(len(captured.captured_queries))
        k += 1
    return Result(
        name,
        "ok",
        statistics.median(times),
        percentile(times, 0.95),
        statistics.median(cpu),
        statistics.median(sql),
        max(queries),
        size / 1024,
    )


def report(results: list[Result], baseline: Result) -> None:
    base = baseline.p50_ms or float("nan")
    head = ("page", "p50 ms", "p95 ms", "CPU p50", "SQL p50", "queries", "KB", "×base")
    print("\n{:<40} {:>8} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7}".format(*head))
    print("-" * 100)
    for r in [baseline, *results]:
        if r.p50_ms is None:
            print(f"{r.name:<40} {r.status}")
            continue
        within = (
            r.p50_ms < P50_MS and r.p95_ms < P95_MS and r.queries <= QUERIES and r.kbytes <= HTML_KB
        )
        mark = "" if r is baseline else ("" if within else "  MISSES")
        print(
            f"{r.name:<40} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.cpu_ms:8.1f} {r.sql_ms:8.1f} "
            f"{r.queries:7d} {r.kbytes:8.0f} {r.p50_ms / base:6.1f}×{mark}"
        )


def pages(data: Any) -> list[tuple[str, str, str]]:
    """(family, name, url) for every page timed."""
    from django.urls import reverse

    slug, code = data.programme.slug, data.initiative_code
    s = {"slug": slug}

    def r(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={**s, **kwargs})

    number = data.proposal_number
    benefit_list = r("benefits:benefit_list")
    api = "/api/v1/programmes/" + slug
    return [
        ("home", "programme page", r("programme")),
        ("portfolio", "initiative list", r("portfolio:initiative_list")),
        ("portfolio", "initiative list, search", r("portfolio:initiative_list") + "?q=del+4"),
        ("portfolio", "overview", r("portfolio:overview")),
        ("portfolio", f"initiative {code}", r("portfolio:initiative", code=code)),
        ("benefits", "benefits register", benefit_list),
        ("benefits", "register, filtered", benefit_list + "?status=planned&kind=efficiency"),
        ("benefits", f"benefit {data.benefit_code}", r("benefits:benefit", code=data.benefit_code)),
        ("benefits", "benefits map", r("benefits:map")),
        ("benefits", "follow-up", r("benefits:dashboard")),
        ("benefits", "who pays, who benefits", r("benefits:flows")),
        ("benefits", "realisation plan, programme", r("benefits:programme_plan")),
        ("benefits", "plan, page 400", r("benefits:programme_plan") + "?page=400"),
        (
            "benefits",
            "plan, one initiative's",
            r("benefits:programme_plan") + f"?initiative={code}",
        ),
        ("benefits", "realisation plan, initiative", r("benefits:initiative_plan", code=code)),
        ("costbenefit", f"cost-benefit {code}", r("costbenefit:analysis", code=code)),
        ("costbenefit", f"co-funding check {code}", r("cofunding:check", code=code)),
        ("proposals", "proposal list", r("proposals:proposal_list")),
        ("proposals", "board", r("proposals:board")),
        ("proposals", f"proposal {number}", r("proposals:proposal", number=number)),
        (
            "proposals",
            f"proposal {number} harmonisation",
            r("proposals:proposal", number=number) + "?tab=harmonisation",
        ),
        ("proposals", "matrix", r("proposals:matrix")),
        ("proposals", "work queue", reverse("proposals:queue")),
        ("proposals", "criteria", r("proposals:criteria")),
        ("scenarios", "scenario list", r("scenarios:list")),
        ("administration", "programme administration", r("administration:programme")),
        ("administration", "people", r("administration:members")),
        ("administration", "organisations", r("administration:organisations")),
        ("administration", "goals", r("administration:goals")),
        ("administration", "site administration", reverse("administration:site")),
        ("api", "API initiatives", f"{api}/initiatives"),
        ("api", "API benefits", f"{api}/benefits"),
        ("api", "API proposals", f"{api}/proposals"),
    ]


def harmonisation_first_request(client: Any, programme: Any, url: str) -> None:
    """The harmonisation tab's first request in a new server worker, after the index was
    built and saved once (by ``nytte worker``, or by the first request anywhere): the
    worker maps the saved file instead of building its own."""
    from nytte.proposals import matching

    started = time.perf_counter()
    matching.index_for(programme)
    built = time.perf_counter() - started
    # The tab once, so that its templates are compiled as in a worker that has served
    # pages before; then nothing in memory but the templates, and the saved file on disk.
    client.get(url)
    matching.reset()
    r = time_page(client, "harmonisation, first request", url, 1, warmup=0)
    print(f"\nharmonisation index built and saved once: {built * 1000:.0f} ms")
    print(
        f"harmonisation, first request once the worker's index is gone (the saved one is "
        f"loaded): {r.status} {r.p50_ms or 0:.0f} ms, {r.queries} queries"
    )


def after_a_change(client: Any, data: Any) -> None:
    """The first request of the pages cached under the programme's versions after a change,
    without and with the warm that ``nytte worker`` runs once the change commits
    (``core.registercache.warm``, called here directly and timed: the worker's CPU). Each
    page is requested once after the change by a server worker with nothing in memory (the
    warm's results come from the shared cache's files, as in another process)."""
    import datetime as dt

    from django.urls import reverse

    from nytte.benefits.models import Benefit, Measurement
    from nytte.benefits.services.benefits import benefit_update
    from nytte.benefits.services.measurements import measurement_create
    from nytte.core import registercache
    from nytte.core.actors import SYSTEM

    programme = data.programme
    s = {"slug": programme.slug}
    urls = {
        "benefits map": reverse("benefits:map", kwargs=s),
        "who pays, who benefits": reverse("benefits:flows", kwargs=s),
        "follow-up": reverse("benefits:dashboard", kwargs=s),
        "benefits register": reverse("benefits:benefit_list", kwargs=s),
        "portfolio overview": reverse("portfolio:overview", kwargs=s),
        "realisation plan, programme": reverse("benefits:programme_plan", kwargs=s),
    }
    for url in urls.values():  # templates compiled, the current versions cached
        client.get(url)
    benefit = Benefit.objects.get(programme=programme, code=data.benefit_code)
    indicator = benefit.indicators.order_by("pk").first()
    taken = set(Measurement.objects.filter(indicator=indicator).values_list("date", flat=True))
    free = (dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(3650))
    changes = 0

    def change(kind: str) -> None:
        nonlocal changes
        changes += 1
        if kind == "portfolio":
            title = f"{benefit.title.split(' #')[0]} #{changes}"
            benefit_update(benefit=benefit, data={"title": title}, acting_user=SYSTEM)
        else:
            date = next(d for d in free if d not in taken)
            measurement_create(indicator=indicator, date=date, value=50, acting_user=SYSTEM)

    def first_requests(label: str) -> None:
        registercache._store.clear()  # a server worker that has nothing in memory
        for name, url in urls.items():
            r = time_page(client, name, url, 1, warmup=0)
            print(
                f"  {label:<34} {name:<24} {r.status:>3} wall {r.p50_ms or 0:7.0f} ms, "
                f"CPU {r.cpu_ms or 0:6.0f} ms, {r.queries} queries"
            )

    print("\nFirst request after a change, each page once (a fresh server worker):")
    for kind in ("portfolio", "measurement"):
        what = "a benefit edited" if kind == "portfolio" else "a measurement recorded"
        change(kind)
        first_requests(f"{what}, no warm:")
        change(kind)
        started, started_cpu = time.perf_counter(), time.process_time()
        ran = registercache.warm(programme.pk)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        print(
            f"  {what}: the worker's warm took {wall * 1000:.0f} ms wall, "
            f"{cpu * 1000:.0f} ms CPU ({len(ran)} warmers, 2 languages)"
        )
        first_requests(f"{what}, warmed:")


def plan_summary_warmed(programme: Any) -> None:
    """Compute the programme plan's summary as ``nytte worker`` does after a change, so the
    plan's pages are timed as they are served (their first request after a change without
    the worker is timed by ``--after-change``)."""
    from nytte.benefits.plan.paging import current_summary
    from nytte.core.actors import SYSTEM

    started, started_cpu = time.perf_counter(), time.process_time()
    current_summary(programme, SYSTEM)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"The realisation plan's summary, as the worker warms it: {wall:.1f} s, CPU {cpu:.1f} s")


def plan_in_the_worker(client: Any, data: Any, n: int) -> None:
    """What ``nytte worker`` does for the programme's realisation plan at this size, each
    timed once, with the process's peak memory after it (a worker's peak): saving a
    version (``realisation_plan_fill``), building its Excel file (``plan_file_build``) and
    a Word file of the most benefits Word takes; then the saved version's pages, as the
    current plan's are timed above."""
    import resource

    from django.urls import reverse
    from django.utils import translation

    from nytte.benefits.models import PlanFile
    from nytte.benefits.plan.files import WORD_MOST, render_file
    from nytte.benefits.plan.paging import saved_plan
    from nytte.benefits.plan.tables import assemble
    from nytte.benefits.services import plans
    from nytte.core.actors import SYSTEM

    programme = data.programme

    def timed(label: str, work: Any) -> Any:
        started, started_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        print(f"  {label:<44} {wall:7.1f} s wall {cpu:7.1f} s CPU, peak {peak:6.0f} MB")
        return result

    print("\nThe realisation plan in the worker (each once):")
    saved = plans.realisation_plan_save(programme=programme, acting_user=SYSTEM)
    saved.programme = programme
    timed("save a version (summary and 20 000 rows)", lambda: plans.realisation_plan_fill(saved))
    with translation.override("nb"):
        file = plans.plan_file_for(programme=programme, saved=saved, fmt="xlsx", language="nb")
    timed("the version as Excel", lambda: plans.plan_file_build(file.pk))
    size = len(PlanFile.objects.values_list("data", flat=True).get(pk=file.pk))
    print(f"  {'':<44} {size / 1e6:7.1f} MB")
    # Word takes plans of up to WORD_MOST benefits: the version's first that many.
    source = saved_plan(saved)
    first = assemble(source.summary, source.benefits(source.summary["codes"][:WORD_MOST]))
    with translation.override("nb"):
        data = timed(
            f"Word, its first {WORD_MOST} benefits (the most)",
            lambda: render_file(first, "docx", saved),
        )
    print(f"  {'':<44} {len(data) / 1e6:7.1f} MB")
    url = reverse("benefits:programme_plan", kwargs={"slug": programme.slug})
    results = [
        time_page(client, "saved version", f"{url}?version={saved.version}", n),
        time_page(client, "saved version, page 400", f"{url}?version={saved.version}&page=400", n),
    ]
    report(results, time_page(client, "baseline: the programme page", f"/p/{programme.slug}/", n))


def administrator(programme: Any) -> Any:
    """A site administrator who is the programme's admin too (made once, kept in the data)."""
    from nytte.core.choices import Role
    from nytte.core.models import ProgrammeMembership, User

    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    ProgrammeMembership.objects.get_or_create(
        user=user, programme=programme, role=Role.PROGRAMME_ADMIN
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10, help="timed requests per page")
    parser.add_argument("--cache", type=Path, help="SQLite file to reuse the data set from")
    parser.add_argument("--database-url", help="PostgreSQL URL; a test database is used")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="PostgreSQL: use the URL's database itself and keep the data there for the next run",
    )
    parser.add_argument("--only", action="append", help="page family (repeatable)")
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="also the worker's work on the programme's realisation plan: saving a version, "
        "its Word and Excel files (minutes)",
    )
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="also the first request after a change, without and with the worker's warm",
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the size")
    parser.add_argument("--fraction", type=float, help="a fraction of the size, e.g. 0.2")
    args = parser.parse_args()

    data_dir = configure(args.database_url)
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from portfolio import create_database
    from scale_data import Size, load

    postgres = connection.vendor == "postgresql"
    keep = postgres and args.keep
    drop = create_database(postgres, keep=keep) if postgres else (lambda: None)
    try:
        data = load(
            cache=None if postgres else args.cache,
            reuse=keep,
            size=Size.scaled(args.fraction)
            if args.fraction
            else (Size.small() if args.small else None),
        )
        how = "copied from the cache" if data.cached else "generated"
        print(f"Database: {connection.vendor}; data {how} in {data.seconds:.1f} s")
        for what, n in data.counts.items():
            print(f"  {what}: {n:,}".replace(",", " "))

        # As `nytte serve` does before it forks its workers: templates compiled, the heap
        # so far frozen out of the garbage collector's full collections.
        from nytte.core import prefork

        prefork.prepare()
        anonymous = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(data.facilitator)
        # The administration pages as a programme admin (and site administrator) would see them.
        admin = Client(HTTP_HOST="localhost", raise_request_exception=False)
        admin.force_login(administrator(data.programme))
        chosen = [p for p in pages(data) if not args.only or p[0] in args.only]
        if any(p[1].startswith(("realisation plan, programme", "plan, ")) for p in chosen):
            plan_summary_warmed(data.programme)
        first = [p for p in chosen if p[1].endswith("harmonisation")]
        if first:
            harmonisation_first_request(client, data.programme, first[0][2])
        baseline = time_page(anonymous, "baseline: front page, logged out", "/", args.requests)
        results = []
        for family, name, url in chosen:
            who = admin if family == "administration" else client
            results.append(time_page(who, name, url, args.requests))
            done = results[-1]
            print(f"  {name}: {done.status} {done.p50_ms or 0:.0f} ms", file=sys.stderr, flush=True)
        report(results, baseline)
        if args.after_change:
            after_a_change(client, data)
        if args.heavy:
            plan_in_the_worker(client, data, args.requests)
        print(
            f"\nAims: p50 < {P50_MS:.0f} ms, p95 < {P95_MS:.0f} ms, ≤ {QUERIES} queries, "
            f"≤ {HTML_KB} KB."
        )
    finally:
        connection.close()
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
