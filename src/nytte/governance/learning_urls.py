"""Step 5: follow-up actions, reviews, lessons, revisit items, status reports, metrics."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
