"""Query counts of the benefit pages stay the same however many benefits, indicators, targets
and measurements there are: the register for 3 and 30 benefits, a benefit's page (every tab,
an open edit form, an inline add) for 2 and 10 indicators with as many targets and
measurements each, and the initiative's Benefits tab for 3 and 30 benefits."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.benefits.models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    Target,
)
from nytte.core.choices import Role
from nytte.core.models import OrganisationMembership
from nytte.portfolio.models import Risk
from tests.factories import GoalFactory, InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
_batches = itertools.count()


def _register(programme, n: int, *, lines: int = 2) -> tuple[list[Benefit], list]:
    """``n`` benefits, each shared by ``lines`` initiatives of two agencies, with ``lines``
    yearly amounts, risks and indicators, and ``lines`` targets and measurements each."""
    batch = next(_batches)
    agencies = [OrganisationFactory() for _ in range(2)]
    programme.participants.add(*agencies)
    goal = GoalFactory(programme=programme, level="impact")
    initiatives = [
        InitiativeFactory(
            programme=programme, code=f"I{batch}-{k}", owner_organisation=agencies[k % 2]
        )
        for k in range(lines)
    ]
    risks = Risk.objects.bulk_create(
        Risk(initiative=initiatives[0], title=f"Risiko {k}", probability=2, consequence=3)
        for k in range(lines)
    )
    benefits = Benefit.objects.bulk_create(
        Benefit(
            programme=programme,
            code=f"B{batch}-{i:03d}",
            title=f"Gevinst {i}",
            kind="efficiency",
            owner_organisation=agencies[i % 2],
            arises_in_organisation=agencies[i % 2] if i % 3 else None,
            arises_in_group="" if i % 3 else "citizens",
            impact_goal=goal,
            status=["planned", "realising"][i % 2],
            total_low=1,
            total_likely=2,
            total_high=3,
        )
        for i in range(n)
    )
    Contribution.objects.bulk_create(
        Contribution(benefit=b, initiative=i, share=100 // lines)
        for b in benefits
        for i in initiatives
    )
    BenefitAmount.objects.bulk_create(
        BenefitAmount(benefit=b, year=2026 + k, low=1, likely=2, high=3)
        for b in benefits
        for k in range(lines)
    )
    for benefit in benefits:
        benefit.risks.set(risks)
    indicators = Indicator.objects.bulk_create(
        Indicator(
            benefit=b,
            name=f"Indikator {k}",
            unit="saker",
            baseline_value=100,
            baseline_date=dt.date(2026, 1, 1),
        )
        for b in benefits
        for k in range(lines)
    )
    Target.objects.bulk_create(
        Target(indicator=ind, date=dt.date(2027 + k, 1, 1), value=200 + k)
        for ind in indicators
        for k in range(lines)
    )
    Measurement.objects.bulk_create(
        Measurement(
            indicator=ind,
            date=dt.date(2026, 2, 1) + dt.timedelta(days=30 * k),
            value=110 + k,
            source="Uttrekk",
        )
        for ind in indicators
        for k in range(lines)
    )
    return benefits, initiatives


def _count(client, url: str, method: str = "get", data: dict | None = None, **extra):
    ContentType.objects.clear_cache()  # count the content-type lookups every time (worst case)
    caches["register"].clear()  # and the register's totals summed (kept only per version)
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), (url, response.status_code)
    return captured


def _pinned(pinned_queries, persona: str, counts: dict) -> dict[str, int]:
    """Each measured page's count, checked against query_counts.json."""
    return {
        name: pinned_queries.check(f"{name} ({persona})", captured)
        for name, captured in counts.items()
    }


def _owner_of_everything(user, programme) -> None:
    """The owner persona owns every benefit (through both organisations)."""
    for organisation in programme.participants.all():
        OrganisationMembership.objects.get_or_create(
            user=user, organisation=organisation, role=Role.OWNER
        )


@pytest.mark.parametrize("persona", ["facilitator", "owner", "viewer"])
def test_register_queries_do_not_grow_with_the_number_of_benefits(
    request, persona, programme, client_for, pinned_queries
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse("benefits:benefit_list", args=[programme.slug])

    def counts(n: int) -> dict[str, int]:
        benefits, initiatives = _register(programme, n)
        owner = benefits[0].owner_organisation
        measured = {
            "register": _count(client, url),
            "register filtered": _count(
                client,
                url + f"?initiative={initiatives[0].code}&owner_organisation={owner.orgnr}"
                f"&kind=efficiency&status=planned&status=realising&q=Gevinst&sort=-total",
            ),
            "register htmx": _count(client, url + "?sort=owner", HTTP_HX_REQUEST="true"),
        }
        return _pinned(pinned_queries, persona, measured)

    small = counts(3)
    large = counts(30)
    assert large == small
    assert small["register"] <= 10, small


@pytest.mark.parametrize("persona", ["facilitator", "owner", "viewer"])
def test_benefit_page_queries_do_not_grow_with_its_lines(
    request, persona, programme, client_for, pinned_queries
):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    def counts(lines: int) -> dict[str, int]:
        benefits, _initiatives = _register(programme, 2, lines=lines)
        if persona == "owner":
            _owner_of_everything(user, programme)
        benefit = benefits[0]
        url = benefit.get_absolute_url()
        result = {
            f"benefit {tab}": _count(client, f"{url}?tab={tab}")
            for tab in ("overview", "realisation", "history")
        }
        if persona != "viewer":
            indicator = benefit.indicators.first()
            measurement = indicator.measurements.first()
            result["benefit edit measurement"] = _count(
                client, f"{url}?tab=realisation&edit=measurement-{measurement.pk}"
            )
            result["benefit edit form"] = _count(
                client, reverse("benefits:benefit_edit", args=[programme.slug, benefit.code])
            )
            result["benefit add measurement"] = _count(
                client,
                url,
                "post",
                {
                    "action": "measurement-add",
                    "indicator": str(indicator.pk),
                    f"add-measurement-{indicator.pk}-date": "2030-01-01",
                    f"add-measurement-{indicator.pk}-value": "123",
                },
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="realisation-panel",
            )
        return _pinned(pinned_queries, persona, result)

    small = counts(2)
    large = counts(10)
    assert large == small
    assert small["benefit realisation"] <= 10, small


def test_initiative_benefits_tab_queries_do_not_grow(viewer, programme, client_for, pinned_queries):
    client = client_for(viewer)

    def count(n: int) -> int:
        _benefits, initiatives = _register(programme, n, lines=1)
        captured = _count(client, initiatives[0].get_absolute_url() + "?tab=benefits")
        return pinned_queries.check("initiative benefits tab (viewer)", captured)

    assert count(3) == count(30)


# Measured with 30 benefits of 10 initiatives' shares, yearly amounts, indicators, targets and
# measurements each; the counts are in query_counts.json.
PINNED = ["register", "overview", "realisation", "history"]


def test_query_counts_are_pinned(programme, facilitator, client_for, pinned_queries):
    client = client_for(facilitator)
    benefits, _initiatives = _register(programme, 30, lines=10)
    url = benefits[0].get_absolute_url()
    pages = {
        "register": reverse("benefits:benefit_list", args=[programme.slug]),
        "overview": url,
        "realisation": f"{url}?tab=realisation",
        "history": f"{url}?tab=history",
    }
    for name in PINNED:
        ContentType.objects.clear_cache()
        with pinned_queries(name):
            assert client.get(pages[name]).status_code == 200, name
