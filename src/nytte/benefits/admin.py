"""The benefits register in Django's admin, for superusers. Changes go into the change log
(``HistoryAdmin``); the yearly amounts keep the benefit's totals, and shares are checked
against the 100 % limit by the service's own rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from nytte.core.admin import HistoryAdmin

from . import services
from .models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    RealisationPlan,
    Target,
)


@admin.register(Benefit)
class BenefitAdmin(HistoryAdmin):
    list_display = ["code", "title", "programme", "kind", "status", "owner_organisation"]
    list_filter = ["programme", "kind", "status"]
    search_fields = ["code", "title", "description"]
    filter_horizontal = ["risks"]
    readonly_fields = ["total_low", "total_likely", "total_high", "confirmed_by", "confirmed_on"]


class ContributionAdminForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["benefit", "initiative", "share"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        benefit, initiative = cleaned.get("benefit"), cleaned.get("initiative")
        if benefit and initiative and cleaned.get("share") is not None:
            others = Contribution.objects.filter(benefit=benefit).exclude(pk=self.instance.pk)
            shares = dict(others.values_list("initiative_id", "share"))
            shares[initiative.pk] = Decimal(cleaned["share"])
            services._check_shares(benefit, shares)  # the service's rule, not a copy of it
        return cleaned


@admin.register(Contribution)
class ContributionAdmin(HistoryAdmin):
    form = ContributionAdminForm
    list_display = ["benefit", "initiative", "share"]
    list_filter = ["benefit__programme"]
    search_fields = ["benefit__code", "initiative__code"]


@admin.register(BenefitAmount)
class BenefitAmountAdmin(HistoryAdmin):
    list_display = ["benefit", "year", "low", "likely", "high"]
    list_filter = ["benefit__programme", "year"]
    search_fields = ["benefit__code"]

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.refresh_amount_totals(obj.benefit)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        super().delete_model(request, obj)
        services.refresh_amount_totals(obj.benefit)


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["name", "unit", "benefit", "frequency", "baseline_value", "baseline_date"]
    list_filter = ["benefit__programme", "frequency"]
    search_fields = ["name", "benefit__code"]


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ["indicator", "date", "value"]
    list_filter = ["indicator__benefit__programme"]


@admin.register(Measurement)
class MeasurementAdmin(HistoryAdmin):
    list_display = ["indicator", "date", "value", "recorded_by"]
    list_filter = ["indicator__benefit__programme"]

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RealisationPlan)
class RealisationPlanAdmin(HistoryAdmin):
    list_display = ["programme", "initiative", "version", "created_by", "created_at"]
    list_filter = ["programme"]
    readonly_fields = ["content", "created_by"]
