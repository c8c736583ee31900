"""Numbers, dates and the user's Markdown as the memo prints them, shared by the Word and the
PDF renderer so that both say exactly the same.

Numbers follow the active language (bokmål: ``1 234 567`` with no-break spaces, a decimal
comma and the typographic minus). Markdown is read in a small, safe subset — paragraphs,
bullet and numbered lists, headings, bold and italics — into plain ``Block``s that each
renderer lays out itself: no user text ever becomes HTML, Word XML or Typst markup.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

from nytte.core.docx import clean

MINUS = "\u2212"  # the typographic minus sign, as Norwegian tables print it
DASH = "\u2013"  # an empty figure


def money(value: int | float | Decimal | None) -> str:
    """Whole kroner with the active language's grouping ("1 234 567"); "–" if unknown."""
    if value is None:
        return DASH
    text = formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)
    return text.replace("-", MINUS)


def ratio(value: float | Decimal | None, places: int = 2) -> str:
    """A ratio such as NNV per budget krone ("1,25")."""
    if value is None:
        return DASH
    text = formats.number_format(round(value, places), places, use_l10n=True, force_grouping=True)
    return text.replace("-", MINUS)


def score(value: float | Decimal | int | None) -> str:
    """A score, with one decimal only where it has one ("4" or "4,5")."""
    if value is None:
        return DASH
    places = 0 if float(value).is_integer() else 1
    return ratio(value, places)


def share(value: float | Decimal | None) -> str:
    """A fraction as a percentage ("25 %", "33,3 %")."""
    if value is None:
        return DASH
    percent = round(float(value) * 100, 1)
    places = 0 if percent.is_integer() else 1
    return f"{ratio(percent, places)}\u00a0%"


def day(value: datetime.date | None) -> str:
    """A date in words of the active language ("6. desember 2026")."""
    return formats.date_format(value, "DATE_FORMAT") if value else ""


# ---------------------------------------------------------------------------------------------
# Markdown, the safe subset


@dataclass(frozen=True)
class Span:
    """A run of text, bold and/or italic."""

    text: str
    strong: bool = False
    emph: bool = False


Line = tuple[Span, ...]


@dataclass(frozen=True)
class Block:
    """A paragraph or heading (one line of spans) or a list (``bullet``, ``number``: one line
    per item)."""

    kind: str
    lines: tuple[Line, ...]


BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# Escaped characters stand in private-use code points while the emphasis is read.
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")
ESCAPED_BASE = 0xF0000
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
INLINE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)(?<!\s)\*")


def blocks(markdown: str) -> tuple[Block, ...]:
    """``markdown`` as blocks; anything outside the subset stays as literal text."""
    text = clean(markdown).replace("\r\n", "\n").replace("\r", "\n")
    found: list[tuple[str, list[str]]] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        current = found[-1] if found else None
        if not line.strip():
            found.append(("", []))  # a blank line ends the block
        elif match := HEADING.match(line):
            found.append(("heading", [match.group(1)]))
        elif match := BULLET.match(line):
            if current and current[0] == "bullet":
                current[1].append(match.group(1))
            else:
                found.append(("bullet", [match.group(1)]))
        elif match := NUMBERED.match(line):
            if current and current[0] == "number":
                current[1].append(match.group(1))
            else:
                found.append(("number", [match.group(1)]))
        elif current and current[0] in ("paragraph", "bullet", "number"):
            current[1][-1] += " " + line.strip()  # a continuation line
        else:
            found.append(("paragraph", [line.strip()]))
    return tuple(Block(kind, tuple(spans(item) for item in items)) for kind, items in found if kind)


def spans(text: str) -> Line:
    """One line's bold (``**``, ``__``) and italic (``*``) runs; links keep their address."""
    text = ESCAPE.sub(lambda m: chr(ESCAPED_BASE + ord(m.group(1))), text)
    text = LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    result: list[Span] = []
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            result.append(Span(text[position : match.start()]))
        strong = match.group(1) or match.group(2)
        result.append(Span(strong, strong=True) if strong else Span(match.group(3), emph=True))
        position = match.end()
    if position < len(text):
        result.append(Span(text[position:]))
    return tuple(Span(_unescape(s.text), s.strong, s.emph) for s in result if s.text)


def _unescape(text: str) -> str:
    return "".join(
        chr(ord(c) - ESCAPED_BASE) if ord(c) >= ESCAPED_BASE and ord(c) < ESCAPED_BASE + 128 else c
        for c in text
    )


def plain(line: Line) -> str:
    return "".join(span.text for span in line)
