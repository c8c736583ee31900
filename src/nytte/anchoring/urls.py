from django.urls import path

from .views import excel, overview, register, subject

app_name = "anchoring"
urlpatterns = [
    path("p/<slug:slug>/anchoring/", overview.overview, name="overview"),
    path("p/<slug:slug>/anchoring/questions/", overview.questions, name="questions"),
    path("p/<slug:slug>/anchoring/export.xlsx", excel.export, name="export"),
    path("p/<slug:slug>/anchoring/import/", excel.import_workbook, name="import"),
    path("p/<slug:slug>/stakeholders/", register.stakeholder_list, name="stakeholders"),
    path("p/<slug:slug>/stakeholders/new/", register.stakeholder_create, name="stakeholder_create"),
    path(
        "p/<slug:slug>/stakeholders/<int:pk>/", register.stakeholder_edit, name="stakeholder_edit"
    ),
    path(
        "p/<slug:slug>/initiatives/<str:code>/anchoring/",
        subject.initiative_anchoring,
        name="initiative",
    ),
    path(
        "p/<slug:slug>/proposals/<int:number>/anchoring/",
        subject.proposal_anchoring,
        name="proposal",
    ),
    path("p/<slug:slug>/benefits/<str:code>/raci/", subject.benefit_raci, name="benefit_raci"),
]
