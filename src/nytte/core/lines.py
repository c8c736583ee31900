"""Lines edited in place on a tab (an initiative's costs and risks, a benefit's amounts and
measurements): how a POST names the line and what to do, how the change goes through the
services, and how the page answers. Shared by the portfolio and benefits pages, so that
every line is added, changed and deleted the same way.

A line's POST carries ``action`` = "<kind>-add", "<kind>-update" or "<kind>-delete" and,
except to add, ``line`` = the line's id. With HTMX the page swaps the tab's panel; without
JavaScript it redirects back to the tab (POST-redirect-GET), or shows a refused form on the
full page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from nytte.core.forms import LineForm
from nytte.core.models import Programme
from nytte.core.viewhelpers import add_errors, int_or_none

VERBS = frozenset({"add", "update", "delete"})


@dataclass(frozen=True, kw_only=True)
class LineKind:
    """One kind of line: its tab, form, the lines changeable through the page's object, what
    the page says after a save or delete, and where a service error without a field goes."""

    action: str  # the POST's action is "<action>-add", "<action>-update" or "<action>-delete"
    tab: str
    form_class: type[LineForm]
    editable: Callable[[Any], QuerySet[Any]]
    saved: Any
    deleted: Any
    error_field: str | None = None


Kind = TypeVar("Kind", bound=LineKind)


def posted_kind(request: HttpRequest, kinds: Mapping[str, Kind]) -> tuple[Kind, str]:
    """The kind of line (``kinds`` by action) and the verb a POST names; 404 otherwise."""
    prefix, _dash, verb = request.POST.get("action", "").rpartition("-")
    kind = kinds.get(prefix)
    if kind is None or verb not in VERBS:
        raise Http404
    return kind, verb


def posted_line(request: HttpRequest, kind: LineKind, parent: Any) -> Any:
    """The line a POST names (``line``), among those changeable through ``parent``; 404."""
    return get_object_or_404(kind.editable(parent), pk=int_or_none(request.POST.get("line")))


def change_line(
    request: HttpRequest,
    kind: LineKind,
    *,
    verb: str,
    line: Model | None,
    form: Callable[[Model | None], LineForm],
    create: Callable[..., Any],
    update: Callable[..., Any],
    delete: Callable[..., Any],
) -> tuple[LineForm | None, str]:
    """Delete ``line``, or validate the posted form and save it through the services
    (``create``, ``update``, ``delete`` take ``acting_user``); the refused form (None when
    the change was made) and the notice to show.

    ``form(instance)`` builds the posted form; it validates a copy of the line, so the
    service still sees the stored values as "before".
    """
    if line is not None and verb == "delete":
        delete(line, acting_user=request.user)
        return None, str(kind.deleted)
    posted = form(copy.copy(line) if line is not None else None)
    if posted.is_valid():
        try:
            if line is None:
                create(posted.instance, acting_user=request.user)
            else:
                update(line, data=posted.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            add_errors(posted, exc, field=kind.error_field)
    return (posted if posted.errors else None), str(kind.saved)


def redirect_unless_htmx(
    request: HttpRequest, form: LineForm | None, notice: str, url: str
) -> HttpResponse | None:
    """Without JavaScript, a change that was made goes back to its tab (POST-redirect-GET)
    with the notice; None where the page renders the panel (HTMX) or a refused form."""
    if form is None and not request.htmx:
        messages.success(request, notice)
        return redirect(url)
    return None


def edit_form(
    form_class: type[LineForm], line: Model, programme: Programme, prefix: str
) -> LineForm:
    """A line's edit form, shown in place of its row, with the keyboard landing in it after
    an HTMX swap (or a reload without JavaScript)."""
    form = form_class(instance=line, programme=programme, prefix=prefix)
    next(iter(form.fields.values())).widget.attrs["autofocus"] = True
    return form
