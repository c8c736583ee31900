"""Idle and absolute session timeouts (ASVS V7): a session unused for
``SESSION_IDLE_MINUTES``, or older than ``SESSION_MAX_HOURS`` since its login, is ended;
the next request is anonymous (pages send it to the login page, the API answers 401)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "_nytte_session_started"
SEEN = "_nytte_session_seen"
TOUCH_SECONDS = 60  # the last-seen time is saved at most once a minute


def stamp_login(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """At login (``user_logged_in``), when the session is written anyway: its start and
    last-seen times, so that the first request after it writes nothing more."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = request.session[SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(STARTED)
            seen = session.get(SEEN)
            idle = settings.SESSION_IDLE_MINUTES * 60
            longest = settings.SESSION_MAX_HOURS * 3600
            if started is None:
                session[STARTED] = session[SEEN] = now
            elif now - started > longest or (seen is not None and now - seen > idle):
                logout(request)  # flushes the session; request.user is anonymous now
            elif seen is None or now - seen > TOUCH_SECONDS:
                session[SEEN] = now
        return self.get_response(request)
