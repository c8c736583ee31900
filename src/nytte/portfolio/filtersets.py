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


# Trigram indexes (migration 0005, PostgreSQL) serve words of at least this many characters.
TRIGRAM = 3


def _caseless_and_short(word: str) -> bool:
    """Whether a search word has no letters (ASCII digits and signs) and is too short for the
    trigram indexes. Such a word reads the same in upper case, so it is matched as it is
    (``LIKE '%4%'``) rather than in every row's upper-cased text (``UPPER(col) LIKE``): the
    same rows, found without upper-casing three columns of every initiative (on PostgreSQL
    that was most of a search like "del 4"; SQLite writes both as the same ``LIKE``)."""
    return len(word) < TRIGRAM and word.isascii() and not any(c.isalpha() for c in word)


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
            lookup = "contains" if _caseless_and_short(word) else "icontains"
            queryset = queryset.filter(
                Q(**{f"code__{lookup}": word})
                | Q(**{f"title__{lookup}": word})
                | Q(**{f"description__{lookup}": word})
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
