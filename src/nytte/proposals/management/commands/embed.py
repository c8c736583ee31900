from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nytte.core.models import Programme
from nytte.proposals.matching import vectors


class Command(BaseCommand):
    help = (
        "Embed every initiative's and proposal's text whose vector is missing, stale or made "
        "by another model, with the model in NYTTE_EMBEDDING_MODEL_DIR (a local directory; "
        "nothing is downloaded). Run it after installing or changing the model; afterwards "
        "`nytte worker` keeps the vectors up to date as texts are saved."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", metavar="SLUG", help="only this programme")

    def handle(self, *args: Any, **options: Any) -> None:
        if vectors.configured() is None:
            raise CommandError(
                "No embedding model: set NYTTE_EMBEDDING_MODEL_DIR to the model's directory."
            )
        model = vectors.embedder()
        if model is None:
            raise CommandError(
                f"The model in {vectors.configured()} could not be loaded (see the log above)."
            )
        programmes = Programme.objects.order_by("pk")
        if options["programme"]:
            programmes = programmes.filter(slug=options["programme"])
            if not programmes.exists():
                raise CommandError(f"No programme {options['programme']!r}.")
        self.stdout.write(f"Model {model.model_id} ({model.dimension} dimensions)")
        total = 0
        for programme in programmes:

            def progress(done: int, of: int, name: str = programme.slug) -> None:
                self.stdout.write(f"\r  {name}: {done}/{of}", ending="")
                self.stdout.flush()

            n = vectors.embed_programme(programme.pk, progress=progress)
            if n:
                self.stdout.write("")
            self.stdout.write(f"{programme.slug}: embedded {n} text(s)")
            total += n
        self.stdout.write(f"Embedded {total} text(s).")
