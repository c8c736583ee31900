"""One FilterSet for benefits, shared by the register page, the API and the exports.

Choices are natural keys, as in the portfolio's FilterSet: organisations by organisation
number, goals and initiatives by code, so a page's filter URL and an API query read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Goal, Initiative

from .choices import BeneficiaryGroup, BenefitKind, BenefitStatus
from .models import Benefit, Contribution

ORDERING = {
    "code": "code",
    "title": "title",
    "kind": "kind",
    "status": "status",
    "owner": "owner_organisation__name",
    "total": "total_likely",
}
GROUPS = frozenset(BeneficiaryGroup.values)


class BenefitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    # Single-valued fields: no DISTINCT needed.
    kind = django_filters.MultipleChoiceFilter(
        choices=BenefitKind.choices, distinct=False, label=_("Kind")
    )
    # An organisation number or a group (citizens, businesses …): one select offers both.
    arises_in = django_filters.ChoiceFilter(
        method="arising", label=_("Arises in"), empty_label=_("Anywhere")
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        to_field_name="orgnr",
        label=_("Owning organisation"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=BenefitStatus.choices, distinct=False, label=_("Status")
    )
    # Codes are unique only within a programme: no programme, no initiatives or goals to choose.
    # The initiative is typed by its code (a programme may have thousands to list).
    initiative = django_filters.ModelChoiceFilter(
        queryset=Initiative.objects.none(),
        to_field_name="code",
        method="contributed_by",
        label=_("Contributing initiative"),
        help_text=_("The initiative's code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    goal = django_filters.ModelChoiceFilter(
        queryset=Goal.objects.none(), to_field_name="code", method="serving", label=_("Goal")
    )
    sort = django_filters.OrderingFilter(
        fields=tuple((field, name) for name, field in ORDERING.items()), label=_("Sort by")
    )

    class Meta:
        model = Benefit
        fields = ["q", "kind", "arises_in", "owner_organisation", "status", "initiative", "goal"]

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Benefit] | None = None,
        *,
        programme: Programme | None = None,
        organisations: Sequence[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        """``organisations`` (all of them, by name) may be given when the caller has them
        already; otherwise they are read here for the "arises in" choices, once and only
        when these are drawn or a value is checked against them (an API call without that
        filter does without)."""
        super().__init__(data, queryset, **kwargs)

        @cache
        def arising_choices() -> list[tuple[Any, list[tuple[str, Any]]]]:
            listed = organisations
            if listed is None:
                listed = Organisation.objects.order_by("name")
            return [
                (_("Groups"), list(BeneficiaryGroup.choices)),
                (_("Organisations"), [(o.orgnr, str(o)) for o in listed]),
            ]

        self.filters["arises_in"].extra["choices"] = arising_choices
        if programme is not None:
            self.filters["goal"].queryset = Goal.objects.filter(programme=programme).order_by(
                "code"
            )
            self.filters["initiative"].queryset = Initiative.objects.filter(
                programme=programme
            ).order_by("code")

    def filter_key(self) -> str:
        """The valid filters (what ``qs`` applies; sorting left out) as one canonical text:
        the same key for the same matches, whatever the order or form of the query string."""
        if not self.is_bound:
            return ""
        self.form.is_valid()  # fills cleaned_data with the filters that are valid
        parts = []
        for name, value in sorted(self.form.cleaned_data.items()):
            if name == "sort" or value in (None, "", []):
                continue
            values = value if isinstance(value, list | tuple) else [value]
            parts.append(f"{name}={','.join(sorted(str(getattr(v, 'pk', v)) for v in values))}")
        return "&".join(parts)

    def initiative_ids(self) -> list[int] | None:
        """The initiatives whose shares the totals attribute, or None for all of them."""
        if not self.is_bound or "initiative" in self.errors:
            return None
        # Like the list itself: a valid initiative filter counts even if another is wrong.
        initiative = self.form.cleaned_data.get("initiative")
        return [initiative.pk] if initiative else None

    def narrows(self) -> bool:
        """Whether a valid filter leaves benefits out (sorting does not): the list is then
        not the whole programme's."""
        return bool(self.filter_key())

    def search(self, queryset: QuerySet[Benefit], name: str, value: str) -> QuerySet[Benefit]:
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
            )
        return queryset

    def arising(self, queryset: QuerySet[Benefit], name: str, value: str) -> QuerySet[Benefit]:
        if value in GROUPS:
            return queryset.filter(arises_in_group=value)
        return queryset.filter(arises_in_organisation__orgnr=value)

    def contributed_by(
        self, queryset: QuerySet[Benefit], name: str, value: Initiative
    ) -> QuerySet[Benefit]:
        # A subquery rather than a join, so the list needs no DISTINCT.
        ids = Contribution.objects.filter(initiative=value).values("benefit_id")
        return queryset.filter(pk__in=ids)

    def serving(self, queryset: QuerySet[Benefit], name: str, value: Goal) -> QuerySet[Benefit]:
        # A societal goal is served through its impact goals.
        return queryset.filter(Q(impact_goal=value) | Q(impact_goal__parent=value))
