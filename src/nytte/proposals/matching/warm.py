"""Loading the saved harmonisation indexes when a server worker starts, in the background,
so that no user's first harmonisation tab waits for them: its own programme's index
(about 0.1–0.2 s to map at 14,000 texts) and the other programmes' ones that the
cross-programme search reads (about 3 s for 20 programmes of 5,000 texts).

Only indexes another process saved are loaded; building one stays the work of its own
programme's first tab (``index.fresh``). ``NYTTE_WARM_INDEXES=0`` turns this off.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.db import DEFAULT_DB_ALIAS, connections

from nytte.core.models import Programme

from . import store
from .index import fresh

logger = logging.getLogger(__name__)


def warm_saved_indexes(using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """Load every saved programme index into this process; the programmes loaded."""
    loaded = []
    started = time.perf_counter()
    for programme_id in Programme.objects.using(using).order_by("pk").values_list("pk", flat=True):
        path = store.path_for(programme_id, using)
        if path is None or not path.exists():
            continue
        try:
            fresh(programme_id, using)
        except Exception:  # a cache: a failure here must never stop the worker
            logger.exception("could not load the similarity index of programme %s", programme_id)
            continue
        loaded.append(programme_id)
    if loaded:
        logger.info(
            "loaded %d saved similarity indexes in %.0f ms",
            len(loaded),
            (time.perf_counter() - started) * 1000,
        )
    return loaded


def warm_in_background() -> threading.Thread | None:
    """Start :func:`warm_saved_indexes` in a daemon thread (gunicorn's worker start hook)."""
    if os.environ.get("NYTTE_WARM_INDEXES", "1") == "0":
        return None

    def run() -> None:
        try:
            warm_saved_indexes()
        except Exception:
            logger.exception("warming the similarity indexes failed")
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, name="nytte-warm-indexes", daemon=True)
    thread.start()
    return thread
