"""Codes sort as people read them, in Python and in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nytte.core.naturalsort import compare, natural_key
from nytte.portfolio.models import Initiative
from tests.factories import InitiativeFactory

CODES = ["FI-10", "FI-2", "FI-1", "FI-11", "B-3", "FI-02", "FI-100", "A"]
NATURAL = ["A", "B-3", "FI-1", "FI-02", "FI-2", "FI-10", "FI-11", "FI-100"]


def test_natural_key_puts_numbers_in_numeric_order():
    assert sorted(CODES, key=natural_key) == NATURAL


@given(st.lists(st.from_regex(r"[A-Z]{1,3}-[0-9]{1,6}", fullmatch=True), max_size=20))
def test_compare_is_a_total_order_consistent_with_the_key(codes):
    import functools

    assert sorted(codes, key=functools.cmp_to_key(compare)) == sorted(codes, key=natural_key)


def test_the_database_orders_codes_naturally(programme):
    for code in ["FI-10", "FI-2", "FI-1", "FI-11", "FI-100", "FI-3"]:
        InitiativeFactory(programme=programme, code=code)
    ordered = list(
        Initiative.objects.filter(programme=programme)
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert ordered == ["FI-1", "FI-2", "FI-3", "FI-10", "FI-11", "FI-100"]


def test_the_initiative_list_page_and_api_sort_codes_naturally(programme, facilitator, client_for):
    for code in ["FI-10", "FI-2", "FI-1"]:
        InitiativeFactory(programme=programme, code=code)
    client = client_for(facilitator)
    page = client.get(f"/p/{programme.slug}/initiatives/?sort=code").content.decode()
    assert page.index("FI-1<") < page.index("FI-2<") < page.index("FI-10<")
    api = client.get(f"/api/v1/programmes/{programme.slug}/initiatives?sort=code").json()
    codes = [row["code"] for row in (api["items"] if isinstance(api, dict) else api)]
    assert codes == ["FI-1", "FI-2", "FI-10"]
