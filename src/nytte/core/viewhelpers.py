"""Small helpers every app's pages share, so that form errors, breadcrumbs and numbers from
the query string are handled the same way on every page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm
from django.urls import reverse

from .concurrency import VersionConflict


def add_errors(
    form: BaseForm,
    exc: ValidationError,
    *,
    field: str | None = None,
    unknown: str | None = None,
    rename: Mapping[str, str] | None = None,
) -> None:
    """Put a service's validation errors next to their form fields, the rest at the top.

    ``rename`` maps the service's keys to the form's field names. ``field`` takes an error
    the service did not tie to any field; ``unknown`` takes errors tied to a field the form
    does not have (or to the whole object). Either is ignored when the form has no such field.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(field if field in form.fields else None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = rename.get(key, key) if rename else key
        if name in form.fields and name != NON_FIELD_ERRORS:
            form.add_error(name, errors)
        else:
            form.add_error(unknown if unknown in form.fields else None, errors)


def crumb(label: Any, url_name: str, *args: str) -> dict[str, Any]:
    """One breadcrumb: its label and the URL of ``url_name`` with ``args``."""
    return {"label": label, "url": reverse(url_name, args=args)}


# A number no route's other arguments hold, to find where a reversed URL puts the number.
_MARK = 918273645


def numbered_url(name: str, key: str, **kwargs: Any) -> Callable[[int], str]:
    """``reverse(name, kwargs={**kwargs, key: n})`` as a function of ``n``, for a route whose
    ``key`` is an ``<int:…>`` argument. A list page links a hundred rows to the same route and
    ``reverse`` costs tens of microseconds a call: here it is reversed once and the number is
    put in its place. Falls back to ``reverse`` each time if the place is not unambiguous."""
    url = reverse(name, kwargs={**kwargs, key: _MARK})
    mark = str(_MARK)
    if url.count(mark) != 1:
        return lambda n: reverse(name, kwargs={**kwargs, key: n})
    head, _mark, tail = url.partition(mark)
    return lambda n: f"{head}{int(n)}{tail}"


class NumberedUrls:
    """``numbered_url`` of each route and programme a page links to, made the first time
    it is asked for: ``urls("proposals:proposal", slug, 12)``. For the routes of a
    programme's numbered things (``<slug:slug>/…/<int:number>/``)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], Callable[[int], str]] = {}

    def __call__(self, name: str, slug: str, number: int) -> str:
        made = self._made.get((name, slug))
        if made is None:
            made = self._made[name, slug] = numbered_url(name, "number", slug=slug)
        return made(number)


def int_or_none(value: str | None) -> int | None:
    """A whole number from the query string or a form post, or None for anything else."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def show_conflict(form: BaseForm, exc: VersionConflict) -> None:
    """Keep what was typed, say that someone else saved first, and carry the stored version
    from now on: saving again is then a deliberate choice to replace the other change."""
    data = form.data.copy()
    data["version"] = str(exc.current)
    form.data = data
    form.add_error(None, exc.message)
