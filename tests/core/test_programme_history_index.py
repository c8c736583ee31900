"""A programme's recent changes (its home page) are the newest rows of the change log index
on programme and time (migration core 0011), not a sort of everything it ever logged."""

from __future__ import annotations

import pytest
from django.db import connection

from nytte.core import selectors
from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.portfolio import services as portfolio_services

pytestmark = pytest.mark.django_db


def _uses_index(sql: str, params, index: str) -> None:
    """SQLite's plan (no statistics, so it is the same every run) reads ``index``; on
    PostgreSQL, whose choice for a table of a few rows follows its statistics, the index is
    there with its columns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "core_changelogentry")
        assert constraints[index]["columns"] == ["programme_id", "timestamp", "id"]
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # read in order, not sorted


def test_the_recent_changes_are_read_from_the_programme_index(programme):
    sql, params = (
        ChangeLogEntry.objects.filter(programme=programme)
        .order_by("-timestamp", "-id")[:10]
        .query.sql_with_params()
    )
    _uses_index(sql, params, "changelog_programme_recent")


def test_the_recent_changes_are_the_programmes_newest_first(programme, other_programme):
    for k, where in enumerate([programme, other_programme, programme, programme]):
        portfolio_services.goal_save(
            programme=where,
            data={"level": "societal", "code": f"S-{k}", "title": f"Mål {k}"},
            acting_user=SYSTEM,
        )
    rows = selectors.programme_history(programme=programme, limit=2)
    assert [row["entry"].object_repr for row in rows] == ["S-3 Mål 3", "S-2 Mål 2"]
