"""Reads for cost-benefit analyses: the live evaluation of an initiative or a proposal, and
its snapshots."""

from __future__ import annotations

from typing import Any

from nytte.core.models import Programme
from nytte.economics import (
    Analysis,
    break_even,
    compute,
    simulate,
    tornado,
)
from nytte.economics.prepare import prepare
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from . import subject as subjects
from .build import build_analysis, settings_for
from .models import Snapshot, Subject

# Where ``subject_get`` leaves the stored result it joined, for ``results.current``.
JOINED_RESULT = "joined_result"


def subject_get(
    programme: Programme,
    *,
    code: str | None = None,
    number: int | None = None,
    with_result: bool = False,
) -> Subject:
    """The initiative (by ``code``) or the proposal (by ``number``) with what an analysis
    reads of it, in one query; raises ``Initiative.DoesNotExist`` or
    ``Proposal.DoesNotExist``. ``with_result`` joins the stored result too, for a view that
    shows the live analysis (``results.current`` then does not read it again)."""
    related = ["analysis_settings"]
    if code is not None:
        related += ["owner_organisation", "cofunding_facts"]
    if with_result:
        related.append("analysis_result")
    subject: Subject
    if code is not None:
        subject = Initiative.objects.select_related(*related).get(programme=programme, code=code)
    else:
        subject = Proposal.objects.select_related(*related).get(programme=programme, number=number)
    subject.programme = programme
    if with_result:
        joined = type(subject).analysis_result.related.get_cached_value(subject)  # or None
        setattr(subject, JOINED_RESULT, joined)
    return subject


def evaluate(subject: Subject, analysis: Analysis | None = None) -> dict[str, Any]:
    """Compute the result table, the Monte Carlo simulation (with the analysis' iterations
    and seed), the tornado and the break-even values.

    Raises ``nytte.economics.CBAInputError`` when the inputs do not make an analysis.
    """
    config = settings_for(subject)
    analysis = analysis or build_analysis(subject)
    prepared = prepare(analysis)
    code = subjects.code(subject)
    return {
        "analysis": analysis,
        "result": compute(analysis),
        "simulation": simulate(prepared, iterations=config.iterations, seed=config.seed),
        "tornado": tornado(prepared, code),
        "break_even": break_even(prepared, code),
        "settings": config,
    }


def snapshots(*, subject: Subject) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(**subjects.owner_filter(subject))
        .select_related("created_by")
        .defer("inputs", "results", "simulation")
    )


def snapshot_get(*, subject: Subject, version: int) -> Snapshot:
    """One frozen version of the subject's analysis; raises ``Snapshot.DoesNotExist``."""
    return Snapshot.objects.select_related("created_by").get(
        version=version, **subjects.owner_filter(subject)
    )
