"""The programme's anchoring heat-map: initiatives × questions, organisations × leadership
commitment and proposals on their way to a decision × questions, read in a fixed number of
queries whatever the portfolio's size.

Every cell carries its state as a code the template writes out as text (never colour
alone): an answer's status, ``unanswered``, or ``flagged`` for the KS question of an
initiative that touches municipal services and has no real answer yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import Stage
from nytte.proposals.models import Proposal

from . import rules
from .models import AnchoringAnswer, ChecklistQuestion, LeadershipCommitment
from .selectors import (
    STATUSES,
    UNANSWERED,
    AnchoringSummary,
    active_questions,
    ks_flag_for,
    summarise,
    with_municipal_stakeholders,
)
from .subject_rows import remember_organisations, with_organisations

FLAGGED = "flagged"
# Organisation cells: taking part with a commitment, recorded as not committed, not
# recorded at all, or not taking part ("").
COMMITTED, NOT_COMMITTED, NOT_RECORDED = "committed", "not_committed", "not_recorded"


@dataclass
class HeatCell:
    question: ChecklistQuestion
    state: str  # an AnswerStatus value, UNANSWERED or FLAGGED
    answer: AnchoringAnswer | None


@dataclass
class HeatRow:
    initiative: Initiative
    cells: list[HeatCell]
    summary: AnchoringSummary


@dataclass
class ProposalRow:
    proposal: Proposal
    cells: list[HeatCell]
    summary: AnchoringSummary


# Proposals on their way to a decision: those the programme must see anchored in time.
PROPOSAL_STAGES = (Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY)


@dataclass
class OrgRow:
    organisation: Organisation
    cells: list[str]  # per initiative: COMMITTED, NOT_COMMITTED, NOT_RECORDED or ""
    committed: int = 0
    taking_part: int = 0


@dataclass
class HeatMap:
    questions: list[ChecklistQuestion]
    rows: list[HeatRow]
    column_counts: list[dict[str, int]]
    totals: dict[str, int]
    flagged: int
    complete: int
    initiatives: list[Initiative] = field(default_factory=list)
    org_rows: list[OrgRow] = field(default_factory=list)
    missing_commitments: int = 0
    proposal_questions: list[ChecklistQuestion] = field(default_factory=list)
    proposal_rows: list[ProposalRow] = field(default_factory=list)


def _proposal_rows(
    proposals: list[Proposal],
    questions: list[ChecklistQuestion],
    answers: dict[int, dict[int, AnchoringAnswer]],
    committed: dict[int, set[int]],
) -> list[ProposalRow]:
    """Proposals in harmonisation, assessment or ready for governance × their questions."""
    rows = []
    for proposal in proposals:
        orgs = rules.participating_organisations(proposal)
        municipal = rules.touches_municipal_services(proposal, orgs)
        own = answers.get(proposal.pk, {})
        cells = []
        for question in questions:
            answer = own.get(question.pk)
            state = (
                FLAGGED
                if ks_flag_for(question, answer, municipal)
                else (answer.status if answer else UNANSWERED)
            )
            cells.append(HeatCell(question, state, answer))
        summary = summarise(
            "proposal",
            proposal.pk,
            questions,
            own,
            orgs,
            committed.get(proposal.pk, set()),
            municipal,
        )
        rows.append(ProposalRow(proposal, cells, summary))
    return rows


def heat_map(*, programme: Programme, user: Actor) -> HeatMap:
    """The heat-map of the initiatives and proposals ``user`` may see. The subjects are read
    first, so that their questions, answers and commitments take one query each."""
    initiatives = list(
        with_organisations(
            with_municipal_stakeholders(
                Initiative.objects.for_user(user)
                .in_programme(programme)
                .select_related("owner_organisation", "programme")
                .order_by("code")
            )
        )
    )
    proposals = list(
        with_organisations(
            Proposal.objects.for_user(user)
            .in_programme(programme)
            .filter(stage__in=PROPOSAL_STAGES)
            .select_related("programme")
            .order_by("number")
        )
    )
    # Their participants and affected organisations came along as JSON.
    remember_organisations([*initiatives, *proposals])
    asked = active_questions(programme)
    questions = [q for q in asked if q.applies("initiative")]
    proposal_questions = [q for q in asked if q.applies("proposal")]
    on_subjects = Q(initiative__in=initiatives) | Q(proposal__in=proposals)
    answers: dict[int, dict[int, AnchoringAnswer]] = {}
    proposal_answers: dict[int, dict[int, AnchoringAnswer]] = {}
    for answer in AnchoringAnswer.objects.filter(on_subjects):
        if answer.initiative_id is not None:
            answers.setdefault(answer.initiative_id, {})[answer.question_id] = answer
        else:
            proposal_answers.setdefault(answer.proposal_id, {})[answer.question_id] = answer
    recorded: dict[tuple[int, int], bool] = {}
    proposal_committed: dict[int, set[int]] = {}
    for c in LeadershipCommitment.objects.filter(on_subjects):
        if c.initiative_id is not None:
            recorded[(c.initiative_id, c.organisation_id)] = c.committed
        elif c.committed:
            proposal_committed.setdefault(c.proposal_id, set()).add(c.organisation_id)

    rows: list[HeatRow] = []
    column_counts = [Counter({s: 0 for s in (*STATUSES, FLAGGED)}) for _q in questions]
    organisations: dict[int, Organisation] = {}
    taking_part: dict[int, list[Organisation]] = {}
    for initiative in initiatives:
        taking_part[initiative.pk] = rules.participating_organisations(initiative)
        organisations.update((o.pk, o) for o in taking_part[initiative.pk])
        own = answers.get(initiative.pk, {})
        is_municipal = rules.touches_municipal_services(initiative, taking_part[initiative.pk])
        cells = []
        for index, question in enumerate(questions):
            answer = own.get(question.pk)
            if ks_flag_for(question, answer, is_municipal):
                state = FLAGGED
            else:
                state = answer.status if answer else UNANSWERED
            column_counts[index][state] += 1
            cells.append(HeatCell(question, state, answer))
        committed = {o for (i, o), yes in recorded.items() if i == initiative.pk and yes}
        summary = summarise(
            "initiative",
            initiative.pk,
            questions,
            own,
            taking_part[initiative.pk],
            committed,
            is_municipal,
        )
        rows.append(HeatRow(initiative, cells, summary))

    org_rows = []
    for organisation in sorted(organisations.values(), key=lambda o: o.name):
        row = OrgRow(organisation, [])
        for initiative in initiatives:
            if organisation not in taking_part[initiative.pk]:
                row.cells.append("")
                continue
            row.taking_part += 1
            state = recorded.get((initiative.pk, organisation.pk))
            if state is True:
                row.committed += 1
                row.cells.append(COMMITTED)
            else:
                row.cells.append(NOT_RECORDED if state is None else NOT_COMMITTED)
        org_rows.append(row)

    totals: Counter[str] = Counter()
    for counts in column_counts:
        totals.update(counts)
    return HeatMap(
        proposal_questions=proposal_questions,
        proposal_rows=_proposal_rows(
            proposals, proposal_questions, proposal_answers, proposal_committed
        ),
        questions=questions,
        rows=rows,
        column_counts=[dict(c) for c in column_counts],
        totals={s: totals.get(s, 0) for s in (*STATUSES, FLAGGED)},
        flagged=sum(1 for r in rows if r.summary.ks_flag),
        complete=sum(1 for r in rows if r.summary.complete),
        initiatives=initiatives,
        org_rows=org_rows,
        missing_commitments=sum(r.taking_part - r.committed for r in org_rows),
    )
