"""What the server's master process does once before it forks its workers, so that each
worker starts ready instead of paying for it on its users' first requests:

- every template compiled (about a second of CPU per worker, spread over the first pages a
  user opens, and memory the workers share until they write to it);
- the objects alive by then (Django, the apps, the compiled templates: some 300,000) moved
  out of the garbage collector's reach with ``gc.freeze()``. A full collection scans every
  tracked object; in a worker that held them it took 180-300 ms, every few requests once
  pages left objects behind in the caches: the API lists' tail latency;
- the collector's thresholds raised (``GC_THRESHOLDS``).
"""

from __future__ import annotations

import gc
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


# The collector's thresholds in the workers (Python's are 700, 10, 10). A page of the
# national register allocates hundreds of thousands of objects, so with Python's the
# youngest generation was collected hundreds of times a request and the whole heap every
# few requests (150-300 ms each: the API lists' p95 was about 150 ms against a p50 of 45).
# Collected every 10,000 allocations, and the older generations less often, the p95 fell
# to about 60 ms in benchmarks/pages.py; the garbage waiting meanwhile is a few megabytes.
GC_THRESHOLDS = (10_000, 50, 20)


def prepare() -> None:
    """Compile the templates, then freeze the heap (``freeze_heap``)."""
    compile_templates()
    freeze_heap()


def freeze_heap() -> None:
    """Collect what is garbage and freeze the rest: what the workers fork with is never
    scanned by their collections (nor copied by them). The workers inherit the collector's
    thresholds set here. For the process that forks: it changes the collector for good."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    logger.info("froze %d objects before forking the workers", gc.get_freeze_count())
