"""``nytte export_register`` and ``nytte import_register`` as an operator uses them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from nytte.core.models import ChangeLogEntry
from nytte.portfolio.models import Initiative
from tests.factories import CostLineFactory, InitiativeFactory


@pytest.fixture
def exported(programme, tmp_path):
    initiative = InitiativeFactory(programme=programme, code="FI-1", title="Innkreving")
    CostLineFactory(initiative=initiative)
    path = tmp_path / "register.xlsx"
    call_command("export_register", programme.slug, str(path), stderr=io.StringIO())
    return path


def rewrite(path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


@pytest.mark.django_db
def test_export_writes_a_workbook(exported):
    assert load_workbook(exported)["Tiltak"]["A2"].value == "FI-1"


@pytest.mark.django_db
def test_importing_an_unchanged_export_reports_only_unchanged_rows(programme, exported):
    out = io.StringIO()
    before = ChangeLogEntry.objects.count()
    call_command("import_register", programme.slug, str(exported), stdout=out)
    assert "Imported: 0 created, 0 updated" in out.getvalue()
    assert ChangeLogEntry.objects.count() == before


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(programme, exported):
    rewrite(exported, "Tiltak", "B2", "Nytt navn")
    out = io.StringIO()
    call_command("import_register", programme.slug, str(exported), "--dry-run", stdout=out)
    assert "Checked (nothing saved): 0 created, 1 updated" in out.getvalue()
    assert Initiative.objects.get(code="FI-1").title == "Innkreving"


@pytest.mark.django_db
def test_an_import_as_a_named_user_is_logged_as_them(programme, exported, facilitator):
    rewrite(exported, "Tiltak", "B2", "Nytt navn")
    call_command(
        "import_register", programme.slug, str(exported), "--user", "fasilitator",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Initiative.objects.get(code="FI-1").title == "Nytt navn"
    assert ChangeLogEntry.objects.order_by("-id").first().actor == facilitator


@pytest.mark.django_db
def test_a_user_without_edit_rights_is_refused(programme, exported, viewer):
    with pytest.raises(CommandError) as raised:
        call_command("import_register", programme.slug, str(exported), "--user", "leser")
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_errors_are_printed_with_their_place_and_exit_1(programme, exported):
    rewrite(exported, "Kostnader", "F2", "mye")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_register", programme.slug, str(exported), stderr=err)
    assert raised.value.returncode == 1
    assert "Kostnader, row 2, Lav:" in err.getvalue()


@pytest.mark.django_db
def test_an_unknown_programme_or_file_exits_2(programme, exported, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("import_register", "nope", str(exported))
    assert raised.value.returncode == 2
    with pytest.raises(CommandError) as raised:
        call_command("import_register", programme.slug, str(tmp_path / "missing.xlsx"))
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_the_nytte_command_knows_both(capsys):
    from nytte.cli import main

    with pytest.raises(SystemExit):
        main(["import_register", "--help"])
    assert "--dry-run" in capsys.readouterr().out
