"""Proposals as Excel: the export (proposals with stage, source, track, supporters and links;
evidence), outside proposers' personal data only for facilitators, and the all-or-nothing
import of new proposals — round trip, dry run, bad files, the page and the commands."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nytte.core.actors import SYSTEM
from nytte.portfolio.models import LifeEvent
from nytte.proposals import excel
from nytte.proposals.choices import Channel, Stage
from nytte.proposals.models import Evidence, Proposal, ProposalLink, Support
from tests.factories import InitiativeFactory, OrganisationFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def sheet(data: bytes, name: str) -> list[dict[str, object]]:
    """A sheet's rows as dicts by header."""
    ws = load_workbook(io.BytesIO(data), read_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def workbook(rows: list[list[object]], headers: list[str] | None = None, title="Forslag") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers or ["Tittel", "Behov eller problem", "Idé", "Kilde"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def register(programme, contributor):
    """Three proposals: one rejected from an outside proposer, one with supporters, evidence
    and links, one merged into it."""
    nav = OrganisationFactory(name="NAV")
    event = LifeEvent.objects.create(name="Miste og finne jobb", slug="miste-og-finne-jobb")
    outside = ProposalFactory(
        programme=programme,
        title="Varsel før inkasso",
        proposer_name="Kari Nordmann",
        proposer_email="kari@example.com",
        stage=Stage.REJECTED,
        stage_reason="Dekkes av FI-2.",
        source="user_insight",
    )
    main = ProposalFactory(
        programme=programme,
        title="eFaktura for statlige krav",
        proposer=contributor,
        stage=Stage.ASSESSMENT,
        track="pilot",
        track_reason="Kan prøves i liten skala.",
    )
    main.affected_organisations.set([nav])
    main.life_events.set([event])
    for user in UserFactory.create_batch(2):
        Support.objects.create(proposal=main, user=user)
    Evidence.objects.create(
        proposal=main, kind="data", text="78 % betalt i tide", source="Pilot", added_by=contributor
    )
    initiative = InitiativeFactory(programme=programme, code="FI-2")
    ProposalLink.objects.create(proposal=main, kind="overlap", target_initiative=initiative)
    merged = ProposalFactory(programme=programme, title="eFaktura", stage=Stage.MERGED)
    Proposal.objects.filter(pk=merged.pk).update(merged_into=main)
    ProposalLink.objects.create(proposal=merged, kind="duplicate", target_proposal=main)
    return {"outside": outside, "main": main, "merged": merged, "nav": nav}


def test_the_export_has_proposals_with_their_flow_and_the_evidence(programme, register):
    data = excel.export_proposals(programme, user=SYSTEM, personal_data=True)
    rows = {r["Nummer"]: r for r in sheet(data, "Forslag")}
    main, merged = register["main"], register["merged"]
    row = rows[main.reference]
    assert row["Tittel"] == "eFaktura for statlige krav"
    assert row["Støttespillere"] == 2
    assert row["Berørte virksomheter (orgnr)"] == register["nav"].orgnr
    assert row["Livshendelser"] == "miste-og-finne-jobb"
    assert "FI-2" in row["Koblinger"]
    assert row["Begrunnelse for spor"] == "Kan prøves i liten skala."
    assert rows[merged.reference]["Slått sammen med"] == main.reference
    assert main.reference in rows[merged.reference]["Koblinger"]
    outside = rows[register["outside"].reference]
    assert (outside["Forslagsstiller (navn)"], outside["Begrunnelse for status"]) == (
        "Kari Nordmann",
        "Dekkes av FI-2.",
    )
    evidence = sheet(data, "Innsikt")
    assert [(e["Forslag (nummer)"], e["Innsikt"], e["Lagt til av"]) for e in evidence] == [
        (main.reference, "78 % betalt i tide", "bidragsyter")
    ]
    assert "Forklaring" in load_workbook(io.BytesIO(data), read_only=True).sheetnames


def test_the_export_reads_a_fixed_number_of_queries(programme, register, pinned_queries):
    with pinned_queries("excel export"):
        excel.export_proposals(programme, user=SYSTEM)
    for k in range(20):
        ProposalFactory(programme=programme, title=f"Flere {k}").affected_organisations.set(
            [register["nav"]]
        )
    with pinned_queries("excel export"):
        excel.export_proposals(programme, user=SYSTEM)


def test_outside_proposers_personal_data_goes_only_to_facilitators(
    programme, register, facilitator, viewer, client_for
):
    url = reverse("proposals:export", kwargs={"slug": programme.slug})
    response = client_for(facilitator).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="framtidens')
    rows = sheet(response.content, "Forslag")
    assert {r["Forslagsstiller (e-post)"] for r in rows} == {"kari@example.com", None}
    rows = sheet(client_for(viewer).get(url).content, "Forslag")
    assert {r["Forslagsstiller (navn)"] for r in rows} == {None}
    assert {r["Forslagsstiller (e-post)"] for r in rows} == {None}
    assert "Kari" not in str(sheet(excel.export_proposals(programme, user=SYSTEM), "Forslag"))


def test_importing_an_export_changes_nothing_and_new_rows_are_added(
    programme, register, facilitator, django_capture_on_commit_callbacks
):
    data = excel.export_proposals(programme, user=SYSTEM, personal_data=True)
    before = Proposal.objects.count()
    result = excel.import_proposals(programme, data, acting_user=facilitator)
    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (0, 3)
    assert Proposal.objects.count() == before
    # Add two rows to the export: one from a colleague, one from someone outside.
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Forslag"]
    headers = [c.value for c in ws[1]]
    proposer = UserFactory(username="ola", email="ola@example.no")
    new_rows = [
        {
            "Tittel": "Felles betalingsavtale",
            "Behov eller problem": "Flere avtaler samtidig.",
            "Idé": "Én avtale for alt.",
            "Kilde": "Another agency",
            "Berørte virksomheter (orgnr)": register["nav"].orgnr,
            "Livshendelser": "miste-og-finne-jobb",
            "Forslagsstiller (brukernavn)": "ola",
        },
        {
            "Tittel": "Varsel på SMS",
            "Behov eller problem": "Brevet kom aldri fram.",
            "Idé": "SMS før forfall.",
            "Kilde": "user_insight",
            "Forslagsstiller (navn)": "Per Hansen",
            "Forslagsstiller (e-post)": "per@example.com",
            "Samtykke": "Ja",
        },
    ]
    for values in new_rows:
        ws.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        result = excel.import_proposals(programme, buffer.getvalue(), acting_user=facilitator)
    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (2, 3)
    first = Proposal.objects.get(programme=programme, title="Felles betalingsavtale")
    assert (first.channel, first.source, first.proposer) == (
        Channel.IMPORT,
        "other_agency",
        proposer,
    )
    assert list(first.affected_organisations.all()) == [register["nav"]]
    assert [e.slug for e in first.life_events.all()] == ["miste-og-finne-jobb"]
    assert first.created_by == facilitator
    second = Proposal.objects.get(programme=programme, title="Varsel på SMS")
    assert (second.proposer, second.proposer_email, second.consent_at is not None) == (
        None,
        "per@example.com",
        True,
    )
    # Each proposer gets the receipt with the private status link.
    assert sorted(m.to[0] for m in mail.outbox) == ["ola@example.no", "per@example.com"]


def test_a_dry_run_saves_nothing_and_sends_nothing(
    programme, facilitator, django_capture_on_commit_callbacks
):
    data = workbook([["Ny idé", "Behov", "Idé", "staff"]])
    with django_capture_on_commit_callbacks(execute=True):
        result = excel.import_proposals(programme, data, acting_user=facilitator, dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert not Proposal.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("headers", "row", "column", "words"),
    [
        (None, [None, "Behov", "Idé", None], "Tittel", "must be filled in"),
        (None, ["T", "B", "I", "ukjent kilde"], "Kilde", "Unknown value"),
        (
            ["Tittel", "Behov eller problem", "Idé", "Berørte virksomheter (orgnr)"],
            ["T", "B", "I", "999999999"],
            "Berørte virksomheter (orgnr)",
            "No organisation has the organisation number 999999999",
        ),
        (
            ["Tittel", "Behov eller problem", "Idé", "Livshendelser"],
            ["T", "B", "I", "finnes-ikke"],
            "Livshendelser",
            "No life event",
        ),
        (
            ["Tittel", "Behov eller problem", "Idé", "Forslagsstiller (brukernavn)"],
            ["T", "B", "I", "nobody"],
            "Forslagsstiller (brukernavn)",
            "No user is called",
        ),
        (
            [
                "Tittel",
                "Behov eller problem",
                "Idé",
                "Forslagsstiller (navn)",
                "Forslagsstiller (e-post)",
            ],
            ["T", "B", "I", "Kari", "kari@example.com"],
            "Samtykke",
            "consent",
        ),
        (
            [
                "Tittel",
                "Behov eller problem",
                "Idé",
                "Forslagsstiller (navn)",
                "Forslagsstiller (e-post)",
                "Samtykke",
            ],
            ["T", "B", "I", "Kari", "ikke en adresse", "Ja"],
            "Forslagsstiller (e-post)",
            "valid email",
        ),
        (
            ["Nummer", "Tittel", "Behov eller problem", "Idé"],
            ["F-77", "T", "B", "I"],
            "Nummer",
            "no proposal F-77",
        ),
        (None, ["T" * 301, "B", "I", None], "Tittel", "at most 300"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(
    programme, facilitator, english, headers, row, column, words
):
    good = {"Tittel": "God idé", "Behov eller problem": "Behov", "Idé": "Idé"}
    rows = [
        [good.get(h) for h in headers or ["Tittel", "Behov eller problem", "Idé", "Kilde"]],
        row,
    ]
    result = excel.import_proposals(programme, workbook(rows, headers), acting_user=facilitator)
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Forslag", 3, column)]
    assert words in result.errors[0].message
    assert not Proposal.objects.exists()  # not even the good row


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"not a workbook", "not an Excel workbook"),
        (workbook([], ["Tittel", "Behov eller problem", "Idé"]), "no proposals"),
        (
            workbook([["T", "B", "I", "x"]], ["Tittel", "Behov eller problem", "Idé", "Farge"]),
            "Unknown column",
        ),
        (workbook([["T", "B"]], ["Tittel", "Behov eller problem"]), "missing"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(programme, facilitator, english, data, words):
    result = excel.import_proposals(programme, data, acting_user=facilitator)
    assert not result.ok
    assert any(words in e.message for e in result.errors), result.errors


def test_the_template_has_the_columns_an_import_reads(programme, facilitator):
    rows = load_workbook(io.BytesIO(excel.import_template()), read_only=True)
    headers = [c for c in next(rows["Forslag"].iter_rows(values_only=True))]
    assert headers == excel.IMPORT_COLUMNS
    assert "Nummer" not in headers and "Status" not in headers
    filled = workbook([["Fra malen", "Behov", "Idé"]], headers[:3])
    assert excel.import_proposals(programme, filled, acting_user=facilitator).created == 1


def test_only_facilitators_import(programme, contributor, outsider):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    data = workbook([["T", "B", "I", "staff"]])
    with pytest.raises(PermissionDenied):
        excel.import_proposals(programme, data, acting_user=contributor)
    with pytest.raises(Http404):
        excel.import_proposals(programme, data, acting_user=outsider)
    assert not Proposal.objects.exists()


# ---------------------------------------------------------------------------------------------
# The page


def test_the_import_page_checks_saves_and_reports(programme, facilitator, client_for, english):
    url = reverse("proposals:import", kwargs={"slug": programme.slug})
    client = client_for(facilitator, language="en")
    assert client.get(url).status_code == 200
    template = client.get(url, {"template": ""})
    assert template["Content-Type"] == excel.CONTENT_TYPE
    bad = workbook([["T", "B", "I", "staff"], [None, "B", "I", "staff"]])
    response = client.post(url, {"file": SimpleUploadedFile("f.xlsx", bad)})
    assert response.status_code == 422
    text = response.content.decode()
    assert "The file has 1 error. Nothing was saved." in text
    assert "This cell must be filled in." in text
    good = workbook([["Ny idé", "Behov", "Idé", "staff"]])
    response = client.post(url, {"file": SimpleUploadedFile("f.xlsx", good), "dry_run": "on"})
    assert "The file is valid. Nothing was saved (check only)." in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("f.xlsx", good)})
    assert response.status_code == 200
    assert "1 new proposal, 0 already here." in response.content.decode()
    assert Proposal.objects.get().channel == Channel.IMPORT


@pytest.mark.parametrize(
    ("who", "status"), [("contributor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_the_import_page_is_for_facilitators(programme, client_for, request, who, status):
    url = reverse("proposals:import", kwargs={"slug": programme.slug})
    assert client_for(request.getfixturevalue(who)).get(url).status_code == status


# ---------------------------------------------------------------------------------------------
# The commands


def test_the_commands_export_and_import(programme, register, facilitator, tmp_path: Path, capsys):
    path = tmp_path / "forslag.xlsx"
    call_command("export_proposals", programme.slug, str(path))
    assert "Kari" not in str(sheet(path.read_bytes(), "Forslag"))
    call_command("export_proposals", programme.slug, str(path), "--personal-data")
    assert "Kari" in str(sheet(path.read_bytes(), "Forslag"))
    call_command("import_proposals", programme.slug, str(path), "--user", "fasilitator")
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    new = tmp_path / "nye.xlsx"
    new.write_bytes(workbook([["Fra kommandolinjen", "Behov", "Idé", "staff"]]))
    call_command("import_proposals", programme.slug, str(new), "--dry-run")
    assert not Proposal.objects.filter(title="Fra kommandolinjen").exists()
    call_command("import_proposals", programme.slug, str(new))
    created = Proposal.objects.get(title="Fra kommandolinjen")
    assert (created.channel, created.created_by, created.proposer) == (Channel.IMPORT, None, None)


def test_the_import_command_exits_1_on_errors_and_2_on_bad_arguments(
    programme, contributor, tmp_path: Path
):
    bad = tmp_path / "feil.xlsx"
    bad.write_bytes(workbook([[None, "Behov", "Idé", "staff"]]))
    with pytest.raises(CommandError) as failed:
        call_command("import_proposals", programme.slug, str(bad))
    assert failed.value.returncode == 1
    with pytest.raises(CommandError) as failed:
        call_command("import_proposals", "finnes-ikke", str(bad))
    assert failed.value.returncode == 2
    good = tmp_path / "ok.xlsx"
    good.write_bytes(workbook([["T", "B", "I", "staff"]]))
    with pytest.raises(CommandError) as failed:
        call_command("import_proposals", programme.slug, str(good), "--user", contributor.username)
    assert failed.value.returncode == 2
    assert not Proposal.objects.exists()
