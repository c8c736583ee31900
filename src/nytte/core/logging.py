"""Logging helpers referenced from settings.LOGGING."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is logged as one line, without a traceback.

    Django logs ``Forbidden (Permission denied): /path`` on ``django.request`` with the
    ``PermissionDenied`` traceback attached; a permission check saying no is expected,
    not an error, so only the line is kept (at WARNING, as Django logs it).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
