"""The memo laid out once, in the active language, as a sequence of plain elements (headings,
text, tables, figures, a notice) that the Word and the PDF renderer each walk. Every heading,
label and figure is decided here, so the two formats cannot drift apart.

The shape is that of a Norwegian decision memo (saksframlegg): title and case facts, points to
note, background, assessment, options with their consequences, recommendation, proposed
decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .charts import render_png
from .content import Chart, MemoContent, Option
from .text import Block, Span, blocks, day, money, ratio, score, share

YEARS_PER_TABLE = 6  # year columns in one cost table, so that it fits an A4 page


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Text:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    footer: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Figure:
    caption: str
    description: str
    png: bytes
    width: float  # points
    height: float


@dataclass(frozen=True)
class Notice:
    """Points the forum must see before deciding (e.g. leadership not committed)."""

    title: str
    lines: tuple[str, ...]


Element = Heading | Text | Table | Figure | Notice


@dataclass(frozen=True)
class Layout:
    kind: str  # "Decision memo"
    title: str
    reference: str
    facts: tuple[tuple[str, str], ...]
    elements: tuple[Element, ...]


def paragraph(*spans: Span) -> Text:
    return Text((Block("paragraph", (tuple(spans),)),))


def markdown(text: str, empty: str = "") -> list[Element]:
    found = blocks(text)
    if found:
        return [Text(found)]
    return [paragraph(Span(empty))] if empty else []


def labelled(label: str, value: str) -> Text:
    return paragraph(Span(f"{label}: ", strong=True), Span(value))


class Builder:
    """Collects the elements, numbering figures as they come."""

    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.figures = 0

    def add(self, *elements: Element) -> None:
        self.elements.extend(elements)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        numeric: Sequence[int] = (),
        footer: Sequence[Any] | None = None,
    ) -> None:
        self.add(
            Table(
                tuple(str(h) for h in headers),
                tuple(tuple(str(v) for v in row) for row in rows),
                tuple(numeric),
                tuple(str(v) for v in footer) if footer is not None else None,
            )
        )

    def charts(self, charts: Sequence[Chart]) -> None:
        for chart in charts:
            self.figures += 1
            picture = render_png(chart.spec)
            caption = pgettext("memo", "Figure %(number)s: %(title)s") % {
                "number": self.figures,
                "title": chart.title,
            }
            self.add(Figure(caption, chart.description, picture.png, picture.width, picture.height))


def layout(content: MemoContent) -> Layout:
    """``content`` laid out in the active language."""
    facts = [
        (pgettext("memo", "Case reference"), content.case_reference),
        (_("Programme"), content.programme),
        (pgettext("memo", "Forum"), content.forum),
        (pgettext("memo", "Meeting date"), day(content.meeting_date)),
        (pgettext("memo", "Prepared by"), content.prepared_by),
    ]
    out = Builder()
    if content.warnings:
        out.add(Notice(pgettext("memo", "Points to note"), tuple(content.warnings)))
    out.add(
        Heading(pgettext("memo", "Background"), 1),
        *markdown(content.background, _("None written.")),
    )
    _assessment(out, content)
    _options(out, content.options)
    out.add(
        Heading(pgettext("memo", "Recommendation"), 1),
        *markdown(content.recommendation, _("None written.")),
    )
    out.add(
        Heading(pgettext("memo", "Proposed decision"), 1),
        *markdown(content.proposed_decision, _("None written.")),
    )
    return Layout(
        kind=pgettext("memo", "Decision memo"),
        title=content.title,
        reference=content.case_reference,
        facts=tuple((label, value) for label, value in facts if value),
        elements=tuple(out.elements),
    )


def _assessment(out: Builder, content: MemoContent) -> None:
    assessment = content.assessment
    out.add(Heading(_("Assessment"), 1))
    if assessment.matrix_position:
        out.add(labelled(pgettext("memo", "Position in the matrix"), assessment.matrix_position))
    if assessment.scores:
        has_scale = any(s.scale for s in assessment.scores)
        has_note = any(s.note for s in assessment.scores)
        headers = [_("Criterion"), pgettext("memo", "Score")]
        headers += [_("Scale")] if has_scale else []
        headers += [_("Note")] if has_note else []
        rows = []
        for s in assessment.scores:
            row = [s.criterion, score(s.value)]
            row += [s.scale] if has_scale else []
            row += [s.note] if has_note else []
            rows.append(row)
        out.table(headers, rows, numeric=(1,))
    out.add(*markdown(assessment.summary))
    out.charts(content.charts)
    if content.anchoring:
        out.add(Heading(pgettext("memo", "Anchoring"), 2))
        out.table(
            [_("Organisation"), _("Status"), _("Note")],
            [(a.organisation, a.status, a.note) for a in content.anchoring],
        )
    if content.harmonisation:
        out.add(Heading(_("Harmonisation"), 2))
        out.table(
            [pgettext("memo", "Relation"), _("Initiative or proposal"), _("Note")],
            [(h.relation, h.target, h.note) for h in content.harmonisation],
        )


def _options(out: Builder, options: Sequence[Option]) -> None:
    out.add(Heading(pgettext("memo", "Options and consequences"), 1))
    if not options:
        out.add(paragraph(Span(pgettext("memo", "No options stated."))))
        return
    out.table(
        [
            pgettext("memo", "Option"),
            pgettext("memo", "Total cost (NOK)"),
            _("NNV (NOK)"),
            pgettext("memo", "NNV per budget krone"),
        ],
        [
            (
                option.name,
                money(_add([c.amount for c in option.costs])) if option.costs else money(None),
                money(option.nnv),
                ratio(option.nnv_per_budget_krone),
            )
            for option in options
        ],
        numeric=(1, 2, 3),
    )
    for number, option in enumerate(options, start=1):
        _option(out, number, option)


def _option(out: Builder, number: int, option: Option) -> None:
    out.add(
        Heading(
            pgettext("memo", "Option %(number)s: %(name)s")
            % {"number": number, "name": option.name},
            2,
        )
    )
    if option.recommended:
        out.add(
            paragraph(
                Span(pgettext("memo", "The facilitator recommends this option."), strong=True)
            )
        )
    if option.is_zero:
        out.add(paragraph(Span(pgettext("memo", "The zero option: nothing changes."), emph=True)))
    out.add(*markdown(option.description))

    out.add(Heading(pgettext("memo", "Costs per organisation and year (NOK)"), 3))
    _costs(out, option)
    out.table(
        [pgettext("memo", "Cost-benefit result"), _("Value")],
        [
            (pgettext("memo", "Net present value (NNV), NOK"), money(option.nnv)),
            (pgettext("memo", "NNV per budget krone"), ratio(option.nnv_per_budget_krone)),
            *(
                [(pgettext("memo", "Cost-benefit snapshot"), option.snapshot)]
                if option.snapshot
                else []
            ),
        ],
        numeric=(1,),
    )
    if option.benefits:
        out.add(Heading(pgettext("memo", "Benefits gained and lost"), 3))
        out.table(
            [
                _("Benefit"),
                _("Arises in"),
                _("Effect"),
                pgettext("memo", "Amount (NOK)"),
                _("Note"),
            ],
            [
                (
                    b.benefit,
                    b.arises_in,
                    pgettext("memo", "Gained") if b.gained else _("Lost"),
                    money(b.amount),
                    b.note,
                )
                for b in option.benefits
            ],
            numeric=(3,),
        )
    if option.dependencies:
        out.add(Heading(pgettext("memo", "Dependencies touched"), 3))
        out.table(
            [_("Initiative"), _("Consequence")],
            [(d.subject, d.description) for d in option.dependencies],
        )
    if option.portfolio:
        out.add(Heading(pgettext("memo", "Consequences for the portfolio"), 3))
        out.table(
            [_("Initiative"), _("Consequence")],
            [(p.subject, p.description) for p in option.portfolio],
        )
    if option.funding:
        _funding(out, option)
    out.charts(option.charts)


def _costs(out: Builder, option: Option) -> None:
    """Organisations down, years across, with totals; more than ``YEARS_PER_TABLE`` years go
    in several tables so that the columns fit the page."""
    if not option.costs:
        out.add(paragraph(Span(pgettext("memo", "No costs."))))
        return
    years = sorted({c.year for c in option.costs})
    organisations = list(dict.fromkeys(c.organisation for c in option.costs))
    amounts: dict[tuple[str, int], Any] = {}
    for c in option.costs:
        key = (c.organisation, c.year)
        amounts[key] = _add([amounts.get(key, 0), c.amount])
    chunks = [years[i : i + YEARS_PER_TABLE] for i in range(0, len(years), YEARS_PER_TABLE)]
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        rows = []
        for organisation in organisations:
            row = [organisation, *(money(amounts.get((organisation, y))) for y in chunk)]
            if last:
                row.append(money(_add([amounts.get((organisation, y), 0) for y in years])))
            rows.append(row)
        footer = [
            _("Total"),
            *(money(_add([amounts.get((o, y), 0) for o in organisations])) for y in chunk),
        ]
        if last:
            footer.append(money(_add(list(amounts.values()))))
        out.table(
            [_("Organisation"), *(str(y) for y in chunk), *([_("Total")] if last else [])],
            rows,
            numeric=tuple(range(1, len(chunk) + 2)),
            footer=footer,
        )


def _add(values: Sequence[Any]) -> Any:
    """The sum of amounts that may mix ``int``, ``Decimal`` and ``float``."""
    return sum((Decimal(str(v)) if isinstance(v, float) else v for v in values), Decimal(0))


def _funding(out: Builder, option: Option) -> None:
    out.add(Heading(_("Who pays"), 3))
    if option.funding_key:
        out.add(labelled(pgettext("memo", "Funding key"), option.funding_key))
    if option.funding_reason:
        out.add(labelled(_("Reason"), option.funding_reason))
    rows = option.funding
    amounts = [r.amount for r in rows if r.amount is not None]
    benefit_shares = [float(r.benefit_share) for r in rows if r.benefit_share is not None]
    out.table(
        [
            _("Organisation"),
            pgettext("memo", "Share of the cost"),
            pgettext("memo", "Amount (NOK)"),
            pgettext("memo", "Share of the benefits"),
        ],
        [(r.organisation, share(r.share), money(r.amount), share(r.benefit_share)) for r in rows],
        numeric=(1, 2, 3),
        footer=[
            _("Total"),
            share(sum(float(r.share) for r in rows)),
            money(_add(amounts)) if amounts else money(None),
            share(sum(benefit_shares)) if benefit_shares else share(None),
        ],
    )
