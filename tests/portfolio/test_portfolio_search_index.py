"""The initiative search is served by trigram indexes on PostgreSQL (migration 0005); on
SQLite the migration does nothing and the search scans, as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from nytte.portfolio.filtersets import InitiativeFilterSet
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


def _search(programme, q: str) -> list[str]:
    filterset = InitiativeFilterSet(
        {"q": q}, queryset=Initiative.objects.filter(programme=programme), programme=programme
    )
    return sorted(filterset.qs.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("4", ["FI-4", "FI-40"]),
        ("del 4", ["FI-4", "FI-40"]),
        ("DEL 4", ["FI-4", "FI-40"]),
        ("-4", ["FI-4", "FI-40"]),
        ("%", ["FI-6"]),
        ("_", ["FI-6"]),
        ("5", ["FI-5", "FI-6"]),
        ("a5", ["FI-5"]),
        ("ø", ["FI-5"]),
    ],
)
def test_a_short_word_without_letters_finds_what_any_word_finds(programme, q, expected):
    """Short words of digits and signs are matched without upper-casing the columns: the
    rows found are the same as for any word (anywhere, letters in any case, % and _ as
    themselves)."""
    InitiativeFactory(programme=programme, code="FI-4", title="Deling", description="x")
    InitiativeFactory(programme=programme, code="FI-40", title="Noe", description="Modell")
    InitiativeFactory(programme=programme, code="FI-5", title="Løsning A5", description="x")
    InitiativeFactory(programme=programme, code="FI-6", title="Andel 100 %", description="a_5")
    InitiativeFactory(programme=programme, code="FI-7", title="Annet", description="x")
    assert _search(programme, q) == expected


def test_a_short_word_without_letters_is_matched_without_upper_case_on_postgresql(programme):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes both lookups as the same LIKE")
    filterset = InitiativeFilterSet(
        {"q": "del 4"}, queryset=Initiative.objects.filter(programme=programme)
    )
    sql, params = filterset.qs.query.sql_with_params()
    assert sql.count("UPPER(") == 6, sql  # "del": three columns, both sides of LIKE
    assert "%4%" in params
