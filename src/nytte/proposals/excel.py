"""A programme's proposals as an Excel workbook, and new proposals imported from a sheet.

The design is the shared Excel engine's (``nytte.core.excel``), whose cell reading,
writers and error reporting this module reuses: a fixed format in bokmål whatever the
reader's language, objects keyed by natural keys (the proposal's number, organisation
numbers, life-event short names, usernames), every header explained in a comment and on a
"Forklaring" sheet.

The export has a sheet of proposals (stage, source, track, number of supporters, links,
what a proposal was merged into or attached to) and a sheet of evidence. An outside
proposer's name and e-mail address go out only when the caller may see them (facilitators).

The import only adds proposals (channel "import"); it never changes or deletes one. It reads
the "Forslag" sheet (or else the first sheet), whose columns may be any of the export's;
columns that describe what happened later (stage, supporters, links …) are passed over, and
so are rows that carry the number of a proposal already in the programme, so importing an
export changes nothing. Every row is checked first and every problem reported as (sheet, row,
column, reason); then the rows go through ``services.proposal_submit`` in one transaction,
rolled back if any row fails there or on a dry run, so nothing is half imported and no
receipt is sent for a proposal that was not kept.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from xlsxwriter.workbook import Workbook

from nytte.core.excel.export import CHUNK, WORKBOOK_OPTIONS, cell_writers, write_legend, yes_no
from nytte.core.excel.format import CONTENT_TYPE, LEGEND, SheetSpec, labels
from nytte.core.excel.format import NotedColumn as Column
from nytte.core.excel.read import (
    OMIT,
    CellError,
    is_blank,
    open_workbook,
    parse_cell,
    read_bytes,
)
from nytte.core.excel.result import ImportResult, RowError, SheetCounts
from nytte.core.excel.rollback import Rollback, trial_write
from nytte.core.models import Organisation, Programme, User
from nytte.core.permissions import Action, check
from nytte.portfolio.models import LifeEvent

from . import services
from .choices import Channel, EvidenceKind, LinkKind, Source, Stage, Track
from .models import Evidence, Proposal, ProposalLink

__all__ = [
    "CONTENT_TYPE",
    "EVIDENCE",
    "IMPORT_COLUMNS",
    "LEGEND",
    "PROPOSALS",
    "ImportResult",
    "RowError",
    "export_filename",
    "export_proposals",
    "import_proposals",
    "import_template",
    "template_filename",
]


LATER = "Det som skjedde med forslaget etterpå; leses ikke ved import."
PROPOSALS = SheetSpec(
    "Forslag",
    (
        Column(
            "Nummer",
            "number",
            "key",
            width=9,
            note="Forslagets nummer, f.eks. F-12. Tomt for nye forslag; en rad med nummeret "
            "til et forslag som finnes, leses ikke ved import.",
        ),
        Column("Tittel", "title", required=True, width=40),
        Column(
            "Behov eller problem",
            "need",
            required=True,
            width=50,
            note="Hvem har behovet, hva er problemet, og hva viser det.",
        ),
        Column("Idé", "idea", required=True, width=50, note="Hva kan gjøres med det."),
        Column("Forventet gevinst og for hvem", "expected_benefits", width=40),
        Column(
            "Kilde",
            "source",
            "choice",
            choices=Source,
            width=14,
            note="Hvor forslaget kommer fra (se Forklaring). Tomt = ansatte.",
        ),
        Column(
            "Berørte virksomheter (orgnr)",
            "affected_organisations",
            "list",
            width=24,
            note="Organisasjonsnumre, skilt med komma.",
        ),
        Column(
            "Livshendelser",
            "life_events",
            "list",
            width=24,
            note="Livshendelsenes kortnavn, skilt med komma (f.eks. miste-og-finne-jobb).",
        ),
        Column(
            "Forslagsstiller (brukernavn)",
            "proposer",
            "key",
            width=16,
            note="Brukernavnet til en forslagsstiller med konto i Nytte. Tomt ved import: den "
            "som importerer, står som forslagsstiller, om ikke navn og e-post er fylt ut.",
        ),
        Column(
            "Forslagsstiller (navn)",
            "proposer_name",
            width=20,
            note="For forslagsstillere uten konto. Lagres bare med samtykke.",
        ),
        Column(
            "Forslagsstiller (e-post)",
            "proposer_email",
            width=24,
            note="Får kvittering med lenke til forslagets status. Lagres bare med samtykke.",
        ),
        Column(
            "Samtykke",
            "consent",
            "bool",
            width=10,
            note="Ja når forslagsstilleren uten konto har samtykket til at navn og e-post lagres.",
        ),
        Column("Kanal", kind="choice", choices=Channel, width=14, note=LATER),
        Column("Status", kind="choice", choices=Stage, width=16, note=LATER),
        Column("Begrunnelse for status", width=30, note=LATER),
        Column("Spor", kind="choice", choices=Track, width=16, note=LATER),
        Column("Begrunnelse for spor", width=30, note=LATER),
        Column("Støttespillere", kind="int", width=10, note="Antall. " + LATER),
        Column(
            "Koblinger",
            width=40,
            note="Koblinger fra harmoniseringen (til andre forslag og tiltak). " + LATER,
        ),
        Column("Slått sammen med", width=12, note=LATER),
        Column("Knyttet til tiltak", width=14, note=LATER),
        Column("Mottatt", kind="date", width=12, note=LATER),
    ),
)
EVIDENCE = SheetSpec(
    "Innsikt",
    (
        Column("Forslag (nummer)", width=10),
        Column("Type", kind="choice", choices=EvidenceKind, width=14),
        Column("Innsikt", width=60),
        Column("Lenke", width=30),
        Column("Kilde", width=24),
        Column("Lagt til av", width=16),
        Column("Dato", kind="date", width=12),
    ),
)
SHEETS = (PROPOSALS, EVIDENCE)
# What an import reads; the template has these columns only.
IMPORT_SPEC = SheetSpec(
    PROPOSALS.name, tuple(c for c in PROPOSALS.columns if c.field and c.field != "number")
)
IMPORT_COLUMNS = IMPORT_SPEC.headers
REFERENCE = re.compile(r"^(?:[Ff]-?)?(\d+)$")


# ---------------------------------------------------------------------------------------------
# Export


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def sheet_rows(programme: Programme, *, personal_data: bool) -> dict[str, Iterable[list[Any]]]:
    """Each sheet's data rows, read with a fixed number of queries."""
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
        ProposalLink.objects.filter(**in_programme)
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
        for r in Proposal.objects.filter(programme=programme)
        .annotate(n=Count("supports"))
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
        for number, kind, text, url, src, username, created in Evidence.objects.filter(
            **in_programme
        )
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


def export_proposals(programme: Programme, *, personal_data: bool = False) -> bytes:
    """The programme's proposals and evidence as .xlsx bytes; callers check VIEW first and
    pass ``personal_data`` only for those who may see outside proposers' names."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    rows = sheet_rows(programme, personal_data=personal_data)
    for spec in SHEETS:
        _write_sheet(workbook, spec, rows[spec.name], bold)
    _write_legend(workbook, SHEETS, bold)
    workbook.close()
    return buffer.getvalue()


def import_template() -> bytes:
    """An empty sheet with the columns an import reads, and their explanations."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    _write_sheet(workbook, IMPORT_SPEC, [], bold)
    _write_legend(workbook, (IMPORT_SPEC,), bold)
    workbook.close()
    return buffer.getvalue()


def export_filename(programme: Programme, today: dt.date | None = None) -> str:
    return f"{programme.slug}-forslag-{(today or timezone.localdate()).isoformat()}.xlsx"


def template_filename(programme: Programme) -> str:
    return f"{programme.slug}-nye-forslag.xlsx"


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    failed: bool = False


class _Errors:
    """Errors of one import, with field names turned into the sheet's column headers."""

    headers = {c.field: c.header for c in PROPOSALS.columns if c.field}

    def __init__(self, errors: list[RowError]) -> None:
        self.list = errors

    def add(self, row: int, field: str, message: str) -> None:
        self.list.append(RowError(PROPOSALS.name, row, self.headers.get(field, field), message))

    def add_validation(self, row: int, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add(row, "", message)
            return
        for name, messages in exc.message_dict.items():
            field = "" if name == NON_FIELD_ERRORS else name
            for message in messages:
                self.add(row, field, message)


def _read_rows(data: bytes, errors: list[RowError]) -> list[_Row] | None:
    """The proposals sheet's rows, parsed cell by cell; None when the file cannot be read."""
    not_excel = _("This is not an Excel workbook (.xlsx). Download the template to start.")
    workbook = open_workbook(data, errors, not_excel)
    if workbook is None:
        return None
    try:
        sheets = list(workbook.worksheets)
        named = [ws for ws in sheets if ws.title.strip().casefold() == PROPOSALS.name.casefold()]
        others = [
            ws
            for ws in sheets
            if ws.title.strip().casefold() not in {LEGEND.casefold(), EVIDENCE.name.casefold()}
        ]
        ws = (named or others or [None])[0]
        if ws is None:
            errors.append(RowError("", None, "", _("The file is empty.")))
            return None
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(is_blank(v) for v in header):
            errors.append(RowError(ws.title, None, "", _("The file is empty.")))
            return None
        positions = _positions(ws.title, header, errors)
        if positions is None:
            return None
        parsed: list[_Row] = []
        for number, values in enumerate(rows, start=2):
            if all(is_blank(v) for v in values):
                continue
            row = _Row(number, {})
            for column, index in positions:
                raw = values[index] if index < len(values) else None
                try:
                    row.values[column.field] = parse_cell(column, raw)
                except CellError as exc:
                    errors.append(RowError(PROPOSALS.name, number, column.header, str(exc)))
                    row.failed = True
            parsed.append(row)
    finally:
        workbook.close()
    if not parsed:
        errors.append(RowError(PROPOSALS.name, None, "", _("The sheet has no proposals.")))
        return None
    return parsed


def _positions(
    title: str, header: tuple[Any, ...], errors: list[RowError]
) -> list[tuple[Column, int]] | None:
    """Where each column the import reads is; any of the export's columns may be there, the
    required ones must be. None (with errors) when the header row is wrong."""
    by_name = {c.header.casefold(): c for c in PROPOSALS.columns}
    seen: dict[str, int] = {}
    ok = True
    for index, value in enumerate(header):
        if is_blank(value):
            continue
        name = str(value).strip()
        if name.casefold() not in by_name:
            errors.append(
                RowError(
                    title,
                    1,
                    name,
                    _("Unknown column in %(cell)s. The columns are: %(names)s.")
                    % {
                        "cell": f"{get_column_letter(index + 1)}1",
                        "names": ", ".join(IMPORT_COLUMNS),
                    },
                )
            )
            ok = False
        elif name.casefold() in seen:
            errors.append(RowError(title, 1, name, _("This column appears twice.")))
            ok = False
        else:
            seen[name.casefold()] = index
    for column in PROPOSALS.columns:
        if column.required and column.header.casefold() not in seen:
            errors.append(RowError(title, 1, column.header, _("This column is missing.")))
            ok = False
    if not ok:
        return None
    return [
        (column, seen[column.header.casefold()])
        for column in PROPOSALS.columns
        if column.field and column.header.casefold() in seen
    ]


@dataclass
class _New:
    """A checked row, ready for ``services.proposal_submit``."""

    row: int
    data: dict[str, Any]
    organisations: list[Organisation]
    life_events: list[LifeEvent]
    consent: bool


def _plan(programme: Programme, rows: list[_Row], errors: _Errors) -> tuple[list[_New], int]:
    """Check the rows against the programme; returns the new proposals and how many rows
    are proposals already there."""
    existing = set(Proposal.objects.filter(programme=programme).values_list("number", flat=True))
    wanted_orgs = {o for r in rows for o in r.values.get("affected_organisations") or ()}
    wanted_events = {e for r in rows for e in r.values.get("life_events") or ()}
    wanted_users = {r.values["proposer"] for r in rows if r.values.get("proposer")}
    orgs = {
        o.orgnr: o
        for o in Organisation.objects.filter(orgnr__in={w.replace(" ", "") for w in wanted_orgs})
    }
    events = {e.slug: e for e in LifeEvent.objects.filter(slug__in=wanted_events)}
    users = {u.username: u for u in User.objects.filter(username__in=wanted_users)}
    new: list[_New] = []
    unchanged = 0
    for row in rows:
        values = row.values
        if values.get("number"):
            match = REFERENCE.match(str(values["number"]).strip())
            if match is None:
                errors.add(row.number, "number", _("Write the number as F-12, or leave it empty."))
            elif int(match.group(1)) in existing:
                unchanged += 1
            else:
                errors.add(
                    row.number,
                    "number",
                    _(
                        "This programme has no proposal %(ref)s. Leave the number empty for a "
                        "new proposal."
                    )
                    % {"ref": f"F-{match.group(1)}"},
                )
            continue
        if row.failed:
            continue
        failed = False
        organisations = []
        for orgnr in values.get("affected_organisations") or ():
            organisation = orgs.get(orgnr.replace(" ", ""))
            if organisation is None:
                errors.add(
                    row.number,
                    "affected_organisations",
                    _("No organisation has the organisation number %(orgnr)s.") % {"orgnr": orgnr},
                )
                failed = True
            else:
                organisations.append(organisation)
        life_events = []
        for slug in values.get("life_events") or ():
            event = events.get(slug)
            if event is None:
                errors.add(
                    row.number,
                    "life_events",
                    _("No life event has the short name “%(slug)s”.") % {"slug": slug},
                )
                failed = True
            else:
                life_events.append(event)
        data = {
            name: values[name]
            for name in ("title", "need", "idea", "expected_benefits", "source")
            if values.get(name, OMIT) is not OMIT
        }
        for name in ("proposer_name", "proposer_email"):
            if values.get(name):
                data[name] = values[name].strip()
        username = values.get("proposer")
        if username:
            if username not in users:
                errors.add(
                    row.number, "proposer", _("No user is called “%(name)s”.") % {"name": username}
                )
                failed = True
            elif data.get("proposer_name") or data.get("proposer_email"):
                errors.add(
                    row.number,
                    "proposer",
                    _("Give either a username or a name and e-mail address, not both."),
                )
                failed = True
            else:
                data["proposer"] = users[username]
        if not failed:
            consent = values.get("consent", OMIT)
            new.append(_New(row.number, data, organisations, life_events, consent is True))
    return new, unchanged


def import_proposals(
    programme: Programme,
    file: bytes | IO[bytes] | str | Path,
    *,
    acting_user: Any,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then add all the new proposals or none.

    ``acting_user=None`` is the system (the command line without ``--user``); otherwise the
    user needs FACILITATE on the programme. The writes run in one transaction, rolled back
    on any error or on a dry run, so the rules ``proposal_submit`` enforces are checked too.
    """
    if acting_user is not None:
        check(acting_user, Action.FACILITATE, programme)
    result = ImportResult(dry_run=dry_run)
    rows = _read_rows(read_bytes(file), result.errors)
    if rows is None or any(error.row in (None, 1) for error in result.errors):
        return result
    errors = _Errors(result.errors)
    new, unchanged = _plan(programme, rows, errors)
    if result.errors:
        return result
    with trial_write():
        for item in new:
            try:
                services.proposal_submit(
                    programme=programme,
                    data=item.data,
                    channel=Channel.IMPORT,
                    affected_organisations=item.organisations,
                    life_events=item.life_events,
                    consent=item.consent,
                    acting_user=acting_user,
                )
            except ValidationError as exc:
                errors.add_validation(item.row, exc)
            except (PermissionDenied, Http404):
                errors.add(item.row, "", _("You may not add proposals here."))
        if result.errors or dry_run:
            raise Rollback
    if not result.errors:
        result.counts = {PROPOSALS.name: SheetCounts(created=len(new), unchanged=unchanged)}
    return result
