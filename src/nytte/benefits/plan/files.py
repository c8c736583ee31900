"""The plan as a Word or Excel file, the same for the page's download and for the file that
``nytte worker`` builds of a large plan (``services.plans.plan_file_for``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from nytte.core.excel.format import CONTENT_TYPE as XLSX

from ..models import RealisationPlan
from .docx import CONTENT_TYPE as DOCX
from .docx import render_docx
from .xlsx import render_xlsx

# Benefits: a larger plan's Word document would be thousands of pages and take the worker
# gigabytes of memory (13.5 GB at 20,000 benefits); the workbook and the page hold it.
WORD_MOST = 2_000

FORMATS: dict[str, tuple[Callable[..., bytes], str]] = {
    "docx": (render_docx, DOCX),
    "xlsx": (render_xlsx, XLSX),
}


def version_meta(saved: RealisationPlan | None) -> dict[str, Any] | None:
    """What a saved version's page and files say of it: number, note, who saved it, when."""
    if saved is None:
        return None
    return {
        "version": saved.version,
        "note": saved.note,
        "saved_by": saved.created_by.display_name if saved.created_by else "",
        "saved_at": timezone.localtime(saved.created_at),
    }


def render_file(plan: dict[str, Any], fmt: str, saved: RealisationPlan | None) -> bytes:
    """The whole ``plan`` as a file of ``fmt`` (a key of ``FORMATS``), in the active
    language."""
    render, _content_type = FORMATS[fmt]
    return render(plan, version=version_meta(saved))


def file_name(scope: str, fmt: str, saved: RealisationPlan | None, built_on: str) -> str:
    when = f"v{saved.version}" if saved else built_on
    return f"gevinstrealiseringsplan-{scope}-{when}.{fmt}"
