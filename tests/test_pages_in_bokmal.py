"""No English reaches a bokmål page: every message the code asks to translate is in the
catalogue, and every page of the demo renders without a message missing from it.

Two checks, because they catch different slips. Reading the source finds a message that
``makemessages`` cannot see (a translation function imported under another name) and a
literal that was never translated. Walking the demo in bokmål finds what only rendering
shows: a message built at run time, a template string, a choice label.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import trans_real

import nytte

SRC = Path(nytte.__file__).parent
PO = SRC / "locale" / "nb" / "LC_MESSAGES" / "django.po"
PURE = {"economics", "optimise", "similarity"}  # no Django, no translations
# The names makemessages (xgettext with Django's keywords) extracts from, by message position.
KEYWORDS = {
    "_": (0, None),
    "gettext": (0, None),
    "gettext_lazy": (0, None),
    "gettext_noop": (0, None),
    "ngettext": (0, None),
    "ngettext_lazy": (0, None),
    "pgettext": (1, 0),
    "pgettext_lazy": (1, 0),
    "npgettext": (1, 0),
    "npgettext_lazy": (1, 0),
}


def _modules() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if parts[0] in PURE or "migrations" in parts:
            continue
        yield path


def _catalogue() -> set[str]:
    keys = set()
    for entry in polib.pofile(str(PO)):
        keys.add(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
    return keys


def test_translation_functions_are_imported_under_names_makemessages_reads():
    renamed = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname not in KEYWORDS:
                        renamed.append(f"{path.relative_to(SRC)}: {alias.name} as {alias.asname}")
    assert renamed == [], "makemessages does not find messages under these names"


def test_every_literal_message_in_the_code_is_in_the_catalogue():
    catalogue = _catalogue()
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id not in KEYWORDS:
                continue
            position, context = KEYWORDS[node.func.id]
            args = node.args
            if len(args) <= position or not isinstance(args[position], ast.Constant):
                continue
            message = args[position].value
            if not isinstance(message, str) or not message:
                continue
            if context is not None and isinstance(args[context], ast.Constant):
                message = f"{args[context].value}\x04{message}"
            if message not in catalogue:
                missing.append(f"{path.relative_to(SRC)}:{node.lineno}: {message[:70]!r}")
    assert missing == [], "run makemessages and translate (docs/development.md)"


# --- the demo, walked in bokmål ---------------------------------------------------------

SKIP = re.compile(
    r"(\.xlsx|\.docx|\.pdf|\.csv|/docx/|/xlsx/|/pdf/|/export|/download|/logout/|/api/)"
)


def _family(path: str) -> str:
    path = re.sub(r"^/p/[^/]+/", "/p/P/", path)
    path = re.sub(r"/[A-Z]{1,3}-\d+/", "/X/", path)
    path = re.sub(r"/v\d+/", "/vN/", path)
    return re.sub(r"/\d+/", "/N/", path)


HREF = re.compile(r'href="(/[^"#]*)')


def _walk(client, start: str, limit: int) -> dict[str, str]:
    pages: dict[str, str] = {}
    queue, seen = [start], set()
    while queue and len(pages) < limit:
        path = queue.pop(0).replace("&amp;", "&")
        if path in seen or _family(path.split("?")[0]) in pages or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.insert(0, response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[_family(path.split("?")[0])] = path
        for href in HREF.findall(response.content.decode()):
            base, _, query = href.partition("?")
            first = query.split("&")[0]
            queue.append(f"{base}?{first}" if first.startswith("tab=") else base)
    return pages


@pytest.fixture
def spy(monkeypatch) -> set[str]:
    """Messages asked for in bokmål that the merged catalogue (ours and Django's) lacks."""
    missing: set[str] = set()
    real = trans_real.gettext

    def gettext(message: str) -> str:
        if message and translation.get_language() == "nb":
            catalog = trans_real.translation("nb")._catalog
            if message not in catalog:
                missing.add(message.replace("\x04", " | "))
        return real(message)

    monkeypatch.setattr(trans_real, "gettext", gettext)  # pgettext calls it by name
    monkeypatch.setattr(translation._trans, "gettext", gettext)  # the cached entry point
    return missing


@pytest.mark.parametrize("username", ["fasilitator", "programadmin", "eier"])
def test_every_demo_page_renders_in_bokmal_without_an_untranslated_message(
    demo_loaded, db, client_for, spy, username
):
    from nytte.core.models import User

    client = client_for(User.objects.get(username=username), "nb")
    pages = _walk(client, "/", limit=150)
    assert len(pages) > 20, pages
    assert sorted(spy) == []
