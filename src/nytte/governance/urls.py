"""Governance pages: steps 4 (forums, cases, decisions, baselines, the governance dialogue)
and 5 (follow-up, reviews, lessons, revisits, status reports, process metrics)."""

from . import learning_urls, steering_urls

app_name = "governance"
urlpatterns = [*steering_urls.urlpatterns, *learning_urls.urlpatterns]
