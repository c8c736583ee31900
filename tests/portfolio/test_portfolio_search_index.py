"""The initiative search is served by trigram indexes on PostgreSQL (migration 0005); on
SQLite the migration does nothing and the search scans, as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from nytte.portfolio.models import Initiative
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_the_search_can_use_the_trigram_indexes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    words = Q(code__icontains="del") | Q(title__icontains="del") | Q(description__icontains="del")
    sql, params = Initiative.objects.filter(words).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: ask what it can do
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("code", "title", "description"):
        assert f"portfolio_initiative_{column}_trgm" in plan, plan


def test_the_search_still_finds_words_anywhere(programme):
    InitiativeFactory(programme=programme, code="FI-7", title="Deling av data")
    InitiativeFactory(programme=programme, code="FI-8", title="Noe annet", description="modell")
    found = Initiative.objects.filter(
        Q(code__icontains="DEL") | Q(title__icontains="DEL") | Q(description__icontains="DEL")
    )
    assert sorted(i.code for i in found) == ["FI-7", "FI-8"]
