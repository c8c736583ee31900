"""The decision memo as PDF, typeset by Typst (the ``typst`` wheel: no system libraries, no
browser).

The template ``memo.typ`` ships with the package. The memo's values never become Typst source:
they are written as JSON beside the template (with the charts as PNG files) in a temporary
folder that is the compiler's root, and the template reads them with ``json()`` and inserts
them as text. So no escaping is needed, and none can be forgotten: a title of ``#import``
prints as ``#import``. Only Typst's embedded fonts are used, so the PDF looks the same on
every server.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import typst
from django.utils import translation

from nytte.core.docx import clean

from .content import MemoContent
from .layout import Figure, Heading, Layout, Notice, Table, Text, layout

TEMPLATE = "memo.typ"


def render_pdf(content: MemoContent) -> bytes:
    """``content`` as a PDF file, in the active language."""
    memo = layout(content)
    with tempfile.TemporaryDirectory(prefix="nytte-memo-") as folder:
        root = Path(folder)
        data = _cleaned(_data(memo, root))
        (root / "data.json").write_text(json.dumps(data), encoding="utf-8")
        template = resources.files(__package__).joinpath(TEMPLATE).read_bytes()
        (root / TEMPLATE).write_bytes(template)
        return typst.compile(
            str(root / TEMPLATE), root=str(root), format="pdf", ignore_system_fonts=True
        )


def _cleaned(value: Any) -> Any:
    """Every string without the control characters a PDF's text cannot hold."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


def _data(memo: Layout, root: Path) -> dict[str, Any]:
    """The layout as the template reads it; figures are written into ``root``."""
    language = translation.get_language() or "nb"
    elements: list[dict[str, Any]] = []
    figures = 0
    for element in memo.elements:
        if isinstance(element, Heading):
            elements.append({"type": "heading", "text": element.text, "level": element.level})
        elif isinstance(element, Text):
            elements.append({"type": "text", "blocks": [asdict(b) for b in element.blocks]})
        elif isinstance(element, Table):
            elements.append({"type": "table", **asdict(element)})
        elif isinstance(element, Figure):
            figures += 1
            name = f"figure-{figures}.png"
            (root / name).write_bytes(element.png)
            elements.append(
                {
                    "type": "figure",
                    "file": name,
                    "caption": element.caption,
                    "description": element.description,
                    "width": element.width,
                }
            )
        elif isinstance(element, Notice):
            elements.append({"type": "notice", "title": element.title, "lines": element.lines})
    return {
        "lang": "nb" if language.startswith("nb") else "en",
        "region": "NO" if language.startswith("nb") else "GB",
        "kind": memo.kind,
        "title": memo.title,
        "reference": memo.reference,
        "facts": memo.facts,
        "elements": elements,
    }
