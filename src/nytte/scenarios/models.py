"""Scenarios: what-if plans of a programme's portfolio under every organisation's budget,
and the optimiser runs that answer them (``nytte.optimise``, in a background task)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager
from nytte.optimise import OptimiseInputError
from nytte.optimise.parse import fund_from_dict
from nytte.portfolio.models import YEAR_VALIDATORS
from nytte.proposals.models import Proposal

from .choices import RunMode, RunStatus

#: The longest time limit a scenario may ask for, in seconds.
MAX_TIME_LIMIT = 600


class Scenario(models.Model):
    """A what-if for one programme: the current portfolio (running and planned initiatives)
    plus chosen proposals, under budgets per organisation and year.

    Candidates are named by key: ``initiative:<code>`` or ``proposal:<number>``.
    ``budgets`` maps an organisation's id (as text) to one amount per plan year.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("first plan year"), validators=YEAR_VALIDATORS)
    years = models.PositiveSmallIntegerField(
        _("number of plan years"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    budgets = models.JSONField(_("budgets per organisation and year"), default=dict, blank=True)
    proposals = models.ManyToManyField(
        Proposal, verbose_name=_("proposals included"), blank=True, related_name="scenarios"
    )
    excluded = models.JSONField(
        _("initiatives left out"),
        default=list,
        blank=True,
        help_text=_("Keys of current initiatives this scenario does not consider."),
    )
    forced_in = models.JSONField(_("forced in"), default=list, blank=True)
    forced_out = models.JSONField(_("forced out"), default=list, blank=True)
    mandatory = models.JSONField(
        _("mandatory"),
        default=list,
        blank=True,
        help_text=_("Keys that must be in the plan beside the initiatives marked mandatory."),
    )
    funds = models.JSONField(
        _("funds"),
        default=list,
        blank=True,
        help_text=_(
            "Pots that pay part of some items' costs under rules (the co-funding scheme is "
            "one): the optimiser's fund format, organisations given by id."
        ),
    )
    stop_costs = models.JSONField(
        _("running initiatives that may be stopped"),
        default=dict,
        blank=True,
        help_text=_(
            "Key of a running initiative -> what stopping it costs (NOK), paid by its "
            "owner organisation in the first plan year. Others keep running."
        ),
    )
    flexibility = models.DecimalField(
        _("budget flexibility (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of a year's budget that may move to an adjacent year."),
    )
    score_weight = models.DecimalField(
        _("NOK per point of assessed potential"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Adds this many kroner of value per point (0–100) of a proposal's assessed "
            "innovation potential. 0: value is NNV only."
        ),
    )
    max_probability_negative = models.DecimalField(
        _("highest probability of a negative NNV (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Keep the chance that the plan's total NNV falls below zero at most this, by "
            "the cost-benefit analyses' Monte Carlo draws; the plan then maximises expected "
            "value. Empty: no such limit."
        ),
    )
    time_limit = models.PositiveIntegerField(
        _("time limit (seconds)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIME_LIMIT)],
    )
    # What the scenario is compared with. Null: the current portfolio as planned. Issue #15's
    # frozen portfolio baselines will turn this column into a nullable foreign key (same
    # column name, so existing rows keep their value; null rows keep meaning "as planned").
    baseline_ref = models.PositiveBigIntegerField(
        _("baseline"), null=True, blank=True, db_column="baseline_id", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
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
        ordering = ["programme", "-created_at", "-pk"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scenarios:detail", kwargs={"slug": self.programme.slug, "pk": self.pk})

    def get_permission_programme(self) -> Programme:
        return self.programme

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not isinstance(self.budgets, dict):
            errors["budgets"] = _("Budgets must map organisations to yearly amounts.")
        else:
            for key, amounts in self.budgets.items():
                if (
                    not isinstance(amounts, list)
                    or len(amounts) != self.years
                    or any(
                        isinstance(a, bool) or not isinstance(a, int | float) or a < 0
                        for a in amounts
                    )
                ):
                    errors["budgets"] = _(
                        "Give one non-negative amount per plan year for organisation %(key)s."
                    ) % {"key": key}
                    break
        for name in ("excluded", "forced_in", "forced_out", "mandatory"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = _("Give a list of candidate keys.")
        if not isinstance(self.stop_costs, dict) or any(
            isinstance(v, bool) or not isinstance(v, int | float) or v < 0
            for v in self.stop_costs.values()
        ):
            errors["stop_costs"] = _("Give a non-negative stop cost per initiative.")
        fund_error = fund_errors(self.funds, self.first_year, self.years)
        if fund_error:
            errors["funds"] = fund_error
        if not errors and set(self.forced_in) & set(self.forced_out):
            errors["forced_out"] = _("An item cannot be forced both in and out.")
        if errors:
            raise ValidationError(errors)


def fund_errors(funds: Any, first_year: int, years: int) -> str | None:
    """Why ``funds`` is not a valid list of funds (the optimiser's own check), or None."""
    if not isinstance(funds, list):
        return _("Funds must be a list.")
    ids = [f.get("id") for f in funds if isinstance(f, dict)]
    if len(ids) != len(set(ids)):
        return _("Two funds have the same id.")
    try:
        for fund in funds:
            fund_from_dict(fund, first_year or 2000, years or 1)
    except OptimiseInputError as exc:
        return str(exc)
    return None


class ScenarioRun(models.Model):
    """One optimiser run of a scenario: the input as it was built (so the answer can be
    reproduced), the baseline it is compared with, progress, and the result."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="runs"
    )
    mode = models.CharField(_("mode"), max_length=12, choices=RunMode.choices, default=RunMode.PLAN)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The proposal whose displacement is asked (displacement mode)."),
    )
    levels = models.JSONField(
        _("budget levels"),
        default=list,
        blank=True,
        help_text=_("Multiples of the budgets the efficient frontier is solved at."),
    )
    input = models.JSONField(_("optimiser input"), default=dict, blank=True)
    #: ``{"starts": {key: year}, "costs": {org: {year: amount}}, "organisations": {label: id},
    #: "warnings": [...]}``: the portfolio as planned when the run was made.
    baseline = models.JSONField(_("baseline"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = scoped_manager("scenario__programme")

    class Meta:
        ordering = ["scenario", "-created_at", "-pk"]
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.scenario} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse(
            "scenarios:run",
            kwargs={"slug": self.scenario.programme.slug, "pk": self.scenario_id, "run": self.pk},
        )

    def get_permission_programme(self) -> Programme:
        return self.scenario.programme

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
