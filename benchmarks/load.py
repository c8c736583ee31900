"""Many users at once: throughput, latency percentiles, errors and memory per worker.

Loads the shared scale data set (``scale_data.py``) into a throw-away database, starts the
production server (``nytte serve``: gunicorn) on 127.0.0.1 and ``nytte worker`` beside it
(``--no-worker``: none), logs in ``--users`` people of the
national programme (most of them viewers; every fifth a facilitator who also writes), and
lets each of them, for ``--duration`` seconds, read a mix of pages (portfolio, benefits,
cost-benefit, proposals, the API) and now and then record a measurement on a benefit, with a
short pause between requests. It then prints requests per second, p50/p95/p99 over all
requests and per page, the errors, and each worker's peak memory (VmHWM).

Aims (issue #19): 50 users for two minutes, no errors, p95 under 300 ms.

Run: ``python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/nytte_x
[--users 50] [--duration 120] [--workers 5] [--fraction 0.2]``. On PostgreSQL Django's
``test_<name>`` database beside the one in the URL is used and dropped after; without a URL
the data go into a SQLite file (``--cache`` reuses a generated one). Bounded: at most 200
users and 15 minutes, and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portfolio import configure, percentile

MAX_USERS, MAX_SECONDS = 200, 900
WRITE_SHARE = 0.05  # of a facilitator's requests
THINK = (0.2, 1.0)  # seconds between one user's requests (``--think`` sets another range)


@dataclass
class Sample:
    name: str
    ms: float
    status: int  # 0: no answer (connection error, timeout)
    error: str = ""


@dataclass
class Targets:
    """What the users ask for: URLs of pages and what a write needs."""

    pages: list[tuple[str, str, int]]  # name, url (with {…} to fill), weight
    initiatives: list[str]
    benefits: list[str]
    proposals: list[int]
    indicators: list[tuple[str, int]]  # benefit code, indicator id
    sessions: list[tuple[str, bool]] = field(default_factory=list)  # session key, writes


def page_mix(slug: str) -> list[tuple[str, str, int]]:
    """(name, url, weight): mostly the lists and details people open all day; ``{…}`` in a
    URL is filled with a code from the samples at each request."""
    from django.urls import reverse

    s = {"slug": slug}
    i, b = "{initiative}", "{benefit}"

    def r(name: str, **kw: Any) -> str:
        return reverse(name, kwargs={**s, **kw})

    api = f"/api/v1/programmes/{slug}"
    initiative = r("portfolio:initiative", code="XCODEX").replace("XCODEX", i)
    benefit = r("benefits:benefit", code="XCODEX").replace("XCODEX", b)
    plan = r("benefits:initiative_plan", code="XCODEX").replace("XCODEX", i)
    cba = r("costbenefit:analysis", code="XCODEX").replace("XCODEX", i)
    proposal = r("proposals:proposal", number=987654).replace("987654", "{proposal}")
    return [
        ("initiative list", r("portfolio:initiative_list"), 8),
        ("initiative search", r("portfolio:initiative_list") + "?q=del", 3),
        ("overview", r("portfolio:overview"), 4),
        ("initiative", initiative, 8),
        ("benefits register", r("benefits:benefit_list"), 6),
        ("benefit", benefit, 6),
        ("benefits map", r("benefits:map"), 3),
        ("follow-up", r("benefits:dashboard"), 3),
        ("who pays", r("benefits:flows"), 3),
        ("realisation plan, initiative", plan, 2),
        ("realisation plan, programme", r("benefits:programme_plan") + "?page={page}", 2),
        ("cost-benefit", cba, 2),
        ("proposal list", r("proposals:proposal_list"), 5),
        ("proposal board", r("proposals:board"), 3),
        ("proposal", proposal, 5),
        ("proposal matrix", r("proposals:matrix"), 2),
        ("API initiatives", f"{api}/initiatives", 2),
        ("API benefits", f"{api}/benefits", 2),
    ]


PLAN_PAGES = 2_000  # pages of ten benefits in the programme's realisation plan at full size


def prepare(data: Any, users: int, seed: int) -> Targets:
    """Users with their sessions, and samples of codes to ask for."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from nytte.benefits.models import Benefit, Indicator
    from nytte.core.choices import Role
    from nytte.core.models import ProgrammeMembership, User
    from nytte.proposals.models import Proposal

    rnd = random.Random(seed)
    programme = data.programme
    targets = Targets(
        pages=page_mix(programme.slug),
        initiatives=rnd.sample(
            list(programme.initiatives.values_list("code", flat=True)),
            k=min(300, programme.initiatives.count()),
        ),
        benefits=[],
        proposals=rnd.sample(
            list(Proposal.objects.filter(programme=programme).values_list("number", flat=True)),
            k=min(300, Proposal.objects.filter(programme=programme).count()),
        ),
        indicators=[],
    )
    benefits = list(Benefit.objects.filter(programme=programme).values_list("pk", "code"))
    chosen = dict(rnd.sample(benefits, k=min(300, len(benefits))))
    targets.benefits = list(chosen.values())
    targets.indicators = [
        (chosen[benefit_id], pk)
        for pk, benefit_id in Indicator.objects.filter(benefit_id__in=list(chosen)).values_list(
            "pk", "benefit_id"
        )
    ]
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for k in range(users):
        writes = k % 5 == 0
        user, _created = User.objects.get_or_create(
            username=f"load-{k:03d}", defaults={"full_name": f"Last {k}"}
        )
        ProgrammeMembership.objects.get_or_create(
            user=user,
            programme=programme,
            defaults={"role": Role.FACILITATOR if writes else Role.VIEWER},
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        targets.sessions.append((session.session_key, writes))
    return targets


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """``nytte serve`` on 127.0.0.1; its error log goes to ``log`` (a pipe could fill up)."""
    command = [
        sys.executable,
        "-m",
        "nytte.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-collectstatic",
    ]
    with log.open("wb") as errors:
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped: " + log.read_text()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("the server did not start within a minute")


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """``nytte worker`` beside the server, as in production: it warms the cached page data
    after the users' writes (``core.registercache.warm``)."""
    command = [sys.executable, "-m", "nytte.cli", "worker", "--interval", "0.5"]
    with log.open("wb") as errors:
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def workers_of(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident memory) of a process, in kB."""
    result = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _sep, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                result[key] = int(value.split()[0])
    except OSError:
        pass
    return result


async def user_loop(
    base: str,
    session: str,
    writes: bool,
    targets: Targets,
    until: float,
    seed: int,
    think: tuple[float, float] = THINK,
) -> list[Sample]:
    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rnd = random.Random(seed)
    csrf = secrets.token_hex(16)  # 32 characters: Django takes the secret as the token
    samples: list[Sample] = []
    names = [name for name, _url, _w in targets.pages]
    urls = {name: url for name, url, _w in targets.pages}
    weights = [w for _n, _u, w in targets.pages]
    async with httpx.AsyncClient(
        base_url=base,
        cookies={"sessionid": session, "csrftoken": csrf},
        headers={"X-CSRFToken": csrf},
        timeout=60,
        follow_redirects=False,
        # A new connection per request: a kept-alive one that the server closes as the
        # client reuses it shows up as an error that is the client's, not the server's.
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as client:
        await asyncio.sleep(rnd.uniform(0, think[1]))  # not all at the same instant
        while time.monotonic() < until:
            if writes and targets.indicators and rnd.random() < WRITE_SHARE:
                code, indicator = rnd.choice(targets.indicators)
                url = urls["benefit"].format(benefit=code) + "?tab=realisation"
                day = f"20{rnd.randint(18, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                prefix = f"add-measurement-{indicator}"
                body = {
                    "action": "measurement-add",
                    "indicator": str(indicator),
                    f"{prefix}-date": day,
                    f"{prefix}-value": str(rnd.randint(1, 1000)),
                    f"{prefix}-source": "Belastningstest",
                }
                name, method = "WRITE measurement", "POST"
            else:
                name = rnd.choices(names, weights)[0]
                url = urls[name].format(
                    initiative=rnd.choice(targets.initiatives),
                    benefit=rnd.choice(targets.benefits),
                    proposal=rnd.choice(targets.proposals),
                    page=rnd.randint(1, PLAN_PAGES),
                )
                body, method = None, "GET"
            started = time.perf_counter()
            error = ""
            try:
                response = await client.request(method, url, data=body)
                status = response.status_code
            except httpx.HTTPError as exc:
                status, error = 0, type(exc).__name__
            samples.append(Sample(name, (time.perf_counter() - started) * 1000, status, error))
            await asyncio.sleep(rnd.uniform(*think))
    return samples


async def run_users(
    base: str,
    targets: Targets,
    seconds: float,
    master: int,
    think: tuple[float, float] = THINK,
) -> tuple:
    until = time.monotonic() + seconds
    peaks: dict[int, int] = defaultdict(int)

    async def watch() -> None:
        while time.monotonic() < until:
            for pid in workers_of(master):
                peaks[pid] = max(peaks[pid], memory_kb(pid).get("VmRSS", 0))
            await asyncio.sleep(1)

    watcher = asyncio.create_task(watch())
    results = await asyncio.gather(
        *(
            user_loop(base, session, writes, targets, until, seed=k, think=think)
            for k, (session, writes) in enumerate(targets.sessions)
        )
    )
    await watcher
    for pid in workers_of(master):
        peaks[pid] = max(peaks[pid], memory_kb(pid).get("VmHWM", 0))
    return [s for samples in results for s in samples], dict(peaks)


def report(samples: list[Sample], seconds: float, peaks: dict[int, int]) -> None:
    errors = [s for s in samples if not 200 <= s.status < 400]
    times = [s.ms for s in samples]
    print(
        f"\n{len(samples)} requests in {seconds:.0f} s: {len(samples) / seconds:.1f} per second; "
        f"errors: {len(errors)}"
    )
    if times:
        print(
            f"all requests: p50 {statistics.median(times):.0f} ms, "
            f"p95 {percentile(times, 0.95):.0f} ms, p99 {percentile(times, 0.99):.0f} ms, "
            f"max {max(times):.0f} ms"
        )
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_name[s.name].append(s)
    print(f"\n{'page':<32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print("-" * 74)
    for name in sorted(by_name):
        group = [s.ms for s in by_name[name]]
        failed = sum(1 for s in by_name[name] if not 200 <= s.status < 400)
        print(
            f"{name:<32} {len(group):>6} {statistics.median(group):8.0f} "
            f"{percentile(group, 0.95):8.0f} {percentile(group, 0.99):8.0f} {failed:>7}"
        )
    if errors:
        statuses: dict[tuple[str, int, str], int] = defaultdict(int)
        for s in errors:
            statuses[(s.name, s.status, s.error)] += 1
        print("\nerrors by page and status (0: no answer):")
        for (name, status, error), n in sorted(statuses.items()):
            print(f"  {name}: {status} {error} × {n}".replace("  ×", " ×"))
    print(
        "\npeak resident memory per worker (MB): "
        + ", ".join(f"{kb / 1024:.0f}" for _pid, kb in sorted(peaks.items()))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL; a test database is used")
    parser.add_argument("--cache", type=Path, help="SQLite file to reuse the data set from")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--fraction", type=float, help="a fraction of the data set, e.g. 0.2")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("MIN", "MAX"),
        help="seconds between one user's requests (default 0.2 1.0: a stress test)",
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="no `nytte worker`: pages warm nothing"
    )
    args = parser.parse_args()
    users = max(1, min(args.users, MAX_USERS))
    seconds = max(1.0, min(args.duration, MAX_SECONDS))

    data_dir = configure(args.database_url)
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from portfolio import create_database
    from scale_data import Size, load

    postgres = connection.vendor == "postgresql"
    drop = create_database(postgres) if postgres else (lambda: None)
    server = worker = None
    try:
        size = Size.scaled(args.fraction) if args.fraction else None
        data = load(cache=None if postgres else args.cache, size=size)
        print(f"Database: {connection.vendor}; data ready in {data.seconds:.1f} s")
        for what, n in data.counts.items():
            print(f"  {what}: {n:,}".replace(",", " "))
        targets = prepare(data, users, args.seed)
        env = dict(os.environ)
        env["NYTTE_DATA_DIR"] = str(data_dir)
        env.pop("NYTTE_ALLOWED_HOSTS", None)
        if postgres:
            s = connection.settings_dict
            login = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            env["DATABASE_URL"] = (
                f"postgres://{login}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        connection.close()
        port = free_port()
        log = data_dir / "server.log"
        server = start_server(port, args.workers, env, log)
        if not args.no_worker:
            worker = start_worker(env, data_dir / "worker.log")
        print(
            f"\n{users} users for {seconds:.0f} s, {args.think[0]:g}–{args.think[1]:g} s between "
            f"one user's requests, against gunicorn ({args.workers} workers, 2 threads each) "
            f"on 127.0.0.1:{port}, {'without' if worker is None else 'with'} `nytte worker`"
        )
        started = time.monotonic()
        samples, peaks = asyncio.run(
            run_users(f"http://127.0.0.1:{port}", targets, seconds, server.pid, tuple(args.think))
        )
        report(samples, time.monotonic() - started, peaks)
        for name, path in (("server", log), ("worker", data_dir / "worker.log")):
            lines = path.read_text().splitlines() if path.exists() else []
            failures = [line for line in lines if "Traceback" in line]
            if failures:
                print(f"\nThe {name} logged {len(failures)} tracebacks; the last lines:")
                print("\n".join(lines[-30:]))
        if worker is not None:
            from django.db.models import Count
            from django_tasks_db.models import DBTaskResult

            done = DBTaskResult.objects.values_list("status").annotate(n=Count("id"))
            print("\nthe worker's tasks: " + ", ".join(f"{n} {s.lower()}" for s, n in done))
        print("\nAims: no errors, p95 < 300 ms.")
    finally:
        for process in (worker, server):
            if process is not None:
                stop_server(process)
        connection.close()
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
