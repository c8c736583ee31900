from django.urls import path

from . import analysis_views, excel_views, plan_views, views

app_name = "benefits"

# Fixed addresses first, so they are never read as a benefit's code.
urlpatterns = [
    path("p/<slug:slug>/benefits/", views.not_built, name="benefit_list"),
    path("p/<slug:slug>/benefits/new/", views.not_built, name="benefit_create"),
    path("p/<slug:slug>/benefits/export.xlsx", excel_views.not_built, name="export"),
    path("p/<slug:slug>/benefits/import/", excel_views.not_built, name="import"),
    path(
        "p/<slug:slug>/benefits/measurements/import/",
        excel_views.not_built,
        name="measurements_import",
    ),
    path("p/<slug:slug>/benefits/<str:code>/", views.not_built, name="benefit"),
    path("p/<slug:slug>/benefits/<str:code>/edit/", views.not_built, name="benefit_edit"),
    path("p/<slug:slug>/benefits/<str:code>/confirm/", views.not_built, name="benefit_confirm"),
    path("p/<slug:slug>/benefits-map/", analysis_views.not_built, name="map"),
    path("p/<slug:slug>/who-pays/", analysis_views.not_built, name="flows"),
    path("p/<slug:slug>/benefits-dashboard/", analysis_views.not_built, name="dashboard"),
    # Realisation plans: for the programme, or for one initiative; each saved version kept.
    path("p/<slug:slug>/realisation-plan/", plan_views.not_built, name="programme_plan"),
    path(
        "p/<slug:slug>/realisation-plan/<str:fmt>/",
        plan_views.not_built,
        name="programme_plan_file",
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/realisation-plan/",
        plan_views.not_built,
        name="initiative_plan",
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/realisation-plan/<str:fmt>/",
        plan_views.not_built,
        name="initiative_plan_file",
    ),
]
