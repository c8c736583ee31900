"""Read and write analyses as JSON or Excel (the format in docs/economics.md).

Excel is turned into the same dict as JSON and goes through
``Analysis.from_dict``, so both formats share one set of checks and messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import CBAInputError
from .model import Analysis

SHEETS = ("Analysis", "Alternatives", "Lines", "Effects", "Factors")
LINE_COLUMNS = (
    "alternative", "line", "kind", "category", "organisation", "public_budget",
    "distribution", "real_growth", "factor", "description", "year", "low", "likely", "high",
)  # fmt: skip
EFFECT_COLUMNS = ("alternative", "effect", "significance", "scope", "consequence", "description")
ANALYSIS_KEYS = (
    "format", "name", "description", "base_year", "price_year", "first_year",
    "period_years", "parameter_set", "parameters_json",
)  # fmt: skip
RESIDUAL = "residual"
#: Optional (workbooks written before it was added lack it): the budget nature of the
#: residual value, read from the line's ``residual`` row; empty means not public.
RESIDUAL_PUBLIC = "residual_public_budget"


def load_analysis(path: str | Path) -> Analysis:
    """Load ``.json`` or ``.xlsx``; any problem becomes a ``CBAInputError``."""
    p = Path(path)
    if not p.exists():
        raise CBAInputError(f"file not found: {p}", "file")
    suffix = p.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CBAInputError(
                f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", p.name
            ) from None
        except UnicodeDecodeError:
            raise CBAInputError("the file is not UTF-8 text", p.name) from None
        return Analysis.from_dict(data)
    if suffix in (".xlsx", ".xlsm"):
        return Analysis.from_dict(read_excel_dict(p))
    raise CBAInputError(f"unsupported file type {suffix!r}: use .json or .xlsx", "file")


def write_json(analysis: Analysis, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- Excel


def write_excel(analysis: Analysis, path: str | Path) -> None:
    """Write the documented workbook layout; ``load_analysis`` reads it back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = analysis.to_dict()
    wb = Workbook()
    ws = wb.active
    ws.title = "Analysis"
    ws.append(["key", "value"])
    for key in ANALYSIS_KEYS:
        if key == "parameters_json":
            if "parameters" in data:
                ws.append([key, json.dumps(data["parameters"], ensure_ascii=False)])
        elif key in data:
            ws.append([key, data[key]])

    alts = wb.create_sheet("Alternatives")
    alts.append(["name", "zero", "description"])
    lines = wb.create_sheet("Lines")
    lines.append([*LINE_COLUMNS, RESIDUAL_PUBLIC])
    effects = wb.create_sheet("Effects")
    effects.append(list(EFFECT_COLUMNS))
    for alt in data["alternatives"]:
        alts.append([alt["name"], bool(alt.get("zero", False)), alt.get("description", "")])
        for line in alt["lines"]:
            attrs = [
                alt["name"], line["name"], line["kind"], line["category"], line["organisation"],
                line["public_budget"], line["distribution"], line.get("real_growth"),
                line.get("factor"), line.get("description", ""),
            ]  # fmt: skip
            rows = [(year, amount) for year, amount in line["amounts"].items()]
            if "residual_value" in line:
                rows.append((RESIDUAL, line["residual_value"]))
            if not rows:
                lines.append([*attrs, None, None, None, None])
            for year, amount in rows:
                if isinstance(amount, dict):
                    low, likely, high = amount["low"], amount["likely"], amount["high"]
                else:
                    low = likely = high = amount
                if year == RESIDUAL:
                    public = bool(line.get("residual_public_budget", False))
                    lines.append([*attrs, RESIDUAL, low, likely, high, public])
                else:
                    lines.append([*attrs, int(year), low, likely, high])
        for effect in alt["effects"]:
            effects.append([
                alt["name"], effect["name"], effect["significance"], effect["scope"],
                effect.get("consequence"), effect.get("description", ""),
            ])  # fmt: skip
    factors = wb.create_sheet("Factors")
    factors.append(["factor", "correlation"])
    for name, rho in data.get("factors", {}).items():
        factors.append([name, rho])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.save(path)


def read_excel_dict(path: str | Path) -> dict[str, Any]:
    """Read the workbook into the JSON structure (no validation beyond layout)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise CBAInputError(
            f"cannot read the workbook ({exc.__class__.__name__}: {exc})", str(path)
        ) from None
    try:
        for required in ("Analysis", "Alternatives", "Lines"):
            if required not in wb.sheetnames:
                raise CBAInputError(
                    f"missing sheet {required!r} (need {', '.join(SHEETS)})", str(path)
                )
        data: dict[str, Any] = {}
        for row_no, row in _records(wb["Analysis"], ("key", "value")):
            key = str(row["key"] or "").strip()
            if not key:
                continue
            if key not in ANALYSIS_KEYS:
                raise CBAInputError(f"unknown key {key!r}", f"Analysis row {row_no}")
            if key == "parameters_json":
                try:
                    data["parameters"] = json.loads(row["value"])
                except (TypeError, json.JSONDecodeError):
                    raise CBAInputError(
                        "parameters_json is not valid JSON", f"Analysis row {row_no}"
                    ) from None
            elif row["value"] is not None:
                data[key] = row["value"]

        alternatives: dict[str, dict[str, Any]] = {}
        for row_no, row in _records(wb["Alternatives"], ("name", "zero", "description")):
            name = _text(row["name"])
            if not name:
                continue
            if name in alternatives:
                raise CBAInputError(
                    f"alternative {name!r} is listed twice", f"Alternatives row {row_no}"
                )
            alternatives[name] = {
                "name": name,
                "zero": _bool(row["zero"], f"Alternatives row {row_no} zero"),
                "description": _text(row["description"]),
                "lines": [],
                "effects": [],
            }

        line_index: dict[tuple[str, str], dict[str, Any]] = {}
        for row_no, row in _records(wb["Lines"], LINE_COLUMNS, optional=(RESIDUAL_PUBLIC,)):
            where = f"Lines row {row_no}"
            alt_name, line_name = _text(row["alternative"]), _text(row["line"])
            if not alt_name and not line_name:
                continue
            alt = _alternative(alternatives, alt_name, where)
            attrs = {
                "name": line_name,
                "kind": _text(row["kind"]),
                "category": _text(row["category"]) or "other",
                "organisation": _text(row["organisation"]),
                "public_budget": _bool(row["public_budget"], f"{where} public_budget"),
                "distribution": _text(row["distribution"]) or "pert",
                "real_growth": row["real_growth"] if row["real_growth"] not in ("", None) else None,
                "factor": _text(row["factor"]) or None,
                "description": _text(row["description"]),
            }
            key = (alt_name, line_name)
            line = line_index.get(key)
            if line is None:
                line = {**attrs, "amounts": {}}
                line_index[key] = line
                alt["lines"].append(line)
            else:
                for attr, value in attrs.items():
                    if attr != "description" and value != line[attr]:
                        raise CBAInputError(
                            f"{attr} differs from earlier rows of line {line_name!r}", where
                        )
            year = row["year"]
            if year in (None, ""):
                continue
            amount = {"low": row["low"], "likely": row["likely"], "high": row["high"]}
            amount = {k: v for k, v in amount.items() if v not in (None, "")}
            if str(year).strip().lower() == RESIDUAL:
                line["residual_value"] = amount
                line["residual_public_budget"] = _bool(
                    row.get(RESIDUAL_PUBLIC), f"{where} {RESIDUAL_PUBLIC}"
                )
                continue
            year_key = str(int(year)) if isinstance(year, int | float) else str(year).strip()
            if year_key in line["amounts"]:
                raise CBAInputError(f"year {year_key} appears twice for line {line_name!r}", where)
            line["amounts"][year_key] = amount

        if "Effects" in wb.sheetnames:
            for row_no, row in _records(wb["Effects"], EFFECT_COLUMNS):
                where = f"Effects row {row_no}"
                alt_name = _text(row["alternative"])
                if not alt_name and not _text(row["effect"]):
                    continue
                effect = {
                    "name": _text(row["effect"]),
                    "significance": _text(row["significance"]),
                    "scope": _text(row["scope"]),
                    "description": _text(row["description"]),
                }
                if row["consequence"] not in (None, ""):
                    effect["consequence"] = row["consequence"]
                _alternative(alternatives, alt_name, where)["effects"].append(effect)

        if "Factors" in wb.sheetnames:
            factors = {}
            for _, row in _records(wb["Factors"], ("factor", "correlation")):
                if _text(row["factor"]):
                    factors[_text(row["factor"])] = row["correlation"]
            if factors:
                data["factors"] = factors
        data["alternatives"] = list(alternatives.values())
        return data
    finally:
        wb.close()


def _records(sheet: Any, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> Any:
    """Yield (row number, {column: value}) using the header row to find columns.

    An ``optional`` column missing from the header reads as None on every row.
    """
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        raise CBAInputError(f"missing column(s) {missing}", f"sheet {sheet.title!r}")
    positions = {c: names.index(c) for c in (*columns, *optional) if c in names}
    for number, row in enumerate(rows, start=2):
        values = {c: None for c in optional}
        values.update({c: (row[i] if i < len(row) else None) for c, i in positions.items()})
        yield number, values


def _alternative(alternatives: dict[str, dict[str, Any]], name: str, where: str) -> dict[str, Any]:
    if name not in alternatives:
        raise CBAInputError(f"alternative {name!r} is not on the Alternatives sheet", where)
    return alternatives[name]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _bool(value: Any, where: str) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "ja", "1", "x"):
        return True
    if text in ("false", "no", "nei", "0"):
        return False
    raise CBAInputError(f"expected yes/no, got {value!r}", where)
