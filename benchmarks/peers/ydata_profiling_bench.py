"""ydata-profiling in minimal mode on the benchmark frame, then the combined table.

Runs in its own environment (``nox -s bench_ydata``, notified by ``nox -s
bench``): ydata-profiling caps pandas and numpy below what mlkit runs on, so
mlkit is not installed here. The frame is read from the Parquet file that
``benchmarks/run.py`` wrote, so both tools see identical data (checked with a
content fingerprint).

What is timed, each after a warm-up on a 2,000-row slice (numba compilation
and lazy imports are not counted; mlkit's timing does the same):

- ``computation``: ``ProfileReport(df, minimal=True, progress_bar=False)``
  then ``.get_description()``, which computes every statistic of the report
  without rendering or serialising it: the like-for-like counterpart of
  mlkit's ``Profiler().profile(df)``.
- ``to_json``: a fresh ``ProfileReport(df, minimal=True,
  progress_bar=False).to_json()``, computation plus JSON serialisation (the
  end-to-end figure; set against mlkit's ``profile`` plus ``Profile.to_json``).

Both speed-ups are checked against the goal (mlkit at least 25x faster) and
reported side by side.

Memory is the growth of the process's peak resident size during each timed
call (tracemalloc is not used: it would slow ydata-profiling several-fold).

This script never fails the session: when ydata-profiling cannot be imported
or fails, it says so, records the reason in the JSON and exits 0.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd
from _common import (
    BENCH_DIR,
    GOAL_YDATA_SPEEDUP,
    add_frame_options,
    fmt_bytes,
    fmt_ratio,
    fmt_seconds,
    format_table,
    frame_bytes,
    frame_fingerprint,
    frame_path,
    machine_info,
    read_json,
    result_path,
    rows_from,
    rss_growth,
    string_storage,
    verdict,
    write_json,
)
from _frames import mixed_frame

WARM_UP_ROWS = 2_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The frame options shared with ``run.py``; its other options are ignored."""
    parser = argparse.ArgumentParser(description="Benchmark ydata-profiling minimal mode.")
    add_frame_options(parser)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed get_description() runs (default 3); to_json() runs once",
    )
    args, _ = parser.parse_known_args(argv)
    args.repeat = max(1, args.repeat)
    return args


def load_frame(n_rows: int, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame from ``run.py``'s Parquet file, or rebuilt from the seed if it is missing."""
    path = frame_path(n_rows, seed)
    started = time.perf_counter()
    if path.exists():
        df, source = pd.read_parquet(path), str(path.relative_to(BENCH_DIR.parent))
    else:
        print(f"{path} is missing (run benchmarks/run.py first); rebuilding from the seed.")
        df, source = mixed_frame(n_rows, seed=seed), "rebuilt with _frames.mixed_frame"
    return df, {
        "rows": len(df),
        "columns": df.shape[1],
        "seed": seed,
        "source": source,
        "load_s": time.perf_counter() - started,
        "memory_bytes": frame_bytes(df),
        "string_storage": string_storage(df),
        "fingerprint": frame_fingerprint(df),
    }


def _timed_with_rss(call: Callable[[], object]) -> tuple[float, dict[str, Any]]:
    """Seconds of ``call()`` and the peak RSS growth it caused."""
    with rss_growth() as rss:
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
    return elapsed, rss


def profile_with_ydata(df: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """Time ydata-profiling minimal mode: ``repeat`` computations, then one ``to_json``."""
    try:
        from ydata_profiling import ProfileReport
    except Exception as error:  # noqa: BLE001 - any import failure is a result to record
        return {"status": "unavailable", "reason": f"import ydata_profiling failed: {error!r}"}

    def report(frame: pd.DataFrame) -> Any:
        return ProfileReport(frame, minimal=True, progress_bar=False)

    runs: list[float] = []
    rss: dict[str, Any] = {}
    try:
        report(df.head(WARM_UP_ROWS)).to_json()
        for run in range(repeat):
            print(f"ydata-profiling minimal get_description(), run {run + 1} of {repeat} ...")
            seconds, run_rss = _timed_with_rss(lambda: report(df).get_description())
            runs.append(seconds)
            rss = rss or run_rss
        print("ydata-profiling minimal to_json() ...", flush=True)
        json_seconds, json_rss = _timed_with_rss(lambda: report(df).to_json())
    except Exception as error:  # noqa: BLE001 - a crash of the peer is a result to record
        traceback.print_exc()
        return {"status": "failed", "reason": f"ydata-profiling raised {error!r}", "runs_s": runs}
    return {
        "status": "ok",
        "computation": {
            "method": "ProfileReport(df, minimal=True, progress_bar=False).get_description()",
            "runs_s": runs,
            "best_s": min(runs),
            "median_s": statistics.median(runs),
            "rss": rss,
        },
        "to_json": {
            "method": "ProfileReport(df, minimal=True, progress_bar=False).to_json()",
            "seconds": json_seconds,
            "rss": json_rss,
        },
    }


def compare(mlkit: dict[str, Any] | None, ydata: dict[str, Any]) -> dict[str, Any]:
    """How many times faster mlkit is, for the computation and end to end to JSON text."""
    if mlkit is None or "profiler_time" not in mlkit:
        return {"status": "not compared", "reason": "no mlkit timing for this frame size"}
    profiling = ydata["profiling"]
    if profiling["status"] != "ok":
        return {"status": "not compared", "reason": profiling["reason"]}
    timing = mlkit["profiler_time"]
    mlkit_compute = timing["mlkit"]["median_s"]
    mlkit_json = mlkit_compute + timing["to_json"]["median_s"]
    compute = profiling["computation"]["median_s"] / mlkit_compute
    end_to_end = profiling["to_json"]["seconds"] / mlkit_json
    return {
        "status": "ok",
        "same_frame": mlkit["frame"]["fingerprint"] == ydata["frame"]["fingerprint"],
        "goal": f">= {GOAL_YDATA_SPEEDUP:g}x",
        "computation": {
            "mlkit_s": mlkit_compute,
            "ydata_s": profiling["computation"]["median_s"],
            "speedup": compute,
            "passed": compute >= GOAL_YDATA_SPEEDUP,
        },
        "to_json": {
            "mlkit_s": mlkit_json,
            "ydata_s": profiling["to_json"]["seconds"],
            "speedup": end_to_end,
            "passed": end_to_end >= GOAL_YDATA_SPEEDUP,
        },
    }


def goals_table(mlkit: dict[str, Any] | None) -> str:
    """mlkit's own goals as recorded by ``run.py``."""
    goals = (mlkit or {}).get("goals", [])
    if not goals:
        return "No mlkit results for this frame size: run benchmarks/run.py first."
    rows = [
        [
            goal["goal"],
            "n/a" if goal["value"] is None else f"{goal['value']:.3f}",
            goal["limit"],
            verdict(goal["passed"]),
        ]
        for goal in goals
    ]
    return format_table(["mlkit goal", "measured", "limit", "verdict"], rows)


def peer_table(mlkit: dict[str, Any] | None, ydata: dict[str, Any]) -> str:
    """mlkit against ydata-profiling minimal: time, memory and the frames themselves."""
    comparison = ydata["comparison"]
    if mlkit is None or comparison["status"] != "ok":
        return f"mlkit vs ydata-profiling: not compared ({comparison['reason']})."
    rows = []
    for key, label in [
        ("computation", "profile() vs get_description(), medians"),
        ("to_json", "profile()+to_json() vs to_json()"),
    ]:
        entry = comparison[key]
        rows.append(
            [
                label,
                fmt_seconds(entry["mlkit_s"]),
                fmt_seconds(entry["ydata_s"]),
                fmt_ratio(entry["speedup"]),
                comparison["goal"],
                verdict(entry["passed"]),
            ]
        )
    mlkit_rss = (mlkit.get("profiler_memory") or {}).get("rss", {}).get("growth_bytes")
    profiling = ydata["profiling"]
    for key, label in [
        ("computation", "peak RSS growth, computation"),
        ("to_json", "... to_json"),
    ]:
        ydata_rss = profiling[key]["rss"].get("growth_bytes")
        ratio = None if not mlkit_rss or ydata_rss is None else ydata_rss / mlkit_rss
        shown = fmt_bytes(mlkit_rss) if key == "computation" else ""
        rows.append([label, shown, fmt_bytes(ydata_rss), fmt_ratio(ratio), "", ""])
    rows.append(
        [
            "frame in memory (own env)",
            f"{fmt_bytes(mlkit['frame']['memory_bytes'])} ({mlkit['frame']['string_storage']})",
            f"{fmt_bytes(ydata['frame']['memory_bytes'])} ({ydata['frame']['string_storage']})",
            "",
            "",
            "",
        ]
    )
    header = ["mlkit vs ydata-profiling minimal", "mlkit", "ydata", "ydata/mlkit", "goal", ""]
    note = "" if comparison["same_frame"] else "\nWARNING: the two frames' fingerprints differ."
    return format_table(header, rows) + note


def main(argv: list[str] | None = None) -> int:
    """Measure, record, print the combined tables; exit 0 whatever ydata-profiling did."""
    args = parse_args(argv)
    n_rows = rows_from(args)
    print(f"Loading the {n_rows:,}-row frame ...", flush=True)
    df, frame = load_frame(n_rows, args.seed)
    results: dict[str, Any] = {
        "kind": "ydata_profiling",
        "command": shlex.join(
            ["python", "benchmarks/peers/ydata_profiling_bench.py", *sys.argv[1:]]
        ),
        "machine": machine_info(),
        "frame": frame,
        "profiling": profile_with_ydata(df, args.repeat),
    }
    mlkit = read_json(result_path("mlkit", n_rows))
    results["comparison"] = compare(mlkit, results)
    write_json(result_path("ydata_profiling", n_rows), results)

    profiling = results["profiling"]
    if profiling["status"] != "ok":
        print(f"\nydata-profiling was NOT measured ({profiling['status']}): {profiling['reason']}")
    title = f"Benchmarks on the {n_rows:,}-row frame"
    summary = f"{title}\n\n{goals_table(mlkit)}\n\n{peer_table(mlkit, results)}\n"
    print()
    print(summary)
    path = result_path("summary", n_rows).with_suffix(".md")
    path.write_text(summary)
    shown = [
        p.relative_to(BENCH_DIR.parent) for p in (result_path("ydata_profiling", n_rows), path)
    ]
    print(f"Results written to {shown[0]} and {shown[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
