"""The proposal pipeline, steps 1–3: innovation opportunities caught from anyone,
harmonised against every agency's portfolio, and assessed for potential against complexity.

By step: ``capture``, ``harmonise``, ``assessment``; every model is importable from here."""

from .assessment import Assessment, Criterion, PairwiseJudgement, Score
from .capture import (
    Attachment,
    Comment,
    Evidence,
    Proposal,
    ProposalEvent,
    Support,
    attachment_path,
    supporter_count,
)
from .harmonise import (
    Dismissal,
    ProposalLink,
    QualificationAnswer,
    QualificationQuestion,
    TextVector,
)

__all__ = [
    "Assessment",
    "Attachment",
    "Comment",
    "Criterion",
    "Dismissal",
    "Evidence",
    "PairwiseJudgement",
    "Proposal",
    "ProposalEvent",
    "ProposalLink",
    "QualificationAnswer",
    "QualificationQuestion",
    "Score",
    "Support",
    "TextVector",
    "attachment_path",
    "supporter_count",
]
