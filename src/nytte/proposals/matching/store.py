"""The programme indexes saved under the data directory, so a worker loads the index
(memory mapped, ``nytte.similarity.persist``) instead of building it on its first request,
and only one process builds when none is saved (a file lock; the others wait and load).

One file per programme: ``<NYTTE_SIMILARITY_DIR>/programme-<id>-<digest>.idx``, the digest
of the database kind and the programme's creation time. It
holds what the index was built from (each row's ``updated_at`` and digest, the links'
signature) and the programme's register version when saved, so a loaded index is brought
up to date by the usual signature check. It is saved again after ``RESAVE_AFTER`` changes,
so a new worker has little to catch up. ``NYTTE_SIMILARITY_DIR = None`` turns saving off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from nytte.core.models import Programme
from nytte.similarity import Index, persist
from nytte.similarity.fusion import FusedIndex
from nytte.similarity.lexical import LexicalIndex

if TYPE_CHECKING:
    from .index import ProgrammeIndex

try:
    import fcntl
except ImportError:  # not POSIX: no cross-process lock, each worker may build
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

_PATHS: dict[tuple[str, int], Path] = {}

#: Re-index this many rows (or re-read the links) since the last save, and save again.
RESAVE_AFTER = 200


def directory() -> Path | None:
    value = getattr(settings, "NYTTE_SIMILARITY_DIR", None)
    return Path(value) if value else None


def path_for(
    programme_id: int, using: str = DEFAULT_DB_ALIAS, *, created: dt.datetime | None = None
) -> Path | None:
    """The programme's file: named by its id and creation time, so a file never answers
    for another database's programme with the same id (tests reuse ids). ``created``: the
    programme's creation time when the caller has it (saves a query per programme)."""
    folder = directory()
    if folder is None:
        return None
    known = _PATHS.get((using, programme_id))
    if known is not None and known.parent == folder:
        return known
    if created is None:
        created = (
            Programme.objects.using(using)
            .filter(pk=programme_id)
            .values_list("created_at", flat=True)
            .first()
        )
    key = f"{connections[using].vendor}:{programme_id}:{created.isoformat() if created else ''}"
    digest = hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
    path = _PATHS[(using, programme_id)] = folder / f"programme-{programme_id}-{digest}.idx"
    return path


def forget() -> None:
    """Forget the file names worked out (tests; after restoring a database)."""
    _PATHS.clear()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` (blocks while another process builds)."""
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lexical(index: Index) -> LexicalIndex | None:
    """What is saved: the lexical index (a fused one's vectors live in the database)."""
    inner = index.lexical if isinstance(index, FusedIndex) else index
    return inner if isinstance(inner, LexicalIndex) else None


def _version(programme_id: int) -> int | None:
    return (
        Programme.objects.filter(pk=programme_id).values_list("register_version", flat=True).first()
    )


def load(entry: ProgrammeIndex, programme_id: int, *, wait: bool = True) -> bool:
    """Fill ``entry`` from the saved file; False if there is none (the caller builds).

    While another process builds (holding the lock), this waits and loads its result."""
    path = path_for(programme_id)
    if path is None or _lexical(entry.index) is None:
        return False
    lock = _locked(path) if wait else contextlib.nullcontext()
    with lock:
        started = time.perf_counter()
        loaded = persist.load(path)
        if loaded is None:
            return False
        index, extra = loaded
        if extra.get("programme") != programme_id:
            return False
        if isinstance(entry.index, FusedIndex):
            entry.index.lexical = index
            entry.index.clear_vectors()
            entry.vectors = (0, None)  # the next freshness check loads them all
        else:
            entry.index = index
        entry.seen = extra["seen"]
        entry.forget()
        entry.merged = set(extra["merged"])
        entry.links = extra["links"]
        entry.built_size = extra["built_size"]
        entry.checked_at = time.monotonic()
        entry.changes = 0
        # The loaded index is hundreds of thousands of long-lived objects: keep the garbage
        # collector from scanning them again in every full collection (and from touching,
        # thus copying, their memory pages).
        gc.freeze()
        logger.info(
            "similarity index of programme %s loaded in %.0f ms (%d texts)",
            programme_id,
            (time.perf_counter() - started) * 1000,
            len(index),
        )
        return True


def save(entry: ProgrammeIndex, programme_id: int) -> None:
    """Write ``entry`` to its file; a failure is logged, never raised (it is a cache)."""
    path = path_for(programme_id)
    lexical = _lexical(entry.index)
    if path is None or lexical is None:
        return
    extra: dict[str, Any] = {
        "programme": programme_id,
        "register_version": _version(programme_id),
        "seen": entry.seen,
        "merged": sorted(entry.merged),
        "links": entry.links,
        "built_size": entry.built_size,
    }
    try:
        persist.save(lexical, path, extra)
    except OSError:
        logger.exception("could not save the similarity index to %s", path)
        return
    entry.changes = 0


def maybe_resave(entry: ProgrammeIndex, programme_id: int) -> None:
    if entry.changes >= RESAVE_AFTER:
        save(entry, programme_id)


@contextlib.contextmanager
def building(programme_id: int) -> Iterator[None]:
    """Hold the programme's build lock (so other processes wait, then load)."""
    path = path_for(programme_id)
    if path is None:
        yield
        return
    with _locked(path):
        yield
