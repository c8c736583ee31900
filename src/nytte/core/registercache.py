"""Costly page data kept under a programme's register version.

Every logged change in a programme moves its ``register_version`` on (``core.history``), so a
result cached under the version is never stale: the next change makes a new key and the old
entry is dropped as newer ones come in. The portfolio overview's cost table started this;
the benefits analyses and the proposals matrix use this helper.

Two levels: the worker process keeps the results it has used (a bounded number, newest
last; no unpickling on a hit), and the ``register`` cache (``settings.CACHES``; files in the
data directory by default) shares them between the server's worker processes, so a result
is computed once per version rather than once per worker (a worker that finds another one
computing it waits for that result). Results must pickle (model
objects without prefetched querysets, dataclasses, lists); one that does not is kept in the
process only. The keys carry a generation token kept in the shared cache, so clearing it
(``caches["register"].clear()``; the tests do before each test) empties every level.

What is cached must not depend on who asks beyond being allowed to see the programme: for
``Action.VIEW`` the queryset gate answers by programme, so every reader of a programme sees
the same rows. Texts are translated when the data are built, so the language is in the key.

Warming: the first page view after a change would compute the data anew (a second or more at
national size). Apps register a warmer (``register_warmer``) that asks for what the first
views would; ``core.history`` tells ``versions_moved`` which versions a change moved, and once
the change commits ``nytte worker`` runs the warmers (``warm``, task
``core.tasks.warm_register_cache``) in every language, so the page finds its data cached.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language

if TYPE_CHECKING:
    from .models import Programme

T = TypeVar("T")
logger = logging.getLogger(__name__)
ENTRIES = 64  # results kept in a process (a few pages × filters × languages per programme)
GENERATION_KEY = "register-cache-generation"
TIMEOUT = 6 * 3600
WAIT, POLL = 30.0, 0.05  # seconds: how long a worker waits for another's result, how often

_store: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def shared() -> BaseCache:
    """The cache the worker processes share: ``register`` if configured, else the default."""
    return caches["register"] if "register" in settings.CACHES else cache


def _generation() -> str:
    store = shared()
    token = store.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not store.add(GENERATION_KEY, token, timeout=None):
            token = store.get(GENERATION_KEY, token)
    return token


# What a cached result reads, and so which of the programme's versions it is kept under.
REGISTER = "register"  # anything in the programme: every logged change moves it on
PORTFOLIO = "portfolio"  # the portfolio and benefits registers and the programme, not the
# realisation data (indicators, targets, measurements): the proposal pipeline's writes and
# recorded measurements leave it cached
REALISATION = "realisation"  # the portfolio's reads and the realisation data too
PIPELINE = "pipeline"  # the portfolio's reads and the proposal pipeline (proposals, their
# assessments and the criteria), not the realisation data


# The programme's versions a result of each kind of ``reads`` is kept under: a change that
# moves any of them (``versions_moved``) makes it stale.
VERSIONS_READ: dict[str, frozenset[str]] = {
    REGISTER: frozenset({"register"}),
    PORTFOLIO: frozenset({"portfolio"}),
    REALISATION: frozenset({"portfolio", "realisation"}),
    PIPELINE: frozenset({"portfolio", "pipeline"}),
}


def versions_of(programme: Programme, reads: str = REGISTER) -> str:
    """The programme's versions that a result of ``reads`` is kept under, as text: what
    names the state of the registers it was computed from."""
    if reads not in VERSIONS_READ:
        raise ValueError(f"unknown reads: {reads!r}")
    return reads + "".join(
        f"-{getattr(programme, f'{version}_version')}" for version in sorted(VERSIONS_READ[reads])
    )


def register_key(
    programme: Programme, name: str, *parts: Any, reads: str = REGISTER, by_language: bool = True
) -> str:
    """The key of a result: its version, and the active language unless the result holds
    no text (``by_language=False``: one copy serves every language)."""
    return ":".join(
        [
            _generation(),
            name,
            str(programme.pk),
            versions_of(programme, reads),
            (get_language() or "") if by_language else "",
            *(str(part) for part in parts),
        ]
    )


def cached_for_register(
    programme: Programme,
    name: str,
    *parts: Any,
    compute: Callable[[], T],
    reads: str = REGISTER,
    by_language: bool = True,
) -> T:
    """``compute()``'s result for this version of the programme's register (and ``parts``).
    ``reads`` names the narrowest version that covers what ``compute`` reads (``PORTFOLIO``,
    ``REALISATION``, ``PIPELINE``), so that changes it does not read leave the result
    cached; ``by_language=False`` keeps one copy for every language (``register_key``). The
    result is shared by every request of the process: it must not be changed."""
    key = register_key(programme, name, *parts, reads=reads, by_language=by_language)
    value = _looked_up(key)
    if value is None:
        value = _computed_once(key, compute)
    _remember(key, value)
    return value


def _looked_up(key: str) -> Any:
    """The value under ``key`` in this process, else in the shared cache, else ``None``."""
    with _lock:
        if key in _store:
            _store.move_to_end(key)
            return _store[key]
    return shared().get(key)


def _remember(key: str, value: Any) -> None:
    with _lock:
        _store[key] = value
        _store.move_to_end(key)
        while len(_store) > ENTRIES:
            _store.popitem(last=False)


def _share(key: str, value: Any) -> None:
    """Put ``value`` in the shared cache; one that does not pickle stays in this process."""
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        shared().set(key, value, timeout=TIMEOUT)


def stored(
    programme: Programme,
    name: str,
    *parts: Any,
    reads: str = REGISTER,
    by_language: bool = True,
) -> Any:
    """What ``store`` kept under this key, or ``None``: for results that a later request
    brings up to date from the last one instead of computing anew."""
    return _looked_up(register_key(programme, name, *parts, reads=reads, by_language=by_language))


def store(
    programme: Programme,
    name: str,
    *parts: Any,
    value: Any,
    reads: str = REGISTER,
    by_language: bool = True,
    share: bool = True,
) -> None:
    """Keep ``value`` under the key in this process, and for the other workers unless not
    to ``share`` it (a large value that each worker can bring up to date cheaply from the
    shared one is not worth pickling again on every change)."""
    key = register_key(programme, name, *parts, reads=reads, by_language=by_language)
    if share:
        _share(key, value)
    _remember(key, value)


def _computed_once(key: str, compute: Callable[[], T]) -> T:
    """Compute and share the result; when another worker is computing it already (after a
    change, every worker asks for the page at once), wait for its result instead of doing
    the same work, up to ``WAIT`` seconds."""
    store = shared()
    if not store.add(f"{key}:computing", 1, timeout=WAIT):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            value = store.get(key)
            if value is not None:
                return value
            if store.get(f"{key}:computing") is None:
                break  # the other worker gave up (or failed): compute here
    try:
        value = compute()
        _share(key, value)
    finally:
        store.delete(f"{key}:computing")
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


# ---------------------------------------------------------------------------------------------
# Warming in the background after a change

# While a warm task waits for the worker, changes to its programme enqueue no other; past
# this many seconds (no worker runs, or it is busy) a change may enqueue one again.
PENDING_TIMEOUT = 600


@dataclass(frozen=True)
class Warmer:
    name: str
    warm: Callable[[Programme], Any]
    reads: str
    each_language: bool = True


_warmers: dict[str, Warmer] = {}


def register_warmer(
    warm: Callable[[Programme], Any],
    *,
    reads: str = PORTFOLIO,
    name: str = "",
    each_language: bool = True,
) -> Callable[[Programme], Any]:
    """Have ``nytte worker`` call ``warm(programme)`` after a change to what it ``reads``
    commits, once in each of ``settings.LANGUAGES`` (under ``translation.override``; with
    ``each_language=False`` once, and ``warm`` goes through ``in_each_language()`` itself,
    to share between the languages what does not depend on them, such as rows read).

    ``warm`` asks the very functions the pages ask (``cached_for_register`` with the same
    name and parts), as a reader who may view the programme (``core.actors.SYSTEM``: for
    viewing, every reader of a programme sees the same rows), so the next page view finds
    its data cached. Register in the app's ``AppConfig.ready()``; registering the same
    function (or ``name``) again replaces it. Returns ``warm``."""
    if reads not in VERSIONS_READ:
        raise ValueError(f"unknown reads: {reads!r}")
    key = name or f"{warm.__module__}.{warm.__qualname__}"
    _warmers[key] = Warmer(key, warm, reads, each_language)
    return warm


def in_each_language() -> Iterator[str]:
    """Each of the site's languages in turn, active while the loop's body runs: the keys
    and texts of cached page data are per language."""
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            yield code


def warmers() -> list[Warmer]:
    return list(_warmers.values())


def _pending_key(programme_id: int) -> str:
    return f"register-warm-pending:{programme_id}"


class _Enqueue:
    """The on-commit callback that asks for one programme's warm."""

    def __init__(self, programme_id: int) -> None:
        self.programme_id = programme_id
        # Django names a robust callback that failed by its __qualname__ in the log.
        self.__qualname__ = f"enqueue_warm({programme_id})"

    def __call__(self) -> None:
        enqueue_warm(self.programme_id)


def versions_moved(programme_ids: Iterable[int], versions: Iterable[str]) -> None:
    """Called by ``core.history`` when a change moved ``versions`` (``register``,
    ``portfolio``, ``realisation``, ``pipeline``) of the programmes: once the transaction
    commits, ask the worker to warm what the change made stale. Nothing when no warmer
    reads a moved version or ``settings.REGISTER_CACHE_WARM`` is off; a rolled back change
    asks nothing."""
    if not getattr(settings, "REGISTER_CACHE_WARM", True):
        return
    moved = set(versions)
    if not any(VERSIONS_READ[w.reads] & moved for w in _warmers.values()):
        return
    connection = transaction.get_connection()
    asked = _asked_in_transaction(connection)
    for programme_id in programme_ids:
        if programme_id in asked:
            continue  # a transaction of many changes (an import) asks once
        if connection.in_atomic_block:
            asked.add(programme_id)
        transaction.on_commit(_Enqueue(programme_id), robust=True)


def _asked_in_transaction(connection: Any) -> set[int]:
    """The programmes this transaction asked a warm for already. Kept with the connection's
    list of on-commit callbacks, which a commit or a rollback (to a savepoint too) replaces
    by a new list: a new list, a new set."""
    kept = getattr(connection, "_nytte_warm_asked", None)
    if kept is None or kept[0] is not connection.run_on_commit:
        kept = (connection.run_on_commit, set())
        connection._nytte_warm_asked = kept
    return kept[1]


def enqueue_warm(programme_id: int) -> bool:
    """Enqueue the warm task of a programme unless one is waiting already (a pending marker
    in the shared cache, which the task clears as it starts): many changes in a row enqueue
    one task, not one each. True when enqueued."""
    store = shared()
    if not store.add(_pending_key(programme_id), 1, timeout=PENDING_TIMEOUT):
        return False
    from .tasks import warm_register_cache  # the task module imports this one

    try:
        warm_register_cache.enqueue(programme_id)
    except Exception:
        store.delete(_pending_key(programme_id))
        raise
    return True


def warm(programme_id: int) -> list[str]:
    """The task's work: run every warmer whose data are not warm yet for the programme's
    current versions and today, in every language; the names of those run. It reads the
    versions when it runs, so a task enqueued for an older change warms the current ones (or
    finds them warm already); a change committed while it runs asks for another task, which
    warms the version after it. A warmer that fails is logged and skipped: its page
    computes on demand, as without a worker."""
    from .models import Programme

    store = shared()
    store.delete(_pending_key(programme_id))  # from now on, a change asks for another warm
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return []
    today = timezone.localdate().isoformat()
    ran = []
    for warmer in warmers():
        done = f"{_generation()}:warmed:{warmer.name}:{programme.pk}"
        stamp = f"{versions_of(programme, warmer.reads)}:{today}"
        if store.get(done) == stamp:
            continue
        try:
            if warmer.each_language:
                for _code in in_each_language():
                    warmer.warm(programme)
            else:
                warmer.warm(programme)
        except Exception:
            logger.exception("warming %s for programme %s failed", warmer.name, programme.pk)
            continue
        store.set(done, stamp, timeout=TIMEOUT)
        ran.append(warmer.name)
    return ran
