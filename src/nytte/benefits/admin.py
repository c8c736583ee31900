"""The benefits register in Django's admin, for superusers.

The admin is a write path like the pages, the API and the imports, so it goes through the
same services: every save, delete and "delete selected" is a service call as the superuser,
which checks the rules (shares up to 100 %, the owner a member of the programme, amounts only
for priced benefits), keeps the totals, clears the owner's confirmation when an amount
changes, and writes the change log (linked risks included). Realisation plans are read-only:
a version is saved from the plan page and kept as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

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


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through named services rather than ``Model.save``/``delete``.

    ``create(request, obj, data)`` and ``update(request, stored, data)`` get the form's
    cleaned values (on update only those that changed, against the stored object, so the
    service logs the difference); ``remove(request, obj)`` deletes one object.
    """

    parent: str = ""  # the foreign key a line hangs on, never changed through the admin

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(self, request: HttpRequest, stored: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def remove(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """The admin's form, which writes through the service as its last validation step,
        so that a rule the service refuses comes back on the form like any other error.
        (The admin runs validation and saving in one transaction.)"""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class ServiceForm(form_class):  # type: ignore[valid-type,misc]
            saved: models.Model | None = None

            def validate_unique(self) -> None:
                """Left to the service, which says which field a clash concerns."""

            def _post_clean(self) -> None:
                # Constraints too (one measurement per date...): the service's answer counts.
                self.instance.validate_constraints = lambda exclude=None: None
                try:
                    super()._post_clean()
                finally:
                    del self.instance.validate_constraints
                if not self.errors:
                    try:
                        self.saved = admin_._write(request, self, change)
                    except ValidationError as exc:
                        for name, messages in _error_dict(exc).items():
                            self.add_error(name if name in self.fields else None, messages)

        return ServiceForm

    def _write(self, request: HttpRequest, form: Any, change: bool) -> models.Model:
        obj = form.instance
        fields = {x.name for x in obj._meta.get_fields()}
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            data = {n: form.cleaned_data[n] for n in form.changed_data if n in fields}
            return self.update(request, stored, data)
        data = {n: v for n, v in form.cleaned_data.items() if n in fields and n != self.parent}
        return self.create(request, obj, data)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service while the form was validated; the admin goes on with it."""
        obj.pk = form.saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Many-to-many values were saved (and logged) by the service."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """ "Delete selected": one service call per object, each logged."""
        for obj in queryset:
            self.remove(request, obj)


def _error_dict(exc: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            name: [m for e in errors for m in e.messages] for name, errors in exc.error_dict.items()
        }
    return {None: exc.messages}


class LineAdmin(ServiceAdmin):
    """A line of a benefit saved through its named services: ``create_service(<parent>=…,
    **fields)``, ``update_service(<keyword>=line, data=…)``, ``delete_service(<keyword>=line)``."""

    keyword: str = ""
    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]
    delete_service: Callable[..., None]

    def create(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> models.Model:
        parent = {self.parent: getattr(obj, self.parent)}
        return self.create_service(**parent, acting_user=request.user, **data)

    def update(self, request: HttpRequest, stored: Any, data: dict[str, Any]) -> models.Model:
        return self.update_service(**{self.keyword: stored}, data=data, acting_user=request.user)

    def remove(self, request: HttpRequest, obj: Any) -> None:
        self.delete_service(**{self.keyword: obj}, acting_user=request.user)


@admin.register(Benefit)
class BenefitAdmin(ServiceAdmin):
    list_display = ["code", "title", "programme", "kind", "status", "owner_organisation"]
    list_filter = ["programme", "kind", "status"]
    search_fields = ["code", "title", "description"]
    filter_horizontal = ["risks"]
    readonly_fields = ["total_low", "total_likely", "total_high", "confirmed_by", "confirmed_on"]

    def create(self, request: HttpRequest, obj: Benefit, data: dict[str, Any]) -> Benefit:
        risks = data.pop("risks", ())
        data.pop("programme", None)
        return services.benefit_create(
            programme=obj.programme, data=data, risks=risks, acting_user=request.user
        )

    def update(self, request: HttpRequest, stored: Benefit, data: dict[str, Any]) -> Benefit:
        risks = data.pop("risks", None)
        return services.benefit_update(
            benefit=stored, data=data, risks=risks, acting_user=request.user
        )

    def remove(self, request: HttpRequest, obj: Benefit) -> None:
        services.benefit_delete(benefit=obj, acting_user=request.user)


@admin.register(Contribution)
class ContributionAdmin(LineAdmin):
    list_display = ["benefit", "initiative", "share"]
    list_filter = ["benefit__programme"]
    search_fields = ["benefit__code", "initiative__code"]
    parent = "benefit"
    keyword = "contribution"
    create_service = staticmethod(services.contribution_create)
    update_service = staticmethod(services.contribution_update)
    delete_service = staticmethod(services.contribution_delete)


@admin.register(BenefitAmount)
class BenefitAmountAdmin(LineAdmin):
    list_display = ["benefit", "year", "low", "likely", "high"]
    list_filter = ["benefit__programme", "year"]
    search_fields = ["benefit__code"]
    parent = "benefit"
    keyword = "amount"
    create_service = staticmethod(services.amount_create)
    update_service = staticmethod(services.amount_update)
    delete_service = staticmethod(services.amount_delete)


@admin.register(Indicator)
class IndicatorAdmin(LineAdmin):
    list_display = ["name", "unit", "benefit", "frequency", "baseline_value", "baseline_date"]
    list_filter = ["benefit__programme", "frequency"]
    search_fields = ["name", "benefit__code"]
    parent = "benefit"
    keyword = "indicator"
    create_service = staticmethod(services.indicator_create)
    update_service = staticmethod(services.indicator_update)
    delete_service = staticmethod(services.indicator_delete)


@admin.register(Target)
class TargetAdmin(LineAdmin):
    list_display = ["indicator", "date", "value"]
    list_filter = ["indicator__benefit__programme"]
    parent = "indicator"
    keyword = "target"
    create_service = staticmethod(services.target_create)
    update_service = staticmethod(services.target_update)
    delete_service = staticmethod(services.target_delete)


@admin.register(Measurement)
class MeasurementAdmin(LineAdmin):
    list_display = ["indicator", "date", "value", "recorded_by"]
    list_filter = ["indicator__benefit__programme"]
    parent = "indicator"
    keyword = "measurement"
    create_service = staticmethod(services.measurement_create)
    update_service = staticmethod(services.measurement_update)
    delete_service = staticmethod(services.measurement_delete)


@admin.register(RealisationPlan)
class RealisationPlanAdmin(admin.ModelAdmin):
    """Read-only: versions are saved from the plan page and kept exactly as they were."""

    list_display = ["programme", "initiative", "version", "created_by", "created_at"]
    list_filter = ["programme"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
