"""The register cache: one computation per version shared by the workers, a new version
computed afresh, and a worker that finds another computing waits for its result."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import transaction
from django.utils.translation import get_language

from nytte.core import registercache
from nytte.core.registercache import Head, cached_for_register, register_key

pytestmark = pytest.mark.django_db


def test_a_result_is_computed_once_per_version_and_shared(programme):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert cached_for_register(programme, "x", 1, compute=compute) == {"n": 1}
    registercache._store.clear()  # another worker: only the shared cache has it
    assert cached_for_register(programme, "x", 1, compute=compute) == {"n": 1}
    assert cached_for_register(programme, "x", 2, compute=compute) == {"n": 2}  # other parts
    programme.register_version += 1  # a logged change
    assert cached_for_register(programme, "x", 1, compute=compute) == {"n": 3}
    caches["register"].clear()  # a new generation: nothing is reused
    assert cached_for_register(programme, "x", 1, compute=compute) == {"n": 4}


def test_a_worker_waits_for_the_result_another_one_is_computing(programme, monkeypatch):
    key = register_key(programme, "y")
    caches["register"].add(f"{key}:computing", 1)
    polls = []

    def sleep(seconds):  # the other worker finishes while this one waits
        polls.append(seconds)
        caches["register"].set(key, "theirs")

    monkeypatch.setattr(registercache.time, "sleep", sleep)
    assert cached_for_register(programme, "y", compute=lambda: "mine") == "theirs"
    assert len(polls) == 1


def test_a_head_keeps_the_first_items_and_counts_all():
    head = Head(range(10), 3)
    assert (list(head), len(head), bool(head)) == ([0, 1, 2], 10, True)
    assert head == [0, 1, 2] and not Head([], 3)


# ---------------------------------------------------------------------------------------------
# Warming in the background after a change


@pytest.fixture
def warmers(monkeypatch):
    """Only the warmers a test registers (the apps' own are left out)."""
    monkeypatch.setattr(registercache, "_warmers", {})


def _asked(capture, versions) -> list[int]:
    """The programmes a change that moved ``versions`` asks a warm for once it commits."""
    with capture() as callbacks, transaction.atomic():
        registercache.versions_moved([1, 2], versions)
        registercache.versions_moved([2], versions)  # another change in the transaction
    transaction.get_connection().run_on_commit = []  # as the commit does
    return [c.programme_id for c in callbacks]


def test_a_change_asks_for_a_warm_only_when_a_warmer_reads_what_it_moved(
    warmers, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _asked(capture, ["register", "portfolio"]) == []  # no warmer yet
    registercache.register_warmer(lambda p: None, reads=registercache.REALISATION, name="f")
    assert _asked(capture, ["register"]) == []  # a proposal: nothing the follow-up reads
    assert _asked(capture, ["register", "realisation"]) == [1, 2]
    assert _asked(capture, ["register", "portfolio"]) == [1, 2]
    registercache.register_warmer(lambda p: None, reads=registercache.REGISTER, name="m")
    assert _asked(capture, ["register"]) == [1, 2]  # the matrix reads every change
    with pytest.raises(ValueError):
        registercache.register_warmer(lambda p: None, reads="everything")


def test_warmers_run_in_every_language_and_a_failing_one_is_retried(warmers, programme, caplog):
    seen = []

    def good(p):
        seen.append((p.pk, get_language()))

    def bad(p):
        raise RuntimeError("broken")

    registercache.register_warmer(good, reads=registercache.PORTFOLIO, name="good")
    registercache.register_warmer(bad, reads=registercache.PORTFOLIO, name="bad")
    assert registercache.warm(programme.pk) == ["good"]
    assert seen == [(programme.pk, "nb"), (programme.pk, "en")]
    assert "warming bad" in caplog.text
    # Warm already for these versions and today: only the failed one is tried again.
    assert registercache.warm(programme.pk) == []
    programme.portfolio_version += 1
    programme.save(update_fields=["portfolio_version"])
    assert registercache.warm(programme.pk) == ["good"]


def test_a_warmer_may_go_through_the_languages_itself(warmers, programme):
    """To read once what does not depend on the language."""
    seen = []

    def warm(p):
        seen.append("read")
        for _code in registercache.in_each_language():
            seen.append(get_language())

    registercache.register_warmer(warm, name="once", each_language=False)
    assert registercache.warm(programme.pk) == ["once"]
    assert seen == ["read", "nb", "en"]
