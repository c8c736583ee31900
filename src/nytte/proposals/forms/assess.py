"""Forms of step 3: criteria, weights, pairwise comparison, assessors, the track and scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import assessment as assess
from ..choices import Track
from ..models import Assessment, Criterion, Proposal


class CriterionForm(forms.Form):
    """A criterion with its scale written one step per line, lowest first."""

    name = forms.CharField(label=gettext_lazy("Criterion"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the assessors should look at."),
    )
    scale = forms.CharField(
        label=gettext_lazy("Scale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One step per line, from the lowest to the highest, each described; "
            "they are numbered 1, 2, 3 … from the top."
        ),
    )
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        min_value=0,
        max_digits=7,
        decimal_places=4,
        initial=1,
        help_text=gettext_lazy("Relative to the other criteria of the same dimension."),
    )

    def __init__(self, *args: Any, criterion: Criterion | None = None, **kwargs: Any) -> None:
        self.criterion = criterion
        if criterion is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": criterion.name,
                "description": criterion.description,
                "scale": "\n".join(str(step.get("label", "")) for step in criterion.scale),
                "weight": _plain(criterion.weight),
            }
        super().__init__(*args, **kwargs)

    def scale_steps(self) -> list[dict[str, Any]]:
        """The lines as steps; an existing criterion with as many steps keeps its values."""
        labels = [line.strip() for line in self.cleaned_data["scale"].splitlines()]
        labels = [label for label in labels if label]
        values = list(range(1, len(labels) + 1))
        if self.criterion is not None and len(self.criterion.scale) == len(labels):
            values = [int(step["value"]) for step in self.criterion.scale]
        return [{"value": v, "label": label} for v, label in zip(values, labels, strict=True)]

    def data_for_service(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"].strip(),
            "description": self.cleaned_data["description"].strip(),
            "scale": self.scale_steps(),
            "weight": self.cleaned_data["weight"],
        }


def _plain(number: Decimal) -> str:
    """1.5000 as "1.5" and 10.0000 as "10" (``normalize`` alone would give "1E+1")."""
    return format(number.normalize(), "f")


class WeightsForm(forms.Form):
    """Weights set directly: one number per criterion of a dimension."""

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                min_value=0,
                max_digits=7,
                decimal_places=4,
                initial=_plain(criterion.weight),
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )

    def weights(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}


def _verbal(step: int) -> Any:
    return {
        2: gettext_lazy("between equal and moderately"),
        3: gettext_lazy("moderately"),
        4: gettext_lazy("between moderately and strongly"),
        5: gettext_lazy("strongly"),
        6: gettext_lazy("between strongly and very strongly"),
        7: gettext_lazy("very strongly"),
        8: gettext_lazy("between very strongly and extremely"),
        9: gettext_lazy("extremely"),
    }[step]


def saaty_choices(first: Criterion, second: Criterion) -> list[tuple[str, str]]:
    """Saaty's scale for one pair, worded both ways: "first 3 – moderately more important"
    down through "equally important" to "second 9 – extremely more important"."""
    choices = []
    for step in range(9, 1, -1):
        choices.append(
            (
                str(step),
                _("%(step)s: %(name)s %(verbal)s more important")
                % {"step": step, "name": first.name, "verbal": _verbal(step)},
            )
        )
    choices.append(("1", _("1: equally important")))
    for step in range(2, 10):
        choices.append(
            (
                f"1/{step}",
                _("1/%(step)s: %(name)s %(verbal)s more important")
                % {"step": step, "name": second.name, "verbal": _verbal(step)},
            )
        )
    return choices


class PairwiseForm(forms.Form):
    """Every pair of a dimension's criteria on Saaty's scale (AHP)."""

    def __init__(self, *args: Any, state: assess.PairwiseState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = []
        for first, second, value in state.pairs:
            name = f"pair_{first.pk}_{second.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("%(first)s compared with %(second)s")
                % {"first": first.name, "second": second.name},
                choices=saaty_choices(first, second),
                initial=assess.saaty_text(value) if value is not None else "1",
            )
            self.pairs.append((first, second, name))

    def rows(self) -> list[dict[str, Any]]:
        return [{"first": f, "second": s, "field": self[name]} for f, s, name in self.pairs]

    def judgements(self) -> dict[tuple[int, int], str]:
        return {(f.pk, s.pk): self.cleaned_data[name] for f, s, name in self.pairs}


class AssessorForm(forms.Form):
    """Ask a programme member to assess the proposal, by a date."""

    assessor = forms.TypedChoiceField(label=gettext_lazy("Assessor"), coerce=int)
    due = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, candidates: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        self.fields["assessor"].choices = [("", _("Choose a person …"))] + [
            (user.pk, user.display_name) for user in candidates
        ]


class TrackForm(forms.Form):
    """The facilitator's track for a proposal, with the reason."""

    track = forms.ChoiceField(label=gettext_lazy("Track"), choices=Track.choices)
    track_reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Why this track; it is kept with the proposal's history."),
    )

    @classmethod
    def for_proposal(cls, proposal: Proposal, suggested: str | None, **kwargs: Any) -> TrackForm:
        initial = {
            "track": proposal.track or suggested or "",
            "track_reason": proposal.track_reason,
        }
        return cls(initial=initial, **kwargs)


class AssessForm(forms.Form):
    """An assessor's scores: one step of each criterion's scale, with an optional comment."""

    comment = forms.CharField(
        label=gettext_lazy("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[Criterion],
        assessment: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
        for criterion in self.criteria:
            labels = {int(step["value"]): step.get("label", "") for step in criterion.scale}
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    (v, f"{v} – {labels[v]}" if labels.get(v) else str(v))
                    for v in criterion.scale_values
                ],
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=score.value if score else None,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                max_length=500,
                initial=score.comment if score else "",
            )
        if assessment is not None:
            self.fields["comment"].initial = assessment.comment

    def groups(self) -> list[dict[str, Any]]:
        """The fields by dimension, as the page lists them."""
        result = []
        for group in assess.by_dimension(self.criteria):
            if group.criteria:
                result.append(
                    {
                        "dimension": group.dimension,
                        "label": group.label,
                        "items": [
                            {
                                "criterion": c,
                                "score": self[f"score_{c.pk}"],
                                "note": self[f"note_{c.pk}"],
                            }
                            for c in group.criteria
                        ],
                    }
                )
        return result

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"note_{c.pk}"])
            for c in self.criteria
        }

    def service_fields(self) -> dict[str, str]:
        return {str(c.pk): f"score_{c.pk}" for c in self.criteria}
