from django.urls import path

from . import views

app_name = "costbenefit"
# The same pages for an initiative (by code) and for a proposal (by number).
PREFIXES = {
    "": "p/<slug:slug>/initiatives/<str:code>/cost-benefit/",
    "proposal_": "p/<slug:slug>/proposals/<int:number>/cost-benefit/",
}
urlpatterns = [
    route
    for name, prefix in PREFIXES.items()
    for route in (
        path(prefix, views.analysis, name=f"{name}analysis"),
        path(f"{prefix}export.xlsx", views.export, name=f"{name}export"),
        path(f"{prefix}v<int:version>/", views.snapshot, name=f"{name}snapshot"),
        path(
            f"{prefix}v<int:version>/export.xlsx",
            views.snapshot_export,
            name=f"{name}snapshot_export",
        ),
    )
]
