"""Background tasks (django-tasks, database backend; ``nytte worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def retention() -> int:
    """Erase outside proposers' personal data past the retention period (``nytte retention``
    does the same from the command line); returns how many were erased."""
    from .retention import anonymise_expired

    return len(anonymise_expired())


@task()
def embed_texts(programme_id: int) -> int:
    """Embed a programme's new and changed texts with the installed model (enqueued after
    every save of an initiative or proposal where ``NYTTE_EMBEDDING_MODEL_DIR`` is set);
    returns how many were embedded."""
    from .matching.vectors import embed_programme

    return embed_programme(programme_id)
