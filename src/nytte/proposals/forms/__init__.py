"""The proposal pipeline's forms, by step: ``capture`` (the proposal form, the public form,
evidence, comments, Excel import), ``harmonise`` (links, merge/attach, the checklist) and
``assess`` (criteria, weights, pairwise comparison, assessors, the track, scores). View
modules hold no forms. Everything is re-exported here; a service's errors go onto a form with
``nytte.core.viewhelpers.add_errors``."""

from __future__ import annotations

from .assess import (
    AssessForm,
    AssessorForm,
    CriterionForm,
    PairwiseForm,
    TrackForm,
    WeightsForm,
    saaty_choices,
)
from .capture import (
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
from .harmonise import (
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
    "attachments_field",
    "check_uploads",
    "saaty_choices",
]
