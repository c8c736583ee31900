"""One FilterSet for proposals, shared by the list page, the board, the API and the export.

Choices are natural keys, as in the portfolio's FilterSet (organisations by organisation
number, life events by short name), so a page's filter URL and an API query read the same.
"mine" and "supported" are about the person asking, who is passed in as ``user``.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import LifeEvent

from .choices import Channel, Source, Stage, Track
from .models import Proposal, Support

ORDERING = {
    "number": "number",
    "title": "title",
    "stage": "stage",
    "source": "source",
    "supporters": "n_supports",
    "received": "created_at",
    "updated": "updated_at",
}
# Stages sort in the order of the flow (received … merged), not alphabetically.
STAGE_ORDER = Case(
    *(When(stage=stage, then=Value(rank)) for rank, stage in enumerate(Stage.values)),
    output_field=IntegerField(),
)
REFERENCE = re.compile(r"^[Ff]-?(\d+)$")


class ProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    # Single-valued fields: no DISTINCT needed (it would cost a sort over the whole list).
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices, distinct=False, label=_("Stage")
    )
    source = django_filters.MultipleChoiceFilter(
        choices=Source.choices, distinct=False, label=_("Source")
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, distinct=False, label=_("Channel")
    )
    track = django_filters.MultipleChoiceFilter(
        choices=Track.choices, distinct=False, label=_("Track")
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        to_field_name="orgnr",
        method="affecting",
        label=_("Affected organisation"),
    )
    life_event = django_filters.ModelChoiceFilter(
        queryset=LifeEvent.objects.all(),
        to_field_name="slug",
        method="around",
        label=_("Life event"),
    )
    mine = django_filters.BooleanFilter(
        method="proposed_by_me", widget=forms.CheckboxInput, label=_("Proposed by me")
    )
    supported = django_filters.BooleanFilter(
        method="supported_by_me", widget=forms.CheckboxInput, label=_("Supported by me")
    )
    sort = django_filters.OrderingFilter(
        fields=tuple((field, name) for name, field in ORDERING.items()), label=_("Sort by")
    )

    class Meta:
        model = Proposal
        fields = [
            "q",
            "stage",
            "source",
            "channel",
            "track",
            "organisation",
            "life_event",
            "mine",
            "supported",
        ]

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Proposal] | None = None,
        *,
        programme: Programme | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user
        if programme is not None:
            # The participants, and whoever the programme's proposals name as affected.
            self.filters["organisation"].queryset = (
                Organisation.objects.filter(
                    Q(programmes=programme) | Q(affected_by_proposals__programme=programme)
                )
                .distinct()
                .order_by("name")
            )
        self.filters["life_event"].queryset = LifeEvent.objects.order_by("name")

    def search(self, queryset: QuerySet[Proposal], name: str, value: str) -> QuerySet[Proposal]:
        """Every word in the title, need, idea or expected benefits; "F-12" finds F-12."""
        for word in value.split():
            match = Q(title__icontains=word) | Q(need__icontains=word) | Q(idea__icontains=word)
            match |= Q(expected_benefits__icontains=word)
            reference = REFERENCE.match(word)
            if reference:
                match |= Q(number=int(reference.group(1)))
            queryset = queryset.filter(match)
        return queryset

    def affecting(
        self, queryset: QuerySet[Proposal], name: str, value: Organisation
    ) -> QuerySet[Proposal]:
        # A subquery rather than a join, so the list needs no DISTINCT.
        through = Proposal.affected_organisations.through
        return queryset.filter(
            pk__in=through.objects.filter(organisation=value).values("proposal_id")
        )

    def around(
        self, queryset: QuerySet[Proposal], name: str, value: LifeEvent
    ) -> QuerySet[Proposal]:
        through = Proposal.life_events.through
        return queryset.filter(pk__in=through.objects.filter(lifeevent=value).values("proposal_id"))

    def proposed_by_me(
        self, queryset: QuerySet[Proposal], name: str, value: bool
    ) -> QuerySet[Proposal]:
        """Proposals the user made, or registered for someone else."""
        if not value:
            return queryset
        if not getattr(self.user, "is_authenticated", False):
            return queryset.none()
        return queryset.filter(Q(proposer=self.user) | Q(created_by=self.user))

    def supported_by_me(
        self, queryset: QuerySet[Proposal], name: str, value: bool
    ) -> QuerySet[Proposal]:
        if not value:
            return queryset
        if not getattr(self.user, "is_authenticated", False):
            return queryset.none()
        return queryset.filter(
            Exists(Support.objects.filter(proposal=OuterRef("pk"), user=self.user))
        )


def ordered(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The FilterSet's ordering with stages in the order of the flow and ties broken by
    number (newest first), so that the same proposal never turns up on two pages; with no
    ordering asked for, the newest first."""
    order = [key for key in queryset.query.order_by if isinstance(key, str)]
    if not order:
        return queryset.order_by("-number")
    keys: list[Any] = []
    for key in order:
        if key == "stage":
            keys.append(STAGE_ORDER.asc())
        elif key == "-stage":
            keys.append(STAGE_ORDER.desc())
        else:
            keys.append(key)
    if "number" not in order and "-number" not in order:
        keys.append("-number")
    return queryset.order_by(*keys)
