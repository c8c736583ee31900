"""The register as Excel: export, the round trip, and every kind of bad file an import meets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.portfolio import excel
from nytte.portfolio.models import CostLine, Dependency, Goal, Initiative, Risk, StatusReport
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    LifeEventFactory,
    OrganisationFactory,
    RiskFactory,
    StatusReportFactory,
)


@pytest.fixture
def register(programme):
    """A small register: two goals, three initiatives with costs, a dependency, a risk."""
    skatt, nav = OrganisationFactory(name="Skatteetaten"), OrganisationFactory(name="NAV")
    programme.participants.add(skatt, nav)
    societal = GoalFactory(programme=programme, code="S1", level="societal", title="Samfunnsmål")
    impact = GoalFactory(
        programme=programme, code="E1", level="impact", parent=societal, title="Effektmål"
    )
    event = LifeEventFactory(slug="miste-og-finne-jobb", name="Miste og finne jobb")
    a = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Innkreving i flyten",
        description="Linje én\nlinje to = flere linjer",
        owner_organisation=skatt,
        status="yellow",
        status_reason="Forsinket",
    )
    a.participants.add(nav)
    a.life_events.add(event)
    a.goal_links.create(goal=impact, contribution=Decimal("2.50"))
    b = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    InitiativeFactory(programme=programme, code="FI-3", owner_organisation=nav, title="=SUM(A1)")
    CostLineFactory(initiative=a, organisation=skatt, year=2026, note="Lisenser")
    CostLineFactory(initiative=a, organisation=nav, year=2027, low=0, likely=0, high=10)
    CostLineFactory(initiative=b, organisation=nav, year=2026)
    Dependency.objects.create(source=b, target=a, kind="requires")
    RiskFactory(initiative=a, title="Leverandør svikter")
    StatusReportFactory(initiative=a, period="2026-09", commentary="Går bra")
    return programme


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def appended(data: bytes, sheet: str, *rows: list) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for row in rows:
        wb[sheet].append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def errors_of(result) -> set[tuple]:
    return {(e.sheet, e.row, e.column) for e in result.errors}


def cell_of(spec, header: str, row: int) -> str:
    """The cell of ``header``'s column in ``row`` of an export, e.g. ``P2``."""
    return f"{get_column_letter(spec.headers.index(header) + 1)}{row}"


def published_column(data: bytes) -> list:
    """The Tiltak sheet's Publisert cells, top to bottom."""
    tiltak = load_workbook(io.BytesIO(data))["Tiltak"]
    index = [c.value for c in tiltak[1]].index("Publisert")
    return [row[index] for row in tiltak.iter_rows(min_row=2, values_only=True)]


# -- export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_has_one_sheet_per_entity_with_readable_headers(register):
    wb = load_workbook(io.BytesIO(excel.export_register(register)))
    assert wb.sheetnames == [spec.name for spec in excel.SHEETS]
    tiltak = wb["Tiltak"]
    assert [c.value for c in tiltak[1]] == excel.INITIATIVES.headers
    first = {h: c.value for h, c in zip(excel.INITIATIVES.headers, tiltak[2], strict=True)}
    assert first["Kode"] == "FI-1"
    assert first["Deltakere (orgnr)"] == register.participants.get(name="NAV").orgnr
    assert first["Livshendelser"] == "miste-og-finne-jobb"
    assert first["Obligatorisk"] == "Nei"
    # Text that looks like a formula stays text.
    assert tiltak["B4"].value == "=SUM(A1)"
    assert tiltak["B4"].data_type == "s"
    assert wb["Kostnader"].max_row == 4


@pytest.mark.django_db
def test_every_sheet_has_a_bold_frozen_header_row_and_set_column_widths(register):
    wb = load_workbook(io.BytesIO(excel.export_register(register)))
    for spec in excel.SHEETS:
        ws = wb[spec.name]
        assert ws.freeze_panes == "A2", spec.name
        assert all(cell.font.b for cell in ws[1]), spec.name
    widths = wb["Tiltak"].column_dimensions
    assert widths["B"].width > widths["A"].width  # Tittel (40) is wider than Kode (10)


@pytest.mark.django_db
def test_dates_are_dates_and_control_characters_are_dropped(register):
    Initiative.objects.filter(code="FI-2").update(
        planned_start=dt.date(2026, 3, 1), title="Med\x07 bjelle"
    )
    tiltak = load_workbook(io.BytesIO(excel.export_register(register)))["Tiltak"]
    assert tiltak["J3"].value == dt.datetime(2026, 3, 1)
    assert tiltak["J3"].number_format == "yyyy-mm-dd"
    assert tiltak["B3"].value == "Med bjelle"


@pytest.mark.django_db
def test_the_export_page_downloads_a_workbook_for_a_viewer(client_for, viewer, register):
    response = client_for(viewer).get(reverse("portfolio:export", args=[register.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.CONTENT_TYPE
    assert 'filename="framtidens-innkreving-portefolje-' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Program"


@pytest.mark.django_db
def test_an_outsider_cannot_export_a_programme_they_have_no_role_in(client_for, outsider, register):
    response = client_for(outsider).get(reverse("portfolio:export", args=[register.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_before_exporting(client, register):
    response = client.get(reverse("portfolio:export", args=[register.slug]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# -- round trip -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_an_unchanged_export_changes_nothing(register, facilitator):
    data = excel.export_register(register)
    log_before = ChangeLogEntry.objects.count()
    stamps = dict(Initiative.objects.values_list("code", "updated_at"))

    result = excel.import_register(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    assert result.created == result.updated == 0
    assert result.unchanged == 3 + 2 + 1 + 3 + 1 + 1 + 1 + 1  # every row, programme too
    assert ChangeLogEntry.objects.count() == log_before
    assert dict(Initiative.objects.values_list("code", "updated_at")) == stamps
    assert excel.export_register(register) != b""  # and the register is still whole


@pytest.mark.django_db
def test_a_round_trip_into_an_empty_programme_recreates_the_register(
    register, other_programme, facilitator
):
    data = excel.export_register(register)
    # The same file with the other programme's short name imports there.
    data = edited(data, "Program", "A2", other_programme.slug)
    data = edited(data, "Risikoer", "A2", None)  # risks are keyed by id: a blank id is new
    result = excel.import_register(other_programme, data, acting_user=SYSTEM)
    assert result.ok, result.errors
    assert result.counts["Tiltak"].created == 3
    copy = Initiative.objects.get(programme=other_programme, code="FI-1")
    assert copy.description == "Linje én\nlinje to = flere linjer"
    assert copy.status == "yellow"
    assert [o.name for o in copy.participants.all()] == ["NAV"]
    assert [e.slug for e in copy.life_events.all()] == ["miste-og-finne-jobb"]
    assert copy.goal_links.get().contribution == Decimal("2.50")
    assert CostLine.objects.filter(initiative__programme=other_programme).count() == 3
    assert Dependency.objects.filter(source__programme=other_programme).count() == 1
    assert Goal.objects.get(programme=other_programme, code="E1").parent.code == "S1"
    assert StatusReport.objects.filter(initiative__programme=other_programme).count() == 1
    assert Risk.objects.get(initiative__programme=other_programme).title == "Leverandør svikter"


@pytest.mark.django_db
def test_an_edited_export_updates_what_changed_and_logs_it(register, facilitator, english):
    data = excel.export_register(register)
    data = edited(data, "Kostnader", "G2", 1_200_000)  # most likely of FI-1 2026
    data = edited(data, "Tiltak", "G2", "Execute")  # English label accepted
    data = appended(data, "Risikoer", [None, "FI-2", "Ny risiko", "", 2, 2, "", "", "open"])
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_register(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    assert result.counts["Kostnader"].updated == 1
    assert result.counts["Tiltak"].updated == 1
    assert result.counts["Risikoer"].created == 1
    assert Initiative.objects.get(code="FI-1").phase == "execute"
    assert CostLine.objects.get(initiative__code="FI-1", year=2026).likely == 1_200_000
    assert Risk.objects.filter(title="Ny risiko", initiative__code="FI-2").exists()
    entries = ChangeLogEntry.objects.order_by("id")[log_before:]
    assert {e.action for e in entries} == {"create", "update"}
    assert all(e.actor == facilitator for e in entries)


@pytest.mark.django_db
def test_a_dry_run_reports_what_would_happen_and_keeps_nothing(register, facilitator):
    data = edited(excel.export_register(register), "Mål", "D2", "Nytt samfunnsmål")
    result = excel.import_register(register, data, acting_user=facilitator, dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts["Mål"].updated == 1
    assert Goal.objects.get(code="S1").title == "Samfunnsmål"


# -- published (issue 16): the initiatives' opt-in to the public overview -------------------


@pytest.mark.django_db
def test_published_round_trips_into_an_empty_programme(register, other_programme):
    Initiative.objects.filter(code__in=["FI-1", "FI-3"]).update(published=True)
    data = excel.export_register(register)
    assert published_column(data) == ["Ja", "Nei", "Ja"]
    data = edited(data, "Program", "A2", other_programme.slug)
    data = edited(data, "Risikoer", "A2", None)

    result = excel.import_register(other_programme, data, acting_user=SYSTEM)

    assert result.ok, result.errors
    assert dict(
        Initiative.objects.filter(programme=other_programme).values_list("code", "published")
    ) == dict(Initiative.objects.filter(programme=register).values_list("code", "published"))
    assert published_column(excel.export_register(other_programme)) == ["Ja", "Nei", "Ja"]


@pytest.mark.django_db
def test_an_edited_published_cell_is_saved_and_logged(register, facilitator):
    Initiative.objects.filter(code="FI-1").update(published=True)
    data = excel.export_register(register)
    data = edited(data, "Tiltak", cell_of(excel.INITIATIVES, "Publisert", 2), "Nei")
    data = edited(data, "Tiltak", cell_of(excel.INITIATIVES, "Publisert", 3), "Ja")
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_register(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    assert result.counts["Tiltak"].updated == 2
    assert result.counts["Tiltak"].unchanged == 1
    assert dict(Initiative.objects.values_list("code", "published")) == {
        "FI-1": False,
        "FI-2": True,
        "FI-3": False,
    }
    entries = ChangeLogEntry.objects.order_by("id")[log_before:]
    codes = dict(Initiative.objects.values_list("pk", "code"))
    assert {codes[int(e.object_id)]: e.changes for e in entries} == {
        "FI-1": {"published": {"before": True, "after": False}},
        "FI-2": {"published": {"before": False, "after": True}},
    }
    assert all(e.actor == facilitator for e in entries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[("ja", True), ("Yes", True), ("x", True), (1, True), (True, True)],
        *[("NEI", False), ("no", False), ("usann", False), (0, False), (False, False)],
    ],
)
def test_published_accepts_the_yes_and_no_forms_of_the_other_boolean_columns(
    register, facilitator, cell, expected
):
    Initiative.objects.filter(code="FI-2").update(published=not expected)
    data = excel.export_register(register)
    data = edited(data, "Tiltak", cell_of(excel.INITIATIVES, "Publisert", 3), cell)
    result = excel.import_register(register, data, acting_user=facilitator)
    assert result.ok, result.errors
    assert Initiative.objects.get(code="FI-2").published is expected


@pytest.mark.django_db
def test_an_older_workbook_without_publisert_imports_and_leaves_published_alone(
    register, facilitator
):
    Initiative.objects.filter(code="FI-1").update(published=True)
    wb = load_workbook(io.BytesIO(excel.export_register(register)))
    tiltak = wb["Tiltak"]
    tiltak.delete_cols(excel.INITIATIVES.headers.index("Publisert") + 1)
    assert "Publisert" not in [c.value for c in tiltak[1]]
    tiltak["B2"] = "Ny tittel"  # FI-1 changes otherwise
    orgnr = register.participants.get(name="NAV").orgnr
    tiltak.append(["FI-4", "Nytt tiltak", "", orgnr])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = excel.import_register(register, buffer.getvalue(), acting_user=facilitator)

    assert result.ok, result.errors
    assert result.counts["Tiltak"].updated == result.counts["Tiltak"].created == 1
    fi1 = Initiative.objects.get(code="FI-1")
    assert (fi1.title, fi1.published) == ("Ny tittel", True)
    assert Initiative.objects.get(code="FI-4").published is False  # the model's default
    update = ChangeLogEntry.objects.filter(action="update").get()
    assert "published" not in update.changes


@pytest.mark.django_db
def test_a_bad_published_value_is_refused_by_row_and_column_and_nothing_is_written(
    register, facilitator, english
):
    data = excel.export_register(register)
    data = edited(data, "Tiltak", cell_of(excel.INITIATIVES, "Publisert", 2), "Ja")  # good
    data = edited(data, "Tiltak", "B3", "Endret tittel")  # good
    data = edited(data, "Tiltak", cell_of(excel.INITIATIVES, "Publisert", 4), "kanskje")
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_register(register, data, acting_user=facilitator)

    assert not result.ok
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        ("Tiltak", 4, "Publisert", "Expected Ja or Nei.")
    ]
    assert result.counts == {}
    assert ChangeLogEntry.objects.count() == log_before
    assert not Initiative.objects.filter(published=True).exists()
    assert Initiative.objects.get(code="FI-2").title != "Endret tittel"


# -- bad files ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_file_is_refused(register, facilitator, english):
    result = excel.import_register(register, b"", acting_user=facilitator)
    assert [e.message for e in result.errors] == ["The file is empty."]
    empty_workbook = workbook_bytes({"Tiltak": []})
    result = excel.import_register(register, empty_workbook, acting_user=facilitator)
    assert [e.message for e in result.errors] == ["The file is empty."]


@pytest.mark.django_db
def test_a_file_that_is_not_excel_is_refused(register, facilitator, english):
    for data in (b"Kode;Tittel\nFI-9;Nytt\n", b"PK\x03\x04 not really a zip"):
        result = excel.import_register(register, data, acting_user=facilitator)
        assert len(result.errors) == 1
        assert "not an Excel workbook" in result.errors[0].message


@pytest.mark.django_db
def test_wrong_headers_are_named_one_by_one(register, facilitator, english):
    headers = [h for h in excel.INITIATIVES.headers if h != "Tittel"] + ["Farge"]
    data = workbook_bytes({"Tiltak": [headers, ["FI-9"]], "Regneark": [["x"]]})
    result = excel.import_register(register, data, acting_user=facilitator)
    assert errors_of(result) == {
        ("Tiltak", 1, "Farge"),
        ("Tiltak", 1, "Tittel"),
        ("Regneark", None, ""),
    }
    assert not Initiative.objects.filter(code="FI-9").exists()


@pytest.mark.django_db
def test_every_wrong_row_is_reported_and_nothing_is_written(register, facilitator, english):
    data = excel.export_register(register)
    data = edited(data, "Kostnader", "G3", "mye")  # text in a number cell
    data = edited(data, "Kostnader", "H4", 1)  # high below likely
    data = edited(data, "Tiltak", "D3", "974760673")  # valid number, no such organisation
    data = edited(data, "Tiltak", "F2", "123")  # not an organisation number at all
    data = edited(data, "Tiltak", "G3", "Drømmefasen")  # no such phase
    data = edited(data, "Tiltak", "B3", "Endret tittel")  # a good change, still not kept
    data = appended(
        data,
        "Tiltak",
        ["FI-1", "Dublett", "", register.participants.first().orgnr],  # duplicate code
    )
    data = appended(data, "Avhengigheter", ["FI-1", "Requires", "FI-2", ""])  # FI-2 needs FI-1
    data = appended(data, "Målbidrag", ["FI-9", "X9", "", 1])  # unknown initiative and goal
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_register(register, data, acting_user=facilitator)

    assert not result.ok
    assert errors_of(result) == {
        ("Kostnader", 3, "Mest sannsynlig"),
        ("Kostnader", 4, "Mest sannsynlig"),
        ("Tiltak", 3, "Eier (orgnr)"),
        ("Tiltak", 2, "Deltakere (orgnr)"),
        ("Tiltak", 3, "Fase"),
        ("Tiltak", 5, "Kode"),
        ("Avhengigheter", 3, "Annet tiltak (kode)"),
        ("Målbidrag", 3, "Tiltak (kode)"),
        ("Målbidrag", 3, "Mål (kode)"),
    }
    messages = {(e.sheet, e.row): e.message for e in result.errors}
    assert "“mye”" in messages[("Kostnader", 3)]
    assert "low ≤ most likely ≤ high" in messages[("Kostnader", 4)]
    assert "cycle" in messages[("Avhengigheter", 3)]
    assert "FI-1 → FI-2 → FI-1" in messages[("Avhengigheter", 3)]
    assert "row 2" in messages[("Tiltak", 5)]
    assert result.counts == {}
    assert ChangeLogEntry.objects.count() == log_before
    assert Initiative.objects.get(code="FI-2").title != "Endret tittel"


@pytest.mark.django_db
def test_rules_checked_on_save_are_reported_by_row_and_roll_everything_back(
    register, facilitator, english
):
    data = excel.export_register(register)
    data = edited(data, "Mål", "D2", "Endret")  # would be fine on its own
    # An impact goal under an impact goal: only the service knows the hierarchy rule.
    data = appended(data, "Mål", ["E2", "impact", "E1", "Under et effektmål", "", 1])
    result = excel.import_register(register, data, acting_user=facilitator)
    assert errors_of(result) == {("Mål", 4, "Overordnet mål (kode)")}
    assert Goal.objects.get(code="S1").title == "Samfunnsmål"
    assert not Goal.objects.filter(code="E2").exists()


@pytest.mark.django_db
def test_a_risk_id_from_elsewhere_is_refused(register, other_programme, facilitator, english):
    foreign = RiskFactory(initiative=InitiativeFactory(programme=other_programme))
    data = appended(
        excel.export_register(register),
        "Risikoer",
        [foreign.pk, "FI-1", "Lånt risiko", "", 1, 1, "", "", "open"],
    )
    result = excel.import_register(register, data, acting_user=facilitator)
    assert errors_of(result) == {("Risikoer", 3, "ID")}


@pytest.mark.django_db
def test_a_file_of_another_programme_is_refused(register, other_programme, facilitator, english):
    data = excel.export_register(register)
    result = excel.import_register(other_programme, data, acting_user=SYSTEM)
    assert ("Program", 2, "Kortnavn") in errors_of(result)


# -- the import page ------------------------------------------------------------------------


def upload(client, programme, data: bytes, name: str = "register.xlsx", **extra):
    url = reverse("portfolio:import", args=[programme.slug])
    return client.post(url, {"file": io.BytesIO(data) if data is not None else "", **extra})


@pytest.mark.django_db
def test_a_facilitator_sees_the_import_form(client_for, facilitator, register):
    response = client_for(facilitator).get(reverse("portfolio:import", args=[register.slug]))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "owner", "contributor", "forum_member"])
def test_who_cannot_edit_the_programme_cannot_import(client_for, persona, request, register):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("portfolio:import", args=[register.slug])).status_code == 403
    response = upload(client, register, excel.export_register(register))
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_outsider_does_not_learn_the_import_page_exists(client_for, outsider, register):
    response = client_for(outsider).get(reverse("portfolio:import", args=[register.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_page_shows_every_error_in_a_table(client_for, programme_admin, register, english):
    data = edited(excel.export_register(register), "Kostnader", "G3", "mye")
    data = edited(data, "Tiltak", "D3", "974760673")
    response = upload(client_for(programme_admin, language="en"), register, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert html.count('<tr class="import-error">') == 2
    assert "Kostnader" in html and "Mest sannsynlig" in html and "“mye”" in html


@pytest.mark.django_db
def test_the_page_summarises_a_good_import(client_for, programme_admin, register, english):
    data = edited(excel.export_register(register), "Tiltak", "B2", "Ny tittel")
    response = upload(client_for(programme_admin, language="en"), register, data)
    assert response.status_code == 200
    assert "1 updated" in response.content.decode()
    assert Initiative.objects.get(code="FI-1").title == "Ny tittel"


@pytest.mark.django_db
def test_the_page_refuses_a_too_large_file(client_for, facilitator, register, settings, english):
    from nytte.core.excel import views as excel_views

    excel_views.MAX_UPLOAD_BYTES, before = 1000, excel_views.MAX_UPLOAD_BYTES
    try:
        response = upload(client_for(facilitator, language="en"), register, b"x" * 2000)
    finally:
        excel_views.MAX_UPLOAD_BYTES = before
    assert response.status_code == 422
    assert "too large" in response.content.decode()


@pytest.mark.django_db
def test_the_page_asks_for_a_file_when_none_is_chosen(client_for, facilitator, register):
    response = client_for(facilitator).post(reverse("portfolio:import", args=[register.slug]))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
