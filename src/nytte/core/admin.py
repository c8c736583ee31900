from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from . import history
from .choices import Role
from .login_throttle import AdminLoginForm
from .models import (
    ApiToken,
    ChangeLogEntry,
    Organisation,
    OrganisationMembership,
    Programme,
    ProgrammeMembership,
    User,
)
from .services import refuse_last_admin


class HistoryAdmin(admin.ModelAdmin):
    """Admin changes go into the same change log as changes made through the services."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = history.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            history.log_create(obj, acting_user=request.user)
        else:
            history.log_update(obj, acting_user=request.user, before=before)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        history.log_delete(obj, acting_user=request.user)
        super().delete_model(request, obj)


admin.site.register(User, UserAdmin)
admin.site.login_form = AdminLoginForm  # the login throttle's message


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "orgnr", "kind", "parent"]
    search_fields = ["name", "short_name", "orgnr"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "owner"]
    prepopulated_fields = {"slug": ["name"]}


class ProgrammeMembershipForm(forms.ModelForm):
    class Meta:
        model = ProgrammeMembership
        fields = ["user", "programme", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        original = self.instance
        if original.pk and original.role == Role.PROGRAMME_ADMIN:
            moved = (data.get("role"), data.get("programme"), data.get("user")) != (
                original.role,
                original.programme,
                original.user,
            )
            if moved:  # the same rule as the pages: the last programme admin stays
                refuse_last_admin(ProgrammeMembership.objects.get(pk=original.pk))
        return data


@admin.register(ProgrammeMembership)
class ProgrammeMembershipAdmin(HistoryAdmin):
    form = ProgrammeMembershipForm
    list_display = ["user", "programme", "role"]
    # Bulk deletion would bypass both the change log and the last-admin rule.
    actions = None

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for membership in objs:
            try:
                refuse_last_admin(membership)
            except ValidationError as exc:
                protected = [*protected, *exc.messages]
        return deleted, counts, perms_needed, protected


admin.site.register(OrganisationMembership, HistoryAdmin)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "action", "object_repr", "actor"]
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["prefix", "key_hash"]
