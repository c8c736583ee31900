"""The ``nytte`` command: Django's management commands plus Nytte's own.

Settings are chosen and Django imported only when a command runs, so ``nytte --help``
is instant and works before anything is configured.
"""

from __future__ import annotations

import os
import sys

HELP = """\
usage: nytte <command> [options]

Nytte: dynamic benefits management for cross-agency programmes.

Getting started:
  demo         create the data directory and SQLite database, load demo data, print logins
  serve        serve the app (gunicorn) on 127.0.0.1:8000; --host, --port, --workers
  worker       run background tasks

Analyses:
  cba FILE     cost-benefit analysis of a JSON or Excel file (docs/economics.md)

Import and export:
  export_register SLUG FILE   a programme's portfolio register as an Excel workbook
  import_register SLUG FILE   import an edited export (--dry-run to check, --user NAME)
  export_benefits SLUG FILE   a programme's benefits register as an Excel workbook
  import_benefits SLUG FILE   import an edited benefits export (--dry-run, --user NAME)
  import_measurements SLUG FILE   append measurements from a sheet (--dry-run, --user NAME)
  export_proposals SLUG FILE  a programme's proposals and evidence as an Excel workbook
  import_proposals SLUG FILE  add new proposals from a sheet (--dry-run, --user NAME)

Operations:
  migrate      apply database migrations
  check        check the configuration (add --deploy for production settings)
  token        create, list or revoke API tokens
  createsuperuser, changepassword, shell, dbshell, ...

Run 'nytte help' for every command, 'nytte help <command>' for one command's options.
Configuration comes from environment variables: see README.md.
"""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(HELP)
        return
    if args[0] == "cba":
        # The engine is pure: no settings, no database.
        from nytte.economics.cli import main as cba_main

        sys.exit(cba_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nytte.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nytte", *args])


if __name__ == "__main__":
    main()
