"""Template tags of the learning loop: the lessons beside a similar proposal."""

from __future__ import annotations

from typing import Any

from django import template

from ..learning.lessons import LessonMatch, lessons_for

register = template.Library()


@register.simple_tag
def lessons_for_proposal(proposal: Any, user: Any, limit: int = 3) -> list[LessonMatch]:
    """Lessons whose case resembles ``proposal``, for the harmonisation tab."""
    if proposal is None or user is None:
        return []
    return lessons_for(proposal, limit, user=user)
