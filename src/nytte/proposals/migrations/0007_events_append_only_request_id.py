"""Proposal events become append-only: the request id, a proposal reference that keeps the
events when a proposal is deleted (SET_NULL), and the triggers that refuse UPDATE and
DELETE (PostgreSQL and SQLite, by ``connection.vendor``)."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["proposals_proposalevent"]


def install_triggers(apps, schema_editor):
    from nytte.core import records

    records.install(schema_editor.connection, TABLES)


def remove_triggers(apps, schema_editor):
    from nytte.core import records

    records.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0006_proposal_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposalevent",
            name="request_id",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="request id"
            ),
        ),
        migrations.AlterField(
            model_name="proposalevent",
            name="proposal",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="proposals.proposal",
                verbose_name="proposal",
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
