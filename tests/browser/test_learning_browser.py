"""The learning loop's pages in real Chromium, checked with axe-core: the learning page,
follow-up actions, a review, the lessons, calibration (with its chart), a status report and
the process metrics."""

from __future__ import annotations

import pytest

from nytte.core.choices import Role
from nytte.governance.learning import lessons, status_report
from tests.browser.conftest import assert_accessible
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory
from tests.governance.learning_factories import FollowUpActionFactory, decided

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learning():
    programme = ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving")
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    case = decided(programme)
    FollowUpActionFactory(decision=case.decision, owner=user)
    lessons.lesson_create(
        programme=programme,
        title="Avklar jus tidlig",
        text="Juridiske spørsmål tok lengst tid.",
        tags="jus",
        case=case.case,
        acting_user=user,
    )
    status_report.report_create(programme=programme, acting_user=user)
    return programme, case


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_the_learning_loop_pages_are_accessible(page, learning):
    programme, case = learning
    _log_in(page)
    base = f"/p/{programme.slug}/learning/"
    for path in (
        "",
        "actions/",
        f"reviews/{case.decision.pk}/",
        "lessons/",
        "calibration/",
        "revisits/",
        "status/",
        "metrics/",
    ):
        page.goto(base + path)
        if path in ("calibration/", "metrics/"):
            page.wait_for_selector(".chart svg, .chart canvas")
        assert_accessible(page)
    report = programme.portfolio_reports.get()
    page.goto(f"{base}status/{report.pk}/")
    page.wait_for_selector("#lights-h")
    assert_accessible(page)
