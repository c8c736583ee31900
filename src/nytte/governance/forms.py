"""Forms for the step-4 pages. Rules live in the services and the models' ``clean``; these
only parse what a person types, and keep it when the service refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nytte.core.choices import OrganisationKind, Role
from nytte.core.models import Organisation, Programme, User
from nytte.scenarios.models import Scenario, ScenarioRun

from .choices import OPEN_CASE_STATUSES, CaseStatus, ChangeKind, FundingKey, Outcome
from .models import (
    CaseOption,
    DecisionCase,
    DialogueItem,
    Forum,
    Meeting,
    OptionBenefit,
    OptionCost,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def programme_organisations(programme: Programme) -> Any:
    """Organisations to choose from: every organisation (agencies outside the programme may
    pay for or gain from an option too), the programme's participants first."""
    return Organisation.objects.order_by("name")


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = ["name", "kind", "organisation", "mandate"]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Person"))
    chair = forms.BooleanField(required=False, label=_("Chair"))

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Everyone in the programme may be chosen: the service says clearly who lacks the role.
        self.fields["user"].queryset = (
            User.objects.filter(programme_memberships__programme=forum.programme)
            .exclude(forum_memberships__forum=forum)
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["user"].help_text = _(
            "Only people with the forum-member role can sit in a forum."
        )
        self.forum_member_ids = set(
            User.objects.filter(
                programme_memberships__programme=forum.programme,
                programme_memberships__role=Role.FORUM_MEMBER,
            ).values_list("pk", flat=True)
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title", "location", "minutes"]
        widgets = {"date": DATE}


class AgendaForm(forms.Form):
    case = forms.ModelChoiceField(queryset=DecisionCase.objects.none(), label=_("Case"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = (
            DecisionCase.objects.filter(programme=meeting.forum.programme)
            .filter(status__in=OPEN_CASE_STATUSES)
            .exclude(agenda_items__meeting=meeting)
        )


class CaseForm(forms.ModelForm):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (s.value, s.label) for s in (CaseStatus.DRAFT, CaseStatus.READY, CaseStatus.WITHDRAWN)
        ],
    )

    class Meta:
        model = DecisionCase
        fields = [
            "title",
            "background",
            "assessment",
            "recommendation",
            "recommended_option",
            "proposed_decision",
            "status",
            "forum",
            "scenario",
            "scenario_run",
        ]

    def __init__(self, *args: Any, case: DecisionCase, **kwargs: Any) -> None:
        super().__init__(*args, instance=case, **kwargs)
        self.fields["recommended_option"].queryset = case.options.all()
        self.fields["forum"].queryset = Forum.objects.filter(programme=case.programme)
        self.fields["scenario"].queryset = Scenario.objects.filter(programme=case.programme)
        self.fields["scenario_run"].queryset = ScenarioRun.objects.filter(
            scenario__programme=case.programme
        ).select_related("scenario")


class OptionForm(forms.ModelForm):
    class Meta:
        model = CaseOption
        fields = [
            "title",
            "description",
            "new_code",
            "owner_organisation",
            "new_scope",
            "new_phase",
            "new_start",
            "new_end",
            "portfolio_consequences",
        ]
        widgets = {"new_start": DATE, "new_end": DATE}

    def __init__(self, *args: Any, case: DecisionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = programme_organisations(
            case.programme
        ).distinct()


class CostForm(forms.ModelForm):
    class Meta:
        model = OptionCost
        fields = ["organisation", "year", "category", "amount"]

    def __init__(self, *args: Any, case: DecisionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme_organisations(case.programme)


class BenefitForm(forms.ModelForm):
    class Meta:
        model = OptionBenefit
        fields = ["description", "organisation", "annual_amount", "gained"]

    def __init__(self, *args: Any, case: DecisionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme_organisations(case.programme)


class FundingForm(forms.Form):
    """The key, its reason, and one basis per organisation of the programme."""

    key = forms.ChoiceField(label=_("funding key"), choices=FundingKey.choices)
    reason = forms.CharField(
        label=_("reason for the funding split"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, option: CaseOption, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"key": option.funding_key, "reason": option.funding_reason})
        super().__init__(*args, **kwargs)
        current = {s.organisation_id: s.basis for s in option.funding_shares.all()}
        self.organisations = list(
            programme_organisations(option.case.programme).distinct().order_by("name")
        )
        for org in self.organisations:
            self.fields[f"basis_{org.pk}"] = forms.DecimalField(
                label=_("Basis for %(org)s") % {"org": org.label},
                required=False,
                min_value=Decimal(0),
                max_digits=18,
                decimal_places=2,
                initial=current.get(org.pk),
            )

    def bases(self) -> list[tuple[Organisation, Decimal]]:
        return [
            (org, self.cleaned_data[f"basis_{org.pk}"])
            for org in self.organisations
            if self.cleaned_data.get(f"basis_{org.pk}")
        ]

    def basis_fields(self) -> list[Any]:
        return [self[f"basis_{org.pk}"] for org in self.organisations]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    option = forms.ModelChoiceField(
        queryset=CaseOption.objects.none(), label=_("option chosen"), required=False
    )
    rationale = forms.CharField(label=_("rationale"), widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    forum = forms.ModelChoiceField(queryset=Forum.objects.none(), label=_("forum"))
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), label=_("meeting"), required=False
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DATE, initial=dt.date.today)
    review_date = forms.DateField(label=_("review date"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("forum members taking part"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: DecisionCase, forums: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = case.options.all()
        self.fields["forum"].queryset = forums
        self.fields["meeting"].queryset = Meeting.objects.filter(forum__in=forums).select_related(
            "forum"
        )
        self.fields["present"].queryset = User.objects.filter(
            forum_memberships__forum__in=forums
        ).distinct()
        if case.recommended_option_id:
            self.fields["option"].initial = case.recommended_option_id
        if case.forum_id:
            self.fields["forum"].initial = case.forum_id
        elif len(forums) == 1:
            self.fields["forum"].initial = forums[0].pk


class AmendForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    option = forms.ModelChoiceField(
        queryset=CaseOption.objects.none(), label=_("option chosen"), required=False
    )
    rationale = forms.CharField(label=_("rationale"), widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DATE, initial=dt.date.today)
    review_date = forms.DateField(label=_("review date"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("forum members taking part"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, decision: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "outcome": decision.outcome,
                "option": decision.option_id,
                "conditions": decision.conditions,
                "review_date": decision.review_date,
                "decided_on": dt.date.today(),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = decision.case.options.all()
        self.fields["present"].queryset = User.objects.filter(
            forum_memberships__forum=decision.forum
        )


class ChangeRequestForm(forms.Form):
    change_kind = forms.ChoiceField(label=_("change asked for"), choices=ChangeKind.choices)
    reason = forms.CharField(
        label=_("background"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class BaselineForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=200)


class DialogueItemForm(forms.ModelForm):
    class Meta:
        model = DialogueItem
        fields = ["kind", "ministry", "agency", "text", "budget_year"]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ministry"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.MINISTRY
        )
        self.fields["agency"].queryset = Organisation.objects.exclude(
            kind=OrganisationKind.MINISTRY
        )
