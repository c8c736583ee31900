"""The register's totals: those of the whole programme are kept under its portfolio version
and follow every change made through the services; so are a filtered list's, under its
filters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.benefits.services import amount_create, contribution_create
from nytte.core.actors import SYSTEM
from tests.factories import BenefitAmountFactory, BenefitFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(facilitator, client_for, programme):
    """The register's (count, total once, total attributed) for a query, and whether the
    request summed the matches in the database."""
    client = client_for(facilitator, language="en")
    url = reverse("benefits:benefit_list", args=[programme.slug])

    def read(query: str = "") -> tuple[tuple[str, str, str], bool]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url + query).content.decode()
        count = re.search(r"(\d+) benefits?", html).group(1)
        once = re.search(r'id="total-once">([^<]*)<', html).group(1)
        attributed = re.search(r'id="total-attributed">([^<]*)<', html).group(1)
        summed = any("COUNT(" in q["sql"] for q in queries.captured_queries)
        return (count, once, attributed), summed

    return read


def test_the_whole_registers_totals_are_summed_once_per_change(register, programme, facilitator):
    benefit = BenefitFactory(programme=programme, code="S-1", status="planned")
    BenefitAmountFactory(benefit=benefit, year=2026, low=1, likely=1_000_000, high=2_000_000)
    initiative = InitiativeFactory(programme=programme, code="A-1")

    assert register() == (("1", "1,000,000", "0"), True)
    assert register() == (("1", "1,000,000", "0"), False)  # kept
    assert register("?sort=-total") == (("1", "1,000,000", "0"), False)  # sorting is no filter

    contribution_create(benefit=benefit, initiative=initiative, share=40, acting_user=facilitator)
    assert register() == (("1", "1,000,000", "400,000"), True)
    amount_create(
        benefit=benefit, acting_user=facilitator, year=2027, low=1, likely=500_000, high=600_000
    )
    assert register() == (("1", "1,500,000", "600,000"), True)


def test_filtered_totals_are_summed_once_per_filter(register, programme):
    planned = BenefitFactory(programme=programme, code="S-1", status="planned", kind="others")
    BenefitAmountFactory(benefit=planned, year=2026, low=1, likely=1_000_000, high=2_000_000)
    realised = BenefitFactory(programme=programme, code="S-2", status="realised", kind="efficiency")
    BenefitAmountFactory(benefit=realised, year=2026, low=1, likely=300_000, high=400_000)

    assert register() == (("2", "1,300,000", "0"), True)
    assert register("?status=realised") == (("1", "300,000", "0"), True)
    assert register("?status=realised") == (("1", "300,000", "0"), False)  # kept
    # The same filters in another order, or sorted otherwise, are the same filter.
    efficient = ("1", "300,000", "0")
    assert register("?status=realised&status=planned&kind=efficiency") == (efficient, True)
    again = register("?kind=efficiency&sort=-code&status=planned&status=realised")
    assert again == (efficient, False)
    # A filter that is not valid filters nothing: the whole register's totals, as kept.
    assert register("?status=nonsense") == (("2", "1,300,000", "0"), False)
    amount_create(
        benefit=realised, acting_user=SYSTEM, year=2027, low=1, likely=100_000, high=200_000
    )
    assert register("?status=realised") == (("1", "400,000", "0"), True)  # a change: summed
