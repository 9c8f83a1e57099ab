"""Memory of ``mlkit.Profiler().profile(df)``, measured in a fresh process.

``run.py`` starts this script as a subprocess so that neither the timing pass
nor the frame building of the parent distorts the figures. It prints one JSON
object on its last line of stdout. Three views of "extra memory while
profiling" are taken, each in its own ``profile`` call after a warm-up:

- ``tracemalloc``: peak of Python and numpy allocations (numpy reports its data
  buffers to tracemalloc) above what existed when tracing started;
- ``arrow``: peak bytes held by pyarrow's memory pool during the call (pyarrow
  allocations, e.g. pandas' ``str`` columns and their results, are invisible to
  tracemalloc), counted with a proxy pool installed for the call;
- ``rss``: growth of the process's peak resident set size (``VmHWM``) over the
  resident size just before the call, after freed memory was returned to the OS.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pandas as pd
from _common import add_frame_options, frame_bytes, rows_from, rss_growth
from _frames import mixed_frame

import mlkit

# Proxy pools must outlive every buffer allocated through them; the process ends
# with os._exit, so they are never torn down before those buffers.
_POOLS: list[Any] = []


@contextlib.contextmanager
def arrow_pool_peak() -> Iterator[dict[str, Any]]:
    """Count pyarrow allocations made in the ``with`` body with a fresh proxy pool.

    Yields a dict filled on exit with ``peak_bytes`` (the most the body held at
    once) and ``retained_bytes`` (still held at the end, e.g. by the result), or
    with ``available: False`` when pyarrow is not installed.
    """
    try:
        import pyarrow as pa
    except ImportError:
        yield {"available": False}
        return
    previous = pa.default_memory_pool()
    proxy = pa.proxy_memory_pool(previous)
    _POOLS.append(proxy)
    pa.set_memory_pool(proxy)
    record: dict[str, Any] = {"available": True, "backend": previous.backend_name}
    try:
        yield record
    finally:
        record["peak_bytes"] = int(proxy.max_memory())
        record["retained_bytes"] = int(proxy.bytes_allocated())
        pa.set_memory_pool(previous)


def measure(df: pd.DataFrame) -> dict[str, Any]:
    """Run the warm-up and the three measured passes; return their figures."""
    profiler = mlkit.Profiler()
    # Warm-up: lazy imports and first-call caches are not part of profiling memory.
    profiler.profile(df.head(2_000))

    with rss_growth() as rss, arrow_pool_peak() as arrow_in_rss_pass:
        started = time.perf_counter()
        profile = profiler.profile(df)
        rss["seconds"] = time.perf_counter() - started
    del profile

    gc.collect()
    with arrow_pool_peak() as arrow:
        tracemalloc.start()
        started = time.perf_counter()
        profile = profiler.profile(df)
        elapsed = time.perf_counter() - started
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del profile
    return {
        "tracemalloc": {
            "peak_bytes": peak,
            "retained_bytes": current,
            "seconds_with_tracing": elapsed,
        },
        "arrow": arrow,
        "arrow_in_rss_pass": arrow_in_rss_pass,
        "rss": rss,
    }


def main(argv: list[str] | None = None) -> None:
    """Build the frame, measure, print the JSON record and exit at once."""
    parser = argparse.ArgumentParser(description=__doc__)
    add_frame_options(parser)
    parser.add_argument("--string-storage", choices=["python", "pyarrow"], default=None)
    args = parser.parse_args(argv)
    if args.string_storage:
        pd.set_option("mode.string_storage", args.string_storage)
    df = mixed_frame(rows_from(args), seed=args.seed)
    record = {"frame_bytes": frame_bytes(df), **measure(df)}
    print(json.dumps(record))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
