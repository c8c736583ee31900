"""Background tasks of the benefits register (django-tasks, database backend; ``nytte
worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def fill_realisation_plan(plan_id: int) -> str:
    """Build and keep a large realisation plan version being saved; a failure marks it."""
    from .services.plans import realisation_plan_build

    return realisation_plan_build(plan_id)


@task()
def build_plan_file(file_id: int) -> str:
    """Build a large realisation plan's Word or Excel file that someone asked for."""
    from .services.plans import plan_file_build

    return plan_file_build(file_id)
