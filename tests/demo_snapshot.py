"""The demo, loaded once per test process and copied into the database where a test asks.

Loading the demo through the services takes seconds (every row validated, logged and
computed); a dozen modules and two browser tests ask for it. So each process (each xdist
worker) loads it once, in a transaction it rolls back, and keeps every table's rows as they
were; ``restore`` then empties the tables and copies those rows back: the same database, row
for row and key for key, in a fraction of a second.

Every table but ``django_migrations`` is replaced, content types and the migrations' rows
included, so what a test sees does not depend on which transactional test emptied the
database before it. Sequences are left as they are: they only ever grow, and were past every
copied key when the demo was loaded, so rows the tests create never collide with the copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from nytte.core.records import purge_allowed

KEEP = {"django_migrations"}


@dataclass(frozen=True)
class Snapshot:
    """Per table: on SQLite its columns and rows, on PostgreSQL its ``COPY`` text."""

    tables: dict[str, tuple[list[str], list[tuple]] | bytes]


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor, include_views=False)
    return [name for name in names if name not in KEEP]


def take() -> Snapshot:
    """Every table's rows as the open transaction sees them."""
    tables: dict[str, tuple[list[str], list[tuple]] | bytes] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in _tables():
            if connection.vendor == "postgresql":
                with raw.copy(f'COPY "{table}" TO STDOUT') as copy:
                    tables[table] = b"".join(bytes(block) for block in copy)
                continue
            columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
            # Unary + makes each value an expression: SQLite hands it over as stored, without
            # the converters Django registers by declared type (dates, decimals, booleans).
            select = ", ".join(f'+"{column}"' for column in columns)
            tables[table] = (columns, raw.execute(f'SELECT {select} FROM "{table}"').fetchall())
    return Snapshot(tables)


def restore(snapshot: Snapshot) -> None:
    """Replace every table's rows with the snapshot's, in the caller's transaction (or in
    one of its own, committed, for a transactional test)."""
    with transaction.atomic(), purge_allowed(), connection.cursor() as cursor:
        raw = cursor.cursor
        # DELETE, not TRUNCATE: the tables are nearly empty, and PostgreSQL's TRUNCATE gives
        # each of them new files (seconds); foreign keys are checked at commit.
        for name in snapshot.tables:
            raw.execute(f'DELETE FROM "{name}"')
        for name, content in snapshot.tables.items():
            if isinstance(content, bytes):
                if content:
                    with raw.copy(f'COPY "{name}" FROM STDIN') as copy:
                        copy.write(content)
                continue
            columns, rows = content
            if rows:
                marks = ", ".join("?" for _ in columns)
                quoted = ", ".join(f'"{column}"' for column in columns)
                raw.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', rows)
    # Content types are cached per process by key: the copy's may differ from the cache's.
    ContentType.objects.clear_cache()
