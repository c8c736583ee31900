"""A cost-benefit analysis as an Excel workbook with the page's layout.

One function renders a live analysis and a snapshot alike, from the dicts of
``presentation.Evaluated`` (``Result.to_dict()`` or a snapshot's frozen JSON), so a frozen
analysis exports the same numbers every time. Sheets: the standard result table
("Resultat", rows and columns as on the page), the basis and parameters, the cash flows per
year and alternative, the simulation, the tornado and break-even values, and the inputs.

Sheet names are fixed (bokmål) so that references to them hold; the texts are in the
site's language, as for a document that decision cases refer to, whoever downloads it.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.core.excel.export import SafeWorkbook

from . import presentation, sections
from .models import Snapshot

RESULT_SHEET = "Resultat"
BASIS_SHEET = "Grunnlag"
CASH_FLOW_SHEET = "Kontantstrømmer"
SIMULATION_SHEET = "Simulering"
TORNADO_SHEET = "Tornado"
BREAK_EVEN_SHEET = "Break-even"
INPUTS_SHEET = "Inndata"

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Texts are data: a line named "=SUM(A1)" stays text (no formula injection).
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
FORMATS = {
    "money": "#,##0",
    "ratio": "0.00",
    "percent": "0.0%",
    "factor": "0.0000",
    "year": "0",
    "rank": "0",
    "multiplier": "0.00",
}


def filename(code: str, version: int | None = None) -> str:
    suffix = f"-v{version}" if version is not None else ""
    return f"{code}-nytte-kostnad{suffix}.xlsx"


class _Book:
    """The workbook and its cell formats."""

    def __init__(self, stream: io.BytesIO) -> None:
        self.book = SafeWorkbook(stream, WORKBOOK_OPTIONS)
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.header = self.book.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        self.header_number = self.book.add_format(
            {"bold": True, "bottom": 1, "align": "right", "text_wrap": True}
        )
        self.section = self.book.add_format({"bold": True, "bg_color": "#E5F0FA"})
        self.label = self.book.add_format({})
        self.indent = self.book.add_format({"indent": 1})
        self.bold = self.book.add_format({"bold": True})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.numbers: dict[tuple[str, bool], Any] = {}

    def number(self, kind: str, bold: bool = False) -> Any:
        key = (kind, bold)
        if key not in self.numbers:
            spec: dict[str, Any] = {"num_format": FORMATS.get(kind, "General")}
            if bold:
                spec["bold"] = True
            if kind in {"symbol", "text"}:
                spec = {"align": "right", "bold": bold}
            self.numbers[key] = self.book.add_format(spec)
        return self.numbers[key]

    def value(self, sheet: Any, row: int, col: int, value: Any, kind: str, bold: bool = False):
        if value is None:
            sheet.write_string(row, col, "–", self.number("text", bold))
        elif isinstance(value, str):
            sheet.write_string(row, col, value, self.number("text", bold))
        else:
            sheet.write_number(row, col, value, self.number(kind, bold))

    def headers(self, sheet: Any, row: int, labels: list[str], numeric_from: int = 1) -> None:
        for col, label in enumerate(labels):
            sheet.write_string(
                row, col, label, self.header_number if col >= numeric_from else self.header
            )


def workbook(ev: presentation.Evaluated, *, snapshot: Snapshot | None = None) -> bytes:
    """The analysis (live or frozen) as .xlsx bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        stream = io.BytesIO()
        book = _Book(stream)
        _result_sheet(book, ev, snapshot)
        _basis_sheet(book, ev, snapshot)
        _cash_flow_sheet(book, ev)
        _simulation_sheet(book, ev)
        _tornado_sheet(book, ev)
        _break_even_sheet(book, ev)
        _inputs_sheet(book, ev)
        book.book.close()
        return stream.getvalue()


def _heading(book: _Book, sheet: Any, ev: presentation.Evaluated, title: str) -> None:
    sheet.write_string(0, 0, f"{title}: {ev.results['analysis']}", book.title)
    r = ev.results
    sheet.write_string(
        1,
        0,
        _(
            "NOK in fixed %(price_year)s prices, discounted to %(base_year)s, period "
            "%(first)s–%(last)s, parameter set %(parameters)s"
        )
        % {
            "price_year": r["price_year"],
            "base_year": r["base_year"],
            "first": r["first_year"],
            "last": r["last_year"],
            "parameters": r["parameter_set"],
        },
    )


def _result_sheet(book: _Book, ev: presentation.Evaluated, snapshot: Snapshot | None) -> None:
    sheet = book.book.add_worksheet(RESULT_SHEET)
    _heading(book, sheet, ev, _("Cost-benefit analysis"))
    if snapshot is not None:
        sheet.write_string(2, 0, _snapshot_line(snapshot))
    alts = ev.alternatives
    top = 4
    book.headers(sheet, top, ["NOK", *[a["name"] for a in alts]])
    row = top + 1
    for item in presentation.result_table(ev):
        if item.kind == "section":
            sheet.write_string(row, 0, item.label, book.section)
            for col in range(1, len(alts) + 1):
                sheet.write_blank(row, col, None, book.section)
        else:
            bold = item.kind == "sum"
            label_format = book.bold if bold else book.indent if item.level else book.label
            sheet.write_string(row, 0, item.label, label_format)
            for col, cell in enumerate(item.cells, start=1):
                book.value(sheet, row, col, cell.value, cell.kind, bold)
        row += 1
    notes = presentation.table_notes(ev)
    if notes:
        row += 1
        for note in notes:
            sheet.write_string(row, 0, note)
            row += 1
    effects = presentation.effect_details(ev)
    if effects:
        row += 1
        book.headers(
            sheet,
            row,
            [_("Non-priced effect"), _("Alternative"), _("Consequence"), _("Reasoning")],
            9,
        )
        for effect in effects:
            row += 1
            sheet.write_string(row, 0, effect["name"])
            sheet.write_string(row, 1, effect["alternative"])
            sheet.write_string(row, 2, effect["symbol"])
            sheet.write_string(row, 3, effect["description"])
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, len(alts), 18)
    sheet.freeze_panes(top + 1, 1)


def _snapshot_line(snapshot: Snapshot) -> str:
    when = timezone.localtime(snapshot.created_at).strftime("%d.%m.%Y %H:%M")
    who = snapshot.created_by.display_name if snapshot.created_by else "–"
    text = _("Snapshot version %(version)s, frozen %(when)s by %(who)s") % {
        "version": snapshot.version,
        "when": when,
        "who": who,
    }
    return f"{text}. {snapshot.note}" if snapshot.note else text


def _basis_sheet(book: _Book, ev: presentation.Evaluated, snapshot: Snapshot | None) -> None:
    sheet = book.book.add_worksheet(BASIS_SHEET)
    _heading(book, sheet, ev, _("Basis"))
    book.headers(sheet, 3, [_("What"), _("Value")], 9)
    row = 4
    for label, text, value in sections.basis(ev):
        sheet.write_string(row, 0, label)
        if isinstance(value, int | float) and not isinstance(value, bool):
            kind = "percent" if isinstance(value, float) and value < 1 else "year"
            book.value(sheet, row, 1, value, kind)
        else:
            sheet.write_string(row, 1, text, book.wrap)
        row += 1
    if snapshot is not None:
        row += 1
        sheet.write_string(row, 0, _snapshot_line(snapshot))
    params = ev.results.get("parameters") or {}
    if params.get("discount_bands"):
        row += 2
        book.headers(sheet, row, [_("Discount rate from year"), _("To year"), _("Rate")], 0)
        for band in params["discount_bands"]:
            row += 1
            sheet.write_number(row, 0, band["first_step"])
            if band["last_step"] is None:
                sheet.write_string(row, 1, "–")
            else:
                sheet.write_number(row, 1, band["last_step"])
            sheet.write_number(row, 2, band["rate"], book.number("percent"))
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 2, 12)


def _cash_flow_sheet(book: _Book, ev: presentation.Evaluated) -> None:
    sheet = book.book.add_worksheet(CASH_FLOW_SHEET)
    _heading(book, sheet, ev, _("Cash flows per year"))
    headers = [
        _("Alternative"),
        _("Year"),
        _("Benefits"),
        _("Costs"),
        _("Tax financing cost"),
        _("Net, undiscounted"),
        _("Discount factor"),
        _("Net, discounted"),
        _("Cumulative, discounted"),
    ]
    book.headers(sheet, 3, headers, 2)
    row = 4
    money = book.number("money")
    for alt in sections.cash_flows(ev):
        for y in alt["years"]:
            sheet.write_string(row, 0, alt["name"])
            sheet.write_number(row, 1, y["year"])
            for col, key in enumerate(("benefits", "costs", "tax_financing_cost", "net"), start=2):
                sheet.write_number(row, col, y[key], money)
            sheet.write_number(row, 6, y["discount_factor"], book.number("factor"))
            sheet.write_number(row, 7, y["net_discounted"], money)
            sheet.write_number(row, 8, y["cumulative_discounted"], money)
            row += 1
        sheet.write_string(row, 0, alt["name"], book.bold)
        sheet.write_string(row, 1, _("NNV (sum)"), book.bold)
        sheet.write_number(row, 7, alt["total"], book.number("money", True))
        row += 2
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 8, 16)
    sheet.freeze_panes(4, 2)


def _simulation_sheet(book: _Book, ev: presentation.Evaluated) -> None:
    sheet = book.book.add_worksheet(SIMULATION_SHEET)
    _heading(book, sheet, ev, _("Monte Carlo simulation"))
    summary = sections.simulation_summary(ev)
    if not summary:
        sheet.write_string(3, 0, _("The analysis was not simulated."))
        return
    sheet.write_string(
        2,
        0,
        _("%(iterations)s iterations, seed %(seed)s")
        % {"iterations": ev.simulation["iterations"], "seed": ev.simulation["seed"]},
    )
    book.headers(sheet, 4, [_("Figure"), *[s["name"] for s in summary]])
    for index, (label, _value, _text) in enumerate(summary[0]["figures"]):
        row = 5 + index
        sheet.write_string(row, 0, label)
        for col, item in enumerate(summary, start=1):
            value = item["figures"][index][1]
            kind = "percent" if index == len(item["figures"]) - 1 else "money"
            sheet.write_number(row, col, value, book.number(kind))
    row = 5 + len(summary[0]["figures"]) + 2
    for item in summary:
        sheet.write_string(
            row, 0, _("Histogram of NNV: %(name)s") % {"name": item["name"]}, book.bold
        )
        row += 1
        book.headers(sheet, row, [_("From NOK"), _("To NOK"), _("Iterations"), _("Share")], 0)
        for bin_ in item["bins"]:
            row += 1
            sheet.write_number(row, 0, bin_["low"], book.number("money"))
            sheet.write_number(row, 1, bin_["high"], book.number("money"))
            sheet.write_number(row, 2, bin_["count"])
            sheet.write_number(row, 3, bin_["share"], book.number("percent"))
        row += 2
        sheet.write_string(
            row, 0, _("S-curve of NNV: %(name)s") % {"name": item["name"]}, book.bold
        )
        row += 1
        book.headers(sheet, row, [_("Probability NNV ≤ value"), _("NNV (NOK)")], 0)
        for point in item["s_curve"]:
            row += 1
            sheet.write_number(row, 0, point["probability"], book.number("percent"))
            sheet.write_number(row, 1, point["nnv"], book.number("money"))
        row += 2
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, max(len(summary), 3), 18)


def _tornado_sheet(book: _Book, ev: presentation.Evaluated) -> None:
    sheet = book.book.add_worksheet(TORNADO_SHEET)
    _heading(book, sheet, ev, _("Tornado"))
    sheet.write_string(
        2,
        0,
        _(
            "NNV of %(name)s with one input at its low or high estimate, the others at "
            "expected values"
        )
        % {"name": ev.main["name"]},
    )
    headers = [
        _("Input"),
        _("Kind"),
        _("Falls on"),
        _("NNV at low"),
        _("NNV at high"),
        _("Swing"),
    ]
    book.headers(sheet, 4, headers, 3)
    row = 5
    for bar in sections.tornado_rows(ev):
        sheet.write_string(row, 0, bar["line"])
        sheet.write_string(row, 1, bar["kind_label"])
        sheet.write_string(row, 2, bar["organisation"])
        for col, key in enumerate(("nnv_at_low", "nnv_at_high", "swing"), start=3):
            sheet.write_number(row, col, bar[key], book.number("money"))
        row += 1
    if row == 5:
        sheet.write_string(row, 0, _("No input is uncertain (low equals high everywhere)."))
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 2, 16)
    sheet.set_column(3, 5, 16)


def _break_even_sheet(book: _Book, ev: presentation.Evaluated) -> None:
    sheet = book.book.add_worksheet(BREAK_EVEN_SHEET)
    _heading(book, sheet, ev, _("Break-even values"))
    row = 3
    for result in sections.break_even_rows(ev):
        sheet.write_string(row, 0, result["alternative"], book.bold)
        row += 1
        book.headers(
            sheet,
            row,
            [
                _("Input"),
                _("Contribution to NNV"),
                _("Multiplier for NNV = 0"),
                _("Change"),
                _("Note"),
            ],
            1,
        )
        for value in result["values"]:
            row += 1
            sheet.write_string(row, 0, value["input_label"])
            sheet.write_number(row, 1, value["pv_contribution"], book.number("money"))
            book.value(sheet, row, 2, value["multiplier"], "multiplier")
            book.value(
                sheet,
                row,
                3,
                None if value["change_pct"] is None else value["change_pct"] / 100,
                "percent",
            )
            sheet.write_string(row, 4, value["note_label"])
        row += 2
        sheet.write_string(row, 0, _("Flat discount rate that gives NNV = 0"))
        book.value(sheet, row, 1, result["discount_rate"], "percent")
        if result["discount_rate_note"]:
            sheet.write_string(row, 4, result["discount_rate_note"])
        row += 2
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 3, 18)
    sheet.set_column(4, 4, 50)


def _inputs_sheet(book: _Book, ev: presentation.Evaluated) -> None:
    sheet = book.book.add_worksheet(INPUTS_SHEET)
    _heading(book, sheet, ev, _("Inputs"))
    headers = [
        _("Alternative"),
        _("Line"),
        _("Kind"),
        _("Category"),
        _("Falls on"),
        _("Public budget"),
        _("Years"),
        _("Low (sum)"),
        _("Most likely (sum)"),
        _("High (sum)"),
        _("Expected (sum)"),
        _("Distribution"),
        _("Real growth"),
        _("Note"),
    ]
    book.headers(sheet, 3, headers, 7)
    row = 4
    for alt in sections.inputs(ev.inputs):
        for kind, lines in ((_("Cost"), alt["costs"]), (_("Benefit"), alt["benefits"])):
            for line in lines:
                sheet.write_string(row, 0, alt["name"])
                sheet.write_string(row, 1, line["name"])
                sheet.write_string(row, 2, kind)
                sheet.write_string(row, 3, line["category"])
                sheet.write_string(row, 4, line["organisation"])
                sheet.write_string(row, 5, _("Yes") if line["public_budget"] else _("No"))
                sheet.write_string(row, 6, line["years"])
                for col, key in enumerate(("low", "likely", "high", "expected"), start=7):
                    sheet.write_number(row, col, line[key], book.number("money"))
                sheet.write_string(row, 11, line["distribution"])
                sheet.write_string(row, 12, line["real_growth"])
                sheet.write_string(row, 13, line["description"])
                row += 1
        for effect in alt["effects"]:
            sheet.write_string(row, 0, alt["name"])
            sheet.write_string(row, 1, effect["name"])
            sheet.write_string(row, 2, _("Non-priced effect"))
            sheet.write_string(row, 13, effect["description"])
            row += 1
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 6, 14)
    sheet.set_column(7, 10, 16)
    sheet.set_column(11, 12, 12)
    sheet.set_column(13, 13, 50)
    sheet.freeze_panes(4, 2)
