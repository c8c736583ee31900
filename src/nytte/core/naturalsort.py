"""Codes sort as people read them: FI-2 before FI-10, on every database and in Python.

Code fields carry the database collation :data:`COLLATION`, so every ``order_by`` on a code
(pages, API lists, exports, joins such as ``benefit__code``) sorts naturally without each
caller remembering to. PostgreSQL gets it from ICU (numeric ordering, created by a
migration); SQLite from :func:`compare`, registered on every new connection
(``CoreConfig.ready``). :func:`natural_key` is the same order for sorting in Python.
"""

from __future__ import annotations

import re
from typing import Any

COLLATION = "nytte_natural"
# ICU's root locale with numeric ordering ("kn"): digit runs compare by value.
POSTGRES_CREATE = (
    f"CREATE COLLATION IF NOT EXISTS {COLLATION} (provider = icu, locale = 'und-u-kn-true')"
)
_DIGITS = re.compile(r"\d+")


def _number(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0") or "0"
    # The length first, so that a longer number sorts after a shorter one; then its digits.
    return f"{len(digits):03d}{digits}"


def natural_key(text: str) -> tuple[str, str]:
    """A key whose text order is natural order; the text itself breaks ties (G-4, G-04)."""
    return _DIGITS.sub(_number, text.casefold()), text


def compare(a: str, b: str) -> int:
    """SQLite's collation callback: negative, zero or positive, like ``cmp``."""
    ka, kb = natural_key(a), natural_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: teach each new SQLite connection the collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)
