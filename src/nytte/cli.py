"""The ``nytte`` command: Django's management commands plus Nytte's own.

Settings are chosen and Django imported only when a command runs, so ``nytte --help``
is instant and works before anything is configured.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

HELP = """\
usage: nytte <command> [options]

Nytte: dynamic benefits management for cross-agency programmes.

Getting started:
  demo         create the data directory and SQLite database, load demo data, print logins
  serve        serve the app (gunicorn) on 127.0.0.1:8000; --host, --port, --workers
  worker       run background tasks
  createadmin  create a site administrator (creates programmes and organisations in pages)

Analyses:
  cba FILE     cost-benefit analysis of a JSON or Excel file (docs/economics.md)
  optimise FILE   choose and schedule a portfolio under budgets (docs/optimise.md)

Import and export:
  export_register SLUG FILE   a programme's portfolio register as an Excel workbook
  import_register SLUG FILE   import an edited export (--dry-run to check, --user NAME)
  export_benefits SLUG FILE   a programme's benefits register as an Excel workbook
  import_benefits SLUG FILE   import an edited benefits export (--dry-run, --user NAME)
  import_measurements SLUG FILE   append measurements from a sheet (--dry-run, --user NAME)
  export_proposals SLUG FILE  a programme's proposals and evidence as an Excel workbook
  import_proposals SLUG FILE  add new proposals from a sheet (--dry-run, --user NAME)
  export_anchoring SLUG FILE  a programme's stakeholders and anchoring answers as Excel
  import_anchoring SLUG FILE  import an edited anchoring export (--dry-run, --user NAME)

Operations:
  migrate      apply database migrations
  check        check the configuration (add --deploy for production settings)
  token        create, list or revoke API tokens
  learning_sweep  remind owners of overdue follow-up actions, open revisit items (daily)
  scenario_sweep  mark scenario runs failed whose worker died (safe to run from cron)
  retention    erase outside proposers' personal data after the retention period
  embed        embed every text with the installed model (NYTTE_EMBEDDING_MODEL_DIR)
  backup FILE  the database and attachments in one archive; restore FILE puts it back
  createsuperuser, changepassword, shell, dbshell, ...

Run 'nytte help' for every command, 'nytte help <command>' for one command's options.
Configuration comes from environment variables: see README.md.
"""
DEMO_HELP = """\
usage: nytte demo

Create the data directory and database, load the demo programmes and print the demo logins.
Safe to run again: existing demo data is left as it is.
"""


def command_as_typed(argv0: str | None = None, executable: str | None = None) -> str:
    """How to run ``nytte`` from the user's shell, as typed: works without an active venv.

    ``nytte`` if that name on PATH is this installation's script; otherwise the script's
    full path (e.g. ``/home/me/nytte/.venv/bin/nytte``); run as ``python -m nytte.cli``
    (or from a test), the interpreter's own ``nytte`` script if it has one, else
    ``<python> -m nytte.cli``.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = sys.executable if executable is None else executable
    script: Path | None = None
    if argv0 and Path(argv0).stem == "nytte":
        script = Path(argv0)
        if not script.is_absolute() and os.sep not in argv0:
            found = shutil.which(argv0)
            script = Path(found) if found else None
    if script is None and executable:
        for name in ("nytte", "nytte.exe"):
            candidate = Path(executable).parent / name
            if candidate.is_file():
                script = candidate
                break
    if script is not None:
        script = script.absolute()
        on_path = shutil.which("nytte")
        if on_path and Path(on_path).absolute() == script:
            return "nytte"
        return shlex.quote(str(script))
    return f"{shlex.quote(executable or 'python3')} -m nytte.cli"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(HELP)
        return
    if args[0] == "cba":
        # The engine is pure: no settings, no database.
        from nytte.economics.cli import main as cba_main

        sys.exit(cba_main(args[1:]))
    if args[0] == "optimise":
        from nytte.optimise.cli import main as optimise_main

        sys.exit(optimise_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nytte.settings")
    if args[0] == "demo":
        # Above every app, so not a management command of one of them (core imports none).
        if set(args[1:]) & {"-h", "--help"}:
            sys.stdout.write(DEMO_HELP)
            return
        import django

        django.setup()
        from nytte.demo import main as demo_main

        demo_main()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nytte", *args])


if __name__ == "__main__":
    main()
