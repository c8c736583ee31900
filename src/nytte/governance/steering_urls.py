"""Step 4: forums, meetings, decision cases, decisions, baselines, governance dialogue."""

from django.urls import URLPattern, path

from .views import steering_cases as cases
from .views import steering_decisions as decisions
from .views import steering_forums as forums

G = "p/<slug:slug>/governance/"
C = G + "cases/<int:number>/"
urlpatterns: list[URLPattern] = [
    path(G, cases.case_list, name="cases"),
    path(G + "cases/export.xlsx", cases.cases_export, name="cases_export"),
    path(G + "prepare/<int:number>/", cases.prepare_case, name="prepare_case"),
    path(G + "change-request/<str:code>/", cases.change_request, name="change_request"),
    path(C, cases.case_detail, name="case"),
    path(C + "export.xlsx", cases.case_export, name="case_export"),
    path(C + "memo.<str:fmt>", cases.case_memo, name="case_memo"),
    path(C + "options/<int:option>/", cases.option_edit, name="option"),
    path(G + "forums/", forums.forum_list, name="forums"),
    path(G + "forums/<int:pk>/", forums.forum_detail, name="forum"),
    path(
        G + "forums/<int:pk>/members/<int:member>/remove/",
        forums.member_remove,
        name="member_remove",
    ),
    path(G + "meetings/<int:pk>/", forums.meeting_detail, name="meeting"),
    path(G + "decisions/<int:pk>/", decisions.decision_detail, name="decision"),
    path(G + "decisions/export.xlsx", decisions.decisions_export, name="decisions_export"),
    path(G + "baselines/", decisions.baseline_list, name="baselines"),
    path(G + "baselines/compare/", decisions.baseline_compare, name="baseline_compare"),
    path(
        G + "baselines/compare/export.xlsx",
        decisions.baseline_compare_export,
        name="baseline_compare_export",
    ),
    path(G + "baselines/<int:number>/", decisions.baseline_detail, name="baseline"),
    path(
        G + "baselines/from-run/<int:run>/", decisions.baseline_from_run, name="baseline_from_run"
    ),
    path(G + "dialogue/", decisions.dialogue, name="dialogue"),
    path(G + "dialogue/export.<str:fmt>", decisions.dialogue_export, name="dialogue_export"),
]
