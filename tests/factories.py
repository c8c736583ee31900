"""Factories for test data; organisation numbers are generated with a valid check digit."""

from __future__ import annotations

import datetime

import factory

from nytte.core.choices import OrganisationKind, Role
from nytte.core.models import Organisation, Programme, ProgrammeMembership, User
from nytte.core.validators import orgnr_check_digit


def valid_orgnr(n: int) -> str:
    """The n-th valid organisation number in a deterministic sequence."""
    for k in range(10):  # each n owns ten candidates, so numbers never collide
        first_eight = f"{91000000 + 10 * n + k:08d}"
        digit = orgnr_check_digit(first_eight)
        if digit is not None:
            return first_eight + str(digit)
    raise AssertionError("unreachable: one in ten candidates always has a check digit")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password("pass-word-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Etat {n}")
    short_name = factory.Sequence(lambda n: f"E{n}")
    orgnr = factory.Sequence(valid_orgnr)
    kind = OrganisationKind.AGENCY


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    owner = factory.SubFactory(OrganisationFactory)
    vision = "En felles visjon."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = Role.VIEWER


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.LifeEvent"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Livshendelse {n}")
    slug = factory.Sequence(lambda n: f"livshendelse-{n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.Goal"

    programme = factory.SubFactory(ProgrammeFactory)
    level = "societal"
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Mål {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.Initiative"

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"T-{n}")
    title = factory.Sequence(lambda n: f"Tiltak {n}")
    description = "Et tiltak i porteføljen."
    owner_organisation = factory.SubFactory(OrganisationFactory)
    phase = "plan"
    status = "green"


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.CostLine"

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.SelfAttribute("initiative.owner_organisation")
    year = factory.Sequence(lambda n: 2025 + n % 10)
    category = "investment"
    low = 800_000
    likely = 1_000_000
    high = 1_500_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The services keep the initiative's cost totals; a factory must do the same.
        from nytte.portfolio.services import refresh_cost_totals

        line = super()._create(model_class, *args, **kwargs)
        refresh_cost_totals(line.initiative)
        return line


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.Risk"

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Risiko {n}")
    probability = 3
    consequence = 4


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portfolio.StatusReport"

    initiative = factory.SubFactory(InitiativeFactory)
    period = factory.Sequence(lambda n: f"2026-{n % 12 + 1:02d}")
    overall = plan = cost = benefits = stakeholders = risk = "green"


# ---------------------------------------------------------------------------------------------
# Benefits register


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.Benefit"

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"G-{n}")
    title = factory.Sequence(lambda n: f"Gevinst {n}")
    description = "Færre manuelle saker."
    kind = "efficiency"
    priced = True
    owner_organisation = factory.SubFactory(OrganisationFactory)
    arises_in_organisation = factory.SelfAttribute("owner_organisation")
    status = "planned"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.Contribution"

    benefit = factory.SubFactory(BenefitFactory)
    initiative = factory.SubFactory(
        InitiativeFactory, programme=factory.SelfAttribute("..benefit.programme")
    )
    share = 100


class BenefitAmountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.BenefitAmount"

    benefit = factory.SubFactory(BenefitFactory)
    year = factory.Sequence(lambda n: 2026 + n % 10)
    low = 400_000
    likely = 500_000
    high = 700_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The services keep the benefit's totals; a factory must do the same.
        from nytte.benefits.services import refresh_amount_totals

        line = super()._create(model_class, *args, **kwargs)
        refresh_amount_totals(line.benefit)
        return line


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.Indicator"

    benefit = factory.SubFactory(BenefitFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "saker per måned"
    method = "Uttrekk fra saksbehandlingssystemet."
    data_source = "Saksbehandlingssystemet"
    direction = "decrease"
    frequency = "quarterly"
    baseline_value = 1000
    baseline_date = factory.LazyFunction(lambda: datetime.date(2026, 1, 1))


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.Target"

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.LazyFunction(lambda: datetime.date(2027, 1, 1))
    value = 600


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "benefits.Measurement"

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.LazyFunction(lambda: datetime.date(2026, 7, 1))
    value = 800
    source = "Månedsrapport"


# ---------------------------------------------------------------------------------------------
# Proposal pipeline


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Proposal"

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Forslag {n}")
    need = "Innbyggere må sende de samme opplysningene flere ganger."
    idea = "Gjenbruk opplysninger som staten allerede har."
    source = "staff"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Criterion"

    programme = factory.SubFactory(ProgrammeFactory)
    dimension = "potential"
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = 1


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Assessment"

    proposal = factory.SubFactory(ProposalFactory)
    assessor = factory.SubFactory(UserFactory)
