"""Step 4: forums, meetings, decision cases, decisions, baselines, governance dialogue."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
