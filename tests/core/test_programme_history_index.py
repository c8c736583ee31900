"""A programme's recent changes (its home page) are the newest rows of the change log index
on programme and time (migration core 0011), not a sort of everything it ever logged."""

from __future__ import annotations

import pytest

from nytte.core import selectors
from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.portfolio import services as portfolio_services
from tests.query_plans import assert_reads_index

pytestmark = pytest.mark.django_db


def _uses_index(sql: str, params, index: str) -> None:
    assert_reads_index(
        sql,
        params,
        index=index,
        table="core_changelogentry",
        columns=["programme_id", "timestamp", "id"],
    )


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
