from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import (
    ApiToken,
    ChangeLogEntry,
    Organisation,
    OrganisationMembership,
    Programme,
    ProgrammeMembership,
    User,
)

admin.site.register(User, UserAdmin)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "orgnr", "kind", "parent"]
    search_fields = ["name", "short_name", "orgnr"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(ProgrammeMembership)
admin.site.register(OrganisationMembership)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "action", "object_repr", "actor"]
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["prefix", "key_hash"]
