"""The ``nytte`` command and its production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nytte.cli import HELP, main


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
