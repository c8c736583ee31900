"""Every form of the anchoring pages. They only parse; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import DATE_WIDGET, ListedModelChoiceField
from nytte.core.models import Organisation, Programme
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import Initiative

from .choices import (
    AnswerStatus,
    AppliesTo,
    CommitmentDocument,
    Involvement,
    RaciLetter,
    StakeholderGroup,
    Topic,
)

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class StakeholderForm(forms.Form):
    initiative = ListedModelChoiceField(
        queryset=Initiative.objects.none(),
        label=_("Initiative"),
        required=False,
        empty_label=_("The whole programme"),
    )
    organisation = ListedModelChoiceField(
        queryset=Organisation.objects.all(),
        label=_("Organisation"),
        required=False,
        empty_label=_("None: a group"),
    )
    group = forms.ChoiceField(
        label=_("Group"),
        choices=[("", _("None: an organisation")), *StakeholderGroup.choices],
        required=False,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Required for a group; for an organisation, empty shows its name."),
    )
    contact_role = forms.CharField(label=_("Contact role"), max_length=200, required=False)
    influence = forms.TypedChoiceField(
        label=_("Influence (1–5)"), choices=SCALE_CHOICES, coerce=int
    )
    interest = forms.TypedChoiceField(label=_("Interest (1–5)"), choices=SCALE_CHOICES, coerce=int)
    involvement = forms.ChoiceField(label=_("Involvement"), choices=Involvement.choices)
    involvement_note = forms.CharField(
        label=_("How they are involved"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    phases = forms.MultipleChoiceField(
        label=_("Phases"),
        choices=Phase.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The initiative phases they take part in."),
    )

    def __init__(
        self, *args: Any, programme: Programme, initiatives: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = (
            initiatives
            if initiatives is not None
            else Initiative.objects.filter(programme=programme)
        )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Guidance"), max_length=500, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.OTHER)
    applies_to = forms.ChoiceField(label=_("Asked of"), choices=AppliesTo.choices)


class AnswerForm(forms.Form):
    """One question's answer on the checklist; each question has its own prefix."""

    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[("", _("Not answered")), *AnswerStatus.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    answered_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, required=False)


class CommitmentForm(forms.Form):
    committed = forms.BooleanField(label=_("Leadership has committed"), required=False)
    document = forms.ChoiceField(
        label=_("Document"),
        choices=[("", _("Not given")), *CommitmentDocument.choices],
        required=False,
    )
    reference = forms.CharField(label=_("Reference"), max_length=300, required=False)
    committed_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, required=False)
    confirmed_by = forms.CharField(
        label=_("Confirmed by"), max_length=200, required=False, help_text=_("Name and role.")
    )


class RaciForm(forms.Form):
    organisation = ListedModelChoiceField(
        queryset=Organisation.objects.all(), label=_("Organisation")
    )
    person = forms.CharField(label=_("Person or role"), max_length=200)
    letter = forms.ChoiceField(label=_("Role"), choices=RaciLetter.choices)
