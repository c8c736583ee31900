"""Step 4 in real Chromium, axe-clean on every page: the facilitator prepares a case from the
work queue, a forum member decides it on its page, and the decision, baselines, comparison,
forums and governance dialogue are read."""

from __future__ import annotations

import pytest

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.costbenefit.models import AnalysisSettings, ExtraLine
from nytte.governance.models import ForumMember
from nytte.governance.services import freeze_baseline
from tests.browser.conftest import assert_accessible
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)
from tests.governance.factories import ForumFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
P = "/p/framtidens-innkreving/governance/"


@pytest.fixture
def ready():
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme = ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving")
    for username, role in (("fasilitator", Role.FACILITATOR), ("forum", Role.FORUM_MEMBER)):
        MembershipFactory(user=UserFactory(username=username), programme=programme, role=role)
    proposal = ProposalFactory(
        programme=programme, number=1, stage="ready", title="Felles varsling"
    )
    proposal.affected_organisations.set([nav])
    AnalysisSettings.objects.create(proposal=proposal, iterations=1000)
    for kind, amount, first, last in (
        ("cost", 3_000_000, 2027, 2027),
        ("benefit", 900_000, 2028, 2035),
    ):
        ExtraLine.objects.create(
            proposal=proposal,
            name=kind,
            kind=kind,
            category="investment" if kind == "cost" else "efficiency",
            organisation=nav,
            first_year=first,
            last_year=last,
            low=amount,
            likely=amount,
            high=amount,
        )
    forum = ForumFactory(programme=programme, name="Programstyret")
    ForumMember.objects.create(
        forum=forum, user=programme.memberships.get(role=Role.FORUM_MEMBER).user
    )
    MeetingFactory(forum=forum)
    freeze_baseline(programme, "Start", SYSTEM)
    return programme


def _log_in(page, username) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_a_case_is_prepared_decided_and_read_accessibly(page, ready):
    _log_in(page, "fasilitator")
    page.goto("/queue/")
    page.get_by_role("button", name="Forbered sak F-1").click()
    page.wait_for_url(f"**{P}cases/1/")
    page.wait_for_selector("[data-chart^='split-chart-'] svg, [data-chart^='split-chart-'] canvas")
    assert_accessible(page)
    page.locator("main a[href*='/options/']").last.click()
    page.wait_for_url(f"**{P}cases/1/options/*/")
    assert_accessible(page)
    page.goto(P + "forums/")
    page.get_by_role("link", name="Programstyret").click()
    page.wait_for_url(f"**{P}forums/*/")  # axe must see the forum, not the list it left
    assert_accessible(page)  # members and the meeting form
    page.locator("main a[href*='/meetings/']").first.click()
    page.wait_for_url("**/meetings/**")
    assert_accessible(page)  # the agenda form
    page.goto("/p/framtidens-innkreving/governance/dialogue/")
    assert_accessible(page)  # the new-item form
    page.context.clear_cookies()

    _log_in(page, "forum")
    page.goto(f"{P}cases/1/")
    assert_accessible(page)
    page.locator("#id_decide-outcome").select_option("approved")
    page.locator("#id_decide-rationale").fill("Stor nytte.")
    page.locator("#id_decide-review_date").fill("2027-10-01")
    page.get_by_role("button", name="Registrer vedtak").click()
    page.wait_for_url(f"**{P}decisions/*/")
    assert "Godkjent" in page.locator("main").inner_text()
    assert_accessible(page)
    for path in (
        "baselines/",
        "baselines/2/",
        "baselines/compare/?a=1&b=2",
        "forums/",
        "dialogue/",
        "",
    ):
        page.goto(P + path)
        assert_accessible(page)
    page.goto(P + "baselines/compare/?a=1&b=2")
    assert "F-1" in page.locator("main").inner_text()
