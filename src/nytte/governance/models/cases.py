"""Decision cases (beslutningssaker) and their options, with costs, benefits and the
proposed funding split of each option."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.core.querysets import scoped_manager
from nytte.costbenefit.models import Snapshot
from nytte.portfolio.choices import CostCategory, Phase
from nytte.portfolio.models import YEAR_VALIDATORS, Initiative
from nytte.proposals.models import Proposal
from nytte.scenarios.models import Scenario, ScenarioRun

from ..choices import CaseKind, CaseStatus, ChangeKind, FundingKey


class DecisionCase(models.Model):
    """A decision case (beslutningssak): prepared by the facilitator from a proposal that is
    ready for governance, or from a change request on a running initiative, and put to a
    forum with options that always include doing nothing."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cases"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_cases",
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_cases",
    )
    change_kind = models.CharField(
        _("change asked for"), max_length=10, choices=ChangeKind.choices, blank=True
    )
    background = models.TextField(_("background"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    recommended_option = models.ForeignKey(
        "governance.CaseOption",
        verbose_name=_("recommended option"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_decision = models.TextField(_("proposed decision"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    forum = models.ForeignKey(
        "governance.Forum",
        verbose_name=_("forum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The optimiser's answer to "what must move, shrink or stop", when the facilitator ran
    # one; both are optional so a case works without the optimiser.
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_cases",
    )
    scenario_run = models.ForeignKey(
        ScenarioRun,
        verbose_name=_("scenario run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_cases",
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = scoped_manager("programme")

    class Meta:
        ordering = ["programme", "-number"]
        verbose_name = _("decision case")
        verbose_name_plural = _("decision cases")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_case_number"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=CaseKind.PROPOSAL, proposal__isnull=False)
                    | models.Q(kind=CaseKind.CHANGE, initiative__isnull=False)
                ),
                name="case_has_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "governance:case", kwargs={"slug": self.programme.slug, "number": self.number}
        )

    @property
    def reference(self) -> str:
        return f"S-{self.number}"

    def get_permission_programme(self) -> Programme:
        return self.programme

    def clean(self) -> None:
        if self.kind == CaseKind.CHANGE and not self.change_kind:
            raise ValidationError({"change_kind": _("Say what the change request asks for.")})


class CaseOption(models.Model):
    """One way to decide a case, with its consequences. Applying an approved option is
    what changes the portfolio: for a proposal, a new initiative with these costs; for a
    change request, the initiative's new scope, phase, dates or costs, or its stop."""

    case = models.ForeignKey(
        DecisionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    do_nothing = models.BooleanField(
        _("do nothing"), default=False, editable=False, help_text=_("The zero option.")
    )
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("cost-benefit snapshot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_options",
    )
    # What applying the option does (blank: unchanged).
    new_code = models.CharField(_("code of the new initiative"), max_length=30, blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_scope = models.TextField(_("new scope"), blank=True)
    new_phase = models.CharField(_("new phase"), max_length=10, choices=Phase.choices, blank=True)
    new_start = models.DateField(_("new planned start"), null=True, blank=True)
    new_end = models.DateField(_("new planned end"), null=True, blank=True)
    portfolio_consequences = models.TextField(
        _("what in the portfolio must move, shrink or stop"), blank=True
    )
    funding_key = models.CharField(
        _("funding key"), max_length=10, choices=FundingKey.choices, default=FundingKey.BENEFITS
    )
    funding_reason = models.TextField(_("reason for the funding split"), blank=True)

    objects = scoped_manager("case__programme")

    class Meta:
        ordering = ["case", "order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.title

    def get_permission_programme(self) -> Programme:
        return self.case.programme


class OptionCost(models.Model):
    """An option's cost for one organisation in one year (most likely, NOK)."""

    option = models.ForeignKey(
        CaseOption, verbose_name=_("option"), on_delete=models.CASCADE, related_name="costs"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("paying organisation"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    category = models.CharField(
        _("category"), max_length=12, choices=CostCategory.choices, default=CostCategory.INVESTMENT
    )
    amount = models.BigIntegerField(_("amount (NOK)"), validators=[MinValueValidator(0)])

    objects = scoped_manager("option__case__programme")

    class Meta:
        ordering = ["option", "year", "organisation"]
        verbose_name = _("option cost")
        verbose_name_plural = _("option costs")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "organisation", "year", "category"], name="unique_option_cost"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.amount}"

    def get_permission_programme(self) -> Programme:
        return self.option.case.programme


class OptionBenefit(models.Model):
    """A benefit an option gains or loses, and the organisation where it arises."""

    option = models.ForeignKey(
        CaseOption, verbose_name=_("option"), on_delete=models.CASCADE, related_name="benefits"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("arises in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Blank: arises with users or society outside the organisations."),
    )
    description = models.CharField(_("benefit"), max_length=300)
    annual_amount = models.BigIntegerField(_("yearly amount (NOK)"), default=0)
    gained = models.BooleanField(_("gained"), default=True, help_text=_("Untick if it is lost."))

    objects = scoped_manager("option__case__programme")

    class Meta:
        ordering = ["option", "pk"]
        verbose_name = _("option benefit")
        verbose_name_plural = _("option benefits")

    def __str__(self) -> str:
        return self.description

    def get_permission_programme(self) -> Programme:
        return self.option.case.programme


class FundingShare(models.Model):
    """One organisation's part of an option's funding split. ``basis`` is what the key
    weighs (budget or headcount by size, transactions by use, a judged weight); with the
    benefits key it is computed from where the option's benefits arise."""

    option = models.ForeignKey(
        CaseOption,
        verbose_name=_("option"),
        on_delete=models.CASCADE,
        related_name="funding_shares",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    basis = models.DecimalField(
        _("basis"), max_digits=18, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    objects = scoped_manager("option__case__programme")

    class Meta:
        ordering = ["option", "organisation"]
        verbose_name = _("funding share")
        verbose_name_plural = _("funding shares")
        constraints = [
            models.UniqueConstraint(fields=["option", "organisation"], name="unique_funding_share")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.basis}"

    def get_permission_programme(self) -> Programme:
        return self.option.case.programme
