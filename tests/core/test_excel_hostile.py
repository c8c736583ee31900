"""Hostile and broken workbooks (issue 18, "Found by probing"): zip bombs, entity tricks,
truncated XML and files of many bad rows are refused with a clear message (4xx on the
pages, exit code 1 on the command line), never a server error or a runaway worker."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from nytte.benefits.excel import import_measurements
from nytte.benefits.excel.format import MEASUREMENTS
from nytte.core.actors import SYSTEM
from nytte.core.excel.result import ErrorList, RowError
from nytte.portfolio.excel import import_register
from nytte.proposals.excel import import_proposals

pytestmark = pytest.mark.usefixtures("site_in_english")

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook_bytes(rows: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Målinger"
    for row in rows or [["Gevinst", "Indikator", "Dato", "Verdi", "Kilde", "Kommentar"]]:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def replace_member(
    data: bytes, name: str, content: bytes | None = None, *, zeros: int = 0
) -> bytes:
    """``data`` with member ``name`` replaced by ``content``, or by an XML header followed by
    ``zeros`` spaces, streamed so that the test stays light on memory."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
                continue
            if content is not None:
                target.writestr(name, content)
                continue
            with target.open(name, "w", force_zip64=True) as member:
                member.write(b'<?xml version="1.0"?>')
                chunk = b" " * (1 << 20)
                for _ in range(zeros >> 20):
                    member.write(chunk)
    return out.getvalue()


def upload(client, name: str, slug: str, data: bytes):
    return client.post(reverse(name, args=[slug]), {"file": io.BytesIO(data)})


# -- zip bombs and size limits ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings, programme):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4 << 20
    settings.IMPORT_MAX_MEMBER_BYTES = 4 << 20
    bomb = replace_member(workbook_bytes(), SHEET, zeros=8 << 20)
    assert len(bomb) < 100_000  # a small file that would unpack to 8 MB
    started = time.perf_counter()
    for importer in (import_register, import_measurements, import_proposals):
        result = importer(programme, bomb, acting_user=SYSTEM)
        assert not result.ok
        assert "unpacks to too much data" in result.errors[0].message
    assert time.perf_counter() - started < 2


@pytest.mark.django_db
def test_a_highly_compressed_member_is_refused_by_its_ratio(settings, programme):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 50
    bomb = replace_member(workbook_bytes(), SHEET, zeros=3 << 20)
    result = import_measurements(programme, bomb, acting_user=SYSTEM)
    assert "unpacks to too much data" in result.errors[0].message


@pytest.mark.django_db
def test_the_zip_bomb_gets_422_on_the_measurements_page(
    settings, client_for, programme, facilitator
):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4 << 20
    bomb = replace_member(workbook_bytes(), SHEET, zeros=8 << 20)
    response = upload(client_for(facilitator), "benefits:measurements_import", programme.slug, bomb)
    assert response.status_code == 422
    assert "unpacks to too much data" in response.content.decode()


@pytest.mark.django_db
def test_too_many_rows_or_cells_are_refused(settings, programme):
    header = ["Gevinst", "Indikator", "Dato", "Verdi", "Kilde", "Kommentar"]
    data = workbook_bytes([header] + [["G-1", "x", "2026-01-01", i, "", ""] for i in range(20)])
    settings.IMPORT_MAX_ROWS = 10
    result = import_measurements(programme, data, acting_user=SYSTEM)
    assert "too large to import" in result.errors[0].message
    settings.IMPORT_MAX_ROWS = 1000
    settings.IMPORT_MAX_CELLS = 50
    result = import_measurements(programme, data, acting_user=SYSTEM)
    assert "too large to import" in result.errors[0].message


@pytest.mark.django_db
def test_a_sheet_declaring_a_huge_size_is_refused_before_its_rows_are_read(programme):
    sheet = (
        f'<?xml version="1.0"?><worksheet {NS}><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Gevinst</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    data = replace_member(workbook_bytes(), SHEET, sheet)
    started = time.perf_counter()
    result = import_measurements(programme, data, acting_user=SYSTEM)
    assert "too large to import" in result.errors[0].message
    assert time.perf_counter() - started < 2


# -- broken and hostile XML ------------------------------------------------------------------

UNDEFINED_ENTITY = (
    f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr">'
    "<is><t>&undefined;</t></is></c></row></sheetData></worksheet>"
).encode()
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is>'
    "</c></row></sheetData></worksheet>"
).encode()
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is>'
    "</c></row></sheetData></worksheet>"
).encode()


def hostile_files() -> dict[str, bytes]:
    good = workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read(SHEET)
        workbook_xml = archive.read("xl/workbook.xml")
    return {
        "undefined entity": replace_member(good, SHEET, UNDEFINED_ENTITY),
        "billion laughs": replace_member(good, SHEET, BILLION_LAUGHS),
        "external entity": replace_member(good, SHEET, EXTERNAL_ENTITY),
        "truncated sheet": replace_member(good, SHEET, sheet[: len(sheet) // 2]),
        "truncated workbook part": replace_member(
            good, "xl/workbook.xml", workbook_xml[: len(workbook_xml) // 2]
        ),
        "billion laughs in the workbook part": replace_member(
            good, "xl/workbook.xml", BILLION_LAUGHS.replace(b"worksheet", b"workbook")
        ),
        "missing sheet": replace_member(good, SHEET, b""),
        "truncated zip": good[: len(good) // 2],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(hostile_files()))
def test_hostile_or_broken_xml_is_an_error_of_the_import(case, programme):
    data = hostile_files()[case]
    for importer in (import_register, import_measurements, import_proposals):
        with translation.override("en"):
            result = importer(programme, data, acting_user=SYSTEM)
        assert not result.ok, (case, importer)
        messages = " ".join(e.message for e in result.errors)
        assert "damaged" in messages or "not an Excel workbook" in messages, (case, messages)
        assert "root:" not in messages  # no /etc/passwd


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(hostile_files()))
def test_hostile_or_broken_xml_gets_422_on_every_import_page(
    case, client_for, programme, facilitator
):
    client = client_for(facilitator)
    data = hostile_files()[case]
    for name in (
        "portfolio:import",
        "benefits:import",
        "benefits:measurements_import",
        "proposals:import",
    ):
        response = upload(client, name, programme.slug, data)
        assert response.status_code == 422, (case, name, response.status_code)
        assert '<tr class="import-error">' in response.content.decode(), (case, name)


@pytest.mark.django_db
def test_hostile_xml_gives_exit_code_1_on_the_command_line(programme, tmp_path):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile_files()["billion laughs"])
    err = io.StringIO()
    for command in (
        "import_register",
        "import_benefits",
        "import_measurements",
        "import_proposals",
    ):
        with pytest.raises(CommandError) as raised:
            call_command(command, programme.slug, str(path), stderr=err)
        assert raised.value.returncode == 1
    assert "damaged" in err.getvalue() or "not an Excel" in err.getvalue()


# -- many bad rows ---------------------------------------------------------------------------


def test_the_error_list_keeps_the_first_errors_and_counts_the_rest(settings):
    settings.IMPORT_MAX_ERRORS = 3
    errors = ErrorList()
    errors.extend(RowError("s", n, "c", "bad") for n in range(10))
    assert len(errors) == 3 and errors.more == 7 and errors.full


@pytest.mark.django_db
def test_an_import_of_many_bad_rows_stops_after_100_errors_and_says_how_many_more(
    client_for, programme, facilitator, tmp_path
):
    header = list(MEASUREMENTS.headers)
    rows = [["G-1", "x", "not a date", "not a number", "", ""] for _ in range(5000)]
    data = workbook_bytes([header, *rows])
    started = time.perf_counter()
    result = import_measurements(programme, data, acting_user=SYSTEM)
    assert len(result.errors) == 100
    assert result.more_errors == 2 * 5000 - 100
    response = upload(client_for(facilitator), "benefits:measurements_import", programme.slug, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count('<tr class="import-error">') == 100
    assert "9900 more errors are not shown" in page
    assert len(response.content) < 200_000
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match="10000 error"):
        call_command("import_measurements", programme.slug, str(path), stderr=err)
    assert "9900 more error(s)" in err.getvalue()
    assert time.perf_counter() - started < 30
