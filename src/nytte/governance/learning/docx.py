"""The portfolio status report as an editable Word document for the forum's papers: the
traffic lights of every initiative and the change since the last report."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document

from nytte.core.docx import add_table, clean, set_language

from ..models import StatusReport
from .excel import light_label


def status_report_docx(report: StatusReport) -> bytes:
    content = report.content
    document = Document()
    set_language(document)
    document.add_heading(clean(report.title), level=1)
    document.add_paragraph(
        _("%(programme)s. The figures are as they stood on %(date)s.")
        % {"programme": report.programme.name, "date": content.get("as_of", "")}
    )
    document.add_heading(_("Traffic lights"), level=2)
    rows = [
        [
            f"{r['code']} {r['title']}",
            light_label(r["time"]),
            light_label(r["cost"]),
            light_label(r["benefits"]),
            "–" if r.get("cost_ratio") is None else f"{r['cost_ratio']:.2f}",
            "–" if r.get("benefit_ratio") is None else f"{r['benefit_ratio']:.2f}",
        ]
        for r in content.get("initiatives", [])
    ]
    add_table(
        document,
        [
            _("Initiative"),
            _("Time"),
            _("Cost"),
            _("Benefits"),
            _("Cost ÷ decided"),
            _("Realised ÷ forecast"),
        ],
        rows,
        numeric=(4, 5),
    )
    document.add_heading(_("Change since the last report"), level=2)
    changes = content.get("changes", {})
    if not changes.get("since"):
        document.add_paragraph(_("This is the first report."))
    else:
        names = {"time": _("Time"), "cost": _("Cost"), "benefits": _("Benefits")}
        lines = [
            f"{c['code']} {c['title']} – {names.get(k, k)}: "
            f"{light_label(v['before'])} → {light_label(v['after'])}"
            for c in changes.get("changed", [])
            for k, v in c["lights"].items()
        ]
        lines += [f"{code}: {_('New in the report')}" for code in changes.get("added", [])]
        lines += [f"{code}: {_('Gone from the report')}" for code in changes.get("removed", [])]
        for line in lines or [_("No light has changed.")]:
            document.add_paragraph(clean(line), style="List Bullet")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
