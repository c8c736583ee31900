"""The governance-dialogue export (styringsdialog): what the programme's decisions ask of the
ministries — expectations to write into the allocation letters (tildelingsbrev) and topics
for the next governance meeting — grouped per ministry and agency, as Word and Excel.

Like the memo, it renders plain data (``DialogueExport``) that the governance app collects;
headings come from the catalogue in the active language.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.shared import Pt

from nytte.core.docx import add_table, clean, set_language
from nytte.core.excel.export import WORKBOOK_OPTIONS, SafeWorkbook

from .text import day


class DialogueKind(StrEnum):
    """What the ministry is asked to do with an item."""

    # The values are those of ``governance.choices.DialogueItemKind``.
    EXPECTATION = "allocation_letter"  # write into the allocation letter
    TOPIC = "meeting_topic"  # raise in the next governance meeting

    @property
    def label(self) -> str:
        if self is DialogueKind.EXPECTATION:
            return pgettext("memo", "Expectation for the allocation letter")
        return pgettext("memo", "Topic for the next governance meeting")


@dataclass(frozen=True)
class DialogueItem:
    """One item for a ministry's dialogue with one of its agencies. ``agency`` may be empty
    for an item to the ministry as a whole; ``source`` says where it came from (a decision,
    its forum and date)."""

    ministry: str
    agency: str
    kind: DialogueKind
    text: str
    budget_year: int | None = None
    case_reference: str = ""
    decided_on: datetime.date | None = None
    source: str = ""


@dataclass(frozen=True)
class DialogueExport:
    title: str
    items: tuple[DialogueItem, ...]
    programme: str = ""
    prepared_on: datetime.date | None = None

    def grouped(self) -> list[tuple[str, list[tuple[str, list[DialogueItem]]]]]:
        """Ministries in alphabetical order, each with its agencies (the ministry's own items
        first) and their items in the order given."""
        ministries: dict[str, dict[str, list[DialogueItem]]] = {}
        for item in self.items:
            ministries.setdefault(item.ministry, {}).setdefault(item.agency, []).append(item)
        return [
            (ministry, sorted(agencies.items(), key=lambda pair: (pair[0] != "", pair[0])))
            for ministry, agencies in sorted(ministries.items())
        ]


def _subtitle(export: DialogueExport) -> str:
    parts = [export.programme] if export.programme else []
    if export.prepared_on:
        parts.append(pgettext("memo", "prepared %(date)s") % {"date": day(export.prepared_on)})
    return ", ".join(parts)


def render_dialogue_docx(export: DialogueExport) -> bytes:
    """One section per ministry, one sub-section per agency, one table per kind of item."""
    document = Document()
    document.core_properties.title = clean(export.title)
    document.core_properties.author = "Nytte"
    document.styles["Normal"].font.size = Pt(10.5)
    set_language(document)
    document.add_heading(clean(export.title), level=0)
    if subtitle := _subtitle(export):
        document.add_paragraph(clean(subtitle))
    grouped = export.grouped()
    if not grouped:
        document.add_paragraph(pgettext("memo", "No items for the governance dialogue."))
    for ministry, agencies in grouped:
        document.add_heading(clean(ministry), level=1)
        for agency, items in agencies:
            document.add_heading(clean(agency or pgettext("memo", "The ministry itself")), level=2)
            for kind in DialogueKind:
                chosen = [item for item in items if item.kind == kind]
                if not chosen:
                    continue
                document.add_heading(kind.label, level=3)
                add_table(
                    document,
                    [
                        pgettext("memo", "Text"),
                        pgettext("memo", "Budget year"),
                        pgettext("memo", "Case"),
                        pgettext("memo", "Decided"),
                        _("Source"),
                    ],
                    [
                        (
                            i.text,
                            i.budget_year or "",
                            i.case_reference,
                            day(i.decided_on),
                            i.source,
                        )
                        for i in chosen
                    ],
                    numeric=(1,),
                )
                document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_dialogue_xlsx(export: DialogueExport) -> bytes:
    """One sheet, one row per item, sorted as in the Word document, with a filter on the
    header row so each ministry can take out its own rows."""
    headers = [
        _("Ministry"),
        _("Agency"),
        _("Kind"),
        pgettext("memo", "Text"),
        pgettext("memo", "Budget year"),
        pgettext("memo", "Case"),
        pgettext("memo", "Decided"),
        _("Source"),
    ]
    widths = [28, 28, 30, 70, 10, 14, 12, 30]
    buffer = io.BytesIO()
    workbook = SafeWorkbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    sheet = workbook.add_worksheet(pgettext("memo", "Governance dialogue")[:31])
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, headers, bold)
    row = 0
    for ministry, agencies in export.grouped():
        for agency, items in agencies:
            for item in sorted(items, key=lambda i: list(DialogueKind).index(i.kind)):
                row += 1
                values = [ministry, agency, item.kind.label, item.text, None]
                values += [item.case_reference, None, item.source]
                for column, value in enumerate(values):
                    if value:  # an empty cell stays empty, not an empty string
                        sheet.write_string(row, column, clean(value), wrap)
                if item.budget_year:
                    sheet.write_number(row, 4, item.budget_year, wrap)
                if item.decided_on:
                    sheet.write_datetime(row, 6, item.decided_on, date)
    sheet.autofilter(0, 0, max(row, 1), len(headers) - 1)
    workbook.close()
    return buffer.getvalue()
