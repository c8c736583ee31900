"""Embedding vectors of initiatives and proposals, where an agency installed a model.

With ``NYTTE_EMBEDDING_MODEL_DIR`` unset (the default) nothing here does anything and
matching is word matching only. With it set, every save of an initiative or proposal
enqueues :func:`~nytte.proposals.tasks.embed_texts` for its programme (after commit); the
task (run by ``nytte worker``) embeds the rows whose stored vector is missing, was made
by another model or from another text, and saves them as :class:`TextVector` rows. The
programme indexes load those vectors (``index.py``) and fuse the model's ranking with the
words'. ``nytte embed`` does the same for every programme from the command line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from nytte.portfolio.models import Initiative
from nytte.similarity.embedding import OnnxEmbedder, text_digest

from ..models import Proposal, TextVector
from .texts import INITIATIVE, KINDS, PROPOSAL, TEXT_FIELDS, doc_id, document_text

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
# The model of this process: (directory it was loaded from, embedder or None if it failed).
_LOADED: tuple[str, OnnxEmbedder | None] | None = None

#: Texts per model call and per transaction.
BATCH = 32

VectorSignature = tuple[int, datetime | None]


def configured() -> str | None:
    return getattr(settings, "NYTTE_EMBEDDING_MODEL_DIR", None) or None


def embedder() -> OnnxEmbedder | None:
    """The installed model, loaded once per process; None when none is configured or it
    cannot be loaded (logged once: matching goes on with words only)."""
    global _LOADED
    path = configured()
    if path is None:
        return None
    with _LOCK:
        if _LOADED is None or _LOADED[0] != path:
            try:
                _LOADED = (path, OnnxEmbedder(path))
                logger.info("embedding model %s loaded from %s", _LOADED[1].model_id, path)
            except (ImportError, ValueError, OSError, RuntimeError):
                logger.exception("embedding model in %s could not be loaded; words only", path)
                _LOADED = (path, None)
        return _LOADED[1]


def forget() -> None:
    """Drop the loaded model (tests; after the setting changed)."""
    global _LOADED
    with _LOCK:
        _LOADED = None


def _rows(kind: str, programme_id: int) -> Iterator[Any]:
    model = Initiative if kind == INITIATIVE else Proposal
    yield from (
        model.objects.filter(programme_id=programme_id).only("pk", *TEXT_FIELDS[kind]).iterator()
    )


def stale(programme_id: int, model_id: str) -> list[tuple[str, Any, str, str]]:
    """(kind, row, text, digest) of every row whose vector is missing or stale."""
    held: dict[tuple[str, int], tuple[str, str]] = {}
    for proposal_id, initiative_id, model, digest in TextVector.objects.filter(
        programme_id=programme_id
    ).values_list("proposal_id", "initiative_id", "model", "text_digest"):
        key = (PROPOSAL, proposal_id) if proposal_id else (INITIATIVE, initiative_id)
        held[key] = (model, digest)
    todo = []
    for kind in KINDS:
        for obj in _rows(kind, programme_id):
            text = document_text(obj)
            if not text:
                continue
            digest = text_digest(text)
            if held.get((kind, obj.pk)) != (model_id, digest):
                todo.append((kind, obj, text, digest))
    return todo


def embed_programme(
    programme_id: int, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed the programme's rows whose vector is missing or stale; returns how many."""
    model = embedder()
    if model is None:
        return 0
    todo = stale(programme_id, model.model_id)
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        vectors = model.embed_passages([text for _kind, _obj, text, _digest in chunk])
        with transaction.atomic():
            for (kind, obj, _text, digest), vector in zip(chunk, vectors, strict=True):
                owner = {"proposal_id": obj.pk} if kind == PROPOSAL else {"initiative_id": obj.pk}
                TextVector.objects.update_or_create(
                    **owner,
                    defaults={
                        "programme_id": programme_id,
                        "model": model.model_id,
                        "text_digest": digest,
                        "dimension": len(vector),
                        "vector": np.asarray(vector, "<f4").tobytes(),
                    },
                )
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    return len(todo)


def schedule(programme_id: int) -> None:
    """After this transaction commits, embed the programme's new and changed texts in the
    background (only where a model is configured)."""
    if configured() is None:
        return
    from ..tasks import embed_texts

    transaction.on_commit(lambda: embed_texts.enqueue(programme_id))


def on_saved(sender: type, instance: Initiative | Proposal, **kwargs: Any) -> None:
    """post_save receiver: every write path (pages, API, imports, the demo, the admin)
    saves through the model, so this is the one place that sees them all."""
    if configured() is not None and not kwargs.get("raw"):
        schedule(instance.programme_id)


# ---------------------------------------------------------------------------------------------
# Reading vectors into an index


def signature(programme_id: int, model_id: str) -> VectorSignature:
    row = TextVector.objects.filter(programme_id=programme_id, model=model_id).aggregate(
        n=Count("pk"), latest=Max("updated_at")
    )
    return row["n"] or 0, row["latest"]


def load(index: Any, programme_id: int, model_id: str, since: datetime | None = None) -> int:
    """Hand the programme's vectors made by ``model_id`` (changed since ``since``, or all)
    to ``index.set_vector``; a vector of another text than the one indexed is skipped.
    Returns how many were taken."""
    rows = TextVector.objects.filter(programme_id=programme_id, model=model_id)
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    taken = 0
    for proposal_id, initiative_id, digest, vector in rows.values_list(
        "proposal_id", "initiative_id", "text_digest", "vector"
    ).iterator():
        key = doc_id(PROPOSAL, proposal_id) if proposal_id else doc_id(INITIATIVE, initiative_id)
        taken += index.set_vector(key, np.frombuffer(bytes(vector), "<f4"), digest)
    return taken
