"""Excel exports of step 4: decision cases with their options and decisions, a baseline
comparison, and the governance-dialogue items. All written through ``SafeWorkbook``, so text
that looks like a formula stays text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.excel.export import WORKBOOK_OPTIONS, SafeWorkbook

from .baselines import BaselineComparison
from .models import DecisionCase
from .selectors import option_view


class _Book:
    def __init__(self) -> None:
        self.out = BytesIO()
        self.wb = SafeWorkbook(self.out, {**WORKBOOK_OPTIONS, "constant_memory": False})
        self.bold = self.wb.add_format({"bold": True})

    def sheet(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        ws = self.wb.add_worksheet(name[:31])
        ws.write_row(0, 0, list(header), self.bold)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, ["" if v is None else v for v in row])

    def bytes(self) -> bytes:
        self.wb.close()
        return self.out.getvalue()


def export_cases(cases: Iterable[DecisionCase]) -> bytes:
    """One row per case, per option (with its cost, benefits, NNV and split) and per
    decision version."""
    cases = list(cases)
    book = _Book()
    book.sheet(
        _("Cases"),
        [
            _("Case"),
            _("Title"),
            _("Kind"),
            _("Status"),
            _("Proposal"),
            _("Initiative"),
            _("Forum"),
            _("Recommendation"),
        ],
        [
            [
                c.reference,
                c.title,
                c.get_kind_display(),
                c.get_status_display(),
                c.proposal.reference if c.proposal_id else "",
                c.initiative.code if c.initiative_id else "",
                str(c.forum or ""),
                c.recommendation,
            ]
            for c in cases
        ],
    )
    option_rows, split_rows = [], []
    for case in cases:
        for option in case.options.all():
            view = option_view(option)
            option_rows.append(
                [
                    case.reference,
                    option.title,
                    _("Yes") if option.do_nothing else _("No"),
                    view.total_cost,
                    view.gained,
                    view.lost,
                    view.nnv,
                    view.nnb,
                    option.get_funding_key_display(),
                    view.split_error,
                ]
            )
            for row in view.split:
                split_rows.append(
                    [
                        case.reference,
                        option.title,
                        row.organisation.label,
                        row.share_percent,
                        row.amount,
                        row.benefit,
                        row.benefit_percent,
                    ]
                )
    book.sheet(
        _("Options"),
        [
            _("Case"),
            _("Option"),
            _("Do nothing"),
            _("Total cost (NOK)"),
            _("Yearly benefits gained (NOK)"),
            _("Yearly benefits lost (NOK)"),
            _("NNV (NOK)"),
            _("NNV per budget krone"),
            _("Funding key"),
            _("Why no split"),
        ],
        option_rows,
    )
    book.sheet(
        _("Funding split"),
        [
            _("Case"),
            _("Option"),
            _("Organisation"),
            _("Share (%)"),
            _("Pays (NOK)"),
            _("Yearly benefit (NOK)"),
            _("Share of benefits (%)"),
        ],
        split_rows,
    )
    book.sheet(
        _("Decisions"),
        [
            _("Case"),
            _("Version"),
            _("Outcome"),
            _("Option"),
            _("Rationale"),
            _("Conditions"),
            _("Forum"),
            _("Decided on"),
            _("Review date"),
            _("Recorded by"),
        ],
        [
            [
                case.reference,
                d.version,
                d.get_outcome_display(),
                d.option.title if d.option_id else "",
                d.rationale,
                d.conditions,
                str(d.forum),
                d.decided_on,
                d.review_date,
                d.decided_by.display_name,
            ]
            for case in cases
            for d in case.decisions.all()
        ],
    )
    return book.bytes()


def export_comparison(comparison: BaselineComparison, label_a: str, label_b: str) -> bytes:
    book = _Book()
    book.sheet(
        _("Summary"),
        [_("Figure"), label_a, label_b, _("Change")],
        [
            [
                _("Total cost (NOK)"),
                comparison.cost.before,
                comparison.cost.after,
                comparison.cost.change,
            ],
            [
                _("Benefits (NOK)"),
                comparison.benefits.before,
                comparison.benefits.after,
                comparison.benefits.change,
            ],
            [_("NNV (NOK)"), comparison.nnv.before, comparison.nnv.after, comparison.nnv.change],
        ],
    )
    rows: list[list[Any]] = []
    for item in comparison.added:
        rows.append([_("In"), item["code"], item["title"], 0, item["cost_total"], ""])
    for item in comparison.removed:
        rows.append([_("Out"), item["code"], item["title"], item["cost_total"], 0, ""])
    for change in comparison.changed:
        what = "; ".join(f"{k}: {a} → {b}" for k, (a, b) in change.fields.items())
        rows.append(
            [_("Changed"), change.code, change.title, change.cost.before, change.cost.after, what]
        )
    book.sheet(
        _("Initiatives"),
        [
            _("Change"),
            _("Code"),
            _("Title"),
            _("Cost before (NOK)"),
            _("Cost after (NOK)"),
            _("What changed"),
        ],
        rows,
    )
    book.sheet(
        _("Costs"),
        [_("Organisation"), _("Year"), label_a, label_b, _("Change")],
        [
            [row.organisation, year, d.before, d.after, d.change]
            for row in comparison.costs
            for year, d in row.years.items()
        ],
    )
    return book.bytes()
