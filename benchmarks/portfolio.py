"""Server time of the portfolio pages and the Excel export on a large programme.

Generates one programme with 10 000 initiatives and 100 000 cost lines (plus goals, life
events, participants, dependencies, risks, status reports and change history, all with
``bulk_create``), logs in a facilitator with Django's test client and times N requests per
page: the initiative list (page 1, and filtered and sorted), the overview, and the detail of
one initiative with 10 cost lines on each of its tabs. Prints p50 and p95 of the time spent
in Django (the test client calls the WSGI handler directly: no network, no web server), the
CPU time of this process (steadier than wall time on a shared machine; SQLite work counts,
a PostgreSQL server's does not), the part spent in SQL and the queries per request, with
the ratio to a baseline measured in the same run (the login-free front page, which renders
the same base layout). Then times ``nytte.portfolio.excel.export_register`` once.

Aims: every page p50 < 50 ms and p95 < 150 ms with at most 10 queries; export < 10 s.

The database is a fresh SQLite file in a temporary data directory, or, with
``--database-url postgres://…``, a throw-away test database that Django creates next to the
one named in the URL and drops afterwards. A page that errors is reported with its status
code; the run goes on.

Run: ``python benchmarks/portfolio.py [--initiatives 10000] [--cost-lines 100000]
[--requests 30] [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

SLUG = "benchmark"
YEARS = range(2024, 2032)
PAGE_P50_MS, PAGE_P95_MS, PAGE_QUERIES, EXPORT_S = 50.0, 150.0, 10, 10.0


def configure(database_url: str | None) -> Path:
    """Point Django at a temporary data directory (and a database) before it loads."""
    data_dir = Path(tempfile.mkdtemp(prefix="nytte-bench-"))
    os.environ["NYTTE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nytte.settings")
    os.environ.pop("NYTTE_ALLOWED_HOSTS", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    return data_dir


def create_database(postgres: bool, keep: bool = False) -> Callable[[], None]:
    """Migrate an empty database; return how to get rid of it. With ``keep`` (PostgreSQL)
    the URL's own database is created when missing, migrated and kept."""
    from django.core.management import call_command
    from django.db import connection

    if postgres and keep:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        call_command("migrate", interactive=False, verbosity=0)
        return lambda: None
    if postgres:
        # Never touch the database in the URL: Django's test database sits beside it.
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    return lambda: None


def valid_orgnr(n: int) -> str:
    from nytte.core.validators import orgnr_check_digit

    for k in range(10):
        first_eight = f"{81000000 + 10 * n + k:08d}"
        digit = orgnr_check_digit(first_eight)
        if digit is not None:
            return first_eight + str(digit)
    raise AssertionError("one in ten candidates always has a check digit")


@dataclass
class Portfolio:
    programme: Any
    facilitator: Any
    detail_code: str
    counts: dict[str, int]


def generate(n_initiatives: int, n_cost_lines: int, seed: int = 2026) -> Portfolio:
    """Bulk-load a programme of the given size; returns what the timing needs."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from nytte.core.choices import ChangeAction, OrganisationKind, Role
    from nytte.core.models import (
        ChangeLogEntry,
        Organisation,
        Programme,
        ProgrammeMembership,
        User,
    )
    from nytte.core.services import object_update
    from nytte.portfolio.choices import (
        CostCategory,
        DependencyKind,
        GoalLevel,
        Phase,
        StatusColour,
    )
    from nytte.portfolio.models import (
        CostLine,
        Dependency,
        Goal,
        Initiative,
        InitiativeGoal,
        LifeEvent,
        Risk,
        StatusReport,
    )

    rnd = random.Random(seed)
    batch = 5000
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Etat {i}",
                short_name=f"E{i}",
                orgnr=valid_orgnr(i),
                kind=OrganisationKind.AGENCY,
            )
            for i in range(12)
        )
        programme = Programme.objects.create(
            name="Benchmark",
            slug=SLUG,
            owner=orgs[0],
            vision="Stor portefølje.",
            target_picture="## Målbilde\n\nAlt henger sammen.",
            start_year=2024,
            end_year=2031,
        )
        programme.participants.set(orgs)
        facilitator = User.objects.create_user("bench-fasilitator", password="x" * 12)
        ProgrammeMembership.objects.create(
            user=facilitator, programme=programme, role=Role.FACILITATOR
        )
        root = Goal.objects.create(
            programme=programme, level=GoalLevel.SOCIETAL, code="SM-1", title="Samfunnsmål"
        )
        impact = [
            Goal.objects.create(
                programme=programme,
                level=GoalLevel.IMPACT,
                parent=root,
                code=f"EM-{i}",
                title=f"Effektmål {i}",
                weight=25,
            )
            for i in range(1, 5)
        ]
        events = LifeEvent.objects.bulk_create(
            LifeEvent(name=f"Livshendelse {i}", slug=f"bench-livshendelse-{i}") for i in range(7)
        )

        phases, colours = Phase.values, StatusColour.values
        initiatives = []
        for n in range(1, n_initiatives + 1):
            status = rnd.choices(colours, weights=(7, 2, 1))[0]
            start = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 5 * 365))
            initiatives.append(
                Initiative(
                    programme=programme,
                    code=f"BM-{n}",
                    title=f"Tiltak {n}: samordnet innkreving del {n % 97}",
                    description="Et tiltak i en stor portefølje. " * 5,
                    owner_organisation=rnd.choice(orgs[:6]),
                    phase=rnd.choice(phases),
                    status=status,
                    status_reason="" if status == StatusColour.GREEN else "Forsinket leveranse.",
                    planned_start=start,
                    planned_end=start + dt.timedelta(days=rnd.randint(90, 3 * 365)),
                    mandatory=rnd.random() < 0.1,
                )
            )
        initiatives = Initiative.objects.bulk_create(initiatives, batch_size=batch)
        # bulk_create sets primary keys on SQLite and PostgreSQL; re-read to be safe.
        initiatives = list(Initiative.objects.filter(programme=programme).order_by("pk"))

        through_p = Initiative.participants.through
        through_p.objects.bulk_create(
            (
                through_p(initiative_id=i.pk, organisation_id=o.pk)
                for i in initiatives
                for o in rnd.sample(orgs, 2)
            ),
            batch_size=batch,
        )
        through_e = Initiative.life_events.through
        through_e.objects.bulk_create(
            (
                through_e(initiative_id=i.pk, lifeevent_id=rnd.choice(events).pk)
                for i in initiatives
            ),
            batch_size=batch,
        )
        InitiativeGoal.objects.bulk_create(
            (
                InitiativeGoal(initiative=i, goal=g, contribution=rnd.randint(10, 100))
                for i in initiatives
                for g in rnd.sample(impact, 2)
            ),
            batch_size=batch,
        )

        # Cost lines: an even spread, each on a distinct (organisation, year, category).
        per = max(1, n_cost_lines // len(initiatives))
        slots = [(o, y, c) for o in orgs[:6] for y in YEARS for c in CostCategory.values]
        lines = []
        for i in initiatives:
            for org, year, category in rnd.sample(slots, min(per, len(slots))):
                likely = rnd.randint(1, 400) * 100_000
                lines.append(
                    CostLine(
                        initiative=i,
                        organisation=org,
                        year=year,
                        category=category,
                        low=likely * 8 // 10,
                        likely=likely,
                        high=likely * 15 // 10,
                    )
                )
        CostLine.objects.bulk_create(lines, batch_size=batch)
        # The services keep these sums; bulk_create bypasses them, so set them here.
        for i in initiatives:
            i.cost_low = i.cost_likely = i.cost_high = 0
        for line in lines:
            line.initiative.cost_low += line.low
            line.initiative.cost_likely += line.likely
            line.initiative.cost_high += line.high
        Initiative.objects.bulk_update(
            initiatives, ["cost_low", "cost_likely", "cost_high"], batch_size=batch
        )

        # "requires" only from a later to an earlier initiative: no cycles.
        deps = []
        for idx, i in enumerate(initiatives[1:], start=1):
            if rnd.random() < 0.8:
                target = initiatives[rnd.randrange(idx)]
                kind = rnd.choice([DependencyKind.REQUIRES, DependencyKind.ENABLES])
                deps.append(Dependency(source=i, target=target, kind=kind))
        Dependency.objects.bulk_create(deps, batch_size=batch)

        Risk.objects.bulk_create(
            (
                Risk(
                    initiative=i,
                    title=f"Risiko {k} for {i.code}",
                    probability=rnd.randint(1, 5),
                    consequence=rnd.randint(1, 5),
                )
                for i in initiatives
                for k in range(2)
            ),
            batch_size=batch,
        )
        StatusReport.objects.bulk_create(
            (
                StatusReport(
                    initiative=i,
                    period=period,
                    overall=i.status,
                    plan=i.status,
                    cost="green",
                    benefits="green",
                    stakeholders="green",
                    risk="green",
                    commentary="Som planlagt.",
                )
                for i in initiatives
                for period in ("2026-T2", "2026-T3")
            ),
            batch_size=batch,
        )

        # History as an import through the services would have left it: one entry per object.
        ct_initiative = ContentType.objects.get_for_model(Initiative)
        ct_cost = ContentType.objects.get_for_model(CostLine)
        created = {"title": {"before": None, "after": "…"}}
        log = [
            ChangeLogEntry(
                content_type=ct_initiative,
                object_id=str(i.pk),
                object_repr=str(i)[:200],
                action=ChangeAction.CREATE,
                changes=created,
                programme=programme,
            )
            for i in initiatives
        ]
        log += [
            ChangeLogEntry(
                content_type=ct_cost,
                object_id=str(pk),
                object_repr="Kostnadslinje",
                action=ChangeAction.CREATE,
                changes=created,
                programme=programme,
            )
            for pk in CostLine.objects.filter(initiative__programme=programme).values_list(
                "pk", flat=True
            )
        ]
        ChangeLogEntry.objects.bulk_create(log, batch_size=batch)

    # The detail page: an initiative in the middle, with about ten cost lines.
    detail = initiatives[len(initiatives) // 2]
    for k in range(5):  # a few updates so the history tab has something to list
        object_update(detail, acting_user=facilitator, data={"title": f"{detail.title} ({k})"})
    counts = {
        "initiatives": Initiative.objects.filter(programme=programme).count(),
        "cost lines": CostLine.objects.filter(initiative__programme=programme).count(),
        "dependencies": len(deps),
        "risks": Risk.objects.count(),
        "status reports": StatusReport.objects.count(),
        "change log entries": ChangeLogEntry.objects.count(),
        "cost lines on the detail initiative": detail.costs.count(),
    }
    return Portfolio(programme, facilitator, detail.code, counts)


@dataclass
class Result:
    name: str
    status: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None
    sql_ms: float | None = None
    queries: int | None = None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: an observed value, no interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def time_page(client: Any, name: str, url: str, n: int, warmup: int = 2) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    cpu: list[float] = []
    sql: list[float] = []
    queries: list[int] = []
    in_sql = [0.0]

    def clock(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started

    for k in range(warmup + n):
        in_sql[0] = 0.0
        try:
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                elapsed_cpu = time.process_time() - started_cpu
        except Exception as exc:  # a page being written may still raise
            return Result(name, f"error: {type(exc).__name__}: {exc}"[:70])
        if response.status_code != 200:
            return Result(name, f"HTTP {response.status_code}")
        if k >= warmup:
            times.append(elapsed * 1000)
            cpu.append(elapsed_cpu * 1000)
            sql.append(in_sql[0] * 1000)
            queries.append(len(captured.captured_queries))
    return Result(
        name,
        "ok",
        statistics.median(times),
        percentile(times, 0.95),
        statistics.median(cpu),
        statistics.median(sql),
        max(queries),
    )


def time_export(programme: Any) -> str:
    try:
        from nytte.portfolio.excel import export_register
    except ImportError as exc:
        return f"skipped: nytte.portfolio.excel.export_register is not there yet ({exc})"
    try:
        started = time.perf_counter()
        data = export_register(programme)
        elapsed = time.perf_counter() - started
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    verdict = "ok" if elapsed < EXPORT_S else f"over the {EXPORT_S:.0f} s aim"
    return f"{elapsed:.2f} s, {len(data) / 1e6:.1f} MB ({verdict})"


def report(results: list[Result], baseline: Result) -> None:
    base = baseline.p50_ms or float("nan")
    head = ("page", "status", "p50 ms", "p95 ms", "CPU p50", "SQL p50", "queries", "p50/base")
    print("\n{:<34} {:<7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}".format(*head))
    print("-" * 97)
    for r in [baseline, *results]:
        if r.p50_ms is None:
            print(f"{r.name:<34} {r.status}")
            continue
        aims = r.p50_ms < PAGE_P50_MS and r.p95_ms < PAGE_P95_MS and r.queries <= PAGE_QUERIES
        mark = "" if r is baseline else ("  within aims" if aims else "  MISSES AIMS")
        print(
            f"{r.name:<34} {r.status:<7} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.cpu_ms:8.1f} "
            f"{r.sql_ms:8.1f} "
            f"{r.queries:8d} {r.p50_ms / base:8.1f}×{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--cost-lines", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--database-url", help="PostgreSQL URL; a test database is used")
    args = parser.parse_args()

    data_dir = configure(args.database_url)
    # WhiteNoise warns that the temporary data directory has no collected static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    drop = create_database(connection.vendor == "postgresql")
    try:
        started = time.perf_counter()
        portfolio = generate(args.initiatives, args.cost_lines)
        elapsed = time.perf_counter() - started
        print(f"Database: {connection.vendor}; data generated in {elapsed:.1f} s")
        for what, n in portfolio.counts.items():
            print(f"  {what}: {n:,}".replace(",", " "))

        slug, code = SLUG, portfolio.detail_code
        anonymous = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(portfolio.facilitator)
        n = args.requests

        baseline = time_page(anonymous, "baseline: front page, logged out", "/", n)
        list_url = reverse("portfolio:initiative_list", kwargs={"slug": slug})
        detail_url = reverse("portfolio:initiative", kwargs={"slug": slug, "code": code})
        pages = [
            ("initiative list, page 1", list_url),
            (
                "list, filtered and sorted",
                f"{list_url}?phase=execute&phase=plan&status=yellow&status=red&sort=-cost",
            ),
            ("list, search", f"{list_url}?q=innkreving+del+4"),
            ("overview", reverse("portfolio:overview", kwargs={"slug": slug})),
            (f"detail {code}", detail_url),
        ]
        pages += [
            (f"detail tab={tab}", f"{detail_url}?tab={tab}")
            for tab in ("costs", "dependencies", "risks", "status", "history")
        ]
        results = [time_page(client, name, url, n) for name, url in pages]
        report(results, baseline)
        size = f"{portfolio.counts['initiatives']:,}".replace(",", " ")
        print(f"\nExcel export ({size} initiatives): {time_export(portfolio.programme)}")
        print(
            f"\nAims: p50 < {PAGE_P50_MS:.0f} ms, p95 < {PAGE_P95_MS:.0f} ms, "
            f"≤ {PAGE_QUERIES} queries per page; export < {EXPORT_S:.0f} s."
        )
    finally:
        connection.close()
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
