"""``nytte backup`` and ``nytte restore``: the database and the attachments in one archive.

The archive is a gzipped tar file holding

- ``manifest.json``: when, from which database engine, the applied migrations, the number of
  rows in every table and every attachment's size and SHA-256;
- the database: ``database.sqlite3`` (SQLite, copied page by page with SQLite's online
  backup API, so a running app keeps working and the copy is consistent) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``; ``pg_restore`` puts it back);
- ``media/…``: every file under ``MEDIA_ROOT`` (the proposals' attachments).

A restore puts the database and the files back and then checks them against the manifest:
every table has its rows and every file its bytes, or the restore says what is missing. The
restore drill in the tests (``tests/core/test_backup.py``) does this on both databases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """The backup or restore could not be made, or did not restore everything."""


# -- what is in a database and a media folder -------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every regular file under ``root`` by its relative path (POSIX), with size and hash."""
    files: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
    return files


def _migrations(using: str) -> dict[str, list[str]]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


# -- PostgreSQL client tools --------------------------------------------------------------------


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} was not found: install the PostgreSQL client tools"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


# -- backup -----------------------------------------------------------------------------------


def _dump_database(using: str, target: Path) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        db = connection.settings_dict
        args, env = _pg_args(db)
        _run(
            ["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(target), db["NAME"]],
            env,
        )
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def backup(archive: Path, *, using: str = "default", media_root: Path | None = None) -> dict:
    """Write the database and the media files to ``archive``; returns the manifest."""
    connection = connections[using]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    member = SQLITE_MEMBER if connection.vendor == "sqlite" else PG_MEMBER
    with tempfile.TemporaryDirectory(prefix="nytte-backup-") as work:
        dump = Path(work) / member
        _dump_database(using, dump)
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            counts = row_counts(cursor, tables)
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "vendor": connection.vendor,
            "database": member,
            "migrations": _migrations(using),
            "tables": counts,
            "media": media_files(media_root),
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=member)
            for name in manifest["media"]:
                tar.add(media_root / name, arcname=MEDIA_PREFIX + name, recursive=False)
        partial.replace(archive)
        archive.chmod(0o600)  # personal data: readable by the owner only
    return manifest


# -- restore ----------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive} is not a Nytte backup (no {MANIFEST}).")
        manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has backup format {manifest.get('format')}, not {FORMAT}.")
    return manifest


def _safe_media_name(name: str) -> str | None:
    """The path under MEDIA_ROOT of an archive member, or None for anything else (and never
    one that climbs out of it)."""
    if not name.startswith(MEDIA_PREFIX):
        return None
    relative = name[len(MEDIA_PREFIX) :]
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts:
        raise BackupError(f"Refusing an unsafe path in the archive: {name!r}")
    return relative


@contextmanager
def _extracted(archive: Path, member: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="nytte-restore-") as work:
        target = Path(work) / member
        with tarfile.open(archive, "r:gz") as tar:
            source = tar.extractfile(member)
            if source is None:
                raise BackupError(f"The archive has no {member}.")
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)
        yield target


def _restore_database(archive: Path, manifest: dict, db: dict[str, Any]) -> None:
    vendor = manifest["vendor"]
    engine = db["ENGINE"]
    if (vendor == "sqlite") != engine.endswith("sqlite3") or (
        vendor == "postgresql" and not engine.endswith("postgresql")
    ):
        raise BackupError(f"This backup is of a {vendor} database; the target is {engine}.")
    with _extracted(archive, manifest["database"]) as dump:
        if vendor == "sqlite":
            source = sqlite3.connect(dump)
            target = sqlite3.connect(db["NAME"])
            try:
                source.backup(target)  # page by page, replacing what the target held
            finally:
                target.close()
                source.close()
        else:
            args, env = _pg_args(db)
            _run(
                [
                    "pg_restore",
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                    db["NAME"],
                    str(dump),
                ],
                env,
            )


def _restore_media(archive: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            relative = _safe_media_name(member.name)
            if relative is None or not member.isfile():
                continue
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)


def verify(manifest: dict, counts: dict[str, int], media_root: Path) -> list[str]:
    """What the restored database and files lack compared with the manifest ([] if none)."""
    problems = [
        f"table {table}: {counts.get(table)} rows, the backup had {expected}"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    found = media_files(media_root)
    for name, info in manifest["media"].items():
        if found.get(name, {}).get("sha256") != info["sha256"]:
            problems.append(f"file {name}: missing or different")
    return problems


def restore(
    archive: Path,
    *,
    using: str = "default",
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
) -> dict:
    """Put the database and the files of ``archive`` back, into the ``using`` database (or
    the one ``database`` describes: a settings dict, as for the drill) and ``media_root``;
    then check both against the manifest. Returns the manifest."""
    manifest = read_manifest(archive)
    db = dict(database or connections[using].settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if database is None:
        connections[using].close()
    _restore_database(archive, manifest, db)
    _restore_media(archive, media_root)
    counts = count_rows(db, list(manifest["tables"]))
    problems = verify(manifest, counts, media_root)
    if problems:
        raise BackupError("The restore is incomplete:\n" + "\n".join(problems))
    return manifest


def count_rows(db: dict[str, Any], tables: list[str]) -> dict[str, int]:
    """Rows in each table of the database ``db`` (a settings dict), on a connection of its
    own (the database restored into need not be one Django has open)."""
    if db["ENGINE"].endswith("sqlite3"):
        connection = sqlite3.connect(db["NAME"])
        try:
            return row_counts(connection.cursor(), tables)
        finally:
            connection.close()
    import psycopg

    connection = psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    try:
        with connection.cursor() as cursor:
            return row_counts(cursor, tables)
    finally:
        connection.close()
