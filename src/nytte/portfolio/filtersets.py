"""One FilterSet for initiatives, shared by the list page, the API and the Excel export.

Choices are natural keys (organisation number, goal code, life-event slug), as in the API
and the Excel format, so a page's filter URL and an API query read the same.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation

from .choices import Phase, StatusColour
from .models import Goal, Initiative, LifeEvent

ORDERING = {
    "code": "code",
    "title": "title",
    "phase": "phase",
    "status": "status",
    "start": "planned_start",
    "end": "planned_end",
    "cost": "total_likely",
}


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        to_field_name="orgnr",
        method="involving",
        label=_("Organisation"),
    )
    # Single-valued fields: no DISTINCT needed (it would cost a sort over the whole list).
    phase = django_filters.MultipleChoiceFilter(
        choices=Phase.choices, distinct=False, label=_("Phase")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=StatusColour.choices, distinct=False, label=_("Status")
    )
    # Goal codes are unique only within a programme: no programme, no goals to choose.
    goal = django_filters.ModelChoiceFilter(
        queryset=Goal.objects.none(), to_field_name="code", method="serving", label=_("Goal")
    )
    life_event = django_filters.ModelChoiceFilter(
        queryset=LifeEvent.objects.all(),
        to_field_name="slug",
        method="around",
        label=_("Life event"),
    )
    sort = django_filters.OrderingFilter(
        fields=tuple((field, name) for name, field in ORDERING.items()), label=_("Sort by")
    )

    class Meta:
        model = Initiative
        fields = ["q", "organisation", "phase", "status", "goal", "life_event"]

    def __init__(self, *args, programme=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.filters["goal"].queryset = Goal.objects.filter(programme=programme)
            self.filters["organisation"].queryset = programme.participants.all()

    def search(self, queryset: QuerySet[Initiative], name: str, value: str):
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
            )
        return queryset

    def involving(self, queryset: QuerySet[Initiative], name: str, value: Organisation):
        # An organisation is involved as owner, participant or payer.
        ids = Initiative.objects.filter(
            Q(owner_organisation=value) | Q(participants=value) | Q(costs__organisation=value)
        ).values("pk")
        return queryset.filter(pk__in=ids)

    def around(self, queryset: QuerySet[Initiative], name: str, value: LifeEvent):
        # A subquery rather than a join, so the list needs no DISTINCT.
        return queryset.filter(pk__in=value.initiatives.values("pk"))

    def serving(self, queryset: QuerySet[Initiative], name: str, value: Goal):
        # A societal goal is served through its impact goals as well.
        return queryset.filter(
            pk__in=Initiative.objects.filter(Q(goals=value) | Q(goals__parent=value)).values("pk")
        )
