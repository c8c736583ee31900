"""What every programme starts with in the proposal pipeline: the default assessment
criteria and qualification questions. Created when a programme is created (the
``core.signals.programme_created`` signal, connected in ``apps.ProposalsConfig.ready``) and,
for programmes created before, by the data migration ``0004_programme_defaults``; never on a
page view."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from nytte.core.actors import SYSTEM, Actor
from nytte.core.models import Programme

from .choices import Dimension

# ---------------------------------------------------------------------------------------------
# Default criteria: two dimensions, each criterion with a described scale


def _scale(*labels: Any) -> list[tuple[int, Any]]:
    return list(enumerate(labels, start=1))


DEFAULT_CRITERIA: list[tuple[str, Any, Any, list[tuple[int, Any]]]] = [
    (
        Dimension.POTENTIAL,
        gettext_lazy("User value"),
        gettext_lazy("How much better the service gets for the people who use it."),
        _scale(
            gettext_lazy("Hardly noticeable for users"),
            gettext_lazy("A small improvement for some users"),
            gettext_lazy("A clear improvement for many users"),
            gettext_lazy("A large improvement for many users"),
            gettext_lazy("Changes how users experience the service"),
        ),
    ),
    (
        Dimension.POTENTIAL,
        gettext_lazy("Size of benefit"),
        gettext_lazy("The benefits for users, agencies and society, priced or not."),
        _scale(
            gettext_lazy("Very small"),
            gettext_lazy("Small"),
            gettext_lazy("Moderate"),
            gettext_lazy("Large"),
            gettext_lazy("Very large"),
        ),
    ),
    (
        Dimension.POTENTIAL,
        gettext_lazy("Reach across agencies and life events"),
        gettext_lazy("How many agencies, user groups and life events it touches."),
        _scale(
            gettext_lazy("One unit in one agency"),
            gettext_lazy("One agency"),
            gettext_lazy("Two agencies, or one life event"),
            gettext_lazy("Several agencies or life events"),
            gettext_lazy("Across the public sector and several life events"),
        ),
    ),
    (
        Dimension.POTENTIAL,
        gettext_lazy("Strategic fit"),
        gettext_lazy("How well it serves the programme's vision, target picture and goals."),
        _scale(
            gettext_lazy("Does not support the goals"),
            gettext_lazy("Supports the goals indirectly"),
            gettext_lazy("Supports one goal"),
            gettext_lazy("Supports several goals"),
            gettext_lazy("Essential to the vision"),
        ),
    ),
    (
        Dimension.POTENTIAL,
        gettext_lazy("Degree of transformation"),
        gettext_lazy("A new way of solving the mission, or today's process digitised as it is."),
        _scale(
            gettext_lazy("Today's process as it is"),
            gettext_lazy("Today's process improved"),
            gettext_lazy("Parts of the process redesigned"),
            gettext_lazy("The service redesigned around the user"),
            gettext_lazy("A new way of solving the mission"),
        ),
    ),
    (
        Dimension.COMPLEXITY,
        gettext_lazy("Technical"),
        gettext_lazy("How new the technology is to us, and how much must be integrated."),
        _scale(
            gettext_lazy("Known technology, no integration"),
            gettext_lazy("Known technology, some integration"),
            gettext_lazy("New to us, or several integrations"),
            gettext_lazy("New technology and many integrations"),
            gettext_lazy("Unproven technology or architecture"),
        ),
    ),
    (
        Dimension.COMPLEXITY,
        gettext_lazy("Organisational"),
        gettext_lazy(
            "How much people, roles and ways of working must change, and in how many organisations."
        ),
        _scale(
            gettext_lazy("One team"),
            gettext_lazy("One unit"),
            gettext_lazy("One agency"),
            gettext_lazy("Several agencies"),
            gettext_lazy("Many agencies and municipalities"),
        ),
    ),
    (
        Dimension.COMPLEXITY,
        gettext_lazy("Legal and regulatory"),
        gettext_lazy("Whether it needs changed regulations or a new division of responsibility."),
        _scale(
            gettext_lazy("Within the current rules"),
            gettext_lazy("Needs an interpretation of the current rules"),
            gettext_lazy("Needs changed internal rules or agreements"),
            gettext_lazy("Needs changed regulations"),
            gettext_lazy("Needs a change in law or in the division of responsibility"),
        ),
    ),
    (
        Dimension.COMPLEXITY,
        gettext_lazy("Dependencies"),
        gettext_lazy("On other initiatives, systems, suppliers and decisions."),
        _scale(
            gettext_lazy("None"),
            gettext_lazy("A few, under our control"),
            gettext_lazy("Some outside our control"),
            gettext_lazy("Many outside our control"),
            gettext_lazy("Critical ones outside our control"),
        ),
    ),
    (
        Dimension.COMPLEXITY,
        gettext_lazy("Uncertainty"),
        gettext_lazy("How well we know the need, the solution, the cost and the benefits."),
        _scale(
            gettext_lazy("Well known"),
            gettext_lazy("Mostly known"),
            gettext_lazy("Partly known"),
            gettext_lazy("Largely unknown"),
            gettext_lazy("Unknown"),
        ),
    ),
]


# (question, guidance) created for a programme that has never had a checklist.
DEFAULT_QUESTIONS: tuple[tuple[Any, Any], ...] = (
    (
        _("Is it within the programme's mandate?"),
        _("If not, say who could take it further."),
    ),
    (
        _("Which initiatives and agencies are affected?"),
        _("Name the initiatives it touches and the agencies whose work or systems change."),
    ),
    (
        _("Does it need a change in regulations or in the division of responsibility?"),
        _("Which regulations, and between whom responsibility would move."),
    ),
    (
        _("Who must be involved?"),
        _("Agencies, municipalities (through KS), users, suppliers, owners of common components."),
    ),
)


def programme_defaults_create(*, programme: Programme, acting_user: Actor = SYSTEM) -> int:
    """Give the programme the default criteria and questions it lacks; how many kinds were
    created (0, 1 or 2)."""
    from . import assessment, qualification

    created = int(assessment.criteria_ensure_defaults(programme=programme, acting_user=acting_user))
    created += int(qualification.ensure_default_questions(programme, acting_user=acting_user))
    return created


def on_programme_created(
    sender: Any, *, programme: Programme, acting_user: Actor, **kwargs: Any
) -> None:
    programme_defaults_create(programme=programme, acting_user=acting_user)
