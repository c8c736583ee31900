"""JSON/Excel round trips and the ``nytte cba`` entry function."""

import json
from pathlib import Path

import pytest

from nytte.economics import compute, load_analysis, write_excel
from nytte.economics.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "cba" / "example.json"


def test_json_round_trip() -> None:
    analysis = load_analysis(EXAMPLE)
    again = type(analysis).from_dict(json.loads(json.dumps(analysis.to_dict())))
    assert again == analysis


def test_excel_round_trip(tmp_path: Path) -> None:
    analysis = load_analysis(EXAMPLE)
    path = tmp_path / "example.xlsx"
    write_excel(analysis, path)
    assert load_analysis(path) == analysis
    assert compute(load_analysis(path)).to_dict() == compute(analysis).to_dict()


def test_cli_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLE), "--iterations", "2000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    for label in (
        "Net present value (NNV)",
        "Tax financing cost",
        "NNV per budget krone",
        "Consent API",
        "P(NNV < 0)",
        "Ranking",
    ):
        assert label in out


def test_cli_json_is_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(EXAMPLE), "--iterations", "1000", "--seed", "5", "--format", "json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert first["result"]["parameter_set"] == "R-109:2021"
    assert first["simulation"]["seed"] == 5


def test_cli_bad_input_exits_2_without_traceback(tmp_path: Path, capsys) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["alternatives"][1]["lines"][0]["amounts"]["2025"] = {"low": 5, "likely": 4, "high": 3}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "'Build the API'" in err and "amounts[2025]" in err


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("{not json", "broken.json", "invalid JSON at line 1"),
        ("{}", "data.csv", "unsupported file type"),
        ("[]", "list.json", "expected an object"),
    ],
)
def test_cli_unreadable_files(
    tmp_path: Path, capsys, content: str, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_cli_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/analysis.json"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_cli_usage_error_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "xml", str(EXAMPLE)]) == 2
