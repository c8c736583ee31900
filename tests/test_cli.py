"""The ``nytte`` command and its production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nytte.cli import HELP, command_as_typed, main


def test_help_lists_the_getting_started_commands(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    assert out == HELP
    for command in ("demo", "serve", "worker"):
        assert f"  {command} " in out


def run_nytte(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests allow sync ORM calls beside Playwright's event loop; production doesn't.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-c", "from nytte.cli import main; main()", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("variant", ["sqlite", "postgres-url"])
def test_check_deploy_is_silent_with_production_settings(tmp_path, variant):
    env = {
        "NYTTE_DATA_DIR": str(tmp_path),
        "NYTTE_SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-31415926535",
        "NYTTE_ALLOWED_HOSTS": "nytte.example.no",
        "NYTTE_DEBUG": "false",
    }
    if variant == "postgres-url":
        env["DATABASE_URL"] = "postgres://nytte@db.invalid:5432/nytte"
    result = run_nytte("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_generated_secret_key_is_kept_in_the_data_directory(tmp_path):
    env = {**os.environ, "NYTTE_DATA_DIR": str(tmp_path), "NYTTE_SECRET_KEY": ""}
    script = "from nytte import settings; print(settings.SECRET_KEY)"
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert len(runs[0]) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == runs[0]


def test_help_lists_the_register_import_and_export(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    section = out.split("Import and export:\n", 1)[1].split("\n\n", 1)[0]
    assert "  export_register " in section and "  import_register " in section


# -- what `nytte demo` tells you to type --------------------------------------------------


def fake_script(directory) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "nytte"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    return str(script)


def test_the_script_outside_path_is_named_by_its_full_path(tmp_path, monkeypatch):
    script = fake_script(tmp_path / "venv" / "bin")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_as_typed(script, "/usr/bin/python3") == script
    # Started as "python -m nytte.cli" or from a test: the interpreter's own script.
    python = str(tmp_path / "venv" / "bin" / "python")
    assert command_as_typed("/x/site-packages/nytte/cli.py", python) == script


def test_the_script_on_path_is_just_nytte(tmp_path, monkeypatch):
    script = fake_script(tmp_path / "venv bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'venv bin'}:/usr/bin:/bin")
    assert command_as_typed(script, "/usr/bin/python3") == "nytte"
    assert command_as_typed("nytte", "/usr/bin/python3") == "nytte"
    # On PATH is someone else's nytte: ours by its (quoted) path.
    monkeypatch.setenv("PATH", f"{fake_script(tmp_path / 'other')[:-6]}:/usr/bin:/bin")
    assert command_as_typed(script, "/usr/bin/python3") == f"'{script}'"


def test_without_a_script_the_interpreter_runs_the_module(tmp_path):
    python = str(tmp_path / "bin" / "python3")
    assert command_as_typed("/x/cli.py", python) == f"{python} -m nytte.cli"
