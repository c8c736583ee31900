"""The change log becomes append-only: who acted for which organisation, the request id, and
references that keep rows (SET_NULL/PROTECT) instead of deleting them; then the triggers
that refuse UPDATE and DELETE (PostgreSQL and SQLite, by ``connection.vendor``)."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["core_changelogentry"]


def install_triggers(apps, schema_editor):
    from nytte.core import records

    records.install(schema_editor.connection, TABLES)


def remove_triggers(apps, schema_editor):
    from nytte.core import records

    records.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0007_security_throttle_and_read_only_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="changelogentry",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="changelogentry",
            name="request_id",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="request id"
            ),
        ),
        migrations.AlterField(
            model_name="changelogentry",
            name="content_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                to="contenttypes.contenttype",
                verbose_name="object type",
            ),
        ),
        migrations.AlterField(
            model_name="changelogentry",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
