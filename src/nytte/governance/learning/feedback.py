"""Feedback to proposers: the outcome of the decision on their proposal and its reasons by
e-mail (``notify_decision``, called when a decision is recorded), and afterwards the
realisation of what their proposal became on their private status page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal

from ..choices import Outcome
from ..models import Decision
from . import realised
from .common import send_mail_on_commit


def _recipients(proposal: Proposal) -> list[str]:
    own = ""
    if proposal.proposer_id and proposal.proposer.email:
        own = proposal.proposer.email
    elif not proposal.erased_at:
        own = proposal.proposer_email
    supporters = proposal.supports.values_list("user__email", flat=True)
    return list(dict.fromkeys(e for e in [own, *supporters] if e))


def notify_decision(decision: Decision) -> int:
    """Tell the proposer and supporters of the case's proposal what was decided and why
    (sent after commit; texts in the site's language). Returns the number of messages."""
    proposal = decision.case.proposal
    if proposal is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        outcome = Outcome(decision.outcome).label
        subject = _("Decision on %(ref)s: %(outcome)s") % {
            "ref": proposal.reference,
            "outcome": outcome,
        }
        lines = [
            _("%(forum)s decided on %(date)s on the proposal “%(title)s”: %(outcome)s.")
            % {
                "forum": decision.forum.name,
                "date": decision.decided_on.strftime("%d.%m.%Y"),
                "title": proposal.title,
                "outcome": str(outcome).lower(),
            },
            "",
            _("Reasons: %(rationale)s") % {"rationale": decision.rationale},
        ]
        if decision.conditions:
            lines += ["", _("Conditions: %(conditions)s") % {"conditions": decision.conditions}]
        lines += [
            "",
            _(
                "You can follow what happens next, and the benefits it realises, on the "
                "status page of your proposal (the link in your receipt)."
            ),
        ]
    body = "\n".join(lines)
    return send_mail_on_commit((to, subject, body) for to in _recipients(proposal))


def latest_decision(proposal: Proposal) -> Decision | None:
    return (
        Decision.objects.filter(case__proposal=proposal, amended_by__isnull=True)
        .select_related("forum")
        .order_by("-decided_on", "-pk")
        .first()
    )


def status_feedback(proposal: Proposal, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the proposer's status page adds: the decision and its reasons, and for an
    adopted proposal the initiative it became with the realisation of its benefits."""
    decision = latest_decision(proposal)
    context: dict[str, Any] = {"decision": decision, "realisation": None, "initiative": None}
    if decision is not None:
        context["decision_outcome"] = Outcome(decision.outcome).label
    initiative = proposal.attached_to if proposal.stage == Stage.ADOPTED else None
    if initiative is not None:
        rows = realised.realisation_for([initiative.pk], today=today or timezone.localdate())
        context["initiative"] = initiative
        context["realisation"] = {"rows": rows, "totals": realised.totals(rows)}
    return context
