"""Background work of the core, run by ``nytte worker`` (django-tasks, database backend):
warming a programme's cached page data after a change (``registercache.warm``)."""

from __future__ import annotations

from django_tasks import task

from . import registercache


@task()
def warm_register_cache(programme_id: int) -> list[str]:
    """Compute what the first page views after a change would (the warmers the apps
    registered); the names of the warmers run."""
    return registercache.warm(programme_id)
