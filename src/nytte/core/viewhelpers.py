"""Small helpers every app's pages share, so that form errors, breadcrumbs and numbers from
the query string are handled the same way on every page."""

from __future__ import annotations

from collections.abc import Mapping
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
