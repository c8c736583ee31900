"""Schemas of the proposals API.

References are natural keys, as in the other APIs and the Excel format: proposals by their
number in the programme (``F-12`` is number 12), organisations by organisation number,
initiatives by code, life events by slug, people by username. An outside proposer's name and
e-mail address are in the answers only for facilitators (``null`` for everyone else).
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .portfolio_schemas import ORGNR, OrganisationRef

STAGES = "received, harmonisation, assessment, ready, parked, rejected or merged."
SOURCES = "staff, user_insight, supplier, other_agency, research, new_technology or other."
CHANNELS = "form, public, api, import or sought_out."
TRACKS = "quick_win, pilot, strategic or park."
LINK_KINDS = "duplicate, overlap, depends_on, enables, conflicts, complements or same_user_benefit."
EVIDENCE_KINDS = "quote, data, study or other."
PROPOSAL_REF = "A proposal in the same programme: its number (12) or reference (F-12)."


class ProposalOut(Schema):
    number: int
    reference: str = Field(description="F-<number>.")
    url: str = Field(description="The proposal's page.")
    title: str
    need: str
    idea: str
    expected_benefits: str
    source: str = Field(description=SOURCES)
    channel: str = Field(description=CHANNELS)
    stage: str = Field(description=STAGES)
    stage_reason: str = Field(description="Why it was parked or rejected (the proposer sees it).")
    track: str = Field(description=f"Empty, or {TRACKS}")
    track_reason: str
    affected_organisations: list[OrganisationRef]
    life_events: list[str] = Field(description="Life-event slugs.")
    proposer: str | None = Field(description="Username of a proposer with an account.")
    proposer_name: str | None = Field(
        description="An outside proposer's name; only for facilitators."
    )
    proposer_email: str | None = Field(
        description="An outside proposer's e-mail address; only for facilitators."
    )
    erased: bool = Field(description="The outside proposer's personal data has been erased.")
    merged_into: str | None = Field(description="Reference of the proposal it was merged into.")
    attached_to: str | None = Field(description="Code of the initiative it was attached to.")
    supporters: int
    supported_by_me: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ProposalIn(Schema):
    """A new proposal (channel "api"). Without proposer_name/proposer_email the caller is the
    proposer; with them, consent must be true."""

    title: str
    need: str = Field(description="Whose need, what the problem is, and what shows it.")
    idea: str
    expected_benefits: str = ""
    source: str = Field("staff", description=SOURCES)
    affected_organisations: list[str] = Field([], description=f"Each an {ORGNR}")
    life_events: list[str] = Field([], description="Life-event slugs.")
    proposer_name: str = Field("", description="For a proposer without an account.")
    proposer_email: str = Field("", description="Gets the receipt with the private status link.")
    consent: bool = Field(
        False, description="The outside proposer consents to their name and e-mail being kept."
    )


class ProposalPatch(Schema):
    """Only the fields sent are changed. The proposer may edit until assessment starts; the
    facilitator any time."""

    title: str | None = None
    need: str | None = None
    idea: str | None = None
    expected_benefits: str | None = None
    source: str | None = Field(None, description=SOURCES)
    affected_organisations: list[str] | None = Field(None, description=f"Each an {ORGNR}")
    life_events: list[str] | None = Field(None, description="Life-event slugs.")


class ProposalFilters(Schema):
    """The list page's filters (ProposalFilterSet), with natural keys."""

    q: str | None = Field(None, description="Words in title, need, idea or benefits; or F-12.")
    stage: list[str] | None = Field(None, description=f"One or more stages: {STAGES}")
    source: list[str] | None = Field(None, description=f"One or more sources: {SOURCES}")
    channel: list[str] | None = Field(None, description=f"One or more channels: {CHANNELS}")
    track: list[str] | None = Field(None, description=f"One or more tracks: {TRACKS}")
    organisation: str | None = Field(None, description=f"Affected organisation. {ORGNR}")
    life_event: str | None = Field(None, description="Life-event slug.")
    mine: bool | None = Field(None, description="Only proposals the caller made or registered.")
    supported: bool | None = Field(None, description="Only proposals the caller supports.")
    sort: str | None = Field(
        None,
        description="number, title, stage, source, supporters, received or updated; "
        "prefix - to reverse. Default: newest first.",
    )


class MoveIn(Schema):
    to: str = Field(description=f"The next stage: {STAGES} (merge with …/merge).")
    reason: str = Field("", description="Required for parked and rejected.")


class MergeIn(Schema):
    into: str | int = Field(description=PROPOSAL_REF)
    note: str = ""


class AttachIn(Schema):
    initiative: str = Field(description="Code of an initiative in the same programme.")
    note: str = ""


class TrackIn(Schema):
    track: str = Field(description=TRACKS)
    reason: str = Field(description="Why this track; required.")


class LinkOut(Schema):
    id: int
    proposal: str = Field(description="Reference of the proposal the link belongs to.")
    kind: str = Field(description=LINK_KINDS)
    target_proposal: str | None = Field(description="Reference of the other proposal.")
    target_initiative: str | None = Field(description="Code of the initiative.")
    note: str
    score: float | None = Field(description="Similarity when the link was made.")
    created_by: str | None
    created_at: dt.datetime


class LinkIn(Schema):
    """Either target_proposal or target_initiative. The similarity score is computed by the
    server; a ``score`` sent by the client is ignored."""

    kind: str = Field(description=LINK_KINDS)
    target_proposal: str | int | None = Field(None, description=PROPOSAL_REF)
    target_initiative: str | None = Field(None, description="Initiative code.")
    note: str = ""


class EvidenceOut(Schema):
    id: int
    kind: str = Field(description=EVIDENCE_KINDS)
    text: str
    url: str
    source: str
    added_by: str | None
    created_at: dt.datetime


class EvidenceIn(Schema):
    kind: str = Field(description=EVIDENCE_KINDS)
    text: str
    url: str = ""
    source: str = ""


class SupportOut(Schema):
    supported: bool = Field(description="Whether the caller now supports the proposal.")
    supporters: int


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: dt.datetime


class CommentIn(Schema):
    text: str


class EventOut(Schema):
    kind: str
    from_stage: str
    to_stage: str
    note: str
    data: dict
    actor: str | None
    created_at: dt.datetime


# -- assessment (the blind rule is ``nytte.proposals.assessment``'s) ---------------------------


class ScaleStep(Schema):
    value: int
    label: str


class CriterionOut(Schema):
    id: int
    dimension: str = Field(description="potential or complexity.")
    name: str
    description: str
    scale: list[ScaleStep] = Field(description="The steps of the scale, each described.")
    weight: float = Field(description="The weight as set (shares within a dimension follow).")
    order: int


class ScoreOut(Schema):
    criterion: int = Field(description="The criterion's id.")
    value: int
    comment: str


class AssessmentOut(Schema):
    id: int
    proposal: str = Field(description="Reference of the proposal.")
    assessor: str = Field(description="Username.")
    due: dt.date | None
    comment: str
    submitted: bool
    submitted_at: dt.datetime | None
    scores: list[ScoreOut]


class ScoreIn(Schema):
    criterion: int = Field(description="The criterion's id.")
    value: int | None = Field(description="A step of its scale; null removes a draft score.")
    comment: str = ""


class AssessmentIn(Schema):
    """Scores to save (others are kept), and the overall comment when given."""

    scores: list[ScoreIn] = []
    comment: str | None = None


class SpreadOut(Schema):
    criterion: int
    n: int
    minimum: int | None
    maximum: int | None
    mean: float | None
    sd: float | None
    large: bool = Field(description="The scores span at least half the scale: disagreement.")


class ResultsOut(Schema):
    n_submitted: int
    potential: float | None = Field(description="0–100, from the submitted assessments.")
    complexity: float | None = Field(description="0–100.")
    suggested_track: str | None = Field(description=TRACKS)
    spread: list[SpreadOut] = Field(description="Per criterion; only for those who see scores.")
