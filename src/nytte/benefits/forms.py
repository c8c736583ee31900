"""Forms for the benefit pages. They validate what people type; the services save it.

Choice fields fetch their options once (the portfolio's listed fields), so the pages' query
counts stay fixed: the same list is rendered and validated against.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from nytte.core.excel.views import ImportForm
from nytte.core.forms import (
    DATE_WIDGET,
    LineForm,
    ListedModelChoiceField,
    ListedModelMultipleChoiceField,
    add_version_field,
)
from nytte.core.models import Organisation, Programme, User
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, Initiative, Risk

from .initiative_field import InitiativeCodeField, initiative_suggestions
from .models import Benefit, BenefitAmount, Contribution, Indicator, Measurement, Target
from .risk_choices import risks_to_offer

NUMERIC = {"inputmode": "decimal"}
WHOLE_NUMBER = {"inputmode": "numeric"}


class RiskChoiceField(ListedModelMultipleChoiceField):
    def label_from_instance(self, obj: Risk) -> str:
        return f"{obj.initiative.code}: {obj.title}"


# ---------------------------------------------------------------------------------------------
# The benefit itself, with the initiatives' shares as rows of initiative + share


class ContributionRowForm(forms.Form):
    """One initiative's share of the benefit; a blank row is left out."""

    initiative = InitiativeCodeField(required=False, label=_("Initiative"))
    share = forms.DecimalField(
        label=_("Attributed share (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        widget=forms.NumberInput(attrs={**NUMERIC, "step": "any"}),
    )

    def __init__(self, *args: Any, programme: Programme, suggestions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].for_programme(programme, suggestions)  # one list, every row

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        initiative, share = cleaned.get("initiative"), cleaned.get("share")
        if initiative and share is None and "share" not in self.errors:
            self.add_error("share", _("Give the initiative's share."))
        if share is not None and not initiative and "initiative" not in self.errors:
            self.add_error("initiative", _("Choose the initiative this share belongs to."))
        return cleaned


class BaseContributionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            initiative = getattr(form, "cleaned_data", {}).get("initiative")
            if initiative is None:
                continue
            if initiative.pk in seen:
                form.add_error("initiative", _("This initiative is already listed above."))
            seen.add(initiative.pk)

    def shares(self) -> dict[Initiative, Decimal]:
        return {
            form.cleaned_data["initiative"]: form.cleaned_data["share"]
            for form in self.forms
            if form.cleaned_data.get("initiative") and form.cleaned_data.get("share") is not None
        }


ContributionFormSet = formset_factory(
    ContributionRowForm, formset=BaseContributionFormSet, extra=3, can_delete=False
)


class BenefitForm(forms.ModelForm):
    """Create or edit a benefit. Shares and linked risks are plain form fields saved through
    the service's arguments; their current values come with their options."""

    risks = RiskChoiceField(
        queryset=Risk.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Linked risks"),
        help_text=_("Risks of the programme's initiatives that threaten this benefit."),
    )

    class Meta:
        model = Benefit
        fields = [
            "code",
            "title",
            "description",
            "kind",
            "priced",
            "impact_goal",
            "arises_in_organisation",
            "arises_in_group",
            "owner_organisation",
            "owner",
            "status",
            "budget_cut_share",
            "plus_minus",
            "plus_minus_reasoning",
            "preconditions",
        ]
        field_classes = {
            "impact_goal": ListedModelChoiceField,
            "arises_in_organisation": ListedModelChoiceField,
            "owner_organisation": ListedModelChoiceField,
            "owner": ListedModelChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "plus_minus_reasoning": forms.Textarea(attrs={"rows": 3}),
            "preconditions": forms.Textarea(attrs={"rows": 3}),
            "budget_cut_share": forms.NumberInput(attrs={**NUMERIC, "step": "any"}),
            "plus_minus": forms.Select(
                choices=[("", _("Not assessed"))]
                + [(n, f"{n:+d}" if n else "0") for n in range(-4, 5)]
            ),
        }
        help_texts = {
            "arises_in_organisation": _("Where the benefit lands: one organisation …"),
            "arises_in_group": _("… or a group. Choose one of the two."),
        }

    RELATIONS = ("risks", "version")  # version: the optimistic lock, not model data

    def __init__(self, data: Any = None, *, programme: Programme, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.programme = programme
        add_version_field(self)
        pk = self.instance.pk
        organisations = list(Organisation.objects.order_by("name"))
        for name in ("arises_in_organisation", "owner_organisation"):
            field = self.fields[name]
            field.queryset = Organisation.objects.order_by("name")
            field.objects = organisations
        self.fields["impact_goal"].queryset = Goal.objects.filter(
            programme=programme, level=GoalLevel.IMPACT
        ).order_by("code")
        self.fields["owner"].queryset = (
            User.objects.filter(
                Q(programme_memberships__programme=programme) | Q(pk=self.instance.owner_id)
            )
            .distinct()
            .order_by("username")
        )
        offered = risks_to_offer(programme, pk, data)
        self.risks_narrowed = offered.narrowed
        self.fields["risks"].queryset = offered.queryset
        self.fields["risks"].objects = offered.risks
        initial_shares = []
        if pk and not self.is_bound:
            self.initial["risks"] = [r for r in offered.risks if r.chosen]
            initial_shares = [
                {"initiative": c.initiative, "share": c.share}
                for c in self.instance.contributions.all()
            ]
        self.contributions = ContributionFormSet(
            data,
            prefix="contribution",
            initial=initial_shares,
            form_kwargs={
                "programme": programme,
                "suggestions": initiative_suggestions(programme),
            },
        )
        self.contribution_errors: list[str] = []
        # Each label says which row it is, for screen readers and the error summary.
        for number, row in enumerate(self.contributions.forms, start=1):
            row.row_number = number

    def clean_code(self) -> str:
        # The database constraint covers (programme, code); say so next to the field.
        code = self.cleaned_data["code"]
        taken = Benefit.objects.filter(programme=self.programme, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another benefit in this programme already has this code."), code="unique"
            )
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("arises_in_organisation") and cleaned.get("arises_in_group"):
            self.add_error(
                "arises_in_group",
                _("A benefit arises either in one organisation or in a group, not both."),
            )
        return cleaned

    def is_valid(self) -> bool:
        # Both are validated, so every error shows at once.
        valid = super().is_valid()
        return self.contributions.is_valid() and valid

    @property
    def has_contribution_errors(self) -> bool:
        return bool(
            self.contribution_errors
            or self.contributions.non_form_errors()
            or any(f.errors for f in self.contributions.forms)
        )

    def add_contribution_error(self, exc: ValidationError) -> None:
        """A service's refusal of the shares (together over 100 %), shown with the rows."""
        self.contribution_errors.extend(exc.messages)

    def model_data(self) -> dict[str, Any]:
        """Cleaned values of the benefit's own fields, for the service."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.RELATIONS}

    def shares(self) -> dict[Initiative, Decimal]:
        return self.contributions.shares()


# ---------------------------------------------------------------------------------------------
# Lines of a benefit, edited inline on its tabs


class ContributionForm(LineForm):
    """An initiative's attributed share of the benefit."""

    class Meta:
        model = Contribution
        fields = ["initiative", "share"]
        field_classes = {"initiative": InitiativeCodeField}
        widgets = {"share": forms.NumberInput(attrs={**NUMERIC, "step": "any"})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["initiative"].for_programme(programme)
        if self.instance.initiative_id and not self.is_bound:
            self.initial["initiative"] = self.instance.initiative.code  # the code, not the id

    def clean_initiative(self) -> Initiative:
        initiative = self.cleaned_data["initiative"]
        taken = Contribution.objects.filter(
            benefit_id=self.instance.benefit_id, initiative=initiative
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("This initiative already has a share of the benefit."), code="unique"
            )
        return initiative


class BenefitAmountForm(LineForm):
    """The benefit's value in one year, as low / most likely / high NOK."""

    class Meta:
        model = BenefitAmount
        fields = ["year", "low", "likely", "high"]
        widgets = {
            name: forms.NumberInput(attrs=WHOLE_NUMBER)
            for name in ("year", "low", "likely", "high")
        }

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        taken = BenefitAmount.objects.filter(benefit_id=self.instance.benefit_id, year=year)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This year already has an amount."), code="unique")
        return year


class IndicatorForm(LineForm):
    """How the benefit is measured, and its baseline (nullpunktsmåling)."""

    wide_fields = ("method",)

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "frequency",
            "baseline_value",
            "baseline_date",
            "data_source",
            "measuring_cost",
            "method",
        ]
        widgets = {
            "method": forms.Textarea(attrs={"rows": 2}),
            "baseline_value": forms.NumberInput(attrs={**NUMERIC, "step": "any"}),
            "baseline_date": DATE_WIDGET,
            "measuring_cost": forms.NumberInput(attrs=WHOLE_NUMBER),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = Indicator.objects.filter(benefit_id=self.instance.benefit_id, name=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("The benefit already has an indicator with this name."), code="unique"
            )
        return name


class _DatedForm(LineForm):
    """A target or measurement: one per indicator and date."""

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        taken = type(self.instance).objects.filter(
            indicator_id=self.instance.indicator_id, date=date
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(self.taken_message, code="unique")
        return date


class TargetForm(_DatedForm):
    taken_message = _("The indicator already has a target on this date.")

    class Meta:
        model = Target
        fields = ["date", "value"]
        widgets = {
            "date": DATE_WIDGET,
            "value": forms.NumberInput(attrs={**NUMERIC, "step": "any"}),
        }


class MeasurementForm(LineForm):
    """One measurement; a date already measured is refused by the service (the same answer
    as from the API, the sheet and the command)."""

    wide_fields = ("comment",)

    class Meta:
        model = Measurement
        fields = ["date", "value", "source", "comment"]
        widgets = {
            "date": DATE_WIDGET,
            "value": forms.NumberInput(attrs={**NUMERIC, "step": "any"}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }


# ---------------------------------------------------------------------------------------------
# The analysis pages' filters and the follow-up tolerance


class _FilterForm(forms.Form):
    """A GET filter whose options come from data the page has already read, so validating a
    choice costs no query."""

    def __init__(self, data: Any, choices: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__(data, auto_id="filter_%s")
        self.codes: dict[str, str] = {}
        for name, options in choices.items():
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = [("", field.empty_label), *options]
            else:  # a text field: the options are (value, code) pairs to look the code up in
                self.codes.update({code: value for value, code in options})
                self.codes.update({value: value for value, _code in options})

    def clean_initiative(self) -> str:
        value = (self.cleaned_data.get("initiative") or "").strip()
        if value and value not in self.codes:
            raise forms.ValidationError(_("No initiative in this programme has that code."))
        return self.codes.get(value, "")


class MapFilterForm(_FilterForm):
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        help_text=_(
            "Its initiatives, and the benefits that arise in it, that it owns or that its "
            "initiatives contribute to."
        ),
    )
    organisation.empty_label = _("All organisations")


class FlowFilterForm(_FilterForm):
    # Typed by code: a national portfolio has thousands of initiatives, too many to list.
    # The value is the initiative's id once cleaned; an id is still taken (older links).
    initiative = forms.CharField(
        label=_("Initiative"),
        required=False,
        help_text=_("Its code. Only this initiative's attributed shares of the benefits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        help_text=_("Only what it pays for and what arises in it."),
    )
    organisation.empty_label = _("All organisations")


TOLERANCE_FIELD = forms.DecimalField(
    label=_("Tolerance (percentage points)"),
    min_value=0,
    max_value=100,
    max_digits=5,
    decimal_places=2,
)


class TryToleranceForm(forms.Form):
    """Another threshold for this look only (``?tolerance=``); nothing is saved."""

    tolerance = TOLERANCE_FIELD

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="try_%s", **kwargs)
        self.fields["tolerance"].help_text = _(
            "Try another threshold without saving it. Leave empty for the programme's own."
        )
        self.fields["tolerance"].required = False


class SaveToleranceForm(forms.Form):
    """The programme's tolerance, for programme admins."""

    tolerance = TOLERANCE_FIELD

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="save_%s", **kwargs)
        self.fields["tolerance"].help_text = _(
            "A benefit is behind plan when its realisation trails the plan by more than this."
        )


# ---------------------------------------------------------------------------------------------
# Uploading measurements, saving a plan version


class MeasurementsForm(ImportForm):
    """The import form, for a sheet of measurements rather than an edited export."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A sheet with the columns of the template. At most 10 MB."
        )


class PlanSaveForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the list of versions, e.g. “Updated at the end of the Plan phase”."),
    )
