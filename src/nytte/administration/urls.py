from django.urls import path

from .views import invitations, programme, site

app_name = "administration"

urlpatterns = [
    path("administration/", site.site, name="site"),
    path("administration/programmes/new/", site.programme_create, name="programme_create"),
    path("administration/organisations/new/", site.organisation_create, name="organisation_create"),
    path(
        "administration/organisations/<int:pk>/", site.organisation_edit, name="organisation_edit"
    ),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("p/<slug:slug>/administration/", programme.hub, name="programme"),
    path("p/<slug:slug>/administration/people/", programme.members, name="members"),
    path("p/<slug:slug>/administration/settings/", programme.settings_page, name="settings"),
    path(
        "p/<slug:slug>/administration/organisations/",
        programme.organisations,
        name="organisations",
    ),
    path("p/<slug:slug>/administration/goals/", programme.goals, name="goals"),
    path("p/<slug:slug>/administration/life-events/", programme.life_events, name="life_events"),
]
