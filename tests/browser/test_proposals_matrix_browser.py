"""Step 3 in real Chromium: the potential × complexity matrix draws its chart (with tooltips
and links) beside its table, the assessor's form is scored and submitted, and the matrix,
the form and the assessment tab pass axe-core. The page fixture fails on CSP violations,
console errors and third-party requests."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from nytte.proposals import assessment as assess
from nytte.proposals.choices import Stage
from nytte.proposals.defaults import programme_defaults_create
from tests.browser.conftest import assert_accessible
from tests.factories import (
    AssessmentFactory,
    MembershipFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline():
    """The default criteria; two assessed proposals (a quick win and one to park), and one
    the assessor is asked to assess."""
    programme = ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving")
    programme_defaults_create(programme=programme)  # as programme_create does
    facilitator = UserFactory(username="fasilitator")
    MembershipFactory(user=facilitator, programme=programme, role=Role.FACILITATOR)
    assessor = UserFactory(username="vurderer")
    MembershipFactory(user=assessor, programme=programme, role=Role.CONTRIBUTOR)
    other = UserFactory(username="annen")
    MembershipFactory(user=other, programme=programme, role=Role.CONTRIBUTOR)
    criteria = assess.criteria_for(programme=programme)
    potential = {c.pk for c in criteria if c.dimension == "potential"}

    def scored(title: str, high_potential: bool) -> object:
        proposal = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title=title)
        assessment = AssessmentFactory(proposal=proposal, assessor=other)
        scores = {c.pk: (5 if (c.pk in potential) == high_potential else 1) for c in criteria}
        assess.assessment_save(assessment=assessment, scores=scores, submit=True, acting_user=other)
        return proposal

    quick = scored("Forhåndsutfylt søknad", True)
    park = scored("Nytt fagsystem for alt", False)
    waiting = ProposalFactory(
        programme=programme, stage=Stage.ASSESSMENT, title="Felles gjeldsoversikt"
    )
    AssessmentFactory(proposal=waiting, assessor=assessor)
    return programme, quick, park, waiting, criteria


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_the_matrix_draws_points_with_tooltips_and_links_and_is_accessible(page, pipeline):
    programme, quick, park, _waiting, _criteria = pipeline
    _log_in(page, "fasilitator")
    page.goto(f"/p/{programme.slug}/proposals/matrix/")
    page.wait_for_selector(".chart[data-chart-drawn] svg")
    marks = page.locator(".chart svg .mark-symbol.role-mark path")
    assert marks.count() == 2
    assert page.locator("table.assess-matrix-table tbody tr").count() == 2
    assert_accessible(page)

    # Pointing at a point gives its figures (Vega's own tooltip: the title attribute).
    marks.first.hover()
    # Marks follow the table's order (highest potential first), so this is the quick win.
    tooltip = page.locator(".chart").get_attribute("title") or ""
    assert quick.reference in tooltip and quick.title in tooltip
    assert "100" in tooltip  # its potential

    # Setting a track from the table: the disclosure opens, the form is accessible.
    row = page.locator(f"#proposal-{park.number}")
    row.locator("summary").click()
    assert_accessible(page)
    row.locator("textarea[name=track_reason]").fill("For krevende nå")
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"**/proposals/matrix/#proposal-{park.number}")
    park.refresh_from_db()
    assert park.track == "park"
    assert_accessible(page)

    # A click on a point opens the proposal's assessment tab.
    page.locator(".chart svg .mark-symbol.role-mark path").first.click()
    page.wait_for_url(f"**/proposals/{quick.number}/?tab=assessment")
    assert page.locator("#assessment-panel").count() == 1


def test_the_assessor_scores_and_submits_an_accessible_form(page, pipeline):
    programme, _quick, _park, waiting, criteria = pipeline
    _log_in(page, "vurderer")
    page.goto(f"/p/{programme.slug}/proposals/{waiting.number}/assess/")
    assert page.locator("fieldset.assess-criterion").count() == len(criteria)
    assert_accessible(page)

    # A draft with one score, then an attempt to submit with the rest missing.
    first = criteria[0]
    page.locator(f"#id_score_{first.pk}_3").check()
    page.locator(f"#id_note_{first.pk}").fill("Tydelig nytte")
    page.locator("button[name=intent][value=submit]").click()
    page.wait_for_selector(".ds-error-summary")
    assert page.locator(f"#id_score_{first.pk}_3").is_checked()  # kept as chosen
    assert page.locator(f"#id_note_{first.pk}").input_value() == "Tydelig nytte"
    assert_accessible(page)

    for criterion in criteria:
        page.locator(f"#id_score_{criterion.pk}_1").check()
    page.locator("button[name=intent][value=submit]").click()
    page.wait_for_url("**/?tab=assessment")
    assert page.locator("[data-aggregate=potential]").count() == 1
    assert_accessible(page)


def test_the_criteria_page_and_the_facilitators_tab_are_accessible(page, pipeline):
    programme, _quick, _park, waiting, criteria = pipeline
    _log_in(page, "fasilitator")
    page.goto(f"/p/{programme.slug}/proposals/criteria/")
    assert page.locator("table.assess-criteria tbody tr").count() == len(criteria)
    section = page.locator("#dimension-complexity")
    section.locator("details:has(form.assess-pairwise) > summary").click()
    selects = section.locator("table.assess-pairs select")
    assert selects.count() == 10  # 5 criteria → 5 · 4 / 2 pairs
    # Technical ≫ organisational ≫ legal ≫ technical: contradictory on purpose.
    selects.nth(0).select_option("9")
    selects.nth(1).select_option("1/9")
    selects.nth(4).select_option("9")
    # Wait for the server's answer to the POST itself, then for the warning it brings.
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/criteria/" in r.url, timeout=60_000
    ) as answer:
        section.locator("form.assess-pairwise button[type=submit]").click()
    assert answer.value.status in (200, 302), answer.value.status  # 302: post/redirect/get
    page.wait_for_selector("#pairwise-result-complexity .ds-alert[data-color=warning]")
    assert_accessible(page)

    page.goto(f"/p/{programme.slug}/proposals/{waiting.number}/?tab=assessment")
    assert page.locator(".assess-assessors tbody tr").count() == 1
    assert_accessible(page)
    # Asking another member re-renders the panel in place (HTMX).
    page.locator("#assessor_assessor").select_option(index=1)
    page.locator("form.assess-ask button[type=submit]").click()
    page.wait_for_selector("#assessment-panel .lines-panel__notice .ds-alert")
    assert page.locator(".assess-assessors tbody tr").count() == 2
    assert_accessible(page)
