"""What each server worker does as it starts (gunicorn's ``post_worker_init``), registered
by the apps in their ``ready()``: ``core`` runs the hooks without knowing the apps above it.
A hook must return at once (start a thread for slow work) and never raise."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

_HOOKS: list[Callable[[], Any]] = []


def register(hook: Callable[[], Any]) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run() -> None:
    for hook in _HOOKS:
        try:
            hook()
        except Exception:
            logger.exception("worker start hook %s failed", getattr(hook, "__name__", hook))
