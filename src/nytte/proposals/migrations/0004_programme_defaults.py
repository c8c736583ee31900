"""Programmes created before the defaults were made with the programme (not on a page view)
get their default criteria and qualification questions now. A programme that already has
criteria keeps them; one whose facilitators deleted every question (the change log shows it
had some) keeps an empty checklist."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import translation


def create_defaults(apps, schema_editor):
    from nytte.proposals.defaults import DEFAULT_CRITERIA, DEFAULT_QUESTIONS

    Programme = apps.get_model("core", "Programme")
    Criterion = apps.get_model("proposals", "Criterion")
    Question = apps.get_model("proposals", "QualificationQuestion")
    ChangeLogEntry = apps.get_model("core", "ChangeLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    question_type = ContentType.objects.filter(
        app_label="proposals", model="qualificationquestion"
    ).first()
    with translation.override(settings.LANGUAGE_CODE):
        for programme in Programme.objects.all():
            if not Criterion.objects.filter(programme=programme).exists():
                order = defaultdict(int)
                for dimension, name, description, steps in DEFAULT_CRITERIA:
                    order[dimension] += 1
                    Criterion.objects.create(
                        programme=programme,
                        dimension=dimension,
                        name=str(name),
                        description=str(description),
                        scale=[{"value": v, "label": str(label)} for v, label in steps],
                        weight=Decimal(1),
                        order=order[dimension],
                    )
            had_questions = question_type is not None and ChangeLogEntry.objects.filter(
                programme=programme, content_type=question_type
            ).exists()
            if not had_questions and not Question.objects.filter(programme=programme).exists():
                for order_, (text, guidance) in enumerate(DEFAULT_QUESTIONS):
                    Question.objects.create(
                        programme=programme, order=order_, text=str(text), help_text=str(guidance)
                    )


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0003_link_unique"),
        ("core", "0005_changelog_actor_label"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
