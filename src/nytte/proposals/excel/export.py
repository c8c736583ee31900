"""The programme's proposals and evidence as a workbook, and the import template."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from xlsxwriter.workbook import Workbook

from nytte.core.actors import Actor
from nytte.core.excel.export import (
    CHUNK,
    WORKBOOK_OPTIONS,
    SafeWorkbook,
    cell_writers,
    write_legend,
    yes_no,
)
from nytte.core.excel.format import SheetSpec, labels
from nytte.core.models import Programme

from ..choices import Channel, EvidenceKind, LinkKind, Source, Stage, Track
from ..models import Evidence, Proposal, ProposalLink, supporter_count
from .sheets import (
    EVIDENCE,
    IMPORT_SPEC,
    PROPOSALS,
    SHEETS,
)

# ---------------------------------------------------------------------------------------------
# Export


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def sheet_rows(
    programme: Programme, *, personal_data: bool, user: Actor
) -> dict[str, Iterable[list[Any]]]:
    """Each sheet's data rows, read through the queryset gate with a fixed number of
    queries."""
    source, channel = labels(Source), labels(Channel)
    stage, track = labels(Stage), labels(Track)
    link_kind, evidence_kind = labels(LinkKind), labels(EvidenceKind)
    in_programme = {"proposal__programme": programme}
    organisations: dict[int, list[str]] = defaultdict(list)
    for proposal_id, orgnr in (
        Proposal.affected_organisations.through.objects.filter(**in_programme)
        .order_by("organisation__orgnr")
        .values_list("proposal_id", "organisation__orgnr")
    ):
        organisations[proposal_id].append(orgnr)
    events: dict[int, list[str]] = defaultdict(list)
    for proposal_id, slug in (
        Proposal.life_events.through.objects.filter(**in_programme)
        .order_by("lifeevent__slug")
        .values_list("proposal_id", "lifeevent__slug")
    ):
        events[proposal_id].append(slug)
    links: dict[int, list[str]] = defaultdict(list)
    for proposal_id, kind, number, code in (
        ProposalLink.objects.for_user(user)
        .filter(**in_programme)
        .order_by("created_at", "pk")
        .values_list("proposal_id", "kind", "target_proposal__number", "target_initiative__code")
    ):
        target = f"F-{number}" if number is not None else code
        links[proposal_id].append(f"{link_kind.get(kind, kind)} {target}")

    def proposal_row(r: tuple[Any, ...]) -> list[Any]:
        (pk, number, title, need, idea, benefits, src, username, name, email, consent_at) = r[:11]
        (chan, stg, reason, trk, track_reason, supporters, merged, attached, created) = r[11:]
        if not personal_data:
            name = email = ""
        return [
            f"F-{number}",
            title,
            need,
            idea,
            benefits,
            source.get(src, src),
            ", ".join(organisations.get(pk, ())),
            ", ".join(events.get(pk, ())),
            username,
            name,
            email,
            yes_no(consent_at is not None) if personal_data and (name or email) else "",
            channel.get(chan, chan),
            stage.get(stg, stg),
            reason,
            track.get(trk, trk) if trk else "",
            track_reason,
            supporters,
            "; ".join(links.get(pk, ())),
            f"F-{merged}" if merged is not None else "",
            attached or "",
            _day(created),
        ]

    proposals = (
        proposal_row(r)
        for r in Proposal.objects.for_user(user)
        .in_programme(programme)
        .annotate(n=supporter_count())
        .order_by("number")
        .values_list(
            "pk",
            "number",
            "title",
            "need",
            "idea",
            "expected_benefits",
            "source",
            "proposer__username",
            "proposer_name",
            "proposer_email",
            "consent_at",
            "channel",
            "stage",
            "stage_reason",
            "track",
            "track_reason",
            "n",
            "merged_into__number",
            "attached_to__code",
            "created_at",
        )
        .iterator(CHUNK)
    )
    evidence = (
        [f"F-{number}", evidence_kind.get(kind, kind), text, url, src, username, _day(created)]
        for number, kind, text, url, src, username, created in Evidence.objects.for_user(user)
        .filter(**in_programme)
        .order_by("proposal__number", "created_at", "pk")
        .values_list(
            "proposal__number", "kind", "text", "url", "source", "added_by__username", "created_at"
        )
        .iterator(CHUNK)
    )
    return {PROPOSALS.name: proposals, EVIDENCE.name: evidence}


def _write_sheet(
    workbook: Workbook, spec: SheetSpec, rows: Iterable[Iterable[Any]], header_format: Any
) -> None:
    ws = workbook.add_worksheet(spec.name)
    ws.freeze_panes(1, 0)
    for index, column in enumerate(spec.columns):
        ws.set_column(index, index, column.width)
        note = getattr(column, "note", "")
        if note:
            ws.write_comment(0, index, note, {"x_scale": 2})
    ws.write_row(0, 0, spec.headers, header_format)
    writers = list(enumerate(cell_writers(ws, spec)))
    for row, values in enumerate(rows, start=1):
        for (col, write), value in zip(writers, values, strict=True):
            # Blank cells are left out: the import reads a missing cell as empty.
            if value is not None and value != "":
                write(row, col, value)


def _write_legend(workbook: Workbook, specs: Iterable[SheetSpec], header_format: Any) -> None:
    write_legend(workbook, specs, header_format, widths=(12, 28, 60, 80))


def export_proposals(programme: Programme, *, user: Actor, personal_data: bool = False) -> bytes:
    """The programme's proposals and evidence that ``user`` may see, as .xlsx bytes; callers
    pass ``personal_data`` only for those who may see outside proposers' names."""
    buffer = io.BytesIO()
    workbook = SafeWorkbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    rows = sheet_rows(programme, personal_data=personal_data, user=user)
    for spec in SHEETS:
        _write_sheet(workbook, spec, rows[spec.name], bold)
    _write_legend(workbook, SHEETS, bold)
    workbook.close()
    return buffer.getvalue()


def import_template() -> bytes:
    """An empty sheet with the columns an import reads, and their explanations."""
    buffer = io.BytesIO()
    workbook = SafeWorkbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    _write_sheet(workbook, IMPORT_SPEC, [], bold)
    _write_legend(workbook, (IMPORT_SPEC,), bold)
    workbook.close()
    return buffer.getvalue()


def export_filename(programme: Programme, today: dt.date | None = None) -> str:
    return f"{programme.slug}-forslag-{(today or timezone.localdate()).isoformat()}.xlsx"


def template_filename(programme: Programme) -> str:
    return f"{programme.slug}-nye-forslag.xlsx"
