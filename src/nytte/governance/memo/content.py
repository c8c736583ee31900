"""What a decision memo (saksframlegg) says, as plain frozen data.

The governance app fills a ``MemoContent`` from a decision case (live or frozen data); the
renderers lay it out as Word (``render_docx``) and PDF (``render_pdf``). The content holds
data only — names, amounts, the user's Markdown — and no headings: those come from the
catalogue when a renderer runs, so the memo follows the active language. Labels of choices
(a relation kind, an anchoring status) are the caller's, in the active language.

Money is whole NOK (``int`` or ``Decimal``); shares are fractions (0.25 is 25 %).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Amount = int | Decimal | float


@dataclass(frozen=True)
class Chart:
    """A chart as a Vega-Lite specification, drawn into the memo as an image. ``description``
    is its text alternative (read by screen readers, shown under the figure). The spec must
    carry its data inline: a spec that names a URL is refused, so rendering never reaches out
    to the network or the file system."""

    title: str
    spec: dict[str, Any]
    description: str = ""


@dataclass(frozen=True)
class Score:
    """One criterion's consolidated score, e.g. ``Score("User value", 4.2, "1–5")``."""

    criterion: str
    value: float | Decimal | int | None
    scale: str = ""
    note: str = ""


@dataclass(frozen=True)
class Assessment:
    """The assessment summary: consolidated scores, the position in the potential/complexity
    matrix in words, and the facilitator's summary (Markdown)."""

    scores: tuple[Score, ...] = ()
    matrix_position: str = ""
    summary: str = ""


@dataclass(frozen=True)
class AnchoringLine:
    """Where anchoring stands in one organisation (``status`` is a label, e.g. "Committed")."""

    organisation: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class HarmonisationLink:
    """A link found in harmonisation: ``relation`` ("overlaps", "depends on") to ``target``
    (an initiative or proposal, code and title)."""

    relation: str
    target: str
    note: str = ""


@dataclass(frozen=True)
class Cost:
    """What one organisation pays in one year under an option, NOK."""

    organisation: str
    year: int
    amount: Amount


@dataclass(frozen=True)
class BenefitEffect:
    """A benefit the option gains (``gained=True``) or loses, and where it arises.
    ``amount`` is NOK (per year or present value, as ``note`` says), ``None`` if not priced."""

    benefit: str
    arises_in: str
    gained: bool = True
    amount: Amount | None = None
    note: str = ""


@dataclass(frozen=True)
class Consequence:
    """Something the option touches: a dependency, or what in the portfolio must move,
    shrink or stop — ``subject`` (code and title) and what happens to it."""

    subject: str
    description: str


@dataclass(frozen=True)
class FundingRow:
    """One organisation's part of the proposed funding split (fordelingsnøkkel), beside the
    share of the benefits that arises with it, so who pays can be read against who gains."""

    organisation: str
    share: float | Decimal
    amount: Amount | None = None
    benefit_share: float | Decimal | None = None


@dataclass(frozen=True)
class Option:
    """One option of the case (the zero option — doing nothing — is one too) with its
    consequences. NNV and NNV per budget krone come from a frozen cost-benefit snapshot
    (``snapshot`` says which); ``None`` where not computed."""

    name: str
    description: str = ""
    is_zero: bool = False
    costs: tuple[Cost, ...] = ()
    nnv: Amount | None = None
    nnv_per_budget_krone: float | Decimal | None = None
    snapshot: str = ""
    benefits: tuple[BenefitEffect, ...] = ()
    dependencies: tuple[Consequence, ...] = ()
    portfolio: tuple[Consequence, ...] = ()
    funding_key: str = ""
    funding_reason: str = ""
    funding: tuple[FundingRow, ...] = ()
    charts: tuple[Chart, ...] = ()
    recommended: bool = False


@dataclass(frozen=True)
class MemoContent:
    """Everything a decision memo says. Text fields named ``background``, ``summary``,
    ``description``, ``recommendation`` and ``proposed_decision`` are Markdown (paragraphs,
    lists, bold, italics); every other field is plain text."""

    title: str
    case_reference: str = ""
    forum: str = ""
    meeting_date: datetime.date | None = None
    prepared_by: str = ""
    programme: str = ""
    background: str = ""
    assessment: Assessment = field(default_factory=Assessment)
    anchoring: tuple[AnchoringLine, ...] = ()
    harmonisation: tuple[HarmonisationLink, ...] = ()
    options: tuple[Option, ...] = ()
    recommendation: str = ""
    proposed_decision: str = ""
    warnings: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
