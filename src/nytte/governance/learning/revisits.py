"""Revisit triggers: reasons for the facilitator to look at a decision again.

- **Benefit behind plan**: a benefit of an initiative a decision created or changed trails
  its plan by more than the programme's tolerance (``Programme.behind_plan_tolerance``,
  percentage points of the way from baseline to target; the same rule as the benefits
  follow-up dashboard, so what is red there opens an item here). Checked when measurements
  are recorded (``benefits.services.measurements``) and by the sweep.
- **Risk materialised**: a risk of such an initiative is set to *materialised*
  (``portfolio.services.risk_add``/``risk_update``, and the sweep).
- **Overlapping proposal**: a new proposal gets a confirmed harmonisation link (overlap,
  duplicate or conflict) to such an initiative (``proposals.services.links``, and the sweep).

One open item per reason and object (a database constraint): opening again is a no-op
until the facilitator closes the item with a resolution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.benefits.models import Benefit
from nytte.core import history
from nytte.core.actors import Actor, System, actor_user
from nytte.core.permissions import Action, require
from nytte.portfolio.choices import RiskStatus
from nytte.portfolio.models import Risk
from nytte.proposals.choices import LinkKind, Stage
from nytte.proposals.models import ProposalLink

from ..choices import RevisitKind
from ..models import Decision, RevisitItem
from ..models.learning import revisit_reason_key
from . import realised
from .common import applying_decisions, decision_initiative_ids, decisions_by_initiative

TRIGGER = System("revisit")
OVERLAP_KINDS = frozenset({LinkKind.OVERLAP, LinkKind.DUPLICATE, LinkKind.CONFLICTS})


def open_item(
    *,
    kind: str,
    decision: Decision,
    detail: str,
    benefit: Benefit | None = None,
    risk: Risk | None = None,
    proposal: object = None,
) -> tuple[RevisitItem, bool]:
    """The open item for this reason and object, opened if there is none (idempotent)."""
    keys = {
        "kind": kind,
        "decision": decision,
        "benefit": benefit,
        "risk": risk,
        "proposal": proposal,
    }
    # The key the unique index holds: equal objects, None included, give equal keys.
    reason = revisit_reason_key(
        kind, decision.pk, *(getattr(obj, "pk", None) for obj in (benefit, risk, proposal))
    )
    found = RevisitItem.objects.filter(closed_at__isnull=True, reason_key=reason).first()
    if found is not None:
        return found, False
    item = RevisitItem(programme=decision.case.programme, detail=detail, **keys)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # opened by another process just now
        return RevisitItem.objects.get(closed_at__isnull=True, reason_key=reason), False
    history.log_create(item, acting_user=TRIGGER)
    return item, True


def check_benefits(
    benefit_ids: Iterable[int], *, today: dt.date | None = None
) -> list[RevisitItem]:
    """Open items for benefits behind plan whose initiatives a decision created or changed."""
    today = today or timezone.localdate()
    ids = set(benefit_ids)
    if not ids or not _decided(ids):
        return []
    benefits = list(realised.prefetched_benefits(Benefit.objects.filter(pk__in=ids)))
    initiative_ids = {c.initiative_id for b in benefits for c in b.contributions.all()}
    decisions = decisions_by_initiative(initiative_ids)
    if not decisions:
        return []
    opened = []
    for benefit in realised.benefits_with_progress(benefits, today=today):
        if not benefit.behind:
            continue
        for contribution in benefit.contributions.all():
            decision = decisions.get(contribution.initiative_id)
            if decision is None:
                continue
            detail = _("%(code)s %(title)s is behind plan by more than %(tol)s points.") % {
                "code": benefit.code,
                "title": benefit.title,
                "tol": f"{benefit.programme.behind_plan_tolerance.normalize():f}",
            }
            item, new = open_item(
                kind=RevisitKind.BENEFIT_BEHIND, decision=decision, benefit=benefit, detail=detail
            )
            if new:
                opened.append(item)
    return opened


def _decided(benefit_ids: set[int]) -> bool:
    """Whether a decision created or changed an initiative of these benefits: one query, so
    that recording measurements of benefits no decision touched costs one query more."""
    return (
        applying_decisions()
        .filter(
            Q(case__initiative__benefit_contributions__benefit__in=benefit_ids)
            | Q(case__proposal__attached_to__benefit_contributions__benefit__in=benefit_ids)
        )
        .exists()
    )


def check_risk(risk: Risk) -> RevisitItem | None:
    """Open an item when a risk of a decided initiative has materialised."""
    if risk.status != RiskStatus.MATERIALISED:
        return None
    decision = decisions_by_initiative([risk.initiative_id]).get(risk.initiative_id)
    if decision is None:
        return None
    detail = _("The risk “%(risk)s” of %(code)s has materialised.") % {
        "risk": risk.title,
        "code": risk.initiative.code,
    }
    item, new = open_item(
        kind=RevisitKind.RISK_MATERIALISED, decision=decision, risk=risk, detail=detail
    )
    return item if new else None


def risk_saved(risk: Risk) -> Risk:
    """The portfolio's hook after a risk is saved: a materialised risk of a decided initiative
    asks for the decision to be revisited."""
    check_risk(risk)
    return risk


def check_link(link: ProposalLink) -> RevisitItem | None:
    """Open an item when a new proposal overlaps an initiative a decision created or
    changed (not for the proposal the decision itself was about)."""
    if link.kind not in OVERLAP_KINDS or link.target_initiative_id is None:
        return None
    if link.proposal.stage in (Stage.MERGED, Stage.REJECTED, Stage.ADOPTED):
        return None
    decision = decisions_by_initiative([link.target_initiative_id]).get(link.target_initiative_id)
    if decision is None or decision.case.proposal_id == link.proposal_id:
        return None
    detail = _("%(ref)s %(title)s: %(kind)s %(code)s.") % {
        "ref": link.proposal.reference,
        "title": link.proposal.title,
        "kind": link.get_kind_display().lower(),
        "code": link.target_initiative.code,
    }
    item, new = open_item(
        kind=RevisitKind.OVERLAPPING_PROPOSAL,
        decision=decision,
        proposal=link.proposal,
        detail=detail,
    )
    return item if new else None


def sweep(*, today: dt.date | None = None) -> int:
    """Check every decided initiative's benefits, risks and links; returns items opened."""
    decisions = list(applying_decisions().select_related("case__proposal"))
    initiative_ids = {pk for d in decisions for pk in decision_initiative_ids(d)}
    if not initiative_ids:
        return 0
    benefit_ids = Benefit.objects.filter(contributions__initiative__in=initiative_ids).values_list(
        "pk", flat=True
    )
    opened = len(check_benefits(benefit_ids, today=today))
    risks = Risk.objects.filter(
        initiative__in=initiative_ids, status=RiskStatus.MATERIALISED
    ).select_related("initiative")
    opened += sum(1 for risk in risks if check_risk(risk))
    links = ProposalLink.objects.filter(
        target_initiative__in=initiative_ids, kind__in=OVERLAP_KINDS
    ).select_related("proposal", "target_initiative")
    opened += sum(1 for link in links if check_link(link))
    return opened


def open_items(user: Actor) -> QuerySet[RevisitItem]:
    """Open items in the programmes ``user`` facilitates."""
    return (
        RevisitItem.objects.for_user(user, Action.FACILITATE)
        .filter(closed_at__isnull=True)
        .select_related("programme", "decision__case", "benefit", "risk", "proposal")
        .order_by("opened_at", "pk")
    )


@transaction.atomic
def revisit_close(*, item: RevisitItem, resolution: str, acting_user: Actor) -> RevisitItem:
    """The facilitator closes an item, saying what was done."""
    require(acting_user, Action.FACILITATE, item)
    if item.closed_at is not None:
        raise ValidationError(_("This item is already closed."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say what was done.")})
    before = history.snapshot(item)
    item.closed_at = timezone.now()
    item.closed_by = actor_user(acting_user)
    item.resolution = resolution.strip()
    item.save(update_fields=["closed_at", "closed_by", "resolution"])
    history.log_update(item, acting_user=acting_user, before=before)
    return item
