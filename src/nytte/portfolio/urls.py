from django.urls import path

from . import excel_views, views

app_name = "portfolio"
urlpatterns = [
    path("p/<slug:slug>/portfolio/", views.overview, name="overview"),
    path("p/<slug:slug>/portfolio/export.xlsx", excel_views.export, name="export"),
    path("p/<slug:slug>/portfolio/import/", excel_views.import_register, name="import"),
    path("p/<slug:slug>/initiatives/", views.initiative_list, name="initiative_list"),
    path("p/<slug:slug>/initiative-codes/", views.initiative_codes, name="initiative_codes"),
    path("p/<slug:slug>/initiatives/new/", views.initiative_create, name="initiative_create"),
    path("p/<slug:slug>/initiatives/<str:code>/", views.initiative_detail, name="initiative"),
    path(
        "p/<slug:slug>/initiatives/<str:code>/edit/", views.initiative_edit, name="initiative_edit"
    ),
]
