"""A small anchored programme: two initiatives (FI-1 owned by the ``owner`` persona, FI-2
touching municipal services), a proposal, a benefit arising in NAV, and the default
checklist."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nytte.anchoring.defaults import ensure_default_questions
from nytte.anchoring.models import ChecklistQuestion
from nytte.benefits.models import Benefit
from nytte.core.actors import SYSTEM
from nytte.core.choices import OrganisationKind
from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal
from tests.factories import BenefitFactory, InitiativeFactory, OrganisationFactory, ProposalFactory


@dataclass
class Anchored:
    programme: Programme
    ske: Organisation
    nav: Organisation
    oslo: Organisation
    fi1: Initiative
    fi2: Initiative
    proposal: Proposal
    benefit: Benefit

    def question(self, topic: str) -> ChecklistQuestion:
        return self.programme.anchoring_questions.get(topic=topic)


@pytest.fixture
def anchored(programme, owner) -> Anchored:
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    oslo = OrganisationFactory(
        name="Oslo kommune", short_name="Oslo", kind=OrganisationKind.MUNICIPALITY
    )
    programme.participants.add(ske, nav, oslo)
    ensure_default_questions(programme, acting_user=SYSTEM)
    fi1 = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske, owner=owner)
    fi1.participants.add(nav)
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    fi2.participants.add(oslo)
    proposal = ProposalFactory(programme=programme, number=1)
    proposal.affected_organisations.add(ske)
    benefit = BenefitFactory(
        programme=programme, code="G-1", owner_organisation=nav, arises_in_organisation=nav
    )
    return Anchored(programme, ske, nav, oslo, fi1, fi2, proposal, benefit)
