"""The bokmål catalogue is complete and the compiled file matches it."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

import nytte

PO = Path(nytte.__file__).parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_bokmal_translation_that_django_serves():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 50
    untranslated = [e.msgid for e in catalogue if not e.msgstr and not e.msgstr_plural]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    with translation.override("nb"):
        stale = [
            e.msgid
            for e in catalogue
            if not e.msgid_plural and not e.msgctxt and translation.gettext(e.msgid) != e.msgstr
        ]
    assert stale == [], "run: msgfmt -o django.mo django.po (see docs/development.md)"
