"""What every administration page shares: the programme lookup with the admin check, the
breadcrumbs and the redirect after a change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action


def admin_programme(request: HttpRequest, slug: str) -> Programme:
    """The programme for a programme admin: 404 without a role there, 403 without the
    right to administer it."""
    return programme_or_404(request, slug, Action.ADMINISTER)


def admin_url(name: str, programme: Programme, anchor: str = "") -> str:
    url = reverse(f"administration:{name}", kwargs={"slug": programme.slug})
    return f"{url}#{anchor}" if anchor else url


def crumbs(programme: Programme, *extra: tuple[Any, str]) -> list[dict[str, Any]]:
    items = [{"label": _("Administration"), "url": admin_url("programme", programme)}]
    items += [{"label": label, "url": url} for label, url in extra]
    return items


def done(request: HttpRequest, notice: str, url: str) -> HttpResponse:
    messages.success(request, notice)
    return redirect(url)
