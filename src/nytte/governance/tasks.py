"""Background work of the learning loop, run by ``nytte worker`` (django-tasks, database
backend) or at once by ``nytte learning_sweep`` (e.g. from cron, daily): reminders of
overdue follow-up actions, and the revisit sweep that catches what the services did not."""

from __future__ import annotations

from django_tasks import task

from nytte.core.actors import System


@task()
def remind_follow_ups() -> int:
    """E-mail owners of overdue follow-up actions (at most once per reminder interval)."""
    from .learning.actions import remind_overdue

    return remind_overdue(acting_user=System("reminders"))


@task()
def sweep_revisits() -> int:
    """Open revisit items for decided initiatives whose benefits, risks or links call for one."""
    from .learning.revisits import sweep

    return sweep()


@task()
def half_yearly_status_reports() -> int:
    """The forum's next portfolio status report where the last one is half a year old."""
    from .learning.status_report import half_yearly

    return half_yearly(acting_user=System("reports"))
