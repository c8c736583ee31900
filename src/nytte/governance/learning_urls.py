"""Step 5: follow-up actions, reviews, lessons, revisits, status reports, metrics."""

from django.urls import URLPattern, path

from .views import learning_follow_up as follow_up
from .views import learning_register as register
from .views import learning_reports as reports

L = "p/<slug:slug>/learning/"
urlpatterns: list[URLPattern] = [
    path(L, follow_up.learning, name="learning"),
    path(L + "actions/", follow_up.action_list, name="actions"),
    path(L + "actions/<int:pk>/", follow_up.action_detail, name="action"),
    path(L + "reviews/", follow_up.review_list, name="reviews"),
    path(L + "reviews/<int:pk>/", follow_up.review, name="review"),
    path(L + "revisits/", follow_up.revisit_list, name="revisits"),
    path(L + "revisits/<int:pk>/close/", follow_up.revisit_close, name="revisit_close"),
    path(L + "lessons/", register.lesson_list, name="lessons"),
    path(L + "lessons/<int:pk>/", register.lesson_detail, name="lesson"),
    path(L + "calibration/", register.calibration, name="calibration"),
    path(L + "status/", reports.report_list, name="status_reports"),
    path(L + "status/<int:pk>/", reports.report_detail, name="status_report"),
    path(L + "status/<int:pk>/export.xlsx", reports.report_excel, name="status_report_excel"),
    path(L + "status/<int:pk>/report.docx", reports.report_word, name="status_report_word"),
    path(L + "metrics/", reports.metrics_page, name="metrics"),
]
