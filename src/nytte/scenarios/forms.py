"""Forms for scenario pages. Rules live in the model's ``clean`` and the services; these
only parse what a person types."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Organisation, Programme
from nytte.proposals.choices import OPEN_STAGES
from nytte.proposals.models import Proposal

from . import inputs
from .models import Scenario

LIST_FIELDS = ("excluded", "forced_in", "forced_out", "mandatory")


def candidate_choices(programme: Programme, proposals: list[Proposal]) -> list[tuple[str, str]]:
    """Keys and names of the current portfolio's initiatives and the given proposals."""
    choices = [
        (inputs.initiative_key(i), f"{i.code} {i.title}")
        for i in inputs.portfolio_initiatives(programme)
    ]
    choices += [(inputs.proposal_key(p), f"{p.reference} {p.title}") for p in proposals]
    return choices


class ScenarioForm(forms.ModelForm):
    """Name, plan period, settings and which candidates are in, forced or mandatory."""

    proposals = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(),
        required=False,
        label=_("Proposals to include"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Open proposals of the programme that the plan may take in."),
    )
    excluded = forms.MultipleChoiceField(
        required=False, label=_("Initiatives left out"), widget=forms.CheckboxSelectMultiple
    )
    forced_in = forms.MultipleChoiceField(
        required=False, label=_("Forced in"), widget=forms.CheckboxSelectMultiple
    )
    forced_out = forms.MultipleChoiceField(
        required=False, label=_("Forced out"), widget=forms.CheckboxSelectMultiple
    )
    mandatory = forms.MultipleChoiceField(
        required=False,
        label=_("Mandatory"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Initiatives marked mandatory in the register always are."),
    )

    class Meta:
        model = Scenario
        fields = [
            "name",
            "description",
            "first_year",
            "years",
            "flexibility",
            "score_weight",
            "time_limit",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["score_weight"].required = False
        open_proposals = Proposal.objects.filter(
            programme=programme, stage__in=OPEN_STAGES
        ).order_by("number")
        if self.instance.pk:
            open_proposals = open_proposals | self.instance.proposals.all()
        self.fields["proposals"].queryset = open_proposals.distinct()
        self.fields["proposals"].label_from_instance = lambda p: f"{p.reference} {p.title}"
        if self.instance.pk:
            self.fields["proposals"].initial = list(self.instance.proposals.all())
        choices = candidate_choices(programme, list(self.fields["proposals"].queryset))
        for name in LIST_FIELDS:
            self.fields[name].choices = choices
            if self.instance.pk:
                self.fields[name].initial = getattr(self.instance, name)

    def clean_score_weight(self) -> Any:
        value = self.cleaned_data.get("score_weight")
        return 0 if value is None else value


class BudgetForm(forms.Form):
    """One amount per organisation and plan year (NOK): ``budget-<org id>-<year index>``."""

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        first_year: int,
        years: int,
        budgets: dict[str, list[float]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        self.first_year, self.years = first_year, years
        self.rows = []
        for org in organisations:
            amounts = budgets.get(str(org.pk)) or []
            cells = []
            for t in range(years):
                name = f"budget-{org.pk}-{t}"
                self.fields[name] = forms.IntegerField(
                    min_value=0,
                    required=False,
                    label=_("%(org)s, %(year)s") % {"org": org.label, "year": first_year + t},
                    initial=int(amounts[t]) if t < len(amounts) else None,
                )
                cells.append(self[name])
            self.rows.append({"organisation": org, "cells": cells})

    @property
    def year_labels(self) -> list[int]:
        return [self.first_year + t for t in range(self.years)]

    def budgets(self) -> dict[str, list[int]]:
        """Organisations with no amount in any year have no budget (not constrained)."""
        out = {}
        for org in self.organisations:
            amounts = [self.cleaned_data.get(f"budget-{org.pk}-{t}") for t in range(self.years)]
            if any(a is not None for a in amounts):
                out[str(org.pk)] = [a or 0 for a in amounts]
        return out
