"""Helper of benchmarks/similarity.py: load a saved index in a fresh process (as a worker
would) and report load time, query times and memory."""

from __future__ import annotations

import statistics
import time


def _memory() -> dict[str, float]:
    out = {}
    with open("/proc/self/smaps_rollup") as fh:
        for line in fh:
            name, _sep, rest = line.partition(":")
            if name in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                out[name] = int(rest.split()[0]) / 1024
    return out


def probe(path: str, queries: list[str]) -> dict[str, float]:
    import numpy  # noqa: F401  (counted in the base, as in a worker)

    from nytte.similarity import persist

    base = _memory()["Rss"]
    t0 = time.perf_counter()
    loaded = persist.load(path)
    load_ms = (time.perf_counter() - t0) * 1000
    assert loaded is not None
    index, _extra = loaded
    t0 = time.perf_counter()
    index.query(queries[0], 10)
    first_ms = (time.perf_counter() - t0) * 1000
    times = []
    for q in queries:
        t0 = time.perf_counter()
        index.query(q, 10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "load_ms": load_ms,
        "first_ms": first_ms,
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "base_rss": base,
        **_memory(),
    }
