"""How a benefit is measured: indicators with a baseline, targets and measurements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from nytte.core import history
from nytte.core.models import Programme
from nytte.core.querysets import scoped_manager

from ..choices import Direction, Frequency
from .benefits import Benefit


def stamp_realisation(benefit_ids: set[int]) -> None:
    """Mark the benefits whose realisation data just changed with their programme's new
    ``realisation_version`` (``core.history`` calls this as it moves the version on)."""
    if benefit_ids:
        moved = (
            Programme.objects.filter(pk=OuterRef("programme_id"))
            .order_by()  # one row: the programmes' name order is of no use here
            .values("realisation_version")
        )
        Benefit.objects.filter(pk__in=benefit_ids).update(realisation_version=Subquery(moved[:1]))


class Indicator(models.Model):
    """How a benefit is measured (indikator), from a baseline (nullpunktsmåling) towards
    target values."""

    benefit = models.ForeignKey(
        Benefit, verbose_name=_("benefit"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    method = models.TextField(_("measuring method"), blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    measuring_cost = models.BigIntegerField(
        _("measuring cost per year (NOK)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(
        _("measured"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)

    objects = scoped_manager("benefit__programme", owner_path="benefit__owner")

    #: Realisation data: a change moves ``Programme.realisation_version``, not the portfolio's
    #: (the benefits map and who pays read no indicator; the follow-up does).
    history_version: ClassVar[str] = history.REALISATION

    class Meta:
        ordering = ["benefit", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "name"], name="unique_indicator_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @classmethod
    def history_versions_moved(cls, indicators: Iterable[Indicator]) -> None:
        stamp_realisation({indicator.benefit_id for indicator in indicators})

    def get_permission_programme(self) -> Programme:
        return self.benefit.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.benefit.is_owned_by(user)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_date is not None

    def clean(self) -> None:
        if (self.baseline_value is None) != (self.baseline_date is None):
            field = "baseline_date" if self.baseline_date is None else "baseline_value"
            raise ValidationError({field: _("A baseline needs both a value and a date.")})


class _IndicatorLine:
    """What a target and a measurement share: rights and history through the benefit."""

    indicator: Indicator

    #: Realisation data, as the indicator's (see ``Indicator.history_version``).
    history_version: ClassVar[str] = history.REALISATION
    #: Labels for what ``history_context`` adds to the change log.
    history_context_labels: ClassVar[dict[str, Any]] = {"benefit": _("benefit")}

    @classmethod
    def history_versions_moved(cls, lines: Iterable[_IndicatorLine]) -> None:
        stamp_realisation({line.indicator.benefit_id for line in lines})

    def history_context(self) -> dict[str, str]:
        """Names the benefit in the log entry of a deletion, so the benefit's history still
        finds a target or measurement deleted on its own."""
        return {"benefit": str(self.indicator.benefit)}

    def get_permission_programme(self) -> Programme:
        return self.indicator.benefit.programme

    def is_owned_by(self, user: Any) -> bool:
        return self.indicator.benefit.is_owned_by(user)


class Target(_IndicatorLine, models.Model):
    """A value the indicator should reach by a date."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)

    objects = scoped_manager(
        "indicator__benefit__programme", owner_path="indicator__benefit__owner"
    )

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="unique_target_date")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.date}: {self.value}"

    def clean(self) -> None:
        indicator = self.indicator if self.indicator_id else None
        if (
            indicator
            and indicator.baseline_date
            and self.date
            and self.date <= indicator.baseline_date
        ):
            raise ValidationError({"date": _("A target comes after the baseline date.")})


class Measurement(_IndicatorLine, models.Model):
    """A measured value of an indicator; realisation is computed from these, never typed."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = scoped_manager(
        "indicator__benefit__programme", owner_path="indicator__benefit__owner"
    )

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="unique_measurement_date")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.date}: {self.value}"
