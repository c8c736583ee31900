"""The proposal pipeline's forms, by step: ``capture`` (the proposal form, the public form,
evidence, comments, Excel import), ``harmonise`` (links, merge/attach, the checklist) and
``assess`` (criteria, weights, pairwise comparison, assessors, the track, scores). View
modules hold no forms. Everything is re-exported here."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm


def add_errors(
    form: BaseForm, exc: ValidationError, fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's validation errors next to their fields (``fields`` maps the service's
    keys to the form's where they differ), the rest at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        name = (fields or {}).get(key, key)
        known = name in form.fields and name != NON_FIELD_ERRORS
        form.add_error(name if known else None, errors)


from .assess import (  # noqa: E402 - after add_errors, which they may use
    AssessForm,
    AssessorForm,
    CriterionForm,
    PairwiseForm,
    TrackForm,
    WeightsForm,
    saaty_choices,
)
from .capture import (  # noqa: E402 - after add_errors, which they may use
    CommentForm,
    EvidenceForm,
    MultipleFileField,
    MultipleFileInput,
    ProposalForm,
    ProposalImportForm,
    PublicProposalForm,
    attachments_field,
    check_uploads,
)
from .harmonise import (  # noqa: E402 - after add_errors, which they may use
    JoinForm,
    LinkAnyForm,
    LinkForm,
    QualificationForm,
    QuestionForm,
)

__all__ = [
    "AssessForm",
    "AssessorForm",
    "CommentForm",
    "CriterionForm",
    "EvidenceForm",
    "JoinForm",
    "LinkAnyForm",
    "LinkForm",
    "MultipleFileField",
    "MultipleFileInput",
    "PairwiseForm",
    "ProposalForm",
    "ProposalImportForm",
    "PublicProposalForm",
    "QualificationForm",
    "QuestionForm",
    "TrackForm",
    "WeightsForm",
    "add_errors",
    "attachments_field",
    "check_uploads",
    "saaty_choices",
]
