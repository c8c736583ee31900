"""Import of new proposals from a sheet: check every row, then add all or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from nytte.core.actors import Actor
from nytte.core.excel.format import LEGEND
from nytte.core.excel.read import (
    OMIT,
    READ_ERRORS,
    CellError,
    WorkbookRefused,
    bounded_rows,
    is_blank,
    malformed,
    open_workbook,
    parse_cell,
    read_bytes,
)
from nytte.core.excel.result import ImportResult, RowError, SheetCounts
from nytte.core.excel.rollback import Rollback, trial_write
from nytte.core.models import Organisation, Programme, User
from nytte.core.permissions import Action, check
from nytte.portfolio.models import LifeEvent

from .. import services
from ..choices import Channel
from ..models import Proposal
from .sheets import (
    EVIDENCE,
    IMPORT_COLUMNS,
    PROPOSALS,
    REFERENCE,
    Column,
)

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
        rows = bounded_rows(ws)
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
    except WorkbookRefused as exc:
        errors.append(RowError("", None, "", str(exc)))
        return None
    except READ_ERRORS as exc:  # opening a sheet parses the workbook's parts
        errors.append(RowError("", None, "", malformed(exc)))
        return None
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
    acting_user: Actor,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then add all the new proposals or none.

    The actor is a user with FACILITATE on the programme, or the system (the command line
    without ``--user`` passes ``System("cli")``). The writes run in one transaction, rolled
    back on any error or on a dry run, so the rules ``proposal_submit`` enforces are checked
    too.
    """
    check(acting_user, Action.FACILITATE, programme)
    result = ImportResult(dry_run=dry_run)
    rows = _read_rows(read_bytes(file), result.errors)
    if rows is None or result.stop_checking():
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
