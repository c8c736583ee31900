"""Schemas and converters of the step-4 API (``steering.py``): organisations by orgnr,
people by username, cases by number, baselines by number, as elsewhere in the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from nytte.governance.baselines import BaselineComparison
from nytte.governance.models import Baseline, CaseOption, Decision, DecisionCase, Forum, Meeting
from nytte.governance.selectors import option_view

from ..common import org_out


class Org(Schema):
    orgnr: str
    name: str


class MemberOut(Schema):
    username: str
    name: str
    chair: bool


class ForumIn(Schema):
    name: str
    kind: str = "programme_board"
    organisation: str | None = None  # orgnr
    mandate: str = ""


class ForumOut(Schema):
    id: int
    name: str
    kind: str
    organisation: Org | None
    mandate: str
    members: list[MemberOut]


class MemberIn(Schema):
    username: str
    chair: bool = False


class MeetingIn(Schema):
    date: dt.date
    title: str = ""
    location: str = ""
    minutes: str = ""


class MeetingOut(Schema):
    id: int
    forum: int
    date: dt.date
    title: str
    location: str
    minutes: str
    agenda: list[int]  # case numbers, in order


class AgendaIn(Schema):
    case: int


class CaseIn(Schema):
    """A case from a ready proposal (``proposal``) or a change request (``initiative`` and
    ``change_kind``: scope, budget, timeline or stop)."""

    proposal: int | None = None
    initiative: str | None = None
    change_kind: str | None = None
    reason: str = ""


class CasePatch(Schema):
    title: str | None = None
    background: str | None = None
    assessment: str | None = None
    recommendation: str | None = None
    recommended_option: int | None = None
    proposed_decision: str | None = None
    status: str | None = None
    forum: int | None = None
    scenario: int | None = None
    scenario_run: int | None = None


class CostIO(Schema):
    id: int | None = None
    organisation: str  # orgnr
    year: int
    category: str = "investment"
    amount: int


class BenefitIO(Schema):
    id: int | None = None
    organisation: str | None = None  # orgnr; null: outside the organisations
    description: str
    annual_amount: int
    gained: bool = True


class ShareOut(Schema):
    organisation: Org
    basis: str
    share: float
    amount: int
    benefit: int
    benefit_share: float


class SplitOut(Schema):
    key: str
    reason: str
    total_cost: int
    rows: list[ShareOut]
    error: str


class SplitIn(Schema):
    key: str
    reason: str = ""
    bases: dict[str, Decimal] = {}  # orgnr -> basis


class OptionIn(Schema):
    title: str | None = None
    description: str | None = None
    new_code: str | None = None
    owner_organisation: str | None = None
    new_scope: str | None = None
    new_phase: str | None = None
    new_start: dt.date | None = None
    new_end: dt.date | None = None
    portfolio_consequences: str | None = None


class OptionOut(Schema):
    id: int
    order: int
    title: str
    description: str
    do_nothing: bool
    new_code: str
    owner_organisation: Org | None
    new_scope: str
    new_phase: str
    new_start: dt.date | None
    new_end: dt.date | None
    portfolio_consequences: str
    snapshot: int | None
    nnv: int | None
    nnb: float | None
    total_cost: int
    costs: list[CostIO]
    benefits: list[BenefitIO]
    split: SplitOut


class CaseOut(Schema):
    number: int
    reference: str
    title: str
    kind: str
    change_kind: str
    proposal: int | None
    initiative: str | None
    status: str
    background: str
    assessment: str
    recommendation: str
    recommended_option: int | None
    proposed_decision: str
    forum: int | None
    scenario: int | None
    scenario_run: int | None
    options: list[OptionOut]
    decisions: list[int]


class DecideIn(Schema):
    option: int | None = None
    outcome: str
    rationale: str
    conditions: str = ""
    forum: int
    meeting: int | None = None
    decided_on: dt.date
    review_date: dt.date
    present: list[str] = []  # usernames


class AmendIn(Schema):
    outcome: str | None = None
    option: int | None = None
    rationale: str
    conditions: str | None = None
    decided_on: dt.date
    review_date: dt.date | None = None
    present: list[str] = []  # usernames


class DecisionOut(Schema):
    id: int
    case: int
    version: int
    amends: int | None
    outcome: str
    option: int | None
    rationale: str
    conditions: str
    forum: int
    meeting: int | None
    decided_on: dt.date
    decided_by: str
    present: list[str]
    review_date: dt.date
    baseline: int | None
    inputs: dict[str, Any] | None


class BaselineIn(Schema):
    label: str


class BaselineFromRunIn(Schema):
    run: int
    label: str


class BaselineOut(Schema):
    number: int
    label: str
    decision: int | None
    scenario: int | None
    created_at: dt.datetime
    content: dict[str, Any] | None


class DeltaOut(Schema):
    before: int
    after: int
    change: int


class ComparisonOut(Schema):
    a: int
    b: int
    added: list[str]
    removed: list[str]
    changed: list[dict[str, Any]]
    costs: dict[str, dict[str, DeltaOut]]
    cost: DeltaOut
    benefits: DeltaOut
    nnv: DeltaOut


class DialogueIn(Schema):
    kind: str
    ministry: str  # orgnr
    agency: str | None = None
    text: str
    budget_year: int | None = None
    case: int | None = None


class DialogueOut(Schema):
    id: int
    kind: str
    ministry: Org
    agency: Org | None
    text: str
    budget_year: int | None
    case: int | None
    decision: int | None


# ---------------------------------------------------------------------------------------------
# Converters


def forum_out(forum: Forum) -> dict[str, Any]:
    return {
        "id": forum.pk,
        "name": forum.name,
        "kind": forum.kind,
        "organisation": org_out(forum.organisation),
        "mandate": forum.mandate,
        "members": [
            {"username": m.user.username, "name": m.user.display_name, "chair": m.chair}
            for m in forum.memberships.all()
        ],
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "forum": meeting.forum_id,
        "date": meeting.date,
        "title": meeting.title,
        "location": meeting.location,
        "minutes": meeting.minutes,
        "agenda": [item.case.number for item in meeting.agenda.all()],
    }


def option_out(option: CaseOption) -> dict[str, Any]:
    view = option_view(option)
    return {
        "id": option.pk,
        "order": option.order,
        "title": option.title,
        "description": option.description,
        "do_nothing": option.do_nothing,
        "new_code": option.new_code,
        "owner_organisation": org_out(option.owner_organisation),
        "new_scope": option.new_scope,
        "new_phase": option.new_phase,
        "new_start": option.new_start,
        "new_end": option.new_end,
        "portfolio_consequences": option.portfolio_consequences,
        "snapshot": option.snapshot_id,
        "nnv": view.nnv,
        "nnb": view.nnb,
        "total_cost": view.total_cost,
        "costs": [
            {
                "id": c.pk,
                "organisation": c.organisation.orgnr,
                "year": c.year,
                "category": c.category,
                "amount": c.amount,
            }
            for c in option.costs.all()
        ],
        "benefits": [
            {
                "id": b.pk,
                "organisation": b.organisation.orgnr if b.organisation_id else None,
                "description": b.description,
                "annual_amount": b.annual_amount,
                "gained": b.gained,
            }
            for b in option.benefits.all()
        ],
        "split": split_out(option, view),
    }


def split_out(option: CaseOption, view: Any = None) -> dict[str, Any]:
    view = view or option_view(option)
    return {
        "key": option.funding_key,
        "reason": option.funding_reason,
        "total_cost": view.total_cost,
        "error": view.split_error,
        "rows": [
            {
                "organisation": org_out(r.organisation),
                "basis": str(r.basis),
                "share": r.share_percent,
                "amount": r.amount,
                "benefit": r.benefit,
                "benefit_share": r.benefit_percent,
            }
            for r in view.split
        ],
    }


def case_out(case: DecisionCase) -> dict[str, Any]:
    return {
        "number": case.number,
        "reference": case.reference,
        "title": case.title,
        "kind": case.kind,
        "change_kind": case.change_kind,
        "proposal": case.proposal.number if case.proposal_id else None,
        "initiative": case.initiative.code if case.initiative_id else None,
        "status": case.status,
        "background": case.background,
        "assessment": case.assessment,
        "recommendation": case.recommendation,
        "recommended_option": case.recommended_option_id,
        "proposed_decision": case.proposed_decision,
        "forum": case.forum_id,
        "scenario": case.scenario_id,
        "scenario_run": case.scenario_run_id,
        "options": [option_out(o) for o in case.options.all()],
        "decisions": [d.pk for d in case.decisions.all()],
    }


def decision_out(decision: Decision, inputs: bool = False) -> dict[str, Any]:
    baseline = Baseline.objects.filter(decision=decision).values_list("number", flat=True).first()
    return {
        "id": decision.pk,
        "case": decision.case.number,
        "version": decision.version,
        "amends": decision.amends_id,
        "outcome": decision.outcome,
        "option": decision.option_id,
        "rationale": decision.rationale,
        "conditions": decision.conditions,
        "forum": decision.forum_id,
        "meeting": decision.meeting_id,
        "decided_on": decision.decided_on,
        "decided_by": decision.decided_by.username,
        "present": [u.username for u in decision.present.all()],
        "review_date": decision.review_date,
        "baseline": baseline,
        "inputs": decision.inputs if inputs else None,
    }


def baseline_out(baseline: Baseline, content: bool = False) -> dict[str, Any]:
    return {
        "number": baseline.number,
        "label": baseline.label,
        "decision": baseline.decision_id,
        "scenario": baseline.scenario_id,
        "created_at": baseline.created_at,
        "content": baseline.content if content else None,
    }


def _delta(d: Any) -> dict[str, int]:
    return {"before": d.before, "after": d.after, "change": d.change}


def comparison_out(a: Baseline, b: Baseline, comparison: BaselineComparison) -> dict[str, Any]:
    return {
        "a": a.number,
        "b": b.number,
        "added": [i["code"] for i in comparison.added],
        "removed": [i["code"] for i in comparison.removed],
        "changed": [
            {
                "code": c.code,
                "fields": {k: list(v) for k, v in c.fields.items()},
                "cost": _delta(c.cost),
                "benefits": _delta(c.benefits),
                "nnv": _delta(c.nnv) if c.nnv else None,
            }
            for c in comparison.changed
        ],
        "costs": {
            row.organisation: {year: _delta(d) for year, d in row.years.items()}
            for row in comparison.costs
        },
        "cost": _delta(comparison.cost),
        "benefits": _delta(comparison.benefits),
        "nnv": _delta(comparison.nnv),
    }
