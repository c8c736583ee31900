from django.urls import path

from . import assess_views, capture_views, flow_views, harmonise_views, views

app_name = "proposals"

# The page frame here; each step's module keeps its own routes in its ``urlpatterns``.
urlpatterns = [
    path("p/<slug:slug>/proposals/<int:number>/", views.proposal_detail, name="proposal"),
    *flow_views.urlpatterns,
    *capture_views.urlpatterns,
    *harmonise_views.urlpatterns,
    *assess_views.urlpatterns,
]
