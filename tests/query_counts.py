"""Query counts pinned in a file per app: ``tests/<app>/query_counts.json``.

A test measures a page, an API list or a service call under a name, and the count must equal
the one pinned in its app's file::

    def test_the_register(pinned_queries, client):
        with pinned_queries("register"):
            client.get(url)

A query more (or fewer) fails the test with the numbered list of the queries it ran, so the
added one is easy to spot. When a change is meant to alter counts, re-measure and review the
diff of the JSON files::

    NYTTE_PIN_QUERIES=1 pytest -n 0 tests/benefits

Each entry is ``{"count": n, "note": "..."}``; the note says what the queries are and is kept
when the count is re-measured.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

FILENAME = "query_counts.json"
UPDATE = os.environ.get("NYTTE_PIN_QUERIES") == "1"

# Counts measured in update mode, per file; written at the end of the session.
_measured: dict[Path, dict[str, int]] = {}


def _load(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def format_queries(queries: list[dict]) -> str:
    return "\n".join(f"{n:3}. {q['sql']}" for n, q in enumerate(queries, 1))


class PinnedQueries:
    """The pinned counts of one app's file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pinned = _load(path)

    @property
    def where(self) -> str:
        try:
            return str(self.path.relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    @contextmanager
    def __call__(self, name: str) -> Iterator[CaptureQueriesContext]:
        """Count the queries of the block and check them against the pinned count."""
        with CaptureQueriesContext(connection) as captured:
            yield captured
        self.check(name, captured.captured_queries)

    def check(self, name: str, queries: list[dict] | CaptureQueriesContext) -> int:
        """Check already captured queries against ``name``'s pinned count; returns the count."""
        if isinstance(queries, CaptureQueriesContext):
            queries = queries.captured_queries
        count = len(queries)
        if UPDATE:
            _measured.setdefault(self.path, {})[name] = count
            return count
        entry = self.pinned.get(name)
        if entry is None:
            pytest.fail(
                f"No query count pinned for {name!r} in {self.where} ({count} measured; "
                f"NYTTE_PIN_QUERIES=1 pins it):\n{format_queries(queries)}",
                pytrace=False,
            )
        if count != entry["count"]:
            more_or_fewer = "more" if count > entry["count"] else "fewer"
            pytest.fail(
                f"{name!r} ran {count} queries, {abs(count - entry['count'])} {more_or_fewer} "
                f"than the {entry['count']} pinned in {self.where}"
                + (f" ({entry['note']})" if entry.get("note") else "")
                + f":\n{format_queries(queries)}",
                pytrace=False,
            )
        return count


def for_test_module(module_path: Path) -> PinnedQueries:
    return PinnedQueries(Path(module_path).parent / FILENAME)


def write_measured() -> None:
    """In update mode, merge what this process measured into the files (workers of xdist
    each merge theirs under a lock)."""
    for path, counts in _measured.items():
        path.touch(exist_ok=True)
        with path.open("r+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            text = f.read()
            pinned = json.loads(text) if text.strip() else {}
            for name, count in counts.items():
                old = pinned.get(name, {})
                pinned[name] = {"count": count} | {k: v for k, v in old.items() if k != "count"}
            f.seek(0)
            f.truncate()
            f.write(json.dumps(dict(sorted(pinned.items())), indent=2, ensure_ascii=False) + "\n")
    _measured.clear()
