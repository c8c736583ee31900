"""The anchoring checklist every programme starts with, in our own words. Created when a
programme is created (``core.signals.programme_created``, connected in
``apps.AnchoringConfig.ready``) and, for programmes created before, by the data migration
``0002_default_questions``; never on a page view. From then on the questions are the
programme's own: its facilitators reword, reorder, add and retire them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import SYSTEM, Actor
from nytte.core.models import Programme
from nytte.core.services import object_create

from .choices import Topic

# (topic, question, guidance)
DEFAULT_QUESTIONS: tuple[tuple[str, Any, Any], ...] = (
    (
        Topic.PARTICIPANTS,
        _(
            "Do we know who takes part and who has a stake, and does that change from phase "
            "to phase?"
        ),
        _("List the participants and stakeholders; say who joins or leaves in later phases."),
    ),
    (
        Topic.LEADERSHIP,
        _(
            "Have the leaders taking part committed their organisations, and has each "
            "organisation's top management been told?"
        ),
        _("Interest is not commitment: record each organisation's commitment below."),
    ),
    (
        Topic.GUIDANCE,
        _(
            "Does the work answer political and strategic guidance, and should its mandate "
            "come through the formal governance dialogue?"
        ),
        _(
            "If it does not follow from guidance, say how ministries will be asked to give "
            "direction."
        ),
    ),
    (
        Topic.KS,
        _("Where municipal services are touched, is KS involved early enough?"),
        _("KS should have time to comment (at least two weeks) before anything is decided."),
    ),
    (
        Topic.USERS,
        _("Does the work rest on insight from users, and how are they involved?"),
        _("Citizens, businesses, the voluntary sector and other public bodies."),
    ),
    (
        Topic.BORDERING,
        _("Which other ongoing or planned work does it border on, and can needs be harmonised?"),
        _("The confirmed links and dependencies are shown with the question."),
    ),
)


@transaction.atomic
def ensure_default_questions(programme: Programme, *, acting_user: Actor = SYSTEM) -> bool:
    """Give a programme without any anchoring question the defaults; True if created.

    Texts are stored in the site's language, since they are the programme's own from then on.
    """
    if programme.anchoring_questions.exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        for order, (topic, text, guidance) in enumerate(DEFAULT_QUESTIONS):
            from .models import ChecklistQuestion

            object_create(
                ChecklistQuestion(
                    programme=programme,
                    topic=topic,
                    order=order,
                    text=str(text),
                    help_text=str(guidance),
                ),
                acting_user=acting_user,
            )
    return True


def on_programme_created(
    sender: Any, *, programme: Programme, acting_user: Actor, **kwargs: Any
) -> None:
    ensure_default_questions(programme, acting_user=acting_user)
