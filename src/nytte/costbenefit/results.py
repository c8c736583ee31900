"""The live analysis without a Monte Carlo on every page view: results cached by their inputs.

A page or API view asks :func:`current` for a subject's analysis. Building the analysis from
the registers is cheap (a few queries); simulating it is not. So the built analysis and the
simulation's iterations and seed are hashed into an *inputs key*, and the last result is kept
in ``AnalysisResult`` under that key:

- the key matches: the stored result is shown, nothing is simulated;
- the key differs (settings, lines, costs, benefits or parameter set changed): the last
  result is shown with its time and a note that a newer one is being computed, and the
  ``recompute_analysis`` task (``tasks.py``, run by ``nytte worker``) is enqueued once per key;
- there is no result yet: it is computed now, once, and stored; likewise when the page
  answers an edit of its own (a POST), so that the editor sees the new numbers at once.

Frozen snapshots never read this cache: a decision's numbers stay as they were frozen.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from nytte.economics import Analysis, CBAInputError

from . import subject as subjects
from .build import build_analysis, settings_for
from .models import AnalysisResult, Subject
from .presentation import Evaluated, live
from .selectors import JOINED_RESULT


@dataclass(frozen=True)
class Current:
    """What a view shows: the evaluation, when it was computed, and whether a newer one is
    on its way (the inputs have changed since)."""

    evaluated: Evaluated
    computed_at: Any
    stale: bool


def inputs_key(subject: Subject, analysis: Analysis | None = None) -> str:
    """A hash of everything the result depends on."""
    analysis = analysis or build_analysis(subject)
    config = settings_for(subject)
    payload = {
        "analysis": analysis.to_dict(),
        "iterations": config.iterations,
        "seed": config.seed,
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _to_json(ev: Evaluated) -> dict[str, Any]:
    return {
        "inputs": ev.inputs,
        "results": ev.results,
        "simulation": ev.simulation,
        "tornado": ev.tornado,
        "break_even": ev.break_even,
    }


def _from_json(data: dict[str, Any]) -> Evaluated:
    return Evaluated(
        inputs=data["inputs"],
        results=data["results"],
        simulation=data.get("simulation"),
        tornado=data.get("tornado", []),
        break_even=data.get("break_even", []),
    )


def _stored(subject: Subject) -> AnalysisResult | None:
    """The stored result. A page's lookup joins it (``selectors.subject_get``), saving a
    query: that copy is used once, so a later call on the same object reads what is stored
    then."""
    if JOINED_RESULT in vars(subject):
        return vars(subject).pop(JOINED_RESULT)
    return AnalysisResult.objects.filter(**subjects.owner_filter(subject)).first()


def compute(subject: Subject, analysis: Analysis | None = None) -> AnalysisResult:
    """Simulate now and store the result (or why it cannot be computed) under its key."""
    analysis = analysis or build_analysis(subject)
    key = inputs_key(subject, analysis)
    evaluated: dict[str, Any] = {}
    error = ""
    try:
        evaluated = _to_json(live(subject, analysis))
    except CBAInputError as exc:
        error = str(exc)
    # JSON round trip, so that what is served now is what is served from the database later.
    evaluated = json.loads(json.dumps(evaluated, default=str))
    result, _created = AnalysisResult.objects.update_or_create(
        **subjects.owner_filter(subject),
        defaults={
            "inputs_key": key,
            "evaluated": evaluated,
            "error": error,
            "computed_at": timezone.now(),
            "pending_key": "",
        },
    )
    return result


def _schedule(subject: Subject, result: AnalysisResult, key: str) -> None:
    """Ask the worker to recompute, once per inputs key."""
    if result.pending_key == key:
        return
    AnalysisResult.objects.filter(pk=result.pk).update(pending_key=key)
    result.pending_key = key
    from .tasks import recompute_analysis  # the task module imports this one

    kind = "initiative" if "initiative" in subjects.owner_filter(subject) else "proposal"
    transaction.on_commit(lambda: recompute_analysis.enqueue(kind, subject.pk))


def current(
    subject: Subject, analysis: Analysis | None = None, *, recompute: bool = False
) -> Current:
    """The subject's analysis for a page or the API, simulating only when nothing is stored,
    or with ``recompute`` when the inputs changed (the page answering its own edit shows
    the editor the new numbers at once).

    Raises ``CBAInputError`` when the stored result (or the one computed now) says the
    inputs do not make an analysis.
    """
    analysis = analysis or build_analysis(subject)
    key = inputs_key(subject, analysis)
    result = _stored(subject)
    stale = False
    if result is None or (recompute and result.inputs_key != key):
        result = compute(subject, analysis)
    elif result.inputs_key != key:
        _schedule(subject, result, key)
        stale = True
    if result.error:
        if stale:
            # The last result was an error and the inputs changed since: they may be
            # fixed now, and an error is cheap to find, so compute at once.
            result = compute(subject, analysis)
            stale = False
            if result.error:
                raise CBAInputError(result.error)
        else:
            raise CBAInputError(result.error)
    return Current(
        evaluated=_from_json(result.evaluated), computed_at=result.computed_at, stale=stale
    )


def refresh(subject: Subject) -> AnalysisResult | None:
    """The task's work: recompute if the stored result is not for the current inputs."""
    analysis = build_analysis(subject)
    key = inputs_key(subject, analysis)
    result = _stored(subject)
    if result is not None and result.inputs_key == key:
        if result.pending_key:
            AnalysisResult.objects.filter(pk=result.pk).update(pending_key="")
        return result
    return compute(subject, analysis)
