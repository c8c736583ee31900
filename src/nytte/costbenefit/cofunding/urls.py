"""Routes of the co-funding check; included from ``nytte.urls`` with
``path("", include("nytte.costbenefit.cofunding.urls"))``."""

from django.urls import path

from . import views as cofunding_views

app_name = "cofunding"
urlpatterns = [
    path(
        "p/<slug:slug>/initiatives/<str:code>/co-funding/",
        cofunding_views.cofunding_check,
        name="check",
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/co-funding/appendices.docx",
        cofunding_views.cofunding_appendices,
        name="appendices",
    ),
]
