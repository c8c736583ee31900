"""The register cache: one computation per version shared by the workers, a new version
computed afresh, and a worker that finds another computing waits for its result."""

from __future__ import annotations

import pytest
from django.core.cache import caches

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
