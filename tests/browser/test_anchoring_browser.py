"""The anchoring view of an initiative, the heat-map and the stakeholder register in real
Chromium, checked with axe-core; answers saved without JavaScript."""

from __future__ import annotations

import pytest

from nytte.anchoring import services
from nytte.anchoring.choices import Topic
from nytte.anchoring.defaults import ensure_default_questions
from nytte.anchoring.models import AnchoringAnswer
from nytte.core.actors import SYSTEM
from nytte.core.choices import OrganisationKind, Role
from tests.browser.conftest import assert_accessible
from tests.factories import (
    BenefitFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anchoring():
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    oslo = OrganisationFactory(
        name="Oslo kommune", short_name="Oslo", kind=OrganisationKind.MUNICIPALITY
    )
    programme = ProgrammeFactory(
        name="Framtidens innkreving", slug="framtidens-innkreving", owner=ske
    )
    programme.participants.add(ske, oslo)
    ensure_default_questions(programme, acting_user=SYSTEM)
    user = UserFactory(username="fasilitator")
    MembershipFactory(user=user, programme=programme, role=Role.FACILITATOR)
    initiative = InitiativeFactory(
        programme=programme, code="FI-1", title="Gjeldsrådgivning", owner_organisation=ske
    )
    initiative.participants.add(oslo)
    BenefitFactory(programme=programme, code="G-1", owner_organisation=oslo)
    services.stakeholder_create(
        programme=programme,
        data={"group": "users", "name": "Personer med gjeld", "influence": 2, "interest": 5},
        acting_user=SYSTEM,
    )
    services.stakeholder_create(
        programme=programme,
        data={"organisation": oslo, "initiative": initiative, "influence": 4, "interest": 4},
        acting_user=SYSTEM,
    )
    return programme, initiative


def _log_in(page) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/p/framtidens-innkreving/")


def test_the_anchoring_view_is_accessible_and_saves_answers(page, anchoring):
    programme, initiative = anchoring
    _log_in(page)
    page.goto(initiative.get_absolute_url())
    page.locator(f"a[href$='/initiatives/{initiative.code}/anchoring/']").click()
    page.wait_for_selector("#ks-flag")  # Oslo takes part: KS is required
    assert_accessible(page)

    ks = programme.anchoring_questions.get(topic=Topic.KS)
    page.locator(f"#id_q{ks.pk}-status").select_option("partly")
    page.locator(f"#id_q{ks.pk}-comment").fill("KS får høring i mars.")
    page.locator("button:has-text('Lagre svarene')").click()
    page.wait_for_selector(".ds-alert[data-color='success']")
    assert not page.locator("#ks-flag").count()
    assert AnchoringAnswer.objects.get(question=ks).comment == "KS får høring i mars."
    assert_accessible(page)


def test_the_heat_map_and_the_stakeholder_register_are_accessible(page, anchoring):
    programme, _initiative = anchoring
    _log_in(page)
    page.goto(f"/p/{programme.slug}/anchoring/")
    assert page.locator("#heat-questions td[data-state='flagged']").count() == 1
    assert_accessible(page)
    page.goto(f"/p/{programme.slug}/stakeholders/")
    page.wait_for_selector("[data-chart='stakeholder-grid-spec'] svg")
    assert_accessible(page)
    page.goto(f"/p/{programme.slug}/anchoring/questions/")
    assert_accessible(page)
    page.goto(f"/p/{programme.slug}/benefits/G-1/raci/")
    assert page.locator("#raci-warning").count() == 1
    assert_accessible(page)
