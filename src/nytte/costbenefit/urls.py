from django.urls import path

from . import views

app_name = "costbenefit"
PREFIX = "p/<slug:slug>/initiatives/<str:code>/cost-benefit/"
urlpatterns = [
    path(PREFIX, views.analysis, name="analysis"),
    path(f"{PREFIX}export.xlsx", views.export, name="export"),
    path(f"{PREFIX}v<int:version>/", views.snapshot, name="snapshot"),
    path(f"{PREFIX}v<int:version>/export.xlsx", views.snapshot_export, name="snapshot_export"),
]
