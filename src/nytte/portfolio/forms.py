"""Forms for the portfolio pages. They validate what people type; the services save it.

Choice fields fetch their options once: the same list is rendered and validated against, so a
submitted choice costs no query of its own (the pages' query counts are pinned).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import Actor
from nytte.core.forms import (
    DATE_WIDGET,
    VERSION_FIELD,
    LineForm,
    ListedModelChoiceField,
    ListedModelMultipleChoiceField,
    add_version_field,
)
from nytte.core.models import Organisation, Programme, User

from .models import (
    CostLine,
    Dependency,
    Goal,
    Initiative,
    InitiativeGoal,
    LifeEvent,
    Risk,
    StatusReport,
)
from .services import allowed_phases

# ---------------------------------------------------------------------------------------------
# Initiative


def _organisations_for(programme: Programme, current_id: int | None) -> QuerySet[Organisation]:
    """The programme's participants, plus the organisation already chosen (if it left)."""
    return (
        Organisation.objects.filter(Q(programmes=programme) | Q(pk=current_id))
        .distinct()
        .order_by("name")
    )


def _member_of(through: Any, owner: str, pk: int | None, **match: Any) -> Exists | Value:
    """Whether the row's object is linked to ``pk`` through an m2m table (False when new)."""
    if pk is None:
        return Value(False)
    return Exists(through.objects.filter(**{f"{owner}_id": pk}, **match))


class InitiativeForm(forms.ModelForm):
    """Create or edit an initiative; goals are chosen here and weighted elsewhere.

    The relation fields are plain form fields, not model fields: the service saves them, and
    their current values come from the same query as their options (not one query each).
    """

    participants = ListedModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(Initiative._meta.get_field("participants").verbose_name),
    )
    goals = ListedModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Goals"),
        help_text=_("The goals this initiative contributes to."),
    )
    life_events = ListedModelMultipleChoiceField(
        queryset=LifeEvent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(Initiative._meta.get_field("life_events").verbose_name),
    )

    class Meta:
        model = Initiative
        fields = [
            "code",
            "title",
            "description",
            "owner_organisation",
            "owner",
            "phase",
            "status",
            "status_reason",
            "planned_start",
            "planned_end",
            "mandatory",
            "digitalisation",
            "published",
        ]
        field_classes = {
            "owner_organisation": ListedModelChoiceField,
            "owner": ListedModelChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
        }

    # Fields saved through the service's m2m arguments rather than as model data.
    RELATIONS = ("participants", "life_events", "goals", VERSION_FIELD)

    def __init__(self, *args: Any, programme: Programme, acting_user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        add_version_field(self)
        pk = self.instance.pk
        # The phases this user may move the initiative to: the service's rule, offered here.
        allowed = set(allowed_phases(acting_user, self.instance))
        self.fields["phase"].choices = [
            (value, label) for value, label in self.fields["phase"].choices if value in allowed
        ]
        participation = Initiative.participants.through
        organisations = list(
            Organisation.objects.annotate(
                in_programme=Exists(
                    Programme.participants.through.objects.filter(
                        programme=programme, organisation=OuterRef("pk")
                    )
                ),
                chosen=_member_of(participation, "initiative", pk, organisation=OuterRef("pk")),
            ).order_by("name")
        )
        self._set_options(
            "owner_organisation",
            _organisations_for(programme, self.instance.owner_organisation_id),
            [
                o
                for o in organisations
                if o.in_programme or o.pk == self.instance.owner_organisation_id
            ],
        )
        self._set_options("participants", Organisation.objects.order_by("name"), organisations)
        self.fields["owner"].queryset = (
            User.objects.filter(
                Q(programme_memberships__programme=programme) | Q(pk=self.instance.owner_id)
            )
            .distinct()
            .order_by("username")
        )
        self.fields["life_events"].queryset = LifeEvent.objects.annotate(
            chosen=_member_of(
                Initiative.life_events.through, "initiative", pk, lifeevent=OuterRef("pk")
            )
        ).order_by("name")
        contribution = (
            Subquery(
                InitiativeGoal.objects.filter(initiative_id=pk, goal=OuterRef("pk")).values(
                    "contribution"
                )[:1]
            )
            if pk
            else Value(None, output_field=DecimalField())
        )
        self.fields["goals"].queryset = (
            Goal.objects.filter(programme=programme)
            .annotate(current_contribution=contribution)
            .order_by("code")
        )
        if pk and not self.is_bound:
            self.initial["participants"] = [o for o in organisations if o.chosen]
            self.initial["life_events"] = [
                e for e in self.fields["life_events"].listed() if e.chosen
            ]
            self.initial["goals"] = [
                g for g in self.fields["goals"].listed() if g.current_contribution is not None
            ]

    def _set_options(self, name: str, queryset: QuerySet[Any], objects: list[Any]) -> None:
        field = self.fields[name]
        field.queryset = queryset
        field.objects = objects

    def clean_code(self) -> str:
        # The database constraint covers (programme, code); say so next to the field.
        code = self.cleaned_data["code"]
        taken = Initiative.objects.filter(programme=self.programme, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another initiative in this programme already has this code."), code="unique"
            )
        return code

    def model_data(self) -> dict[str, Any]:
        """Cleaned values of the initiative's own fields, for the service."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.RELATIONS}

    def goal_weights(self) -> dict[Goal, Decimal]:
        """Chosen goals with their contribution: kept as they were, 1 for new ones."""
        return {
            goal: goal.current_contribution if goal.current_contribution is not None else Decimal(1)
            for goal in self.cleaned_data["goals"]
        }


# ---------------------------------------------------------------------------------------------
# Lines of an initiative, edited inline on its tabs


class CostLineForm(LineForm):
    """One paying organisation's cost in one year."""

    wide_fields = ("note",)

    class Meta:
        model = CostLine
        fields = ["organisation", "year", "category", "low", "likely", "high", "note"]
        field_classes = {"organisation": ListedModelChoiceField}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["organisation"].queryset = _organisations_for(
            programme, self.instance.organisation_id
        )
        for name in ("year", "low", "likely", "high"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")


class DependencyForm(LineForm):
    """That this initiative requires, enables or conflicts with another, chosen by its code
    (a programme can have a thousand initiatives: too many for a select)."""

    wide_fields = ("note",)
    CODES_LIST = "initiative-codes"  # id of the page's <datalist> of codes

    target = forms.ModelChoiceField(
        queryset=Initiative.objects.none(),
        to_field_name="code",
        label=_("Other initiative (code)"),
        help_text=_("The code of an initiative in this programme, for example FI-12."),
        error_messages={"invalid_choice": _("No initiative in this programme has this code.")},
        widget=forms.TextInput(attrs={"list": CODES_LIST, "autocomplete": "off"}),
    )

    class Meta:
        model = Dependency
        fields = ["target", "kind", "note"]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["target"].queryset = Initiative.objects.filter(programme=programme)
        self.fields["target"].widget.attrs.update(
            {
                "hx-get": reverse("portfolio:initiative_codes", kwargs={"slug": programme.slug}),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{self.CODES_LIST}",
                "hx-swap": "innerHTML",
            }
        )
        if self.instance.target_id:
            self.initial["target"] = self.instance.target.code  # the code, not the id


RISK_SCALE = [("", _("Choose 1–5"))] + [(n, str(n)) for n in range(1, 6)]


class RiskForm(LineForm):
    """A risk scored by probability and consequence, each 1–5."""

    wide_fields = ("description", "mitigation")

    class Meta:
        model = Risk
        fields = [
            "title",
            "probability",
            "consequence",
            "owner",
            "status",
            "description",
            "mitigation",
        ]
        widgets = {
            "probability": forms.Select(choices=RISK_SCALE),
            "consequence": forms.Select(choices=RISK_SCALE),
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "probability": _("5 = very likely."),
            "consequence": _("5 = very serious."),
        }


class StatusReportForm(LineForm):
    """A period's status: overall and per dimension, with commentary."""

    wide_fields = ("commentary",)

    class Meta:
        model = StatusReport
        fields = [
            "period",
            "overall",
            "plan",
            "cost",
            "benefits",
            "stakeholders",
            "risk",
            "commentary",
        ]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 4})}

    def clean_period(self) -> str:
        # The database allows one report per period; say so next to the field.
        period = self.cleaned_data["period"]
        taken = StatusReport.objects.filter(
            initiative_id=self.instance.initiative_id, period=period
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a status report for this period."), code="unique"
            )
        return period
