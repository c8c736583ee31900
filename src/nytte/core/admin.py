from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from . import history
from .models import (
    ApiToken,
    ChangeLogEntry,
    Organisation,
    OrganisationMembership,
    Programme,
    ProgrammeMembership,
    User,
)


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


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "orgnr", "kind", "parent"]
    search_fields = ["name", "short_name", "orgnr"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "owner"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(ProgrammeMembership, HistoryAdmin)
admin.site.register(OrganisationMembership, HistoryAdmin)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "action", "object_repr", "actor"]
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["prefix", "key_hash"]
