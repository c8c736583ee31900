"""What an analysis is of: an initiative, or a proposal that is not (yet) an initiative.

Pages, API, services and the builder ask these functions instead of branching on the type
themselves. Rights differ: an initiative's analysis is changed by those who may edit the
initiative (its owners, facilitators, programme admins); a proposal's by those who run the
assessment (facilitators, programme admins), since the proposer does not own the numbers a
decision will rest on.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from nytte.core.permissions import Action
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

Subject = Initiative | Proposal


def code(subject: Subject) -> str:
    """The short name of the subject's own alternative: ``FI-3`` or ``F-12``."""
    return subject.code if isinstance(subject, Initiative) else subject.reference


def owner_filter(subject: Subject) -> dict[str, Any]:
    """Keyword arguments that select the rows of this subject's analysis."""
    return {"initiative": subject} if isinstance(subject, Initiative) else {"proposal": subject}


def edit_action(subject: Subject) -> Action:
    return Action.EDIT if isinstance(subject, Initiative) else Action.FACILITATE


def url(subject: Subject, name: str, **extra: Any) -> str:
    """``name`` is one of the ``costbenefit`` URL names (analysis, export, snapshot,
    snapshot_export); proposals have the same pages under ``proposal_<name>``."""
    if isinstance(subject, Initiative):
        kwargs: dict[str, Any] = {"slug": subject.programme.slug, "code": subject.code}
        return reverse(f"costbenefit:{name}", kwargs=kwargs | extra)
    kwargs = {"slug": subject.programme.slug, "number": subject.number}
    return reverse(f"costbenefit:proposal_{name}", kwargs=kwargs | extra)
