from django.urls import path

from .views import detail, edit, excel, listing, overview, published

app_name = "portfolio"
urlpatterns = [
    # Public: the overview of published initiatives and its open-data feed (no login).
    path("open/", published.overview, name="published"),
    path("open/initiatives.json", published.feed_json, name="published_json"),
    path("open/initiatives.csv", published.feed_csv, name="published_csv"),
    path("p/<slug:slug>/portfolio/", overview.overview, name="overview"),
    path("p/<slug:slug>/portfolio/export.xlsx", excel.export, name="export"),
    path("p/<slug:slug>/portfolio/import/", excel.import_register, name="import"),
    path("p/<slug:slug>/initiatives/", listing.initiative_list, name="initiative_list"),
    path("p/<slug:slug>/initiative-codes/", overview.initiative_codes, name="initiative_codes"),
    path("p/<slug:slug>/initiatives/new/", edit.initiative_create, name="initiative_create"),
    path("p/<slug:slug>/initiatives/<str:code>/", detail.initiative_detail, name="initiative"),
    path(
        "p/<slug:slug>/initiatives/<str:code>/edit/",
        edit.initiative_edit,
        name="initiative_edit",
    ),
]
