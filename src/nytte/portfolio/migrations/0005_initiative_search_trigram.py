"""Trigram indexes for the initiative search on PostgreSQL.

The search matches each word anywhere in the code, title or description
(``UPPER(column::text) LIKE UPPER('%word%')``, Django's ``icontains``), which no B-tree
index serves: at 10 000 initiatives every search read the whole table (about 100 ms of SQL).
A GIN index of trigrams per column, on the very expression Django writes, lets PostgreSQL
find the candidates from the index. SQLite has no such index and keeps scanning the table,
which at this size stays fast; the migration does nothing there.
"""

from django.db import migrations

COLUMNS = ("code", "title", "description")


def _name(column: str) -> str:
    return f"portfolio_initiative_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(column)} ON portfolio_initiative "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0004_initiative_version"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
