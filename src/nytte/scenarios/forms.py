"""Forms for scenario pages. Rules live in the model's ``clean`` and the services; these
only parse what a person types."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.db.models import Func, Q, QuerySet, Subquery
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import codes_when_long, too_long_to_list, type_codes
from nytte.core.models import Organisation, Programme
from nytte.portfolio.choices import CostCategory
from nytte.proposals.choices import OPEN_STAGES
from nytte.proposals.models import Proposal

from . import inputs
from .models import Scenario

LIST_FIELDS = ("excluded", "forced_in", "forced_out", "mandatory")


def candidate_choices(programme: Programme, proposals: list[Proposal]) -> list[tuple[str, str]]:
    """Keys and names of the current portfolio's initiatives and the given proposals; a
    name starts with the item's code."""
    choices = [
        (inputs.initiative_key_of(code), f"{code} {title}")
        for code, title, _phase in inputs.portfolio_labels(programme)
    ]
    choices += [(inputs.proposal_key(p), f"{p.reference} {p.title}") for p in proposals]
    return choices


def choice_codes(choices: list[tuple[str, str]]) -> dict[str, str]:
    """Each candidate's code, the first word of its name (``candidate_choices``)."""
    return {key: label.split(" ", 1)[0] for key, label in choices}


def _count(rows: QuerySet[Any]) -> Subquery:
    """How many ``rows`` there are, as a subquery (a plain ``COUNT``, not grouped)."""
    return Subquery(rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n"))


def _first(rows: QuerySet[Any], name: str) -> Subquery:
    """The first row's ``name`` in that order, as a subquery (read through the index on
    it: ``MIN(code)`` would compare every code through the natural collation)."""
    return Subquery(rows.order_by(name).values(name)[:1])


class Candidates:
    """The scenario form's options, read no further than the form needs. Past ``LONG_LIST``
    a list is a box for typed codes, and an empty box shows only how many options there are
    and one code: a new scenario's form at national size reads those in one query instead
    of every initiative and open proposal (some 9,000 rows and 200 ms of CPU for lists it
    never shows). The rows are read once, when a posted or saved selection is checked or
    shown, or when the lists are short enough to tick."""

    def __init__(self, programme: Programme, proposals: QuerySet[Proposal]) -> None:
        self.programme = programme
        self.proposal_rows = proposals
        initiatives = inputs.portfolio_rows(programme)
        found = (
            Programme.objects.filter(pk=programme.pk)
            .values(
                n_initiatives=_count(initiatives),
                first_code=_first(initiatives, "code"),
                n_proposals=_count(proposals),
                first_number=_first(proposals, "number"),
            )
            .get()
        )
        self.initiative_count: int = found["n_initiatives"]
        self.proposal_count: int = found["n_proposals"]
        self.first_initiative: str = found["first_code"] or ""
        number = found["first_number"]
        self.first_proposal = "" if number is None else Proposal(number=number).reference

    @property
    def count(self) -> int:
        return self.initiative_count + self.proposal_count

    @property
    def example(self) -> str:
        """The first option's code, as ``candidate_choices`` orders them."""
        return self.first_initiative or self.first_proposal

    @cached_property
    def proposals(self) -> list[Proposal]:
        return list(self.proposal_rows.only("number", "title"))

    @cached_property
    def proposal_codes(self) -> dict[str, str]:
        return {str(p.pk): p.reference for p in self.proposals}

    @cached_property
    def choices(self) -> list[tuple[str, str]]:
        return candidate_choices(self.programme, self.proposals)

    @cached_property
    def codes(self) -> dict[str, str]:
        return choice_codes(self.choices)


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
            "max_probability_negative",
            "time_limit",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["score_weight"].required = False
        listed = Q(programme=programme, stage__in=OPEN_STAGES)
        if self.instance.pk:
            listed |= Q(pk__in=self.instance.proposals.values("pk"))
        self.fields["proposals"].queryset = Proposal.objects.filter(listed).order_by("number")
        self.fields["proposals"].label_from_instance = lambda p: f"{p.reference} {p.title}"
        if self.instance.pk:
            self.fields["proposals"].initial = list(self.instance.proposals.all())
        candidates = Candidates(programme, self.fields["proposals"].queryset)
        if too_long_to_list(candidates.proposal_count):
            type_codes(
                self.fields["proposals"],
                count=candidates.proposal_count,
                example=candidates.first_proposal,
                codes=lambda: candidates.proposal_codes,
            )
        typed = too_long_to_list(candidates.count)
        for name in LIST_FIELDS:
            field = self.fields[name]
            if typed:
                # A callable: the options are read only when a posted value is checked.
                field.choices = lambda: candidates.choices
                type_codes(
                    field,
                    count=candidates.count,
                    example=candidates.example,
                    codes=lambda: candidates.codes,
                )
            else:
                field.choices = candidates.choices
            if self.instance.pk:
                field.initial = getattr(self.instance, name)

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


class StopCostForm(forms.Form):
    """Which running initiatives the optimiser may stop, and at what cost:
    ``stop-<index>`` per running initiative; empty keeps it running. Past ``LONG_LIST``
    running initiatives (``core.forms``), one box takes a line per initiative that may stop,
    its code and cost ("FI-12 2000000")."""

    def __init__(
        self, *args: Any, running: list[tuple[str, str]], stop_costs: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys: list[tuple[str, str]] = []
        self.typed = too_long_to_list(len(running))
        if self.typed:
            codes = choice_codes(running)
            self.running = {code.casefold(): key for key, code in codes.items()}
            self.fields["stops"] = forms.CharField(
                label=_("Stop costs (NOK)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_(
                    "One running initiative per line: its code and the stop cost, for example "
                    "%(example)s. Not listed: it keeps running."
                )
                % {"example": f"{next(iter(codes.values()))} 2000000"},
                initial="\n".join(
                    f"{codes.get(key, key)} {int(cost)}" for key, cost in stop_costs.items()
                ),
            )
            return
        for k, (key, label) in enumerate(running):
            name = f"stop-{k}"
            self.keys.append((name, key))
            self.fields[name] = forms.IntegerField(
                min_value=0,
                required=False,
                label=_("Stop cost of %(item)s (NOK)") % {"item": label},
                initial=stop_costs.get(key),
            )

    def clean_stops(self) -> dict[str, int]:
        found: dict[str, int] = {}
        problems = []
        for line in self.cleaned_data["stops"].splitlines():
            code, _sep, amount = line.strip().partition(" ")
            if not code:
                continue
            key = self.running.get(code.casefold())
            digits = "".join(amount.split())
            if key is None or not digits.isdigit():
                problems.append(line.strip())
            else:
                found[key] = int(digits)
        if problems:
            raise forms.ValidationError(
                _("Not a running initiative's code and a whole amount: %(lines)s"),
                params={"lines": "; ".join(problems)},
            )
        return found

    def stop_costs(self) -> dict[str, int]:
        if self.typed:
            return self.cleaned_data["stops"]
        return {
            key: self.cleaned_data[name]
            for name, key in self.keys
            if self.cleaned_data.get(name) is not None
        }


class FundForm(forms.Form):
    """One fund with its rules; what is left empty does not limit it."""

    name = forms.CharField(label=_("Name"), max_length=100)
    budget = forms.IntegerField(
        label=_("What the fund can pay out per year (NOK)"),
        min_value=0,
        required=False,
        help_text=_("In total, for all items. Empty: no limit."),
    )
    max_share = forms.DecimalField(
        label=_("Largest share of an item's cost (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=100,
    )
    max_amount = forms.IntegerField(
        label=_("Most it pays for one item (NOK)"), min_value=0, required=False
    )
    max_budget_years = forms.IntegerField(
        label=_("Pays an item in at most this many budget years"), min_value=1, required=False
    )
    min_project_cost = forms.IntegerField(
        label=_("Smallest project cost it pays for (NOK)"), min_value=0, required=False
    )
    max_project_cost = forms.IntegerField(
        label=_("Largest project cost it pays for (NOK)"), min_value=0, required=False
    )
    organisations = forms.MultipleChoiceField(
        label=_("Pays only for these organisations' costs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every organisation."),
    )
    cost_kinds = forms.MultipleChoiceField(
        label=_("Pays only for these kinds of cost"),
        required=False,
        choices=CostCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    first_year = forms.IntegerField(label=_("Pays from year"), required=False)
    last_year = forms.IntegerField(label=_("Pays until year"), required=False)
    candidates = forms.MultipleChoiceField(
        label=_("Pays only for these items"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any item the other rules allow."),
    )
    include_running = forms.BooleanField(
        label=_("Also pays for running initiatives"), required=False
    )
    require_positive_nnv = forms.BooleanField(
        label=_("Pays only for items with a positive NNV"), required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        candidates: list[tuple[str, str]],
        first_year: int,
        years: int,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "fund")
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(str(o.pk), o.label) for o in organisations]
        self.fields["candidates"].choices = candidates
        codes_when_long(self.fields["candidates"], choice_codes(candidates))
        self.plan_years = (first_year, first_year + years - 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lo, hi = data.get("first_year"), data.get("last_year")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("last_year", _("The last year comes before the first."))
        return data

    def fund(self) -> dict[str, Any]:
        """The fund in the optimiser's format (organisations by id)."""
        d = self.cleaned_data
        out: dict[str, Any] = {
            "id": slugify(d["name"])[:50] or "fund",
            "name": d["name"],
            "max_share": float(d["max_share"]) / 100,
            "include_running": d["include_running"],
            "require_positive_nnv": d["require_positive_nnv"],
        }
        for key in ("budget", "max_amount", "max_budget_years", "max_project_cost"):
            if d.get(key) is not None:
                out[key] = d[key]
        if d.get("min_project_cost"):
            out["min_project_cost"] = d["min_project_cost"]
        for key in ("organisations", "cost_kinds", "candidates"):
            if d.get(key):
                out[key] = list(d[key])
        lo, hi = d.get("first_year"), d.get("last_year")
        if lo is not None or hi is not None:
            lo = self.plan_years[0] if lo is None else lo
            hi = self.plan_years[1] if hi is None else hi
            out["years"] = list(range(lo, hi + 1))
        return out
