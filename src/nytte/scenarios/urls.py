from django.urls import path

from . import views

app_name = "scenarios"
S = "p/<slug:slug>/scenarios/<int:pk>/"
urlpatterns = [
    path("p/<slug:slug>/scenarios/", views.scenario_list, name="list"),
    path(S, views.scenario_detail, name="detail"),
    path(S + "funds/", views.fund_add, name="fund_add"),
    path(S + "funds/<slug:fund>/remove/", views.fund_remove, name="fund_remove"),
    path(S + "runs/", views.run_create, name="run_create"),
    path(S + "runs/<int:run>/", views.run_detail, name="run"),
    path(S + "runs/<int:run>/progress/", views.run_progress, name="run_progress"),
    path(S + "runs/<int:run>/export.xlsx", views.run_export, name="run_export"),
    path(S + "runs/<int:run>/input.json", views.run_input, name="run_input"),
    path("p/<slug:slug>/proposals/<int:number>/displacement/", views.displace, name="displace"),
]
