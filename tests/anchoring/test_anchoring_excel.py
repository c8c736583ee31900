"""Stakeholders and answers to Excel and back: an unchanged export imports as unchanged,
edits are applied through the services, and a workbook with any bad row saves nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from nytte.anchoring import services
from nytte.anchoring.choices import Topic
from nytte.anchoring.excel import ANSWERS, STAKEHOLDERS, export_anchoring, import_anchoring
from nytte.anchoring.models import AnchoringAnswer, Stakeholder
from nytte.core.actors import SYSTEM
from tests.permissions import assert_logged

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(anchored):
    services.stakeholder_create(
        programme=anchored.programme,
        data={
            "organisation": anchored.nav,
            "influence": 4,
            "interest": 3,
            "phases": ["plan", "execute"],
            "contact_role": "=Direktør",  # looks like a formula: must stay text
        },
        acting_user=SYSTEM,
    )
    services.answer_save(
        subject=anchored.fi1,
        question=anchored.question(Topic.USERS),
        answer=services.AnswerData("partly", "Brukerpanel."),
        acting_user=SYSTEM,
    )
    services.answer_save(
        subject=anchored.proposal,
        question=anchored.question(Topic.GUIDANCE),
        answer=services.AnswerData("yes"),
        acting_user=SYSTEM,
    )
    return anchored


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_an_unchanged_export_imports_as_unchanged(filled, facilitator):
    data = export_anchoring(filled.programme, user=facilitator)
    result = import_anchoring(filled.programme, data, acting_user=facilitator)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_edits_and_new_rows_are_imported_through_the_services(filled, facilitator):
    wb = load_workbook(io.BytesIO(export_anchoring(filled.programme, user=facilitator)))
    people = wb[STAKEHOLDERS.name]
    assert people["F2"].value == "=Direktør"  # text, never a formula
    people["H2"] = 5  # interest
    people.append(
        [
            None,
            "FI-1",
            None,
            "Brukere",
            "Personer med gjeld",
            "",
            2,
            5,
            "Konsultert",
            "",
            "Idé, Konsept",
        ]
    )
    answers = wb[ANSWERS.name]
    answers["D2"] = "Ja"
    answers.append(["FI-2", filled.question(Topic.USERS).pk, "", "Nei", "Ikke ennå.", None, ""])
    result = import_anchoring(filled.programme, workbook_bytes(wb), acting_user=facilitator)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 2)
    assert Stakeholder.objects.get(organisation=filled.nav).interest == 5
    group = Stakeholder.objects.get(group="users")
    assert (group.initiative, group.phases) == (filled.fi1, ["idea", "concept"])
    answer = AnchoringAnswer.objects.get(initiative=filled.fi1)
    assert answer.status == "yes"
    assert_logged(answer, "update", by=facilitator)
    assert AnchoringAnswer.objects.get(initiative=filled.fi2).status == "no"


def test_a_workbook_with_a_bad_row_saves_nothing_and_says_where(filled, facilitator):
    wb = load_workbook(io.BytesIO(export_anchoring(filled.programme, user=facilitator)))
    people = wb[STAKEHOLDERS.name]
    people["H2"] = 1  # a good change …
    people.append([None, "FI-99", None, "Brukere", "X", "", 2, 5, None, "", ""])
    answers = wb[ANSWERS.name]
    ks = filled.question(Topic.KS).pk
    answers.append(["FI-2", ks, "", "Ikke relevant", "", None, ""])  # municipal: refused
    result = import_anchoring(filled.programme, workbook_bytes(wb), acting_user=facilitator)
    assert not result.ok
    where = {(e.sheet, e.row, e.column) for e in result.errors}
    assert where == {("Interessenter", 3, "Tiltak"), ("Svar", 4, "Status")}
    assert Stakeholder.objects.get(organisation=filled.nav).interest == 3
    assert Stakeholder.objects.count() == 1


def test_a_dry_run_saves_nothing(filled, facilitator):
    wb = load_workbook(io.BytesIO(export_anchoring(filled.programme, user=facilitator)))
    wb[STAKEHOLDERS.name]["H2"] = 1
    result = import_anchoring(
        filled.programme, workbook_bytes(wb), acting_user=facilitator, dry_run=True
    )
    assert result.ok and result.updated == 1
    assert Stakeholder.objects.get().interest == 3


def test_only_those_who_edit_the_programme_import(filled, owner, client_for, facilitator):
    data = export_anchoring(filled.programme, user=facilitator)
    with pytest.raises(PermissionDenied):
        import_anchoring(filled.programme, data, acting_user=owner)
    url = reverse("anchoring:import", args=[filled.programme.slug])
    response = client_for(facilitator).post(
        url, {"file": io.BytesIO(b"not a workbook"), "dry_run": ""}
    )
    assert response.status_code == 422


def test_the_commands_export_and_import_a_workbook(filled, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "forankring.xlsx"
    call_command("export_anchoring", filled.programme.slug, str(path))
    out = io.StringIO()
    call_command("import_anchoring", filled.programme.slug, str(path), "--dry-run", stdout=out)
    assert "3 unchanged" in out.getvalue()
