"""``nytte export_benefits``, ``import_benefits`` and ``import_measurements`` as an operator
uses them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from nytte.benefits.models import Benefit, Measurement
from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry, OrganisationMembership
from tests.factories import (
    BenefitFactory,
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
)


@pytest.fixture
def nav(programme):
    nav = OrganisationFactory(name="NAV")
    programme.participants.add(nav)
    return nav


@pytest.fixture
def exported(programme, nav, tmp_path):
    benefit = BenefitFactory(
        programme=programme, code="G-1", title="Færre saker", owner_organisation=nav
    )
    indicator = IndicatorFactory(benefit=benefit, name="Saker")
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=800)
    path = tmp_path / "gevinster.xlsx"
    call_command("export_benefits", programme.slug, str(path), stderr=io.StringIO())
    return path


def rewrite(path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def measurements_file(path, *rows) -> str:
    wb = Workbook()
    ws = wb.active
    ws.title = "Målinger"
    ws.append(["Gevinst (kode)", "Indikator", "Dato", "Verdi", "Kilde", "Kommentar"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


@pytest.mark.django_db
def test_export_writes_a_workbook(exported):
    assert load_workbook(exported)["Gevinster"]["A2"].value == "G-1"


@pytest.mark.django_db
def test_importing_an_unchanged_export_reports_only_unchanged_rows(programme, exported):
    out = io.StringIO()
    before = ChangeLogEntry.objects.count()
    call_command("import_benefits", programme.slug, str(exported), stdout=out)
    assert "Imported: 0 created, 0 updated, 4 unchanged" in out.getvalue()
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(programme, exported):
    rewrite(exported, "Gevinster", "B2", "Nytt navn")
    out = io.StringIO()
    call_command("import_benefits", programme.slug, str(exported), "--dry-run", stdout=out)
    assert "Checked (nothing saved): 0 created, 1 updated" in out.getvalue()
    assert Benefit.objects.get(code="G-1").title == "Færre saker"


@pytest.mark.django_db
def test_an_import_as_a_named_user_is_logged_as_them(programme, exported, facilitator):
    rewrite(exported, "Gevinster", "B2", "Nytt navn")
    call_command(
        "import_benefits",
        programme.slug,
        str(exported),
        "--user",
        "fasilitator",
        stdout=io.StringIO(),
    )
    assert Benefit.objects.get(code="G-1").title == "Nytt navn"
    assert ChangeLogEntry.objects.order_by("-id").first().actor == facilitator


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_benefits", "import_measurements"])
def test_a_user_without_rights_is_refused_with_exit_2(command, programme, exported, viewer):
    with pytest.raises(CommandError) as raised:
        call_command(command, programme.slug, str(exported), "--user", "leser")
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_errors_are_printed_with_their_place_and_exit_1(programme, exported):
    rewrite(exported, "Årlige beløp", "A2", "G-1")  # a row for a benefit without amounts
    rewrite(exported, "Årlige beløp", "B2", "i fjor")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_benefits", programme.slug, str(exported), stderr=err)
    assert raised.value.returncode == 1
    assert "Årlige beløp, row 2, År:" in err.getvalue()


@pytest.mark.django_db
def test_an_unknown_programme_or_file_exits_2(programme, exported, tmp_path):
    for command in ("import_benefits", "import_measurements"):
        with pytest.raises(CommandError) as raised:
            call_command(command, "nope", str(exported))
        assert raised.value.returncode == 2
        with pytest.raises(CommandError) as raised:
            call_command(command, programme.slug, str(tmp_path / "missing.xlsx"))
        assert raised.value.returncode == 2


@pytest.mark.django_db
def test_a_benefit_owner_appends_measurements_from_the_command_line(
    programme, exported, nav, owner, tmp_path
):
    OrganisationMembership.objects.create(user=owner, organisation=nav, role=Role.OWNER)
    path = measurements_file(
        tmp_path / "malinger.xlsx",
        ["G-1", "Saker", dt.date(2026, 7, 1), 800, "Månedsrapport", ""],  # stored already
        ["G-1", "Saker", "01.10.2026", 750, "NAV", ""],
    )
    out = io.StringIO()
    call_command("import_measurements", programme.slug, path, "--user", "eier", stdout=out)
    assert "Imported: 1 created, 0 updated, 1 unchanged" in out.getvalue()
    assert Measurement.objects.get(date=dt.date(2026, 10, 1)).recorded_by == owner


@pytest.mark.django_db
def test_bad_measurement_rows_are_all_printed_and_none_is_saved(programme, exported, tmp_path):
    path = measurements_file(
        tmp_path / "malinger.xlsx",
        ["G-1", "Saker", dt.date(2026, 10, 1), 750, "", ""],
        ["G-1", "Saker", dt.date(2026, 7, 1), 1, "", ""],  # the date has another value
        ["G-1", "Ukjent", dt.date(2026, 10, 1), 1, "", ""],
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_measurements", programme.slug, path, stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Målinger, row 3, Dato:")
    assert lines[1].startswith("Målinger, row 4, Indikator:")
    assert Measurement.objects.count() == 1


@pytest.mark.django_db
def test_the_nytte_command_knows_all_three(capsys):
    from nytte.cli import HELP, main

    for command in ("export_benefits", "import_benefits", "import_measurements"):
        assert f"  {command} SLUG FILE" in HELP
    with pytest.raises(SystemExit):
        main(["import_measurements", "--help"])
    assert "--dry-run" in capsys.readouterr().out
