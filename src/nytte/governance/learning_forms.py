"""Forms of the learning loop's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme, User

from .models import Decision, FollowUpAction, Lesson


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def members(programme: Programme) -> Any:
    return User.objects.filter(programme_memberships__programme=programme).distinct()


class ActionForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["decision", "title", "owner", "due_date"]
        widgets = {"due_date": _date_widget()}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(
            case__programme=programme
        ).select_related("case")
        self.fields["owner"].queryset = members(programme).order_by("full_name", "username")
        if self.instance.pk:
            self.fields["decision"].disabled = True


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    learned = forms.CharField(label=_("What we learned"), widget=forms.Textarea(attrs={"rows": 4}))
    next_review = forms.DateField(label=_("Next review"), required=False, widget=_date_widget())


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "text", "tags"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class CloseForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)


class AdjustmentForm(forms.Form):
    """Apply a calibration group's ratio to the analysis of a proposal or an initiative."""

    group = forms.ChoiceField(label=_("Calibration group"))
    subject = forms.ChoiceField(label=_("Analysis to adjust"))

    def __init__(
        self, *args: Any, groups: list[tuple[str, str]], subjects: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["group"].choices = groups
        self.fields["subject"].choices = subjects
