"""Background tasks (django-tasks, database backend; ``nytte worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_scenario(run_id: int) -> str:
    """Solve one scenario run; progress and the answer are written to its row."""
    from .services import run_execute

    return str(run_execute(run_id).status)
