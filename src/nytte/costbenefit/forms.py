"""Forms for the cost-benefit page: the analysis settings, extra lines and alternatives,
and the note of a snapshot. They validate what people type; the services save it.

Choice fields get their options from the view (fetched once per page), so rendering and
validating them costs no query of their own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nytte.core.forms import ListedModelChoiceField
from nytte.core.models import Organisation

from .models import AnalysisSettings, ExtraAlternative, ExtraLine, Snapshot


def _numeric(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs.setdefault("inputmode", "numeric")


class SettingsForm(forms.ModelForm):
    """The basis of the analysis: years, period, parameter set and the simulation's runs."""

    wide_fields = ("assumptions",)

    class Meta:
        model = AnalysisSettings
        fields = [
            "base_year",
            "price_year",
            "period_years",
            "parameter_set",
            "iterations",
            "seed",
            "assumptions",
            "benefit_adjustment",
            "adjustment_basis",
        ]
        widgets = {"assumptions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric(self, "base_year", "price_year", "period_years", "iterations", "seed")


class ExtraAlternativeForm(forms.ModelForm):
    """An alternative measure beside the initiative or proposal itself."""

    wide_fields = ("description",)

    class Meta:
        model = ExtraAlternative
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ExtraLineForm(forms.ModelForm):
    """A cost or benefit the registers do not hold, for the subject or an alternative."""

    wide_fields = ("note",)

    class Meta:
        model = ExtraLine
        fields = [
            "name",
            "alternative",
            "kind",
            "category",
            "organisation",
            "group",
            "public_budget",
            "first_year",
            "last_year",
            "low",
            "likely",
            "high",
            "real_growth",
            "distribution",
            "note",
        ]
        field_classes = {
            "alternative": ListedModelChoiceField,
            "organisation": ListedModelChoiceField,
        }
        help_texts = {
            "category": _(
                "Costs: investment, operation or other. Benefits: efficiency gain, quality "
                "gain, gain for others or other."
            ),
            "group": _("Choose either an organisation or a group."),
        }

    def __init__(
        self,
        *args: Any,
        alternatives: list[ExtraAlternative],
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        alternative = self.fields["alternative"]
        alternative.queryset = ExtraAlternative.objects.filter(
            initiative_id=self.instance.initiative_id, proposal_id=self.instance.proposal_id
        )
        alternative.objects = alternatives
        alternative.empty_label = (
            _("The initiative itself") if self.instance.initiative_id else _("The proposal itself")
        )
        organisation = self.fields["organisation"]
        organisation.queryset = Organisation.objects.order_by("name")
        organisation.objects = organisations
        _numeric(self, "first_year", "last_year", "low", "likely", "high")
        self.fields["real_growth"].widget.attrs.setdefault("inputmode", "decimal")


class FreezeForm(forms.ModelForm):
    """What a snapshot is for, e.g. the decision case that refers to it."""

    class Meta:
        model = Snapshot
        fields = ["note"]
        labels = {"note": _("What it is for")}
        help_texts = {"note": _("For example: Decision case BP2, or Co-funding application.")}
