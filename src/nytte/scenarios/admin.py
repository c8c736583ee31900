from django.contrib import admin

from .models import Scenario, ScenarioRun


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "first_year", "years", "created_at"]
    list_filter = ["programme"]
    search_fields = ["name"]


@admin.register(ScenarioRun)
class ScenarioRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "scenario", "mode", "status", "created_at", "finished_at"]
    list_filter = ["status", "mode"]
    readonly_fields = ["input", "baseline", "result", "progress"]
