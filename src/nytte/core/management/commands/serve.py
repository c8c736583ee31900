from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.migrations.executor import MigrationExecutor


def default_workers() -> int:
    return int(os.environ.get("NYTTE_WEB_WORKERS") or min(2 * (os.cpu_count() or 1) + 1, 8))


def _worker_started(worker: Any) -> None:
    from nytte.core import worker_start

    worker_start.run()


class Command(BaseCommand):
    help = "Serve Nytte with gunicorn (a production-grade WSGI server), static files included."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("NYTTE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("NYTTE_PORT", 8000)))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="skip collecting static files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write(
                self.style.WARNING("The database has unapplied migrations: run 'nytte migrate'.")
            )
        # Before the app (and WhiteNoise, which warns about a missing STATIC_ROOT) starts.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)

        from nytte.core import prefork
        from nytte.wsgi import application

        prefork.prepare()  # here, so that the workers fork with it done

        bind = f"{options['host']}:{options['port']}"
        config = {
            "bind": bind,
            "workers": options["workers"],
            "threads": options["threads"],
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            # The apps' start-up work (core.worker_start), such as mapping the saved
            # harmonisation indexes before a user's first harmonisation tab needs them.
            "post_worker_init": _worker_started,
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Nytte is served at http://{bind}/ (Ctrl+C stops it)")
        Server().run()
