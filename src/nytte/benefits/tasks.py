"""Background tasks of the benefits register (django-tasks, database backend; ``nytte
worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def fill_realisation_plan(plan_id: int) -> str:
    """Build and keep a large realisation plan version being saved; a failure marks it."""
    from .choices import PlanStatus
    from .models import RealisationPlan
    from .services.plans import realisation_plan_failed, realisation_plan_fill

    plan = RealisationPlan.objects.select_related("programme", "initiative").get(pk=plan_id)
    if plan.status != PlanStatus.SAVING:  # run twice, or marked failed meanwhile
        return str(plan.status)
    try:
        return str(realisation_plan_fill(plan).status)
    except Exception:
        realisation_plan_failed(plan_id)
        raise


@task()
def build_plan_file(file_id: int) -> str:
    """Build a large realisation plan's Word or Excel file that someone asked for."""
    from .services.plans import plan_file_build

    return plan_file_build(file_id)
