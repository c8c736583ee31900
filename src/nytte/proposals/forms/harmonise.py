"""Forms of step 2: links, merge/attach confirmations and the qualification checklist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import LinkKind
from ..models import QualificationQuestion

# ---------------------------------------------------------------------------------------------
# Forms


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class LinkForm(forms.Form):
    """Confirm a link to one suggested initiative or proposal (named by ``target``)."""

    target = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why they are related: what you checked, and with whom."),
        max_length=2000,
        widget=_textarea(),
    )


class LinkAnyForm(forms.Form):
    """Link to an initiative or proposal that is not among the suggestions."""

    reference = forms.CharField(
        label=_("Initiative or proposal"),
        help_text=_("An initiative's code (e.g. FI-1) or a proposal's reference (e.g. F-12)."),
        max_length=40,
    )
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=_textarea())


class JoinForm(forms.Form):
    """The note with a merge or an attachment (on the confirmation step); ``action`` is
    "merge" or "attach"."""

    target = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why they are the same. It is kept with the proposal's history."),
        max_length=2000,
        widget=_textarea(),
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action


class QualificationForm(forms.Form):
    """One answer field per question of the programme's checklist."""

    def __init__(
        self,
        *args: Any,
        questions: list[QualificationQuestion],
        answers: dict[int, Any],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "id_qualification_%s")
        super().__init__(*args, **kwargs)
        for question in questions:
            answer = answers.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=5000,
                initial=answer.answer if answer else "",
                widget=_textarea(2),
            )

    def answers(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(
        label=_("Guidance"),
        help_text=_("Optional: what a good answer says."),
        max_length=500,
        required=False,
    )
