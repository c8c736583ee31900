"""Data for the learning loop's tests: a decision that adopted a proposal as an initiative,
with a costed option and a measured benefit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from nytte.governance.choices import CaseStatus
from nytte.proposals.choices import Stage
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    ProposalFactory,
    TargetFactory,
    UserFactory,
)
from tests.governance.factories import (
    CaseOptionFactory,
    DecisionCaseFactory,
    DecisionFactory,
    OptionCostFactory,
)


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.FollowUpAction"

    decision = factory.SubFactory(DecisionFactory)
    title = factory.Sequence(lambda n: f"Oppfølging {n}")
    due_date = factory.LazyFunction(lambda: dt.date(2026, 10, 1))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Lesson"

    programme = factory.SubFactory("tests.factories.ProgrammeFactory")
    title = factory.Sequence(lambda n: f"Erfaring {n}")
    text = "Involver brukerne tidlig."
    tags = "brukere, innsikt"


@dataclass
class Decided:
    proposal: Any
    initiative: Any
    case: Any
    option: Any
    decision: Any
    benefit: Any
    indicator: Any


def decided(
    programme: Any,
    *,
    measured: float | None = 800,
    title: str = "Digital innkreving av gebyrer",
    need: str = "Innkreving av gebyrer skjer på papir og tar lang tid.",
    option_cost: int = 2_000_000,
    decided_by: Any = None,
) -> Decided:
    """A proposal adopted by an approved decision as an initiative, whose one benefit has
    a baseline 1000 (1 Jan 2026), a target 600 (1 Jan 2027) and, unless ``measured`` is
    None, a measurement on 1 Jul 2026 (800 is on plan, 900 behind)."""
    initiative = InitiativeFactory(programme=programme, title=title, description=need)
    proposal = ProposalFactory(
        programme=programme,
        title=title,
        need=need,
        stage=Stage.ADOPTED,
        attached_to=initiative,
        proposer_email="forslagsstiller@example.no",
    )
    case = DecisionCaseFactory(
        programme=programme, proposal=proposal, title=title, status=CaseStatus.DECIDED
    )
    option = CaseOptionFactory(case=case, title="Gjennomfør")
    OptionCostFactory(option=option, year=2026, amount=option_cost // 2)
    OptionCostFactory(option=option, year=2027, amount=option_cost - option_cost // 2)
    decision = DecisionFactory(
        case=case,
        option=option,
        decided_by=decided_by or UserFactory(),
        decided_on=dt.date(2026, 1, 15),
        review_date=dt.date(2026, 9, 1),
    )
    benefit = BenefitFactory(programme=programme, title="Raskere innkreving")
    ContributionFactory(benefit=benefit, initiative=initiative, share=100)
    BenefitAmountFactory(benefit=benefit, year=2026, low=800_000, likely=1_000_000, high=1_200_000)
    BenefitAmountFactory(benefit=benefit, year=2027, low=800_000, likely=1_000_000, high=1_200_000)
    indicator = IndicatorFactory(benefit=benefit)
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    if measured is not None:
        MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=measured)
    return Decided(proposal, initiative, case, option, decision, benefit, indicator)
