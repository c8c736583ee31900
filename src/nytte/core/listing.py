"""What the list pages (initiatives, benefits, proposals) share: sortable column headers, so
that every table announces and toggles its sort order the same way."""

from __future__ import annotations

from typing import Any


def sort_header(key: str | None, label: Any, sort: str) -> dict[str, Any]:
    """One column header: the sort its link asks for next and the aria-sort it carries now.

    ``key`` is None for a column that cannot be sorted; ``sort`` is the current order, a key
    with ``-`` in front for descending.
    """
    state = "none"
    if key and sort == key:
        state = "ascending"
    elif key and sort == f"-{key}":
        state = "descending"
    return {
        "key": key,
        "label": label,
        "aria_sort": state if key else None,
        "next": f"-{key}" if state == "ascending" else key,
    }
