"""Factories for the governance app: forums, meetings, decision cases with options, costs,
benefits and funding shares, decisions and baselines."""

from __future__ import annotations

import datetime

import factory

from nytte.governance.choices import CaseKind, Outcome
from tests.factories import (
    InitiativeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Forum"

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Programstyre {n}")
    kind = "programme_board"
    mandate = "Prioriterer programmets tiltak."


class ForumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.ForumMember"

    forum = factory.SubFactory(ForumFactory)
    user = factory.SubFactory(UserFactory)
    chair = False


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Meeting"

    forum = factory.SubFactory(ForumFactory)
    date = factory.LazyFunction(lambda: datetime.date(2026, 9, 15))
    title = "Styremøte"
    location = "Oslo"


class DecisionCaseFactory(factory.django.DjangoModelFactory):
    """A proposal case by default; pass ``kind=CaseKind.CHANGE, initiative=…,
    proposal=None, change_kind=…`` for a change request."""

    class Meta:
        model = "governance.DecisionCase"

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Sak {n}")
    kind = CaseKind.PROPOSAL
    proposal = factory.SubFactory(ProposalFactory, programme=factory.SelfAttribute("..programme"))
    background = "Bakgrunn for saken."


class ChangeCaseFactory(DecisionCaseFactory):
    kind = CaseKind.CHANGE
    proposal = None
    initiative = factory.SubFactory(
        InitiativeFactory, programme=factory.SelfAttribute("..programme")
    )
    change_kind = "budget"


class CaseOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.CaseOption"

    case = factory.SubFactory(DecisionCaseFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Alternativ {n}")
    description = "Gjennomfør tiltaket."


class OptionCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.OptionCost"

    option = factory.SubFactory(CaseOptionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    year = 2027
    category = "investment"
    amount = 1_000_000


class OptionBenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.OptionBenefit"

    option = factory.SubFactory(CaseOptionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    description = factory.Sequence(lambda n: f"Gevinst {n}")
    annual_amount = 500_000
    gained = True


class FundingShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.FundingShare"

    option = factory.SubFactory(CaseOptionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    basis = 1


class DecisionFactory(factory.django.DjangoModelFactory):
    """Created with ``Decision.objects.create`` (decisions refuse a second save)."""

    class Meta:
        model = "governance.Decision"

    case = factory.SubFactory(DecisionCaseFactory)
    version = 1
    outcome = Outcome.APPROVED
    rationale = "Størst nytte for pengene."
    forum = factory.SubFactory(ForumFactory, programme=factory.SelfAttribute("..case.programme"))
    decided_on = factory.LazyFunction(lambda: datetime.date(2026, 9, 15))
    decided_by = factory.SubFactory(UserFactory)
    review_date = factory.LazyFunction(lambda: datetime.date(2027, 9, 15))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        present = kwargs.pop("present", ())
        decision = model_class.objects.create(*args, **kwargs)
        if present:
            decision.present.set(present)
        return decision

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # The default saves the instance again after post-generation; a decision refuses.
        return None


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Baseline"

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Baseline {n}")
    content = factory.LazyFunction(lambda: {"initiatives": {}})
