"""The restore drill (issue 18): ``nytte backup`` writes the database and the attachments to
one archive; restoring it into a fresh database (and a fresh media folder) gives back every
row of every table and every file, byte for byte. Runs on SQLite and, with DATABASE_URL, on
PostgreSQL (into a throwaway database)."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from nytte.core.actors import PublicProposer
from nytte.core.backup import BackupError, backup, media_files, restore
from nytte.portfolio import services as portfolio_services
from nytte.proposals import services as proposal_services
from nytte.proposals.choices import Channel
from nytte.proposals.models import Attachment
from tests.factories import BenefitFactory, InitiativeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(media, facilitator):
    programme = facilitator.programme_memberships.get().programme
    initiative = InitiativeFactory(programme=programme, code="FI-1")
    portfolio_services.initiative_update(
        initiative=initiative, data={"title": "Endret"}, acting_user=facilitator
    )
    BenefitFactory(programme=programme, code="G-1")
    ProgrammeFactory(slug="en-annen")
    proposal, _ = proposal_services.proposal_submit(
        programme=programme,
        data={
            "title": "Med vedlegg",
            "need": "Behov",
            "idea": "Idé",
            "proposer_name": "Kari",
            "proposer_email": "kari@example.no",
        },
        channel=Channel.PUBLIC,
        consent=True,
        attachments=[
            SimpleUploadedFile("notat.pdf", b"%PDF-1.4 notat", content_type="application/pdf"),
            SimpleUploadedFile("tall.csv", "år;beløp\n2026;100\n".encode(), "text/csv"),
        ],
        acting_user=PublicProposer(programme.pk),
    )
    assert Attachment.objects.filter(proposal=proposal).count() == 2
    return proposal


def _value(value):
    """One value as both connections read it (psycopg names UTC in two ways; Django's
    connection reads JSON as text, a plain one as objects)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _rows(cursor, table: str) -> list[str]:
    cursor.execute(f'SELECT * FROM "{table}"')
    return sorted(repr(tuple(_value(v) for v in row)) for row in cursor.fetchall())


def _source_rows() -> dict[str, list[str]]:
    """Every row of the source, read as the restored copy will be (on SQLite, through a plain
    sqlite3 connection: Django's converts dates and booleans)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor != "sqlite":
            return {t: _rows(cursor, t) for t in tables}
    raw = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        return {t: _rows(raw.cursor(), t) for t in tables}
    finally:
        raw.close()


def _check_files(source: Path, restored: Path) -> None:
    assert media_files(restored) == media_files(source)
    for attachment in Attachment.objects.all():
        assert (restored / attachment.file.name).read_bytes() == attachment.file.read()


def test_drill_backup_and_restore_into_a_fresh_database(data, media, tmp_path):
    archive = tmp_path / "nytte.tar.gz"
    manifest = backup(archive)
    assert manifest["tables"]["core_changelogentry"] > 0
    assert len(manifest["media"]) == 2
    assert archive.stat().st_mode & 0o777 == 0o600
    source = _source_rows()
    restored_media = tmp_path / "restored-media"

    if connection.vendor == "sqlite":
        target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fresh.db")}
        restore(archive, database=target, media_root=restored_media)
        fresh = sqlite3.connect(target["NAME"])
        try:
            restored = {t: _rows(fresh.cursor(), t) for t in source}
        finally:
            fresh.close()
    else:
        restored = _restore_into_throwaway_pg(archive, source, restored_media)

    assert restored == source  # every row of every table
    _check_files(media, restored_media)


def _restore_into_throwaway_pg(archive, source, restored_media) -> dict[str, list[str]]:
    import psycopg

    db = dict(connection.settings_dict)
    name = f"nytte_drill_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            restore(archive, database={**db, "NAME": name}, media_root=restored_media)
            with (
                psycopg.connect(
                    dbname=name,
                    host=db["HOST"] or None,
                    port=db["PORT"] or None,
                    user=db["USER"] or None,
                    password=db["PASSWORD"] or None,
                ) as fresh,
                fresh.cursor() as cursor,
            ):
                return {t: _rows(cursor, t) for t in source}
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def test_restore_says_what_is_missing(data, tmp_path):
    archive = tmp_path / "nytte.tar.gz"
    backup(archive)
    # An archive whose files went missing on the way: the restore says so.
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(broken, "w:gz") as dst:
        for member in src:
            if not member.name.startswith("media/"):
                dst.addfile(member, src.extractfile(member))
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL restore is exercised by the drill")
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fresh.db")}
    with pytest.raises(BackupError, match="missing or different"):
        restore(broken, database=target, media_root=tmp_path / "m")


def test_an_archive_cannot_write_outside_the_media_folder(data, tmp_path):
    archive = tmp_path / "nytte.tar.gz"
    backup(archive)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(evil, "w:gz") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 3
        dst.addfile(info, io.BytesIO(b"bad"))
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fresh.db")}
    if connection.vendor != "sqlite":
        pytest.skip("checked once, on SQLite")
    with pytest.raises(BackupError, match="unsafe path"):
        restore(evil, database=target, media_root=tmp_path / "m" / "media")
    assert not (tmp_path / "escaped.txt").exists()


def test_the_commands(data, tmp_path):
    archive = tmp_path / "cli.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 files" in out.getvalue()
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)  # without --yes: only shows
    assert "Nothing changed" in out.getvalue()
