"""Costly page data kept under a programme's register version.

Every logged change in a programme moves its ``register_version`` on (``core.history``), so a
result cached under the version is never stale: the next change makes a new key and the old
entry is dropped as newer ones come in. The portfolio overview's cost table started this;
the benefits analyses and the proposals matrix use this helper.

The results are page data with model objects and their prefetched rows, which do not pickle
(and unpickling hundreds of objects would cost what caching saves), so they are kept in this
process, a bounded number of them, newest last. The process-local keys carry a generation
token kept in Django's cache, so ``cache.clear()`` (tests, deploys) empties this too.

What is cached must not depend on who asks beyond being allowed to see the programme: for
``Action.VIEW`` the queryset gate answers by programme, so every reader of a programme sees
the same rows. Texts are translated when the data are built, so the language is in the key.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

if TYPE_CHECKING:
    from .models import Programme

T = TypeVar("T")
ENTRIES = 64  # results kept in a process (a few pages × filters × languages per programme)
GENERATION_KEY = "register-cache-generation"

_store: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, token, timeout=None):
            token = cache.get(GENERATION_KEY, token)
    return token


def register_key(programme: Programme, name: str, *parts: Any) -> str:
    return ":".join(
        [
            _generation(),
            name,
            str(programme.pk),
            str(programme.register_version),
            get_language() or "",
            *(str(part) for part in parts),
        ]
    )


def cached_for_register(
    programme: Programme, name: str, *parts: Any, compute: Callable[[], T]
) -> T:
    """``compute()``'s result for this version of the programme's register (and ``parts``).
    The result is shared by every request of the process: it must not be changed."""
    key = register_key(programme, name, *parts)
    with _lock:
        if key in _store:
            _store.move_to_end(key)
            return _store[key]
    value = compute()
    with _lock:
        _store[key] = value
        while len(_store) > ENTRIES:
            _store.popitem(last=False)
    return value


class Head(list):
    """The first items of a longer list that remembers the whole list's length.

    Pages show the first N of M rows ("the first 100 of 4 312 are shown"): a cached result
    keeps only what is shown, yet ``len()`` (and the templates' ``|length``) is still M.
    Iterating and slicing give the kept items; comparing compares them too.
    """

    total: int

    def __init__(self, items: Iterable[Any], limit: int) -> None:
        items = list(items)
        super().__init__(items[:limit])
        self.total = len(items)

    @classmethod
    def of(cls, items: Iterable[Any], total: int) -> Head:
        """Items already cut to what is shown, of a list of ``total``."""
        head = cls(items, total)
        head.total = total
        return head

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0
