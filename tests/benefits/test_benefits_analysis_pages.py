"""The benefits map, who pays / who benefits and the follow-up dashboard as people use them:
who may see them, filters that work without JavaScript, the tolerance that only programme
admins may save, and query counts that do not grow with the register."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nytte.benefits.services.benefits import benefit_update
from nytte.benefits.services.measurements import measurement_create
from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry, Organisation
from nytte.proposals.services.capture import proposal_submit
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGES = ["map", "flows", "dashboard"]


def _url(programme, page: str, query: str = "") -> str:
    return reverse(f"benefits:{page}", kwargs={"slug": programme.slug}) + query


@pytest.fixture
def register(programme):
    """Goals, two organisations, initiatives with costs, priced and unpriced benefits."""
    programme.start_year = 2026
    programme.save()
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Færre feil"
    )
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    paid = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    CostLineFactory(initiative=paid, organisation=ske, year=2026, low=1, likely=1, high=1)
    idle = InitiativeFactory(programme=programme, code="FI-9", owner_organisation=nav)
    linked = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre feilutbetalinger",
        impact_goal=impact,
        owner_organisation=nav,
    )
    BenefitAmountFactory(benefit=linked, year=2026, low=1000, likely=1000, high=1000)
    ContributionFactory(benefit=linked, initiative=paid, share=50)
    loose = BenefitFactory(
        programme=programme,
        code="G-2",
        title="Raskere svar",
        kind="quality",
        priced=False,
        impact_goal=None,
        owner_organisation=ske,
    )
    return {"linked": linked, "loose": loose, "paid": paid, "idle": idle, "ske": ske, "nav": nav}


# ---------------------------------------------------------------------------------------------
# Who may see and act


@pytest.mark.parametrize("page", PAGES)
def test_outsiders_get_404_and_viewers_see(page, programme, register, outsider, viewer, client_for):
    assert client_for(outsider).get(_url(programme, page)).status_code == 404
    response = client_for(viewer).get(_url(programme, page))
    assert response.status_code == 200
    nav = re.search(r'<nav class="section-nav".*?</nav>', response.content.decode(), re.S)
    assert f'href="{_url(programme, page)}" aria-current="page"' in nav.group(0)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(page, programme, client):
    response = client.get(_url(programme, page))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# Benefits map


def test_map_shows_goals_benefits_and_loose_ends(programme, register, viewer, client_for):
    response = client_for(viewer, language="en").get(_url(programme, "map"))
    html = response.content.decode()
    linked, loose = register["linked"], register["loose"]
    # The diagram: one box per benefit, initiative and goal, linking to their pages.
    for key in (f"b-{linked.pk}", f"b-{loose.pk}", f"i-{register['paid'].pk}", "g-none"):
        assert f'data-node="{key}"' in html
    assert f'href="{linked.get_absolute_url()}"' in html
    assert 'data-from="i-{}" data-to="b-{}"'.format(register["paid"].pk, linked.pk) in html
    assert "style=" not in html  # the CSP forbids inline style
    # The lists: under its goal, where it arises, contributing initiatives and shares.
    lists = html[html.index('id="lists-h"') :]
    assert lists.index("E1 Færre feil") < lists.index("G-1 Færre feilutbetalinger")
    assert "arises in Arbeids- og velferdsetaten" in lists
    assert "50 % attributed" in lists
    unlinked = lists[lists.index('id="map-unlinked"') : lists.index('id="map-idle"')]
    assert "G-2 Raskere svar" in unlinked
    idle = lists[lists.index('id="map-idle"') :]
    assert "FI-9" in idle and "FI-1 " not in idle


def test_map_filter_by_organisation_works_without_javascript(
    programme, register, viewer, client_for
):
    client = client_for(viewer, language="en")
    response = client.get(_url(programme, "map", f"?organisation={register['ske'].pk}"))
    data = response.context["map"]
    # SKE owns G-2 and the initiative behind G-1, and owns FI-1; NAV's idle FI-9 is gone.
    assert data.benefit_count == 2
    assert data.idle == []
    response = client.get(_url(programme, "map", f"?organisation={register['nav'].pk}"))
    data = response.context["map"]
    assert [b.code for i in data.impact_branches for b in i.benefits] == ["G-1"]
    assert data.unlinked == []
    assert [i.code for i in data.idle] == ["FI-9"]
    assert "Showing what touches Arbeids- og velferdsetaten" in response.content.decode()


def test_map_refuses_an_unknown_organisation_next_to_the_field(
    programme, register, viewer, client_for
):
    # No such organisation (PostgreSQL's sequences run on across tests, so not a fixed id).
    unknown = Organisation.objects.aggregate(top=Max("pk"))["top"] + 1000
    response = client_for(viewer, language="en").get(
        _url(programme, "map", f"?organisation={unknown}")
    )
    assert response.status_code == 200
    assert 'id="filter_organisation-error"' in response.content.decode()
    assert response.context["map"].benefit_count == 2  # the whole map instead


def test_map_of_an_empty_programme(programme, viewer, client_for):
    response = client_for(viewer, language="en").get(_url(programme, "map"))
    assert response.context["layout"] is None
    assert "No goals recorded yet." in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits


def test_flows_page_shows_the_matrix_and_the_unpriced(programme, register, viewer, client_for):
    response = client_for(viewer, language="en").get(_url(programme, "flows"))
    html = response.content.decode()
    flows = response.context["flows"]
    # G-1: 1,000 in the base year, 50 % to FI-1 paid by SKE alone, 50 % unattributed.
    assert flows.total == pytest.approx(1000)
    assert {r.key: r.total for r in flows.rows} == pytest.approx(
        {f"org-{register['ske'].pk}": 500, "untied": 500}
    )
    assert "Not tied to costs in the portfolio" in html
    assert 'class="flow-link' in html  # the flow chart
    assert "1 benefit is not in the money picture" in html
    unpriced = html[html.index('id="unpriced-h"') :]
    assert f'href="{register["loose"].get_absolute_url()}"' in unpriced
    assert "Amounts in years before 2026 count in full" in html
    assert "style=" not in html


def test_flows_filters(programme, register, viewer, client_for):
    client = client_for(viewer, language="en")
    paid = register["paid"]
    flows = client.get(_url(programme, "flows", f"?initiative={paid.pk}")).context["flows"]
    assert [(r.key, r.total) for r in flows.rows] == [
        (f"org-{register['ske'].pk}", pytest.approx(500))
    ]
    response = client.get(_url(programme, "flows", "?initiative=abc&organisation="))
    assert 'id="filter_initiative-error"' in response.content.decode()
    assert response.context["flows"].total == pytest.approx(1000)


# ---------------------------------------------------------------------------------------------
# Follow-up dashboard


@pytest.fixture
def behind(programme):
    """A benefit 27 points behind plan today: between tolerances 10 and 30."""
    today = timezone.localdate()
    benefit = BenefitFactory(programme=programme, code="G-BEHIND", owner=UserFactory())
    indicator = IndicatorFactory(
        benefit=benefit,
        frequency="monthly",
        baseline_value=0,
        baseline_date=today - dt.timedelta(days=200),
    )
    TargetFactory(indicator=indicator, date=today + dt.timedelta(days=165), value=100)
    # Measured 10 days ago: the plan says 190/365 = 52 %, realised 25 % (gap 27 points).
    MeasurementFactory(indicator=indicator, date=today - dt.timedelta(days=10), value=25)
    return benefit


def test_dashboard_counts_and_links(programme, behind, viewer, client_for):
    response = client_for(viewer, language="en").get(_url(programme, "dashboard"))
    html = response.content.decode()
    assert response.context["report"].counts["behind"] == 1
    behind_section = html[html.index('id="behind-h"') : html.index('id="overdue-h"')]
    assert f'href="{behind.get_absolute_url()}"' in behind_section
    # The plan says 190/365 of the way, 25 % is realised.
    assert f"gap {(190 / 365 - 0.25) * 100:.1f} points" in behind_section
    card = re.search(r'data-card="behind">\s*<span class="dashboard-card__count">(\d+)<', html)
    assert card and card.group(1) == "1"
    # Not confirmed by its owner either, and viewers get no form to save the tolerance.
    unconfirmed = html[html.index('id="unconfirmed-h"') : html.index('id="no-baseline-h"')]
    assert "G-BEHIND" in unconfirmed
    assert 'method="post"' not in html.split('id="tolerance-h"')[1].split("</section>")[0]


def test_tolerance_can_be_tried_without_saving(programme, behind, viewer, client_for):
    client = client_for(viewer, language="en")
    strict = client.get(_url(programme, "dashboard", "?tolerance=10")).context["report"]
    lenient_response = client.get(_url(programme, "dashboard", "?tolerance=30"))
    assert [b.code for b in strict.behind] == ["G-BEHIND"]
    assert lenient_response.context["report"].behind == []
    assert "only tried out, not saved" in lenient_response.content.decode()
    programme.refresh_from_db()
    assert programme.behind_plan_tolerance == Decimal(10)
    refused = client.get(_url(programme, "dashboard", "?tolerance=150"))
    assert 'id="try_tolerance-error"' in refused.content.decode()
    assert refused.context["report"].tolerance == Decimal(10)


@pytest.mark.parametrize("persona", ["viewer", "owner", "facilitator"])
def test_only_programme_admins_save_the_tolerance(request, persona, programme, behind, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(_url(programme, "dashboard"), {"tolerance": "30"})
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.behind_plan_tolerance == Decimal(10)


def test_outsider_cannot_save_the_tolerance(programme, outsider, client_for):
    response = client_for(outsider).post(_url(programme, "dashboard"), {"tolerance": "30"})
    assert response.status_code == 404


def test_programme_admin_saves_the_tolerance(programme, behind, programme_admin, client_for):
    client = client_for(programme_admin, language="en")
    page = client.get(_url(programme, "dashboard")).content.decode()
    assert 'id="save_tolerance"' in page
    response = client.post(_url(programme, "dashboard"), {"tolerance": "30"}, follow=True)
    assert response.redirect_chain == [(_url(programme, "dashboard"), 302)]
    programme.refresh_from_db()
    assert programme.behind_plan_tolerance == Decimal(30)
    assert response.context["report"].behind == []
    assert "The tolerance is now 30 percentage points." in response.content.decode()
    entry = ChangeLogEntry.objects.filter(programme=programme).latest("timestamp")
    assert entry.actor == programme_admin
    assert "behind_plan_tolerance" in entry.changes


def test_refused_tolerance_keeps_what_was_typed(programme, programme_admin, client_for):
    client = client_for(programme_admin, language="en")
    response = client.post(_url(programme, "dashboard"), {"tolerance": "130"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="save_tolerance-error"' in html
    assert 'value="130"' in html
    programme.refresh_from_db()
    assert programme.behind_plan_tolerance == Decimal(10)


# ---------------------------------------------------------------------------------------------
# Query counts


def _grow(programme, n: int) -> None:
    """``n`` more initiatives with costs and ``n`` more benefits with everything on them."""
    today = timezone.localdate()
    orgs = [OrganisationFactory() for _ in range(3)]
    societal = GoalFactory(programme=programme)
    impact = GoalFactory(programme=programme, level="impact", parent=societal)
    owner = UserFactory()
    for k in range(n):
        initiative = InitiativeFactory(programme=programme, owner_organisation=orgs[k % 3])
        CostLineFactory(initiative=initiative, organisation=orgs[(k + 1) % 3])
        benefit = BenefitFactory(
            programme=programme,
            impact_goal=impact if k % 2 else None,
            owner_organisation=orgs[k % 3],
            arises_in_organisation=None if k % 3 else orgs[k % 3],
            arises_in_group="citizens" if k % 3 else "",
            owner=owner if k % 2 else None,
            priced=bool(k % 4),
            kind="efficiency" if k % 4 else "quality",
        )
        if benefit.priced:
            BenefitAmountFactory(benefit=benefit)
        ContributionFactory(benefit=benefit, initiative=initiative, share=60)
        indicator = IndicatorFactory(benefit=benefit, baseline_date=today - dt.timedelta(days=90))
        TargetFactory(indicator=indicator, date=today + dt.timedelta(days=90))
        MeasurementFactory(indicator=indicator, date=today - dt.timedelta(days=5 + k % 60))


def _count(client, url: str, *, cold: bool = True) -> CaptureQueriesContext:
    """The page's queries; their number is pinned in query_counts.json under the page's name.
    Cold: nothing cached yet (the factories here write past the services, so the register's
    version does not move on)."""
    ContentType.objects.clear_cache()
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return captured


@pytest.mark.parametrize("page", PAGES)
def test_query_counts_do_not_grow(page, programme, programme_admin, client_for, pinned_queries):
    client = client_for(programme_admin)
    query = {"map": "?organisation=", "flows": "?initiative=&organisation=", "dashboard": ""}
    _grow(programme, 3)
    few = pinned_queries.check(page, _count(client, _url(programme, page)))
    few_filtered = pinned_queries.check(page, _count(client, _url(programme, page, query[page])))
    _grow(programme, 30)
    many = pinned_queries.check(page, _count(client, _url(programme, page)))
    assert few == many == few_filtered


def test_filtered_pages_cost_no_more_queries(
    programme, register, behind, viewer, client_for, pinned_queries
):
    client = client_for(viewer)
    org = register["ske"].pk
    pinned_queries.check("map", _count(client, _url(programme, "map", f"?organisation={org}")))
    flows_url = _url(programme, "flows", f"?initiative={register['paid'].pk}&organisation={org}")
    # The typed initiative is looked up by its code (the page lists none).
    pinned_queries.check("flows, by initiative", _count(client, flows_url))
    pinned_queries.check("dashboard", _count(client, _url(programme, "dashboard", "?tolerance=25")))


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_reads_nothing_of_the_register(
    page, programme, register, behind, viewer, client_for, pinned_queries
):
    """The second look at a page reuses what the first computed, for the register's version;
    a change through a service moves the version on and the page is computed again."""
    client = client_for(viewer, language="en")

    def main() -> str:  # the page less its head (a nonce per response)
        html = client.get(_url(programme, page)).content.decode()
        return html[html.index("<main") :]

    first = main()
    warm = _count(client, _url(programme, page), cold=False)
    pinned_queries.check(f"{page}, cached", warm)
    assert main() == first
    assert "G-2 Raskere svar" in first
    # A change in the proposal pipeline reads nothing these pages show: still cached.
    proposal_submit(
        programme=programme,
        data={"title": "Varsel før gebyr", "need": "Behov", "idea": "Idé"},
        acting_user=SYSTEM,
    )
    pinned_queries.check(f"{page}, cached", _count(client, _url(programme, page), cold=False))
    benefit_update(
        benefit=register["loose"], data={"title": "Mye raskere svar"}, acting_user=SYSTEM
    )
    assert "G-2 Mye raskere svar" in main()


@pytest.mark.parametrize("page", PAGES)
def test_a_measurement_recomputes_the_follow_up_only(
    page, programme, register, behind, viewer, client_for, pinned_queries
):
    """Recording a measurement moves the realisation version on, not the portfolio's: the
    map and who pays (which read no indicator) stay cached, the follow-up is computed again
    and shows the benefit caught up."""
    client = client_for(viewer, language="en")
    client.get(_url(programme, page))
    versions = (programme.portfolio_version, programme.realisation_version)
    indicator = behind.indicators.get()
    measurement_create(
        indicator=indicator, date=timezone.localdate(), value=Decimal(90), acting_user=SYSTEM
    )
    programme.refresh_from_db()
    assert programme.portfolio_version == versions[0]
    assert programme.realisation_version == versions[1] + 1
    warm = _count(client, _url(programme, page), cold=False)
    if page == "dashboard":
        # Brought up to date from the last look: only the benefits measured since are read.
        pinned_queries.check(f"{page}, after a measurement", warm)
        sql = [q["sql"] for q in warm.captured_queries]
        assert sum('"realisation_version" >' in q for q in sql) == 1
        assert not any('AS "confirmed_on"' in q for q in sql)  # not every benefit's row
        assert client.get(_url(programme, page)).context["report"].counts["behind"] == 0
    else:
        pinned_queries.check(f"{page}, cached", warm)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_data_are_shared_with_the_other_workers(
    page, programme, register, behind, viewer, client_for, pinned_queries
):
    """What a page computes goes to the shared register cache (it pickles), and another
    worker process, which has nothing in memory, serves the page from it."""
    from django.core.cache import caches

    from nytte.core import registercache

    client = client_for(viewer, language="en")
    html = client.get(_url(programme, page)).content.decode()
    stored = caches["register"]._cache  # the test's in-memory stand-in for the files
    assert len(stored) >= 2  # the generation token and the page's data
    registercache._store.clear()  # as a fresh worker
    with CaptureQueriesContext(connection) as captured:
        again = client.get(_url(programme, page)).content.decode()
    assert again[again.index("<main") :] == html[html.index("<main") :]
    # As many as a warm page in the same worker: nothing of the register is read.
    pinned_queries.check(f"{page}, cached", captured)
