"""What a cost-benefit analysis needs beyond the registers: its settings, extra lines and
alternatives that the registers do not hold, and frozen snapshots that decision cases refer
to. An analysis is of one *subject*: an initiative, or a proposal that is not an initiative
yet. An initiative's analysis is built from its cost lines and priced benefits each time (see
``build.py``), so it never drifts from the registers; a proposal's from its extra lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nytte.benefits.choices import BeneficiaryGroup
from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.economics import DEFAULT_PARAMETER_SET, PARAMETER_SETS
from nytte.economics.prepare import MAX_LIFETIME_YEARS
from nytte.portfolio.models import YEAR_VALIDATORS, Initiative
from nytte.proposals.models import Proposal

from .choices import BENEFIT_CATEGORIES, COST_CATEGORIES, DistributionChoice, LineCategory, LineKind
from .subject import Subject, code

PARAMETER_SET_CHOICES = [(name, name) for name in PARAMETER_SETS]


def subject_keys(
    field: type[models.ForeignKey], related_name: str
) -> tuple[models.ForeignKey, models.ForeignKey]:
    """The initiative and proposal keys of a row; ``one_subject`` makes exactly one set."""
    return tuple(  # type: ignore[return-value]
        field(
            model,
            verbose_name=label,
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related_name,
        )
        for model, label in ((Initiative, _("initiative")), (Proposal, _("proposal")))
    )


def one_subject(name: str) -> models.CheckConstraint:
    """Every row belongs to exactly one initiative or one proposal."""
    return models.CheckConstraint(
        condition=models.Q(initiative__isnull=False, proposal__isnull=True)
        | models.Q(initiative__isnull=True, proposal__isnull=False),
        name=name,
    )


# A cost-benefit object belongs to an initiative or to a proposal: its programme is either's.
SUBJECT_PROGRAMME = ("initiative__programme", "proposal__programme")


class OfSubject(models.Model):
    """Rights and naming follow the subject: its programme, its owners."""

    initiative: Any
    proposal: Any

    class Meta:
        abstract = True

    @property
    def subject(self) -> Subject:
        return self.initiative if self.initiative_id else self.proposal

    @property
    def subject_code(self) -> str:
        return code(self.subject)

    def get_permission_programme(self) -> Programme:
        return self.subject.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.subject.is_owned_by(user)


class AnalysisSettings(OfSubject):
    """How a socio-economic analysis (samfunnsøkonomisk analyse) is run: base year, price
    year (kroneår), period and the named parameter set it uses."""

    initiative, proposal = subject_keys(models.OneToOneField, "analysis_settings")
    base_year = models.PositiveSmallIntegerField(
        _("base year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Discounted to this year. Empty: the first year with costs or benefits."),
    )
    price_year = models.PositiveSmallIntegerField(
        _("price year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The year whose prices the amounts are in (kroneår). Empty: the base year."),
    )
    period_years = models.PositiveSmallIntegerField(
        _("analysis period (years)"),
        null=True,
        blank=True,
        # the period is the lifetime; flows after year 75 form a computed residual value.
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIFETIME_YEARS)],
        help_text=_(
            "The lifetime of the measure. Empty: from the first to the last year with amounts."
        ),
    )
    parameter_set = models.CharField(
        _("parameter set"),
        max_length=60,
        choices=PARAMETER_SET_CHOICES,
        default=DEFAULT_PARAMETER_SET,
    )
    iterations = models.PositiveIntegerField(
        _("Monte Carlo iterations"),
        default=10_000,
        validators=[MinValueValidator(1_000), MaxValueValidator(100_000)],
    )
    seed = models.PositiveIntegerField(
        _("random seed"), default=1, help_text=_("The same seed gives the same numbers.")
    )
    assumptions = models.TextField(_("assumptions"), blank=True)
    # A reference-class adjustment from the programme's calibration (governance): benefit
    # estimates are multiplied by how much of forecast benefits have been realised before.
    benefit_adjustment = models.DecimalField(
        _("reference-class adjustment of benefits"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("5"))],
        help_text=_(
            "Benefit estimates are multiplied by this ratio of realised to forecast benefits. "
            "Empty: no adjustment."
        ),
    )
    adjustment_basis = models.CharField(_("basis for the adjustment"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager(SUBJECT_PROGRAMME, owner_path="initiative__owner")

    class Meta:
        verbose_name = _("analysis settings")
        verbose_name_plural = _("analysis settings")
        constraints = [one_subject("analysis_settings_one_subject")]

    def __str__(self) -> str:
        return self.subject_code


class ExtraAlternative(OfSubject):
    """An alternative measure beside the initiative or proposal itself (the zero alternative
    is always there and never stored)."""

    initiative, proposal = subject_keys(models.ForeignKey, "extra_alternatives")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    objects = scoped_manager(SUBJECT_PROGRAMME, owner_path="initiative__owner")

    class Meta:
        ordering = ["name"]
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="unique_alternative_name"),
            models.UniqueConstraint(
                fields=["proposal", "name"], name="unique_proposal_alternative_name"
            ),
            one_subject("extra_alternative_one_subject"),
        ]

    def __str__(self) -> str:
        return self.name


class ExtraLine(OfSubject):
    """A cost or benefit the registers do not hold (e.g. a one-off effect, a saving outside
    the benefits register, or any line of a proposal), for the subject itself or one of the
    extra alternatives; the same NOK amount in each year from first to last."""

    initiative, proposal = subject_keys(models.ForeignKey, "+")
    alternative = models.ForeignKey(
        ExtraAlternative,
        verbose_name=_("alternative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lines",
        help_text=_("Empty: the initiative or proposal itself."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    category = models.CharField(_("category"), max_length=12, choices=LineCategory.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("falls on organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.CharField(
        _("falls on group"), max_length=20, choices=BeneficiaryGroup.choices, blank=True
    )
    public_budget = models.BooleanField(
        _("changes public budgets"),
        default=False,
        help_text=_("Public costs add tax financing cost; public savings reduce it."),
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    low = models.BigIntegerField(_("low per year (NOK)"), validators=[MinValueValidator(0)])
    likely = models.BigIntegerField(
        _("most likely per year (NOK)"), validators=[MinValueValidator(0)]
    )
    high = models.BigIntegerField(_("high per year (NOK)"), validators=[MinValueValidator(0)])
    real_growth = models.DecimalField(
        _("real price growth per year (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
    )
    distribution = models.CharField(
        _("distribution"),
        max_length=10,
        choices=DistributionChoice.choices,
        default=DistributionChoice.PERT,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = scoped_manager(SUBJECT_PROGRAMME, owner_path="initiative__owner")

    class Meta:
        # The subject's own lines first, on every database.
        ordering = [models.F("alternative__name").asc(nulls_first=True), "kind", "name"]
        verbose_name = _("extra line")
        verbose_name_plural = _("extra lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("likely"))
                & models.Q(likely__lte=models.F("high")),
                name="extra_line_low_likely_high_ordered",
            ),
            one_subject("extra_line_one_subject"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def falls_on(self) -> str:
        if self.organisation_id:
            return self.organisation.short_name or self.organisation.name
        return str(BeneficiaryGroup(self.group).label) if self.group else ""

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if bool(self.organisation_id) == bool(self.group):
            errors["group"] = _("Choose either an organisation or a group.")
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("The last year cannot come before the first.")
        if None not in (self.low, self.likely, self.high) and not (
            self.low <= self.likely <= self.high
        ):
            errors["high"] = _("The amounts must satisfy low ≤ most likely ≤ high.")
        allowed = COST_CATEGORIES if self.kind == LineKind.COST else BENEFIT_CATEGORIES
        if self.kind and self.category and self.category not in allowed:
            errors["category"] = _("This category does not fit the kind of line.")
        if self.alternative_id and (
            self.alternative.initiative_id != self.initiative_id
            or self.alternative.proposal_id != self.proposal_id
        ):
            errors["alternative"] = _("The alternative belongs to another analysis.")
        if errors:
            raise ValidationError(errors)


class Snapshot(OfSubject):
    """A frozen analysis: inputs, parameter set and results as they were, for a decision case
    to refer to; later changes to the registers never change it."""

    initiative, proposal = subject_keys(models.ForeignKey, "analysis_snapshots")
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what it is for"), max_length=500, blank=True)
    parameter_set = models.CharField(_("parameter set"), max_length=60)
    inputs = models.JSONField(_("inputs"), editable=False)
    results = models.JSONField(_("results"), editable=False)
    simulation = models.JSONField(_("simulation"), editable=False, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    objects = scoped_manager(SUBJECT_PROGRAMME, owner_path="initiative__owner")

    class Meta:
        ordering = ["-version"]
        verbose_name = _("analysis snapshot")
        verbose_name_plural = _("analysis snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "version"], name="unique_snapshot_version"
            ),
            models.UniqueConstraint(
                fields=["proposal", "version"], name="unique_proposal_snapshot_version"
            ),
            one_subject("snapshot_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} v{self.version}"


from .cofunding.models import CoFundingFacts  # noqa: E402, F401


class AnalysisResult(OfSubject):
    """The last computed result of a subject's live analysis (table, Monte Carlo,
    sensitivities), so that a page view does not simulate.

    ``inputs_key`` is a hash of everything the result depends on: the analysis built from
    the registers (settings, lines, costs, benefits, parameter set) and the simulation's
    iterations and seed. A view whose inputs hash differently shows this result with its
    time and asks a background task to recompute (``pending_key``). Frozen snapshots are
    separate and never change.
    """

    initiative, proposal = subject_keys(models.OneToOneField, "analysis_result")
    inputs_key = models.CharField(_("inputs key"), max_length=64)
    evaluated = models.JSONField(_("evaluated analysis"), editable=False, default=dict)
    error = models.TextField(_("why it cannot be computed"), blank=True)
    computed_at = models.DateTimeField(_("computed"))
    pending_key = models.CharField(_("being computed for"), max_length=64, blank=True)

    objects = scoped_manager(SUBJECT_PROGRAMME, owner_path="initiative__owner")

    class Meta:
        verbose_name = _("analysis result")
        verbose_name_plural = _("analysis results")
        constraints = [one_subject("analysis_result_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject_code} ({self.computed_at:%Y-%m-%d %H:%M})"
