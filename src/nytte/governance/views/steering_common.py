"""What the step-4 pages share: breadcrumbs and finding objects (404 when out of reach)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from nytte.core.models import Programme
from nytte.core.viewhelpers import crumb

T = TypeVar("T")


def crumbs(programme: Programme, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [crumb(_("Governance"), "governance:cases", programme.slug), *extra]


def get_or_404(getter: Callable[..., T], **kwargs: Any) -> T:
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
