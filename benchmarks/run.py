"""Run mlkit's benchmarks against their baselines; print a table and write JSON.

Usage (``nox -s bench`` runs this, then the ydata-profiling peer)::

    python benchmarks/run.py                 # 1,000,000 rows
    python benchmarks/run.py --quick         # 100,000 rows, fewer import runs
    python benchmarks/run.py --rows 250000 --repeat 5

Benchmarks (goals from the issue "Foundation + Profiler"):

- profiler time: ``Profiler().profile(df)`` against pandas'
  ``describe(include="all")`` + ``isna().sum()`` + ``nunique()``; at most 3x;
- profiler memory: extra memory while profiling over the frame's own size;
  at most 2x (measured in a subprocess, see ``_profiler_memory.py``);
- import time: ``import mlkit`` minus ``import sklearn``; at most 0.3 s.

Benchmarks (goals from the issue "Cleaner + FeatureBuilder"):

- transform time: ``make_pipeline(Cleaner(), FeatureBuilder())`` against a
  hand-written scikit-learn ``ColumnTransformer`` doing the same work (see
  ``_transform_time.py``); ``fit_transform`` at most 2x, ``transform`` at
  most 1.5x.

The frame is also written to ``benchmarks/.data/`` as Parquet so that the
ydata-profiling peer, in its own environment, reads the very same data.
Results go to ``benchmarks/.results/mlkit-<rows>.json``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _import_time
import _profiler_time
import _transform_time
import pandas as pd
from _common import (
    BENCH_DIR,
    GOAL_IMPORT_EXTRA_S,
    GOAL_MEMORY_RATIO,
    GOAL_TIME_RATIO,
    add_frame_options,
    fmt_bytes,
    fmt_ratio,
    fmt_seconds,
    format_table,
    frame_bytes,
    frame_fingerprint,
    frame_path,
    machine_info,
    result_path,
    rows_from,
    string_storage,
    verdict,
    write_json,
)
from _frames import mixed_frame
from _transform_time import GOAL_FIT_RATIO, GOAL_TRANSFORM_RATIO

BENCHMARKS = ("time", "memory", "import", "transform")
TRANSFORM_CALLS = {"fit": "fit_transform", "transform": "transform"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of ``run.py``."""
    parser = argparse.ArgumentParser(
        description="Benchmark mlkit against named baselines.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_frame_options(parser)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side")
    parser.add_argument(
        "--import-runs",
        type=int,
        default=None,
        help="fresh interpreters per import statement (default 7, 5 with --quick)",
    )
    parser.add_argument(
        "--string-storage",
        choices=["python", "pyarrow"],
        default=None,
        help="pandas string storage for the frame's text columns (default: pandas' own)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=BENCHMARKS,
        default=[],
        help="leave out a benchmark (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.import_runs is None:
        args.import_runs = 5 if args.quick else 7
    if args.import_runs < 5:
        parser.error("--import-runs must be at least 5 (the goal is judged on a median)")
    return args


def build_frame(n_rows: int, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The benchmark frame and a description of it."""
    started = time.perf_counter()
    df = mixed_frame(n_rows, seed=seed)
    build_s = time.perf_counter() - started
    return df, {
        "rows": n_rows,
        "columns": df.shape[1],
        "seed": seed,
        "memory_bytes": frame_bytes(df),
        "string_storage": string_storage(df),
        "fingerprint": frame_fingerprint(df),
        "build_s": build_s,
    }


def write_parquet(df: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write the frame for the peers (atomically); report where and how big."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    try:
        df.to_parquet(tmp, index=False)
    except ImportError as error:
        return {"path": None, "error": f"cannot write Parquet: {error}"}
    tmp.replace(path)
    return {"path": str(path.relative_to(BENCH_DIR.parent)), "bytes": path.stat().st_size}


def run_memory_probe(args: argparse.Namespace, n_rows: int) -> dict[str, Any]:
    """Run ``_profiler_memory.py`` in a fresh interpreter and return its record."""
    command = [
        sys.executable,
        str(BENCH_DIR / "_profiler_memory.py"),
        "--rows",
        str(n_rows),
        "--seed",
        str(args.seed),
    ]
    if args.string_storage:
        command += ["--string-storage", args.string_storage]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": f"memory probe failed ({done.returncode}): {done.stderr[-2000:]}"}
    record: dict[str, Any] = json.loads(lines[-1])
    return record


def memory_ratios(memory: dict[str, Any]) -> dict[str, float | None]:
    """Extra memory while profiling, as multiples of the frame's own size.

    ``allocated`` adds the tracemalloc peak and the pyarrow pool peak; the two
    peaks need not coincide, so the sum is an upper bound of allocations held
    at once. ``rss`` is the growth of the process's peak resident size.
    """
    size = memory["frame_bytes"]
    traced = memory["tracemalloc"]["peak_bytes"]
    arrow = memory["arrow"].get("peak_bytes", 0)
    growth = memory["rss"].get("growth_bytes")
    return {
        "tracemalloc": traced / size,
        "allocated": (traced + arrow) / size,
        "rss": None if growth is None else growth / size,
    }


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal of the issue with its measured value and verdict."""
    goals: list[dict[str, Any]] = []
    timing = results.get("profiler_time")
    if timing:
        goals.append(
            {
                "goal": "profile time / pandas describe+isna+nunique (median of runs)",
                "value": timing["ratio_median"],
                "limit": f"<= {GOAL_TIME_RATIO}",
                "passed": timing["ratio_median"] <= GOAL_TIME_RATIO,
            }
        )
    memory = results.get("profiler_memory")
    if memory and "error" not in memory:
        ratios = memory["ratios"]
        for key, label in [
            ("allocated", "extra allocations (tracemalloc + pyarrow) / frame size"),
            ("rss", "peak RSS growth / frame size"),
        ]:
            value = ratios[key]
            goals.append(
                {
                    "goal": label,
                    "value": value,
                    "limit": f"<= {GOAL_MEMORY_RATIO}",
                    "passed": None if value is None else value <= GOAL_MEMORY_RATIO,
                }
            )
    transform = results.get("transform_time")
    if transform:
        for call, limit in [("fit", GOAL_FIT_RATIO), ("transform", GOAL_TRANSFORM_RATIO)]:
            ratio = transform[f"{call}_ratio_median"]
            goals.append(
                {
                    "goal": f"Cleaner+FeatureBuilder {TRANSFORM_CALLS[call]} / scikit-learn "
                    "ColumnTransformer (median of runs)",
                    "value": ratio,
                    "limit": f"<= {limit}",
                    "passed": ratio <= limit,
                }
            )
    imports = results.get("import_time")
    if imports:
        extra = imports["mlkit_minus_sklearn_s"]
        goals.append(
            {
                "goal": "import mlkit - import sklearn (s)",
                "value": extra,
                "limit": f"<= {GOAL_IMPORT_EXTRA_S}",
                "passed": extra <= GOAL_IMPORT_EXTRA_S,
            }
        )
    return goals


def transform_rows(transform: dict[str, Any] | None) -> list[list[str]]:
    """Table rows of the Cleaner + FeatureBuilder benchmark (none when it was skipped)."""
    if not transform:
        return []
    rows: list[list[str]] = []
    mlkit, baseline = transform["mlkit"], transform["baseline"]
    for call, limit in [("fit", GOAL_FIT_RATIO), ("transform", GOAL_TRANSFORM_RATIO)]:
        for stat in ("median_s", "best_s"):
            ratio = mlkit[call][stat] / baseline[call][stat]
            rows.append(
                [
                    f"{TRANSFORM_CALLS[call]}, {stat.removesuffix('_s')} of {transform['repeat']}",
                    fmt_seconds(mlkit[call][stat]),
                    f"sklearn {fmt_seconds(baseline[call][stat])}",
                    fmt_ratio(ratio),
                    f"<= {limit:g}x",
                    verdict(ratio <= limit),
                ]
            )
        ours = mlkit[call]["rss_growth_median_bytes"]
        theirs = baseline[call]["rss_growth_median_bytes"]
        rows.append(
            [
                f"{TRANSFORM_CALLS[call]} peak RSS growth, median (context)",
                fmt_bytes(ours),
                f"sklearn {fmt_bytes(theirs)}",
                fmt_ratio(None if ours is None or not theirs else ours / theirs),
                "",
                "",
            ]
        )
    same = transform["equivalence"]
    diffs = [d for per_call in same["max_abs_diff"].values() for d in per_call.values()]
    rows.append(
        [
            "outputs: columns, same names, largest |difference| (context)",
            f"{same['n_columns']['mlkit']} columns",
            f"sklearn {same['n_columns']['baseline']} columns",
            "names " + ("equal" if same["same_names"] else "DIFFER"),
            f"{max(diffs):.1e}" if diffs else "not compared",
            "",
        ]
    )
    return rows


def report(results: dict[str, Any]) -> str:
    """The human-readable table of figures."""
    rows: list[list[str]] = []
    frame = results["frame"]
    timing = results.get("profiler_time")
    if timing:
        for stat in ("median_s", "best_s"):
            ratio = timing["mlkit"][stat] / timing["pandas"][stat]
            rows.append(
                [
                    f"profile time, {stat.removesuffix('_s')} of {timing['repeat']}",
                    fmt_seconds(timing["mlkit"][stat]),
                    f"pandas {fmt_seconds(timing['pandas'][stat])}",
                    fmt_ratio(ratio),
                    f"<= {GOAL_TIME_RATIO:g}x",
                    verdict(ratio <= GOAL_TIME_RATIO),
                ]
            )
        to_json = timing["to_json"]
        rows.append(
            [
                "Profile.to_json(), median (context)",
                fmt_seconds(to_json["median_s"]),
                f"{to_json['chars']:,} chars",
                "",
                "",
                "",
            ]
        )
    rows += transform_rows(results.get("transform_time"))
    memory = results.get("profiler_memory")
    if memory and "error" not in memory:
        size = f"frame {fmt_bytes(memory['frame_bytes'])}"
        traced = memory["tracemalloc"]["peak_bytes"]
        arrow = memory["arrow"].get("peak_bytes", 0)
        growth = memory["rss"].get("growth_bytes")
        for label, value, ratio in [
            ("profile tracemalloc peak", traced, memory["ratios"]["tracemalloc"]),
            ("+ pyarrow pool peak", traced + arrow, memory["ratios"]["allocated"]),
            ("profile peak RSS growth", growth, memory["ratios"]["rss"]),
        ]:
            passed = None if ratio is None else ratio <= GOAL_MEMORY_RATIO
            rows.append(
                [
                    label,
                    fmt_bytes(value),
                    size,
                    fmt_ratio(ratio),
                    f"<= {GOAL_MEMORY_RATIO:g}x",
                    verdict(passed),
                ]
            )
    elif memory:
        rows.append(["profile memory", "failed", "", "", "", "n/a"])
    imports = results.get("import_time")
    if imports:
        net = imports["net_s"]
        extra = imports["mlkit_minus_sklearn_s"]
        rows.append(
            [
                f"import (median of {imports['runs']}, net of start-up)",
                f"mlkit {fmt_seconds(net['mlkit'])}",
                f"sklearn {fmt_seconds(net['sklearn'])}",
                f"+{extra:.3f} s",
                f"<= +{GOAL_IMPORT_EXTRA_S:g} s",
                verdict(extra <= GOAL_IMPORT_EXTRA_S),
            ]
        )
        rows.append(
            [
                "import pandas, sklearn (context)",
                "",
                fmt_seconds(net["pandas+sklearn"]),
                "",
                "",
                "",
            ]
        )
    title = (
        f"mlkit benchmarks: {frame['rows']:,} rows x {frame['columns']} columns, "
        f"{fmt_bytes(frame['memory_bytes'])} in memory, strings: {frame['string_storage']}"
    )
    header = ["benchmark", "mlkit", "baseline", "ratio", "goal", "verdict"]
    return f"{title}\n\n{format_table(header, rows)}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks that were not skipped; always write what was measured."""
    args = parse_args(argv)
    if args.string_storage:
        pd.set_option("mode.string_storage", args.string_storage)
    n_rows = rows_from(args)
    results: dict[str, Any] = {
        "kind": "mlkit",
        "command": shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "machine": machine_info(),
    }
    print(f"Building the {n_rows:,}-row frame ...", flush=True)
    df, results["frame"] = build_frame(n_rows, args.seed)
    results["frame"]["parquet"] = write_parquet(df, frame_path(n_rows, args.seed))

    if "time" not in args.skip:
        print(f"Timing profile and the pandas baseline ({args.repeat} runs) ...", flush=True)
        results["profiler_time"] = _profiler_time.measure(df, args.repeat)
    if "transform" not in args.skip:
        print(
            f"Timing Cleaner + FeatureBuilder and the scikit-learn baseline ({args.repeat} runs)"
            " ...",
            flush=True,
        )
        results["transform_time"] = _transform_time.measure(df, args.repeat, seed=args.seed)
    del df
    if "memory" not in args.skip:
        print("Measuring profile memory in a fresh process ...", flush=True)
        memory = run_memory_probe(args, n_rows)
        if "error" not in memory:
            memory["ratios"] = memory_ratios(memory)
        results["profiler_memory"] = memory
    if "import" not in args.skip:
        print(f"Timing imports ({args.import_runs} fresh interpreters each) ...", flush=True)
        results["import_time"] = _import_time.measure(args.import_runs)

    results["goals"] = evaluate(results)
    # A non-default string storage is a variant: it must not replace the figures
    # that the ydata-profiling peer compares against.
    path = result_path("mlkit", n_rows, args.string_storage and f"{args.string_storage}-strings")
    write_json(path, results)
    print()
    print(report(results))
    print(f"\nResults written to {path.relative_to(BENCH_DIR.parent)}")
    memory = results.get("profiler_memory", {})
    if "error" in memory:
        # Reported, not fatal: the ydata-profiling peer still runs after this script.
        print(f"\nThe memory benchmark FAILED: {memory['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
