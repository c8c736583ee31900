"""Background tasks (django-tasks, database backend; ``nytte worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def retention() -> int:
    """Erase outside proposers' personal data past the retention period (``nytte retention``
    does the same from the command line); returns how many were erased."""
    from .retention import anonymise_expired

    return len(anonymise_expired())
