"""Wall time of ``mlkit.Profiler().profile(df)`` against pandas' own basic statistics.

The baseline is what pandas needs for the statistics every profile starts
with: ``df.describe(include="all")``, ``df.isna().sum()`` and ``df.nunique()``.
Both run in this process on the same frame, interleaved, after one warm-up
call each on a small slice (lazy imports are not profiling time).

``Profile.to_json()`` of the last profile is timed too, so that an end-to-end
"profile to JSON text" figure can be set against ydata-profiling's
``to_json()``.
"""

from __future__ import annotations

import functools
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

import mlkit

BASELINE_PARTS: dict[str, Callable[[pd.DataFrame], object]] = {
    'describe(include="all")': lambda df: df.describe(include="all"),
    "isna().sum()": lambda df: df.isna().sum(),
    "nunique()": lambda df: df.nunique(),
}


def _timed(call: Callable[[], object]) -> float:
    """Seconds taken by one ``call()``, with garbage collected beforehand."""
    gc.collect()
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _summary(seconds: list[float]) -> dict[str, Any]:
    return {"runs_s": seconds, "best_s": min(seconds), "median_s": statistics.median(seconds)}


def measure(df: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """Time ``repeat`` mlkit profiles and ``repeat`` pandas baselines, interleaved."""
    profiler = mlkit.Profiler()
    warm = df.head(2_000)
    profiler.profile(warm)
    for part in BASELINE_PARTS.values():
        part(warm)

    mlkit_runs: list[float] = []
    part_runs: dict[str, list[float]] = {name: [] for name in BASELINE_PARTS}
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        profile = profiler.profile(df)
        mlkit_runs.append(time.perf_counter() - started)
        for name, part in BASELINE_PARTS.items():
            part_runs[name].append(_timed(functools.partial(part, df)))
    pandas_runs = [sum(parts) for parts in zip(*part_runs.values(), strict=True)]
    json_runs = [_timed(profile.to_json) for _ in range(repeat)]

    mlkit_time, pandas_time = _summary(mlkit_runs), _summary(pandas_runs)
    return {
        "repeat": repeat,
        "mlkit": mlkit_time,
        "pandas": pandas_time,
        "pandas_parts_median_s": {
            name: statistics.median(runs) for name, runs in part_runs.items()
        },
        "to_json": {**_summary(json_runs), "chars": len(profile.to_json())},
        "ratio_best": mlkit_time["best_s"] / pandas_time["best_s"],
        "ratio_median": mlkit_time["median_s"] / pandas_time["median_s"],
    }
