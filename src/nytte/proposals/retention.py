"""Retention: outside proposers' personal data is kept no longer than needed.

A proposal sent by someone without an account (the public form, or a facilitator's
"sought out" registration) keeps their name and e-mail, and the hash of their private status
link, for as long as the proposal is being handled. Once it has been closed (parked,
rejected, merged or adopted: not in ``OPEN_STAGES``) for ``PROPOSER_RETENTION_MONTHS``
(``NYTTE_PROPOSER_RETENTION_MONTHS``, 24 by default), :func:`anonymise_expired` erases them
exactly as a facilitator's "erase" does (``proposer_erase``): the proposal stays, its
change log says that the fields were erased (never their values), a domain event says so
too, and the job logs how many it erased. Proposals have no phone number field.

Run by ``nytte retention`` (cron it daily) or the task :func:`nytte.proposals.tasks.retention`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from nytte.core.actors import System

from .choices import OPEN_STAGES
from .models import Proposal, ProposalEvent
from .services import proposer_erase

logger = logging.getLogger("nytte.retention")
RETENTION = System("retention")


def cutoff(now: dt.datetime | None = None, months: int | None = None) -> dt.datetime:
    """Proposals closed before this moment have had their time."""
    months = settings.PROPOSER_RETENTION_MONTHS if months is None else months
    return (now or timezone.now()) - dt.timedelta(days=round(months * 365.25 / 12))


def expired(now: dt.datetime | None = None, months: int | None = None) -> QuerySet[Proposal]:
    """Closed proposals whose outside proposer's data is still kept and past its time. A
    proposal's closing time is when it moved to its present stage (its last stage event),
    or its last change when no event says so."""
    moved = (
        ProposalEvent.objects.filter(proposal=OuterRef("pk"), to_stage=OuterRef("stage"))
        .values("proposal")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    return (
        Proposal.objects.exclude(stage__in=OPEN_STAGES)
        .filter(erased_at__isnull=True)
        .filter(~Q(proposer_name="") | ~Q(proposer_email=""))
        .filter(proposer__isnull=True)
        .annotate(
            closed_at=Coalesce(Subquery(moved, output_field=DateTimeField()), F("updated_at"))
        )
        .filter(closed_at__lt=cutoff(now, months))
        .select_related("programme")
    )


def anonymise_expired(
    *, now: dt.datetime | None = None, months: int | None = None, dry_run: bool = False
) -> list[str]:
    """Erase the outside proposers' data of every expired proposal; returns their references
    (programme slug and F-number), erased or, with ``dry_run``, that would be."""
    done = []
    for proposal in expired(now, months):
        label = f"{proposal.programme.slug}/{proposal.reference}"
        if not dry_run:
            with transaction.atomic():
                proposer_erase(proposal=proposal, acting_user=RETENTION)
        done.append(label)
    logger.info(
        "Retention: %s outside proposers' personal data %s (proposals closed before %s)",
        len(done),
        "would be erased" if dry_run else "erased",
        cutoff(now, months).date().isoformat(),
    )
    return done
