"""What the list pages (initiatives, benefits, proposals) share: sortable column headers and
paging, so that every table announces, toggles and pages its rows the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    per_page: int = PAGE_SIZE,
    *,
    count: int | None = None,
) -> dict[str, Any]:
    """The page the query string asks for (``?page=``, the last one when out of range) as
    ``page``, and the page links to show around it as ``page_range``, for the template.
    ``count``, when the caller knows it already, saves the paginator's count query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not queried
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
    }


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
