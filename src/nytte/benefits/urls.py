from django.urls import path

from .views import analysis as analysis_views
from .views import benefit, register
from .views import excel as excel_views
from .views import plan as plan_views

app_name = "benefits"

# Fixed addresses first, so they are never read as a benefit's code.
urlpatterns = [
    path("p/<slug:slug>/benefits/", register.benefit_list, name="benefit_list"),
    path("p/<slug:slug>/benefits/new/", benefit.benefit_create, name="benefit_create"),
    path("p/<slug:slug>/benefits/export.xlsx", excel_views.export, name="export"),
    path("p/<slug:slug>/benefits/import/", excel_views.import_benefits, name="import"),
    path(
        "p/<slug:slug>/benefits/measurements/import/",
        excel_views.import_measurements,
        name="measurements_import",
    ),
    path("p/<slug:slug>/benefits/<str:code>/", benefit.benefit_detail, name="benefit"),
    path("p/<slug:slug>/benefits/<str:code>/edit/", benefit.benefit_edit, name="benefit_edit"),
    path(
        "p/<slug:slug>/benefits/<str:code>/confirm/",
        benefit.benefit_confirm,
        name="benefit_confirm",
    ),
    path("p/<slug:slug>/benefits-map/", analysis_views.benefits_map, name="map"),
    path("p/<slug:slug>/who-pays/", analysis_views.flows, name="flows"),
    path("p/<slug:slug>/benefits-dashboard/", analysis_views.dashboard, name="dashboard"),
    # Realisation plans: for the programme, or for one initiative; each saved version kept.
    path("p/<slug:slug>/realisation-plan/", plan_views.programme_plan, name="programme_plan"),
    path(
        "p/<slug:slug>/realisation-plan/<str:fmt>/",
        plan_views.programme_plan_file,
        name="programme_plan_file",
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/realisation-plan/",
        plan_views.initiative_plan,
        name="initiative_plan",
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/realisation-plan/<str:fmt>/",
        plan_views.initiative_plan_file,
        name="initiative_plan_file",
    ),
]
