from django.contrib import admin
from django.urls import include, path

from nytte import home
from nytte.api.api import api

urlpatterns = [
    # The home page reads every domain app, so it lives outside core (nytte/home.py); listed
    # first, it answers "/" before core's own route.
    path("", home.home, name="home"),
    path("", include("nytte.core.urls")),
    path("", include("nytte.portfolio.urls")),
    path("", include("nytte.benefits.urls")),
    path("", include("nytte.costbenefit.urls")),
    path("", include("nytte.costbenefit.cofunding.urls")),
    path("", include("nytte.proposals.urls")),
    path("", include("nytte.scenarios.urls")),
    path("", include("nytte.anchoring.urls")),
    path("", include("nytte.governance.urls")),
    path("", include("nytte.administration.urls")),
    path("", include("nytte.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "nytte.core.outage.server_error"  # 503 while the database is unreachable
