"""The co-funding check's form."""

from __future__ import annotations

from django import forms

from .models import CoFundingFacts


class CoFundingFactsForm(forms.ModelForm):
    """The facts only a person can give; the model's rules (e.g. joined-up services only
    under the earlier rules) are checked when the form validates."""

    class Meta:
        model = CoFundingFacts
        fields = ["requested", "rules", "category", "note"]
        widgets = {
            "requested": forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
