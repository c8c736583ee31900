"""Decision memos (saksframlegg) and the governance-dialogue export, rendered from plain data.

The governance app builds the content (``MemoContent``, ``DialogueExport``) from its models;
this package only lays it out — as Word and PDF for the memo, as Word and Excel for the
dialogue export — in the active language. See docs/governance.md, "Memo".
"""

from .charts import ChartError, costs_chart, funding_split_chart, render_png
from .content import (
    AnchoringLine,
    Assessment,
    BenefitEffect,
    Chart,
    Consequence,
    Cost,
    FundingRow,
    HarmonisationLink,
    MemoContent,
    Option,
    Score,
)
from .dialogue import (
    DialogueExport,
    DialogueItem,
    DialogueKind,
    render_dialogue_docx,
    render_dialogue_xlsx,
)
from .docx import render_docx
from .pdf import render_pdf

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = [
    "DOCX_CONTENT_TYPE",
    "PDF_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "AnchoringLine",
    "Assessment",
    "BenefitEffect",
    "Chart",
    "ChartError",
    "Consequence",
    "Cost",
    "DialogueExport",
    "DialogueItem",
    "DialogueKind",
    "FundingRow",
    "HarmonisationLink",
    "MemoContent",
    "Option",
    "Score",
    "costs_chart",
    "funding_split_chart",
    "render_dialogue_docx",
    "render_dialogue_xlsx",
    "render_docx",
    "render_pdf",
    "render_png",
]
