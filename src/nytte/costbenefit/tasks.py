"""Background work of the cost-benefit app, run by ``nytte worker`` (django-tasks, database
backend): recomputing a live analysis whose inputs changed (see ``results``)."""

from __future__ import annotations

from django_tasks import task

from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from . import results


@task()
def recompute_analysis(kind: str, pk: int) -> bool:
    """Recompute the stored result of an initiative's (``kind="initiative"``) or a
    proposal's analysis; False when the subject is gone."""
    model = Initiative if kind == "initiative" else Proposal
    subject = model.objects.select_related("programme").filter(pk=pk).first()
    if subject is None:
        return False
    results.refresh(subject)
    return True
