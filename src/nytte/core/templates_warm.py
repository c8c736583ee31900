"""Compiling the project's templates once in the server's master process, before it forks
its workers: each worker then starts with every template compiled (in memory the workers
share until they write to it) instead of compiling them one by one on its first requests,
about a second of CPU per worker spread over the first pages a user opens."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.template import TemplateSyntaxError, engines

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent  # src/nytte


def compile_templates() -> int:
    """Load every ``.html`` template of the project through the template engine's cached
    loader; the number compiled. A template that does not compile is logged and skipped
    (its page shows the error as before, when it is asked for)."""
    engine = engines["django"]
    started = time.perf_counter()
    names: set[str] = set()
    for folder in engine.template_dirs:
        root = Path(folder).resolve()
        if root.is_relative_to(PACKAGE):
            names.update(str(path.relative_to(root)) for path in root.rglob("*.html"))
    compiled = 0
    for name in sorted(names):
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            logger.exception("template %s does not compile", name)
            continue
        compiled += 1
    logger.info(
        "compiled %d templates in %.0f ms", compiled, (time.perf_counter() - started) * 1000
    )
    return compiled
