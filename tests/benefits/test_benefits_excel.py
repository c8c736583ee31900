"""The benefits register as Excel: export, the round trip, bad files, and measurements
appended in bulk from a sheet, through the functions and the pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from nytte.benefits import excel
from nytte.benefits.models import Benefit, BenefitAmount, Contribution, Indicator, Measurement
from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    RiskFactory,
    TargetFactory,
    UserFactory,
)

D = dt.date


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def register(programme):
    """Three benefits: G-1 priced and shared by two initiatives, with an indicator, target,
    measurement and a risk; G-2 a quality gain for citizens; G-3 text that looks like a formula."""
    ske, nav = OrganisationFactory(name="Skatteetaten"), OrganisationFactory(name="NAV")
    programme.participants.add(ske, nav)
    societal = GoalFactory(programme=programme, code="S1", level="societal")
    GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    fi1 = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    risk = RiskFactory(initiative=fi1, title="Leverandør svikter")
    g1 = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle saker",
        description="Linje én\nlinje to",
        owner_organisation=nav,
        arises_in_organisation=nav,
        impact_goal=programme.goals.get(code="E1"),
        budget_cut_share=Decimal("25.00"),
    )
    g1.risks.add(risk)
    ContributionFactory(benefit=g1, initiative=fi1, share=60)
    ContributionFactory(benefit=g1, initiative=fi2, share=40)
    BenefitAmountFactory(benefit=g1, year=2026)
    BenefitAmountFactory(benefit=g1, year=2027, low=1, likely=2, high=3)
    indicator = IndicatorFactory(benefit=g1, name="Manuelle saker")
    TargetFactory(indicator=indicator, date=D(2027, 1, 1), value=600)
    MeasurementFactory(indicator=indicator, date=D(2026, 7, 1), value=800, comment="Første")
    BenefitFactory(
        programme=programme,
        code="G-2",
        kind="quality",
        priced=False,
        owner_organisation=ske,
        arises_in_organisation=None,
        arises_in_group="citizens",
        plus_minus=2,
        plus_minus_reasoning="Raskere svar",
        owner=UserFactory(username="gevinsteier"),
        status="identified",
    )
    g3 = BenefitFactory(programme=programme, code="G-3", title="=SUM(A1)", owner_organisation=nav)
    # Blank cells must come back as they went out: no baseline, no cost, no source.
    bare = IndicatorFactory(
        benefit=g3, name="Tomt", method="", data_source="", baseline_value=None, baseline_date=None
    )
    MeasurementFactory(indicator=bare, date=D(2026, 3, 1), value=Decimal("0.1234"), source="")
    return programme


def column(spec, header: str) -> str:
    return get_column_letter(spec.headers.index(header) + 1)


def edited(data: bytes, spec, row: int, header: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[spec.name][f"{column(spec, header)}{row}"] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def appended(data: bytes, spec, *rows: list) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for row in rows:
        wb[spec.name].append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


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


def measurements_sheet(*rows: list) -> bytes:
    return workbook_bytes({"Målinger": [excel.MEASUREMENTS.headers, *rows]})


def errors_of(result) -> set[tuple]:
    return {(e.sheet, e.row, e.column) for e in result.errors}


def row_of(ws, spec, number: int) -> dict:
    return {h: c.value for h, c in zip(spec.headers, ws[number], strict=False)}


# -- export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_has_a_sheet_per_entity_with_codes_and_natural_keys(register):
    wb = load_workbook(io.BytesIO(excel.export_benefits(register, user=SYSTEM)))
    assert wb.sheetnames == [spec.name for spec in excel.SHEETS] + [excel.LEGEND]
    benefits = wb["Gevinster"]
    assert [c.value for c in benefits[1]] == excel.BENEFITS.headers
    g1 = row_of(benefits, excel.BENEFITS, 2)
    nav = register.participants.get(name="NAV")
    assert g1["Kode"] == "G-1"
    assert g1["Type"] == "efficiency"  # a code, not a label
    assert g1["Prissatt"] == "Ja"
    assert g1["Effektmål (kode)"] == "E1"
    assert g1["Oppstår i (orgnr)"] == nav.orgnr
    assert g1["Risikoer (ID)"] == str(register.benefits.get(code="G-1").risks.get().pk)
    assert g1["Sum mest sannsynlig"] == 500_000 + 2
    g2 = row_of(benefits, excel.BENEFITS, 3)
    assert (g2["Oppstår i (gruppe)"], g2["Gevinsteier (brukernavn)"]) == ("citizens", "gevinsteier")
    assert benefits["B4"].value == "=SUM(A1)" and benefits["B4"].data_type == "s"
    shares = [[c.value for c in row] for row in wb["Tiltaksandeler"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3]) for r in shares] == [("G-1", "FI-1", 60), ("G-1", "FI-2", 40)]
    assert wb["Årlige beløp"].max_row == 3
    indicator = row_of(wb["Indikatorer"], excel.INDICATORS, 2)
    assert indicator["Indikator"] == "Manuelle saker"
    assert indicator["Nullpunkt (dato)"] == dt.datetime(2026, 1, 1)
    assert wb["Målverdier"]["D2"].value == 600
    assert wb["Målinger"]["C2"].value == dt.datetime(2026, 7, 1)


@pytest.mark.django_db
def test_headers_are_documented_and_choices_have_codes_and_drop_downs(register):
    wb = load_workbook(io.BytesIO(excel.export_benefits(register, user=SYSTEM)))
    for spec in excel.SHEETS:
        ws = wb[spec.name]
        assert ws.freeze_panes == "A2", spec.name
        assert all(cell.font.b for cell in ws[1]), spec.name
    benefits = wb["Gevinster"]
    kind = column(excel.BENEFITS, "Type")
    assert "efficiency" in benefits[f"{kind}1"].comment.text
    validations = benefits.data_validations.dataValidation
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in validations}
    assert lists[f"{kind}2"] == '"efficiency,quality,others"'
    legend = [[c.value for c in row] for row in wb[excel.LEGEND].iter_rows(min_row=2)]
    kind_row = next(r for r in legend if r[:2] == ["Gevinster", "Type"])
    assert "quality = " in kind_row[3]
    assert len(legend) == sum(len(spec.columns) for spec in excel.SHEETS)


@pytest.mark.django_db
def test_the_export_page_downloads_a_workbook_for_a_viewer(client_for, viewer, register):
    response = client_for(viewer).get(reverse("benefits:export", args=[register.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.CONTENT_TYPE
    assert 'filename="framtidens-innkreving-gevinster-' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "Gevinster"


@pytest.mark.django_db
def test_an_outsider_cannot_export_and_anonymous_visitors_must_log_in(
    client_for, client, outsider, register
):
    url = reverse("benefits:export", args=[register.slug])
    assert client_for(outsider).get(url).status_code == 404
    assert client.get(url).status_code == 302


# -- round trip -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_an_unchanged_export_changes_nothing(register, facilitator):
    data = excel.export_benefits(register, user=SYSTEM)
    log_before = ChangeLogEntry.objects.count()
    stamps = dict(Benefit.objects.values_list("code", "updated_at"))

    result = excel.import_benefits(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    assert result.created == result.updated == 0
    assert result.unchanged == 1 + 3 + 2 + 2 + 2 + 1 + 2  # every row, the programme's too
    assert ChangeLogEntry.objects.count() == log_before
    assert dict(Benefit.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_an_edited_export_updates_what_changed_as_the_user(register, facilitator, english):
    data = excel.export_benefits(register, user=SYSTEM)
    data = edited(data, excel.BENEFITS, 2, "Tittel", "Færre saker")
    data = edited(data, excel.BENEFITS, 3, "Type", "Quality gain for the state")  # a label
    data = edited(data, excel.SHARES, 2, "Andel (%)", 50)
    data = edited(data, excel.AMOUNTS, 2, "Høy", 900_000)
    data = appended(data, excel.AMOUNTS, ["G-1", 2028, 10, 20, 30])
    data = appended(data, excel.INDICATORS, ["G-3", "Svartid", "dager", "", "", "", "decrease"])
    data = appended(data, excel.MEASUREMENTS, ["G-1", "Manuelle saker", "01.10.2026", 700, "", ""])
    data = appended(data, excel.MEASUREMENTS, ["G-3", "Svartid", D(2026, 3, 1), 12, "SSB", ""])
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_benefits(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    counts = {sheet: (c.created, c.updated) for sheet, c in result.counts.items()}
    assert counts["Gevinster"] == (0, 1)  # G-2 was a quality gain already: unchanged
    assert counts["Tiltaksandeler"] == (0, 1)
    assert counts["Årlige beløp"] == (1, 1)
    assert counts["Indikatorer"] == (1, 0)
    assert counts["Målinger"] == (2, 0)
    g1 = Benefit.objects.get(code="G-1")
    assert g1.title == "Færre saker"
    assert g1.contributions.get(initiative__code="FI-1").share == 50
    assert g1.total_high == 900_000 + 3 + 30  # the services keep the totals
    assert Indicator.objects.get(benefit__code="G-3", name="Svartid").direction == "decrease"
    measured = Measurement.objects.filter(indicator__name="Svartid").get()
    assert measured.recorded_by == facilitator and measured.value == 12
    entries = ChangeLogEntry.objects.order_by("id")[log_before:]
    assert entries and all(e.actor == facilitator for e in entries)


@pytest.mark.django_db
def test_a_new_benefit_can_be_added_with_all_its_lines_in_one_file(register, facilitator):
    data = excel.export_benefits(register, user=SYSTEM)
    nav = register.participants.get(name="NAV").orgnr
    benefit = dict.fromkeys(excel.BENEFITS.headers, None) | {
        "Kode": "G-9",
        "Tittel": "Mindre papir",
        "Type": "efficiency",
        "Oppstår i (orgnr)": nav,
        "Eier (orgnr)": nav,
        "Risikoer (ID)": "",
    }
    data = appended(data, excel.BENEFITS, list(benefit.values()))
    data = appended(data, excel.SHARES, ["G-9", "FI-2", "", 100])
    data = appended(data, excel.AMOUNTS, ["G-9", 2026, 1, 2, 3])
    data = appended(
        data,
        excel.INDICATORS,
        ["G-9", "Ark", "ark", "", "", 5000, "decrease", "yearly", 100, D(2026, 1, 1)],
    )
    data = appended(data, excel.TARGETS, ["G-9", "Ark", D(2028, 1, 1), 10])
    data = appended(data, excel.MEASUREMENTS, ["G-9", "Ark", D(2027, 1, 1), 50, "", ""])

    result = excel.import_benefits(register, data, acting_user=facilitator)

    assert result.ok, result.errors
    new = Benefit.objects.get(code="G-9")
    assert new.priced and new.status == "identified"  # defaults where the cells are blank
    assert new.contributions.get().initiative.code == "FI-2"
    assert new.total_likely == 2
    indicator = new.indicators.get()
    assert (indicator.measuring_cost, indicator.frequency) == (5000, "yearly")
    assert indicator.targets.get().value == 10
    assert indicator.measurements.get().value == 50


@pytest.mark.django_db
def test_a_dry_run_reports_what_would_happen_and_keeps_nothing(register, facilitator):
    data = edited(excel.export_benefits(register, user=SYSTEM), excel.BENEFITS, 2, "Tittel", "Ny")
    result = excel.import_benefits(register, data, acting_user=facilitator, dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts["Gevinster"].updated == 1
    assert Benefit.objects.get(code="G-1").title == "Færre manuelle saker"


@pytest.mark.django_db
def test_a_changed_estimate_clears_the_owners_confirmation(register, facilitator):
    Benefit.objects.filter(code="G-1").update(confirmed_on=D(2026, 2, 1))
    other = register.participants.get(name="Skatteetaten").orgnr
    data = edited(
        excel.export_benefits(register, user=SYSTEM), excel.BENEFITS, 2, "Eier (orgnr)", other
    )
    assert excel.import_benefits(register, data, acting_user=facilitator).ok
    g1 = Benefit.objects.get(code="G-1")
    assert g1.owner_organisation.orgnr == other
    assert g1.confirmed_on is None


# -- bad files ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_wrong_row_is_reported_with_its_place_and_nothing_is_written(
    register, facilitator, english
):
    data = excel.export_benefits(register, user=SYSTEM)
    data = edited(data, excel.BENEFITS, 2, "Tittel", "Endret")  # a good change, not kept
    data = edited(data, excel.BENEFITS, 3, "Budsjettkutt (%)", "mye")  # wrong type
    data = edited(data, excel.BENEFITS, 4, "Type", "gratis")  # no such kind
    data = edited(data, excel.BENEFITS, 4, "Effektmål (kode)", "S1")  # not an impact goal
    data = edited(data, excel.AMOUNTS, 3, "Høy", 0)  # high < low
    data = edited(data, excel.SHARES, 3, "Andel (%)", 70)  # 60 + 70 > 100
    data = appended(data, excel.SHARES, ["G-7", "FI-9", "", 10])  # unknown codes
    data = appended(data, excel.AMOUNTS, ["G-2", 2026, 1, 2, 3])  # G-2 is not priced
    data = appended(data, excel.TARGETS, ["G-1", "Ukjent", D(2028, 1, 1), 1])  # no indicator
    data = appended(data, excel.MEASUREMENTS, ["G-1", "Manuelle saker", D(2026, 9, 1), 5, "", ""])
    data = appended(data, excel.MEASUREMENTS, ["G-1", "Manuelle saker", D(2026, 9, 1), 6, "", ""])
    data = appended(data, excel.MEASUREMENTS, ["G-1", "Manuelle saker", "i går", 6, "", ""])
    log_before = ChangeLogEntry.objects.count()

    result = excel.import_benefits(register, data, acting_user=facilitator)

    assert not result.ok
    assert errors_of(result) == {
        ("Gevinster", 3, "Budsjettkutt (%)"),
        ("Gevinster", 4, "Type"),
        ("Gevinster", 4, "Effektmål (kode)"),
        ("Årlige beløp", 3, "Mest sannsynlig"),
        ("Tiltaksandeler", 3, "Andel (%)"),
        ("Tiltaksandeler", 4, "Gevinst (kode)"),
        ("Tiltaksandeler", 4, "Tiltak (kode)"),
        ("Årlige beløp", 4, "Gevinst (kode)"),
        ("Målverdier", 3, "Indikator"),
        ("Målinger", 5, "Dato"),
        ("Målinger", 6, "Dato"),
    }
    messages = {(e.sheet, e.row, e.column): e.message for e in result.errors}
    assert "“mye”" in messages[("Gevinster", 3, "Budsjettkutt (%)")]
    assert "low ≤ most likely ≤ high" in messages[("Årlige beløp", 3, "Mest sannsynlig")]
    assert "add up to 130 %" in messages[("Tiltaksandeler", 3, "Andel (%)")]
    assert "Only priced benefits" in messages[("Årlige beløp", 4, "Gevinst (kode)")]
    assert "row 4" in messages[("Målinger", 5, "Dato")]  # the duplicate date names the first
    assert result.counts == {}
    assert ChangeLogEntry.objects.count() == log_before
    assert Benefit.objects.get(code="G-1").title == "Færre manuelle saker"


@pytest.mark.django_db
def test_rules_checked_on_save_are_reported_by_row_and_roll_everything_back(
    register, facilitator, english
):
    data = edited(
        excel.export_benefits(register, user=SYSTEM), excel.BENEFITS, 2, "Tittel", "Endret"
    )
    # A target before the baseline: only the saved indicator knows its baseline.
    data = appended(data, excel.TARGETS, ["G-1", "Manuelle saker", D(2025, 6, 1), 900])
    result = excel.import_benefits(register, data, acting_user=facilitator)
    assert errors_of(result) == {("Målverdier", 3, "Dato")}
    assert "after the baseline" in result.errors[0].message
    assert Benefit.objects.get(code="G-1").title == "Færre manuelle saker"


@pytest.mark.django_db
def test_wrong_files_and_sheets_are_refused(register, other_programme, facilitator, english):
    assert [e.message for e in excel.import_benefits(register, b"", acting_user=SYSTEM).errors] == [
        "The file is empty."
    ]
    result = excel.import_benefits(register, b"Kode;Tittel\n", acting_user=SYSTEM)
    assert "not an Excel workbook" in result.errors[0].message
    headers = [h for h in excel.BENEFITS.headers if h != "Tittel"] + ["Farge"]
    result = excel.import_benefits(
        register,
        workbook_bytes({"Gevinster": [headers, ["G-9"]], "Ark1": [["x"]]}),
        acting_user=SYSTEM,
    )
    assert errors_of(result) == {
        ("Gevinster", 1, "Farge"),
        ("Gevinster", 1, "Tittel"),
        ("Ark1", None, ""),
    }
    foreign = excel.import_benefits(
        other_programme, excel.export_benefits(register, user=SYSTEM), acting_user=SYSTEM
    )
    assert ("Program", 2, "Kortnavn") in errors_of(foreign)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "owner", "contributor", "forum_member"])
def test_who_cannot_edit_the_programme_cannot_import_the_register(
    client_for, persona, request, register
):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("benefits:import", args=[register.slug])
    assert client.get(url).status_code == 403
    data = excel.export_benefits(register, user=SYSTEM)
    assert client.post(url, {"file": io.BytesIO(data)}).status_code == 403


# -- the import page ------------------------------------------------------------------------


def upload(client, name: str, programme, data: bytes, **extra):
    url = reverse(f"benefits:{name}", args=[programme.slug])
    return client.post(url, {"file": io.BytesIO(data), **extra})


@pytest.mark.django_db
def test_the_import_page_shows_every_error_in_a_table(client_for, facilitator, register):
    data = edited(excel.export_benefits(register, user=SYSTEM), excel.AMOUNTS, 3, "Lav", "mye")
    data = edited(data, excel.SHARES, 3, "Andel (%)", 70)
    client = client_for(facilitator, language="en")
    assert (
        'type="file"'
        in client.get(reverse("benefits:import", args=[register.slug])).content.decode()
    )
    response = upload(client, "import", register, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert html.count('<tr class="import-error">') == 2
    assert "Årlige beløp" in html and "“mye”" in html


@pytest.mark.django_db
def test_the_import_page_summarises_a_good_import_and_a_dry_run(client_for, facilitator, register):
    client = client_for(facilitator, language="en")
    data = edited(
        excel.export_benefits(register, user=SYSTEM), excel.BENEFITS, 2, "Tittel", "Ny tittel"
    )
    checked = upload(client, "import", register, data, dry_run="on")
    assert checked.status_code == 200 and "Nothing was saved" in checked.content.decode()
    assert Benefit.objects.get(code="G-1").title != "Ny tittel"
    response = upload(client, "import", register, data)
    assert response.status_code == 200
    assert "1 updated" in response.content.decode()
    assert Benefit.objects.get(code="G-1").title == "Ny tittel"


@pytest.mark.django_db
def test_the_import_page_asks_for_a_file_when_none_is_chosen(client_for, facilitator, register):
    response = client_for(facilitator).post(reverse("benefits:import", args=[register.slug]))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()


# -- measurements in bulk -------------------------------------------------------------------


@pytest.fixture
def nav_owner(owner, register):
    """A NAV manager who owns G-1 and G-3 (NAV's), not G-2 (Skatteetaten's)."""
    OrganisationMembership.objects.create(
        user=owner, organisation=register.participants.get(name="NAV"), role=Role.OWNER
    )
    IndicatorFactory(
        benefit=Benefit.objects.get(code="G-2"),
        name="Svartid",
        baseline_value=None,
        baseline_date=None,
    )
    return owner


@pytest.mark.django_db
def test_a_benefit_owner_appends_measurements_from_a_sheet(nav_owner, register):
    data = measurements_sheet(
        ["G-1", "Manuelle saker", D(2026, 7, 1), 800, "Månedsrapport", "Første"],  # stored
        ["G-1", "manuelle saker", "01.10.2026", "750,5", "Månedsrapport", ""],
        ["G-1", Indicator.objects.get(name="Manuelle saker").pk, D(2027, 1, 1), 600, "", ""],
    )
    result = excel.import_measurements(register, data, acting_user=nav_owner)
    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (2, 1)
    measured = Measurement.objects.filter(indicator__name="Manuelle saker").order_by("date")
    assert [m.value for m in measured] == [800, Decimal("750.5"), 600]
    assert Measurement.objects.get(date=D(2026, 10, 1)).recorded_by == nav_owner


@pytest.mark.django_db
def test_one_bad_measurement_row_and_none_is_saved_but_all_are_listed(nav_owner, register, english):
    data = measurements_sheet(
        ["G-1", "Manuelle saker", D(2026, 10, 1), 750, "", ""],  # fine on its own
        ["G-2", "Svartid", D(2026, 10, 1), 3, "", ""],  # not the owner's benefit
        ["G-1", "Ukjent", D(2026, 10, 1), 3, "", ""],  # no such indicator
        ["G-8", "Manuelle saker", D(2026, 10, 1), 3, "", ""],  # no such benefit
        ["G-1", "Manuelle saker", D(2026, 7, 1), 799, "", ""],  # that date has a value
        ["G-1", "Manuelle saker", D(2026, 10, 1), 751, "", ""],  # twice in the sheet
        ["G-1", "Manuelle saker", D(2026, 11, 1), "mange", "", ""],  # not a number
    )
    result = excel.import_measurements(register, data, acting_user=nav_owner)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Gevinst (kode)"),
        (4, "Indikator"),
        (5, "Gevinst (kode)"),
        (6, "Dato"),
        (7, "Dato"),
        (8, "Verdi"),
    ]
    assert all(e.sheet == "Målinger" for e in result.errors)
    assert "may not record measurements for G-2" in result.errors[0].message
    assert Measurement.objects.count() == 2


@pytest.mark.django_db
def test_the_measurements_sheet_must_have_its_columns(register, facilitator, english):
    data = workbook_bytes({"Ark1": [["Gevinst", "Verdi"], ["G-1", 1]]})
    result = excel.import_measurements(register, data, acting_user=facilitator)
    assert ("Målinger", 1, "Dato") in errors_of(result)
    assert Measurement.objects.count() == 2


@pytest.mark.django_db
def test_the_measurements_page_for_a_benefit_owner(client_for, nav_owner, register):
    client = client_for(nav_owner, language="en")
    url = reverse("benefits:measurements_import", args=[register.slug])
    assert 'type="file"' in client.get(url).content.decode()
    template = client.get(url + "?template=1")
    assert template["Content-Type"] == excel.CONTENT_TYPE
    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb["Målinger"][1]] == excel.MEASUREMENTS.headers
    listed = [r[1] for r in wb["Indikatorer"].iter_rows(min_row=2, values_only=True)]
    assert listed == ["Manuelle saker", "Tomt"]  # only those of benefits they may record
    good = measurements_sheet(["G-1", "Manuelle saker", D(2026, 10, 1), 750, "", ""])
    # A filled-in template keeps its reference sheet; the import passes over it.
    wb["Målinger"].append(["G-1", "Manuelle saker", D(2026, 10, 1), 750, "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = upload(client, "measurements_import", register, buffer.getvalue())
    assert response.status_code == 200, response.content.decode()
    assert "1 created" in response.content.decode()
    again = upload(client, "measurements_import", register, good)
    assert again.status_code == 200 and "1 unchanged" in again.content.decode()
    bad = measurements_sheet(["G-2", "Svartid", D(2026, 10, 1), 3, "", ""])
    refused = upload(client, "measurements_import", register, bad)
    assert refused.status_code == 422
    assert refused.content.decode().count('<tr class="import-error">') == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "contributor", "forum_member"])
def test_who_may_record_nothing_cannot_upload_measurements(client_for, persona, request, register):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("benefits:measurements_import", args=[register.slug])
    assert client.get(url).status_code == 403
    data = measurements_sheet(["G-1", "Manuelle saker", D(2026, 10, 1), 750, "", ""])
    assert client.post(url, {"file": io.BytesIO(data)}).status_code == 403
    assert Measurement.objects.count() == 2


@pytest.mark.django_db
def test_an_outsider_does_not_learn_the_upload_pages_exist(client_for, outsider, register):
    client = client_for(outsider)
    for name in ("import", "measurements_import"):
        assert client.get(reverse(f"benefits:{name}", args=[register.slug])).status_code == 404


@pytest.mark.django_db
def test_shares_and_amounts_keep_contributions_of_other_benefits(register, facilitator):
    """Rows missing from the file are left alone, as in the portfolio import."""
    data = excel.export_benefits(register, user=SYSTEM)
    wb = load_workbook(io.BytesIO(data))
    wb["Tiltaksandeler"].delete_rows(3)  # FI-2's share of G-1
    wb["Årlige beløp"].delete_rows(2, 2)
    buffer = io.BytesIO()
    wb.save(buffer)
    result = excel.import_benefits(register, buffer.getvalue(), acting_user=facilitator)
    assert result.ok and result.updated == result.created == 0
    assert Contribution.objects.filter(benefit__code="G-1").count() == 2
    assert BenefitAmount.objects.filter(benefit__code="G-1").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_export_and_an_unchanged_import_take_a_fixed_number_of_queries(
    count, programme, facilitator, django_assert_max_num_queries
):
    initiative = InitiativeFactory(programme=programme)
    risk = RiskFactory(initiative=initiative)
    for _ in range(count):
        benefit = BenefitFactory(programme=programme)
        benefit.risks.add(risk)
        ContributionFactory(benefit=benefit, initiative=initiative, share=50)
        BenefitAmountFactory(benefit=benefit)
        indicator = IndicatorFactory(benefit=benefit)
        TargetFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator)
    with django_assert_max_num_queries(7):  # one per sheet, one for the risks
        data = excel.export_benefits(programme, user=SYSTEM)
    with django_assert_max_num_queries(15):  # roles, then a few per sheet, none per row
        result = excel.import_benefits(programme, data, acting_user=facilitator)
    assert result.ok and result.unchanged == 1 + 6 * count
