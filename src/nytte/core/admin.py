"""The Django admin is a write path too: it writes the change log like the services do, and
models that carry rules are changed through their services or are read-only here.

- every save is logged after the many-to-many fields are saved, so that a change of a
  programme's participants appears in the change log like any other field;
- "delete selected" logs each deletion, as deleting one object does;
- programme memberships are added, given another role and removed through the core
  services (which keep the last programme admin and forget the user's cached roles); the
  person and programme of a membership are not edited in place;
- API tokens are created with ``nytte token create`` (the secret is shown once) and revoked
  here or there through ``api_token_revoke``; the change log is read-only.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
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
from .services import (
    api_token_revoke,
    programme_membership_add,
    programme_membership_change_role,
    programme_membership_remove,
    refuse_last_admin,
)

_BEFORE = "_nytte_admin_before"


class HistoryAdmin(admin.ModelAdmin):
    """Admin changes go into the same change log as changes made through the services."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = history.snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        setattr(request, _BEFORE, before)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Logged here, after the many-to-many fields are saved, so that they are in the log.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, _BEFORE, None)
        if before is None:
            history.log_create(obj, acting_user=request.user)
        else:
            history.log_update(obj, acting_user=request.user, before=before)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        history.log_delete(obj, acting_user=request.user)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The "delete selected" action: each deletion logged, as one at a time would be."""
        for obj in queryset:
            history.log_delete(obj, acting_user=request.user)
        super().delete_queryset(request, queryset)


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
        changed = original.pk and data.get("role") != original.role
        if changed and original.role == Role.PROGRAMME_ADMIN:
            # The same rule as the pages (and the service): the last programme admin stays.
            refuse_last_admin(ProgrammeMembership.objects.get(pk=original.pk))
        return data


@admin.register(ProgrammeMembership)
class ProgrammeMembershipAdmin(admin.ModelAdmin):
    """Added, given another role and removed through the services (which log, check the
    last-admin rule and forget the user's cached roles); the person and the programme of a
    membership are not changed in place."""

    form = ProgrammeMembershipForm
    list_display = ["user", "programme", "role"]
    list_filter = ["programme", "role"]
    # Bulk deletion could remove every programme admin at once, past the last-admin rule.
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user", "programme"] if obj is not None else []

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for membership in objs:
            try:
                refuse_last_admin(membership)
            except ValidationError as exc:
                protected = [*protected, *exc.messages]
        return deleted, counts, perms_needed, protected

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            original = ProgrammeMembership.objects.select_related("programme", "user").get(
                pk=obj.pk
            )
            saved = programme_membership_change_role(
                membership=original, role=obj.role, acting_user=request.user
            )
        else:
            saved = programme_membership_add(
                programme=obj.programme, user=obj.user, role=obj.role, acting_user=request.user
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        programme_membership_remove(membership=obj, acting_user=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for membership in queryset.select_related("user", "programme"):
            programme_membership_remove(membership=membership, acting_user=request.user)


admin.site.register(OrganisationMembership, HistoryAdmin)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    """The change log is read-only, in the admin as everywhere."""

    list_display = ["timestamp", "action", "object_repr", "actor", "actor_label"]
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with ``nytte token create`` (the secret is shown once, so not here);
    revoking one here goes through ``api_token_revoke`` and is logged."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        api_token_revoke(token=obj, acting_user=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for token in queryset.select_related("user"):
            api_token_revoke(token=token, acting_user=request.user)
