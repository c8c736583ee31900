"""Stakeholders and checklist answers as an Excel workbook, and its import, on the shared
engine (``nytte.core.excel``): a fixed format in bokmål, every header explained, and an
import that checks every row first and then writes all rows or none, through the services,
as the acting user.

Sheets: "Interessenter" (keyed by "Nr", the stakeholder's id; empty for a new one) and
"Svar" (keyed by the subject — an initiative's code or a proposal's number F-12 — and the
question's id). Import upserts and never deletes: an empty status leaves a stored answer as
it is.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core.actors import Actor
from nytte.core.excel.export import WORKBOOK_OPTIONS, SafeWorkbook, cell_writers, write_legend
from nytte.core.excel.format import LEGEND, SheetSpec, choice_lookup, labels
from nytte.core.excel.format import NotedColumn as Column
from nytte.core.excel.plan import BasePlan
from nytte.core.excel.read import OMIT, read_bytes, read_sheets
from nytte.core.excel.result import Errors, ImportResult
from nytte.core.excel.rollback import write_all_or_nothing
from nytte.core.excel.write import run_steps
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, check
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from . import services
from .choices import AnswerStatus, Involvement, StakeholderGroup
from .models import AnchoringAnswer, ChecklistQuestion, Stakeholder

STAKEHOLDERS = SheetSpec(
    "Interessenter",
    (
        Column("Nr", "pk", "int", width=6, note="Interessentens nummer i Nytte; tomt for en ny."),
        Column(
            "Tiltak", "initiative", "key", width=10, note="Tiltakets kode; tomt = hele programmet."
        ),
        Column("Virksomhet (orgnr)", "organisation", "key", width=14, note="Tomt for en gruppe."),
        Column(
            "Gruppe",
            "group",
            "choice",
            choices=StakeholderGroup,
            width=16,
            note="Tomt for en virksomhet.",
        ),
        Column("Navn", "name", width=30),
        Column("Kontaktrolle", "contact_role", width=24),
        Column("Påvirkning (1–5)", "influence", "int", required=True, width=10),
        Column("Interesse (1–5)", "interest", "int", required=True, width=10),
        Column("Involvering", "involvement", "choice", choices=Involvement, width=14),
        Column("Hvordan involvert", "involvement_note", width=40),
        Column(
            "Faser",
            "phases",
            "list",
            width=24,
            note="Fasene, skilt med komma (f.eks. Idé, Konsept).",
        ),
    ),
)
ANSWERS = SheetSpec(
    "Svar",
    (
        Column(
            "Sak",
            "subject",
            "key",
            required=True,
            width=10,
            note="Tiltakets kode, eller forslagets nummer (F-12).",
        ),
        Column("Spørsmål-ID", "question", "int", required=True, width=10),
        Column("Spørsmål", width=60, note="Spørsmålets tekst; leses ikke ved import."),
        Column(
            "Status",
            "status",
            "choice",
            choices=AnswerStatus,
            width=12,
            note="Tomt: svaret står som det er.",
        ),
        Column("Kommentar", "comment", width=50),
        Column("Dato", "answered_on", "date", width=12),
        Column("Besvart av", width=16, note="Leses ikke ved import."),
    ),
)
SHEETS = (STAKEHOLDERS, ANSWERS)


# -- export -----------------------------------------------------------------------------------


def sheet_rows(programme: Programme, *, user: Actor) -> dict[str, list[list[Any]]]:
    group, involvement, status = labels(StakeholderGroup), labels(Involvement), labels(AnswerStatus)
    phase = labels(Phase)
    stakeholders = [
        [
            s.pk,
            s.initiative.code if s.initiative_id else "",
            s.organisation.orgnr if s.organisation_id else "",
            group.get(s.group, ""),
            s.name,
            s.contact_role,
            s.influence,
            s.interest,
            involvement.get(s.involvement, s.involvement),
            s.involvement_note,
            ", ".join(phase.get(p, p) for p in s.phases),
        ]
        for s in Stakeholder.objects.for_user(user)
        .in_programme(programme)
        .select_related("initiative", "organisation")
        .order_by("pk")
    ]
    rows = (
        AnchoringAnswer.objects.for_user(user)
        .filter(question__programme=programme)
        .select_related("initiative", "proposal", "question", "answered_by")
    )
    # Initiatives by code, then proposals by number, the same on every database.
    ordered = sorted(
        rows,
        key=lambda a: (
            (0, a.initiative.code, 0) if a.initiative_id else (1, "", a.proposal.number),
            a.question.order,
            a.pk,
        ),
    )
    answers = [
        [
            a.initiative.code if a.initiative_id else a.proposal.reference,
            a.question_id,
            a.question.text,
            status.get(a.status, a.status),
            a.comment,
            a.answered_on,
            a.answered_by.username if a.answered_by_id else "",
        ]
        for a in ordered
    ]
    return {STAKEHOLDERS.name: stakeholders, ANSWERS.name: answers}


def export_anchoring(programme: Programme, *, user: Actor) -> bytes:
    """The stakeholders and answers ``user`` may see, as .xlsx bytes."""
    check(user, Action.VIEW, programme)
    buffer = io.BytesIO()
    workbook = SafeWorkbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    rows = sheet_rows(programme, user=user)
    for spec in SHEETS:
        ws = workbook.add_worksheet(spec.name)
        ws.freeze_panes(1, 0)
        for index, column in enumerate(spec.columns):
            ws.set_column(index, index, column.width)
            if column.note:
                ws.write_comment(0, index, column.note, {"x_scale": 2})
        ws.write_row(0, 0, spec.headers, bold)
        writers = list(enumerate(cell_writers(ws, spec)))
        for row, values in enumerate(rows[spec.name], start=1):
            for (col, write), value in zip(writers, values, strict=True):
                if value is not None and value != "":
                    write(row, col, value)
    write_legend(workbook, SHEETS, bold, widths=(14, 24, 60, 80))
    workbook.close()
    return buffer.getvalue()


def export_filename(programme: Programme) -> str:
    return f"{programme.slug}-forankring-{timezone.localdate().isoformat()}.xlsx"


# -- import -----------------------------------------------------------------------------------


class Plan(BasePlan):
    """The checks of one workbook against the programme; nothing is written here."""

    def __init__(self, programme: Programme, sheets: dict[str, Any], errors: Errors) -> None:
        super().__init__(programme, sheets, errors)
        self.initiatives = {i.code: i for i in Initiative.objects.filter(programme=programme)}
        self.proposals = {p.number: p for p in Proposal.objects.filter(programme=programme)}
        self.stakeholders = Stakeholder.objects.in_programme(programme).in_bulk()
        self.questions = ChecklistQuestion.objects.filter(programme=programme).in_bulk()
        self.phases = choice_lookup(Phase)
        self.answers = {
            (a.initiative_id, a.proposal_id, a.question_id): a
            for a in AnchoringAnswer.objects.filter(question__programme=programme)
        }

    def check_stakeholders(self) -> None:
        sheet = STAKEHOLDERS.name
        for row in self.rows(STAKEHOLDERS):
            if row.failed:
                continue
            v = row.values
            data: dict[str, Any] = {}
            code = v.get("initiative")
            data["initiative"] = None
            if code:
                data["initiative"] = self.initiatives.get(code)
                if data["initiative"] is None:
                    self.error(
                        sheet,
                        row.number,
                        "initiative",
                        _("No initiative has the code %(code)s.") % {"code": code},
                    )
                    continue
            data["organisation"] = None
            if v.get("organisation"):
                pk = self.org_id(sheet, row.number, "organisation", v["organisation"])
                if pk is None:
                    continue
                data["organisation"] = Organisation.objects.get(pk=pk)
            data["group"] = "" if v.get("group", OMIT) is OMIT else v["group"]
            for name in ("name", "contact_role", "involvement_note", "influence", "interest"):
                data[name] = v.get(name)
            if v.get("involvement", OMIT) is not OMIT:
                data["involvement"] = v["involvement"]
            phases = []
            for word in v.get("phases") or []:
                code_ = self.phases.get(word.casefold())
                if code_ is None:
                    self.error(
                        sheet, row.number, "phases", _("Unknown phase “%(p)s”.") % {"p": word}
                    )
                    break
                phases.append(code_)
            else:
                data["phases"] = phases
            if "phases" not in data:
                continue
            pk = v.get("pk")
            if pk:
                existing = self.stakeholders.get(pk)
                if existing is None:
                    self.error(
                        sheet,
                        row.number,
                        "pk",
                        _("This programme has no stakeholder %(n)s. Leave it empty for a new one.")
                        % {"n": pk},
                    )
                    continue
                if all(getattr(existing, k) == val for k, val in data.items()):
                    self.count(STAKEHOLDERS, "unchanged")
                    continue
                self.count(STAKEHOLDERS, "updated")
                self.step(
                    STAKEHOLDERS, row, Writer.stakeholder_update, stakeholder=existing, data=data
                )
            else:
                candidate = Stakeholder(programme=self.programme, **data)
                self.validate_model(sheet, row.number, candidate, exclude=["programme"])
                self.count(STAKEHOLDERS, "created")
                self.step(STAKEHOLDERS, row, Writer.stakeholder_create, data=data)

    def subject(self, key: str) -> Initiative | Proposal | None:
        ref = key.strip()
        if ref[:1] in "Ff" and ref[1:].lstrip("-").isdigit():
            return self.proposals.get(int(ref[1:].lstrip("-")))
        return self.initiatives.get(ref)

    def check_answers(self) -> None:
        sheet = ANSWERS.name
        seen: dict[Any, int] = {}
        for row in self.rows(ANSWERS):
            if row.failed:
                continue
            v = row.values
            subject = self.subject(v["subject"])
            if subject is None:
                self.error(
                    sheet,
                    row.number,
                    "subject",
                    _("No initiative or proposal is called %(ref)s.") % {"ref": v["subject"]},
                )
                continue
            question = self.questions.get(v["question"])
            if question is None:
                self.error(
                    sheet,
                    row.number,
                    "question",
                    _("This programme's checklist has no question %(n)s.") % {"n": v["question"]},
                )
                continue
            if not self.unique(
                sheet, row, (type(subject), subject.pk, question.pk), seen, "question"
            ):
                continue
            if v.get("status", OMIT) is OMIT:
                self.count(ANSWERS, "unchanged")
                continue
            answer = services.AnswerData(
                status=v["status"], comment=v.get("comment") or "", answered_on=v.get("answered_on")
            )
            try:
                services.check_answer(subject, question, answer.status)
            except ValidationError as exc:
                self.errors.add_validation(sheet, row.number, exc, "status")
                continue
            key = (
                subject.pk if isinstance(subject, Initiative) else None,
                subject.pk if isinstance(subject, Proposal) else None,
                question.pk,
            )
            stored = self.answers.get(key)
            if stored is not None and (
                stored.status == answer.status
                and stored.comment == answer.comment.strip()
                and answer.answered_on in (None, stored.answered_on)
            ):
                self.count(ANSWERS, "unchanged")
                continue
            self.count(ANSWERS, "created" if stored is None else "updated")
            self.step(
                ANSWERS, row, Writer.answer_save, subject=subject, question=question, answer=answer
            )


class Writer:
    def __init__(self, programme: Programme, acting_user: Actor) -> None:
        self.programme = programme
        self.acting_user = acting_user

    def stakeholder_create(self, *, data: dict[str, Any]) -> None:
        services.stakeholder_create(
            programme=self.programme, data=data, acting_user=self.acting_user
        )

    def stakeholder_update(self, *, stakeholder: Stakeholder, data: dict[str, Any]) -> None:
        services.stakeholder_update(
            stakeholder=stakeholder, data=data, acting_user=self.acting_user
        )

    def answer_save(self, *, subject: Any, question: ChecklistQuestion, answer: Any) -> None:
        services.answer_save(
            subject=subject, question=question, answer=answer, acting_user=self.acting_user
        )


def import_anchoring(
    programme: Programme,
    file: bytes | IO[bytes] | str | Path,
    *,
    acting_user: Actor,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then write all of them or none (also on a dry run: none)."""
    check(acting_user, Action.EDIT, programme)
    result = ImportResult(dry_run=dry_run)
    sheets = read_sheets(read_bytes(file), result.errors, SHEETS, ignored=frozenset({LEGEND}))
    if result.stop_checking():
        return result
    plan = Plan(programme, sheets, Errors(result.errors, SHEETS))
    plan.check_stakeholders()
    plan.check_answers()
    if result.errors:
        return result
    writer = Writer(programme, acting_user)
    return write_all_or_nothing(
        result, plan, lambda steps, errors: run_steps(writer, steps, errors), dry_run
    )
