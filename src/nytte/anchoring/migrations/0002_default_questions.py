"""Programmes created before the anchoring app get its default checklist now (new ones get
it from ``core.signals.programme_created``)."""

from django.conf import settings
from django.db import migrations
from django.utils import translation


def create_defaults(apps, schema_editor):
    from nytte.anchoring.defaults import DEFAULT_QUESTIONS

    Programme = apps.get_model("core", "Programme")
    Question = apps.get_model("anchoring", "ChecklistQuestion")
    with translation.override(settings.LANGUAGE_CODE):
        for programme in Programme.objects.all():
            if Question.objects.filter(programme=programme).exists():
                continue
            Question.objects.bulk_create(
                Question(
                    programme=programme,
                    topic=topic,
                    order=order,
                    text=str(text),
                    help_text=str(guidance),
                )
                for order, (topic, text, guidance) in enumerate(DEFAULT_QUESTIONS)
            )


class Migration(migrations.Migration):
    dependencies = [("anchoring", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
