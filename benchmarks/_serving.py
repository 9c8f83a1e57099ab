"""Serving overhead of a packaged model: ``mlkit.load`` and ``Model`` against the bare pipeline.

Usage (``nox -s bench_serving`` runs this)::

    python benchmarks/_serving.py              # 100,000 rows, 2,000 single-row calls (minutes)
    python benchmarks/_serving.py --quick      # 20,000 rows, 300 calls: a fast check
    python benchmarks/_serving.py --threads 1  # OpenMP and BLAS limited to one thread

Goals from the issue "artifact", each a ratio against a baseline measured in
this run, on the same fitted pipeline::

    make_pipeline(mlkit.Cleaner(), mlkit.FeatureBuilder(),
                  HistGradientBoostingClassifier(random_state=0))

trained on ``mlkit.datasets.make_churn(rows, random_state=seed)`` (target
``churned``), packaged with ``Packager(name="bench", version="1.0.0")`` and
loaded with ``mlkit.load``:

- single row: ``model.predict(row)`` against ``pipeline.predict(row)`` on the
  same one-row frames ``X.iloc[[i]]``, ``--calls`` timed calls each,
  interleaved in blocks of ``--block`` calls (the order of the sides
  alternates from block to block), after a warm-up; median overhead
  (model / bare - 1) at most +20 %; p99 is reported;
- batch: ``model.predict(X)`` against ``pipeline.predict(X)`` on all rows,
  ``--repeat`` runs each, interleaved; median overhead at most +5 %;
- load: ``mlkit.load(path)`` against ``skops.io.load`` of the same pipeline
  saved with ``skops.io.dump`` (trusting exactly the types
  ``skops.io.get_untrusted_types`` names), and ``joblib.load`` of a
  ``joblib.dump`` for context; ``--loads`` runs each, interleaved; mlkit at
  most 1.2x skops (mlkit also reads and checks its manifest, member hashes,
  runtime versions and data contract).

For context: the time of ``Packager.package`` on the training rows, the size
of the artifact (and of the bare skops and joblib files), and the single-row
median of ``Model.validate`` (full pandera validation), timed in the same
interleaved blocks as the predictions.

Threads: by default nothing is limited, so HistGradientBoosting uses OpenMP
with one thread per core (2 on the benchmark machine) on both sides;
``--threads N`` limits OpenMP and BLAS to ``N`` threads with threadpoolctl for
the whole run. The thread pools in effect and any ``OMP_*``/``OPENBLAS_*``/
``MKL_*`` variables are recorded. ``--profile`` adds, after the measurements,
cProfile call trees of single-row ``model.predict`` (down through mlkit's
wrapper, not into the pipeline) and of ``mlkit.load``.

Results go to ``benchmarks/.results/serving-<rows>.json`` (``-threads<N>`` and
``-seed<S>`` appended when given).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import os
import pstats
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import (
    BENCH_DIR,
    RESULTS_DIR,
    fmt_bytes,
    fmt_ratio,
    format_table,
    machine_info,
    verdict,
    write_json,
)

DEFAULT_ROWS = 100_000
QUICK_ROWS = 20_000
DEFAULT_CALLS = 2_000
QUICK_CALLS = 300
DEFAULT_BLOCK = 50
DEFAULT_REPEAT = 15
QUICK_REPEAT = 3
DEFAULT_LOADS = 15
QUICK_LOADS = 5
ROW_POOL = 64  # distinct one-row frames the single-row calls cycle through
WARM_ROWS = 2_000  # rows of the untimed warm-up package (lazy imports are not packaging time)
PROFILE_CALLS = 500  # single-row calls profiled by --profile, at most
PROFILE_DEPTH = 4  # levels of the wrapper's call tree listed by --profile
PROFILE_MIN_MS = 0.01  # call edges cheaper than this per predict are left out

# Goals of the issue "artifact"; ratios mlkit / baseline in one run.
GOAL_SINGLE_OVERHEAD = 0.20  # single-row model.predict / pipeline.predict - 1, median, at most
GOAL_BATCH_OVERHEAD = 0.05  # batch model.predict / pipeline.predict - 1, median, at most
GOAL_LOAD_RATIO = 1.2  # mlkit.load / skops.io.load, median, at most

TARGET = "churned"
# Files of the Model wrapper (everything model.predict does around pipeline.predict).
WRAPPER_FILES = ("_model.py", "_input_contract.py", "_frame_checks.py", "_contract.py")


# ----------------------------------------------------------------------------- options


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of this script."""
    parser = argparse.ArgumentParser(
        description="Serving overhead of mlkit.load and Model against the bare pipeline.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--rows", type=int, default=None, help=f"training rows (default {DEFAULT_ROWS:,})"
    )
    size.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_ROWS:,} rows, {QUICK_CALLS} single-row calls, {QUICK_REPEAT} batch runs, "
        f"{QUICK_LOADS} loads",
    )
    parser.add_argument(
        "--calls",
        type=int,
        default=None,
        help=f"timed single-row calls per side (default {DEFAULT_CALLS:,})",
    )
    parser.add_argument(
        "--block",
        type=int,
        default=DEFAULT_BLOCK,
        help=f"single-row calls per interleaved block (default {DEFAULT_BLOCK})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"timed batch runs per side (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--loads", type=int, default=None, help=f"timed loads per side (default {DEFAULT_LOADS})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit OpenMP and BLAS to this many threads (default: not limited)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the data and the model (default 0)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, cProfile single-row model.predict and mlkit.load",
    )
    args = parser.parse_args(argv)
    args.rows = (
        args.rows if args.rows is not None else (QUICK_ROWS if args.quick else DEFAULT_ROWS)
    )
    if args.calls is None:
        args.calls = QUICK_CALLS if args.quick else DEFAULT_CALLS
    if args.repeat is None:
        args.repeat = QUICK_REPEAT if args.quick else DEFAULT_REPEAT
    if args.loads is None:
        args.loads = QUICK_LOADS if args.quick else DEFAULT_LOADS
    if args.rows < 1_000:
        parser.error("--rows must be at least 1,000")
    for name in ("calls", "block", "repeat", "loads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def results_path(args: argparse.Namespace) -> Path:
    """``benchmarks/.results/serving-<rows>[-calls<C>][-threads<N>][-seed<S>].json``.

    ``-calls<C>`` when ``--calls`` is not the size's default (``nox -s bench``'s quick
    run), so that such a run never replaces a full run's file.
    """
    default_calls = QUICK_CALLS if args.quick else DEFAULT_CALLS
    calls = "" if args.calls == default_calls else f"-calls{args.calls}"
    threads = "" if args.threads is None else f"-threads{args.threads}"
    seed = f"-seed{args.seed}" if args.seed else ""
    return RESULTS_DIR / f"serving-{args.rows}{calls}{threads}{seed}.json"


# ----------------------------------------------------------------------------- helpers


def thread_pools() -> list[dict[str, Any]]:
    """The native thread pools in effect (OpenMP, BLAS) as threadpoolctl sees them."""
    from threadpoolctl import threadpool_info

    keys = ("user_api", "internal_api", "prefix", "num_threads", "version")
    return [{key: pool.get(key) for key in keys} for pool in threadpool_info()]


@contextlib.contextmanager
def limited_threads(threads: int | None) -> Iterator[None]:
    """Limit OpenMP and BLAS to ``threads`` threads (nothing when ``None``)."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        yield


def _stats(seconds: Sequence[float]) -> dict[str, Any]:
    values = np.asarray(seconds, dtype=np.float64)
    return {
        "n": len(values),
        "best_s": float(values.min()),
        "median_s": float(np.median(values)),
        "p90_s": float(np.percentile(values, 90)),
        "p99_s": float(np.percentile(values, 99)),
        "mean_s": float(values.mean()),
        "max_s": float(values.max()),
    }


def _load_average() -> float | None:
    with contextlib.suppress(OSError, AttributeError):
        return os.getloadavg()[0]
    return None


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """Result and seconds of one ``call()``, with garbage collected beforehand."""
    gc.collect()
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def fmt_ms(seconds: float | None) -> str:
    """Seconds as ``12.345 ms`` (or ``n/a``)."""
    return "n/a" if seconds is None else f"{seconds * 1e3:.3f} ms"


def fmt_overhead(value: float | None) -> str:
    """``+12.3 %`` (or ``n/a``)."""
    return "n/a" if value is None else f"{value:+.1%}"


# ----------------------------------------------------------------------------- the model


def build(rows: int, seed: int, folder: Path) -> dict[str, Any]:
    """Fit the pipeline, package it, and save it with skops and joblib; time each step."""
    import joblib
    import skops.io as sio
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline

    import mlkit

    df = mlkit.datasets.make_churn(rows, random_state=seed)
    X, y = df.drop(columns=TARGET), df[TARGET]
    pipeline = make_pipeline(
        mlkit.Cleaner(), mlkit.FeatureBuilder(), HistGradientBoostingClassifier(random_state=seed)
    )
    print(f"Fitting the pipeline on {rows:,} rows ...", flush=True)
    _, fit_s = _timed(lambda: pipeline.fit(X, y))
    packager = mlkit.Packager(name="bench", version="1.0.0")
    # Untimed: a package of the first rows, so lazy imports are not packaging time.
    packager.package(pipeline, X.head(WARM_ROWS), y.head(WARM_ROWS), path=folder / "warm.mlkit")
    print("Packaging ...", flush=True)
    artifact, package_s = _timed(lambda: packager.package(pipeline, X, y, path=folder))
    skops_path, joblib_path = folder / "pipeline.skops", folder / "pipeline.joblib"
    _, skops_dump_s = _timed(lambda: sio.dump(pipeline, skops_path))
    _, joblib_dump_s = _timed(lambda: joblib.dump(pipeline, joblib_path))
    trusted = sio.get_untrusted_types(file=skops_path)
    return {
        "X": X,
        "y": y,
        "pipeline": pipeline,
        "artifact_path": artifact.path,
        "skops_path": skops_path,
        "joblib_path": joblib_path,
        "skops_trusted": trusted,
        "record": {
            "rows": rows,
            "columns": X.shape[1],
            "target_mean": float(y.mean()),
            "hgb_iterations": int(pipeline[-1].n_iter_),
            "fit_s": fit_s,
            "package_s": package_s,
            "skops_dump_s": skops_dump_s,
            "joblib_dump_s": joblib_dump_s,
            "artifact_bytes": artifact.path.stat().st_size,
            "skops_bytes": skops_path.stat().st_size,
            "joblib_bytes": joblib_path.stat().st_size,
            "skops_trusted_types": trusted,
        },
    }


# ----------------------------------------------------------------------------- measuring


def measure_single_row(
    model: Any, pipeline: Any, X: pd.DataFrame, *, calls: int, block: int, seed: int
) -> dict[str, Any]:
    """Per-call times of single-row predict on both sides, and of Model.validate, interleaved.

    The calls cycle through ``ROW_POOL`` one-row frames ``X.iloc[[i]]`` built
    beforehand, so every side sees the same rows in the same order. Garbage
    collection stays on (as in a server) but runs before each block.
    """
    picks = np.random.default_rng([seed, 2]).choice(len(X), ROW_POOL, replace=False)
    frames = [X.iloc[[int(i)]] for i in picks]
    sides: dict[str, Callable[[pd.DataFrame], Any]] = {
        "bare": pipeline.predict,
        "model": model.predict,
        "validate": model.validate,
    }
    for frame in frames:  # the same answers, or the comparison is not like for like
        if list(model.predict(frame)) != list(pipeline.predict(frame)):
            raise AssertionError(f"model.predict and pipeline.predict differ on {frame.index}")
    warm = max(100, calls // 10)
    for call in sides.values():
        for k in range(warm):
            call(frames[k % ROW_POOL])
    times: dict[str, list[float]] = {side: [] for side in sides}
    block_ratios: list[float] = []
    load = [_load_average()]
    order = list(sides)
    clock = time.perf_counter
    for start in range(0, calls, block):
        size = min(block, calls - start)
        gc.collect()
        medians = {}
        for side in order:
            call, out = sides[side], times[side]
            for k in range(start, start + size):
                frame = frames[k % ROW_POOL]
                started = clock()
                call(frame)
                out.append(clock() - started)
            medians[side] = statistics.median(out[-size:])
        block_ratios.append(medians["model"] / medians["bare"])
        order.reverse()
    load.append(_load_average())
    result: dict[str, Any] = {
        "calls": calls,
        "block": block,
        "warm_up_calls": warm,
        "row_pool": ROW_POOL,
        "load_average_1m": load,
    }
    for side, seconds in times.items():
        result[side] = _stats(seconds)
    bare, wrapped = result["bare"], result["model"]
    result["overhead_median"] = wrapped["median_s"] / bare["median_s"] - 1
    result["overhead_p99"] = wrapped["p99_s"] / bare["p99_s"] - 1
    result["overhead_best"] = wrapped["best_s"] / bare["best_s"] - 1
    result["overhead_block_median"] = statistics.median(block_ratios) - 1
    result["extra_median_s"] = wrapped["median_s"] - bare["median_s"]
    return result


def measure_batch(model: Any, pipeline: Any, X: pd.DataFrame, *, repeat: int) -> dict[str, Any]:
    """Batch predict on all rows, ``repeat`` runs each side, interleaved."""
    model.predict(X.head(WARM_ROWS))
    pipeline.predict(X.head(WARM_ROWS))
    runs: dict[str, list[float]] = {"bare": [], "model": []}
    calls = {"bare": pipeline.predict, "model": model.predict}
    order = list(calls)
    load = [_load_average()]
    same = True
    for _ in range(repeat):
        outputs = {}
        for side in order:
            outputs[side], seconds = _timed(lambda c=calls[side]: c(X))
            runs[side].append(seconds)
        same = same and np.array_equal(np.asarray(outputs["model"]), outputs["bare"])
        order.reverse()
    load.append(_load_average())
    result: dict[str, Any] = {"repeat": repeat, "rows": len(X), "load_average_1m": load}
    for side, seconds in runs.items():
        result[side] = {"runs_s": seconds} | _stats(seconds)
    result["overhead_median"] = result["model"]["median_s"] / result["bare"]["median_s"] - 1
    result["overhead_best"] = result["model"]["best_s"] / result["bare"]["best_s"] - 1
    # Each model run against the bare run next to it: slow spells of a busy machine hit both.
    paired = np.asarray(runs["model"]) / np.asarray(runs["bare"])
    result["overhead_paired"] = float(np.median(paired)) - 1
    result["same_predictions"] = bool(same)
    return result


def measure_load(built: dict[str, Any], *, loads: int) -> dict[str, Any]:
    """``mlkit.load`` against ``skops.io.load`` and ``joblib.load``, interleaved."""
    import joblib
    import skops.io as sio

    import mlkit

    trusted = built["skops_trusted"]
    calls: dict[str, Callable[[], Any]] = {
        "mlkit": lambda: mlkit.load(built["artifact_path"]),
        "skops": lambda: sio.load(built["skops_path"], trusted=trusted),
        "joblib": lambda: joblib.load(built["joblib_path"]),
    }
    sample = built["X"].head(WARM_ROWS)
    expected = built["pipeline"].predict(sample)
    same = {}
    for side, call in calls.items():  # warm-up, and a check that all three load the same model
        loaded = call()
        predicted = (loaded.pipeline if side == "mlkit" else loaded).predict(sample)
        same[side] = bool(np.array_equal(predicted, expected))
    runs: dict[str, list[float]] = {side: [] for side in calls}
    order = list(calls)
    load = [_load_average()]
    for _ in range(loads):
        for side in order:
            _, seconds = _timed(calls[side])
            runs[side].append(seconds)
        order = order[1:] + order[:1]  # rotate: each side goes first in turn
    load.append(_load_average())
    result: dict[str, Any] = {
        "loads": loads,
        "same_predictions": same,
        "load_average_1m": load,
    }
    for side, seconds in runs.items():
        result[side] = {"runs_s": seconds} | _stats(seconds)
    for other in ("skops", "joblib"):
        for stat in ("median", "best"):
            result[f"ratio_{other}_{stat}"] = (
                result["mlkit"][f"{stat}_s"] / result[other][f"{stat}_s"]
            )
    return result


def _label(key: tuple[str, int, str]) -> str:
    """``package/module.py:line(function)`` of a pstats key, short."""
    path, line, function = key
    if path == "~" or not line:
        return function  # built-in, e.g. "<built-in method numpy...>"
    parts = Path(path).parts
    for anchor in ("site-packages", "src"):
        if anchor in parts:
            parts = parts[parts.index(anchor) + 1 :]
            break
    return f"{'/'.join(parts[-3:])}:{line}({function})"


def _is_wrapper(key: tuple[str, int, str]) -> bool:
    """Whether a function belongs to what ``Model.predict`` does around the pipeline."""
    path = Path(key[0])
    return "mlkit" in path.parts and path.name in WRAPPER_FILES


def _is_mlkit(key: tuple[str, int, str]) -> bool:
    return "mlkit" in Path(key[0]).parts


def call_tree(
    profiler: cProfile.Profile,
    root_name: tuple[str, str],
    *,
    calls: int,
    descend: Callable[[tuple[str, int, str]], bool],
) -> dict[str, Any]:
    """The call edges below one function, ms per call of it, largest first.

    ``root_name`` is ``(file name, function)``, e.g. ``("_model.py", "load")``
    in mlkit. Each edge's time is that of the calls made along it, so a
    function shared with the baseline (pandas indexing, say) counts only the
    calls made from the caller listed above it. The walk goes down into the
    functions ``descend`` accepts, ``PROFILE_DEPTH`` levels at most, each
    function once; below a function with several callers (``shared``) the
    edges are its totals over all of them, as cProfile keeps no deeper paths.
    """
    stats = pstats.Stats(profiler)
    stats.calc_callees()
    callees: dict[Any, dict[Any, tuple[Any, ...]]] = stats.all_callees
    file_name, function = root_name
    roots = [
        key
        for key in stats.stats
        if key[2] == function and _is_mlkit(key) and Path(key[0]).name == file_name
    ]
    tree: list[dict[str, Any]] = []

    expanded: set[Any] = set()

    def walk(key: Any, depth: int) -> None:
        expanded.add(key)
        children = sorted(callees.get(key, {}).items(), key=lambda item: -item[1][3])
        for child, (ncalls, _, _, cumtime) in children:
            ms = cumtime / calls * 1e3
            if ms < PROFILE_MIN_MS:
                continue
            opened = descend(child) and child not in expanded and depth < PROFILE_DEPTH
            tree.append(
                {
                    "depth": depth,
                    "function": _label(child),
                    "calls_per_call": ncalls / calls,
                    "cumulative_ms": ms,
                    # cProfile keeps one level of callers: the callees listed below a
                    # function called from several places are its totals over all of them
                    "shared": opened and len(stats.stats[child][4]) > 1,
                }
            )
            if opened:
                walk(child, depth + 1)

    if not roots:
        return {"calls": calls, "root": f"{file_name}:{function}", "total_ms": None, "tree": []}
    root = roots[0]
    walk(root, 1)
    return {
        "calls": calls,
        "root": _label(root),
        "total_ms": stats.stats[root][3] / calls * 1e3,
        "tree": tree,
    }


def profile_serving(
    model: Any, X: pd.DataFrame, artifact_path: Path, *, calls: int, loads: int
) -> dict[str, Any]:
    """cProfile of single-row ``model.predict`` and of ``mlkit.load``: where their time goes.

    For ``predict`` the walk goes down through mlkit's wrapper
    (``WRAPPER_FILES``), not into the pipeline; for ``load`` through every
    mlkit function. cProfile slows Python-level code more than native code:
    the figures show where time goes, not how long it takes unprofiled.
    """
    import mlkit

    frames = [X.iloc[[i]] for i in range(ROW_POOL)]
    for frame in frames:
        model.predict(frame)
    profiler = cProfile.Profile()
    profiler.enable()
    for k in range(calls):
        model.predict(frames[k % ROW_POOL])
    profiler.disable()
    predict = call_tree(profiler, ("_model.py", "predict"), calls=calls, descend=_is_wrapper)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(loads):
        mlkit.load(artifact_path)
    profiler.disable()
    load = call_tree(profiler, ("_model.py", "load"), calls=loads, descend=_is_mlkit)
    return {"predict": predict, "load": load}


# ----------------------------------------------------------------------------- the report


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal of the issue with its measured value and verdict."""
    single, batch, loading = results["single_row"], results["batch"], results["load"]
    return [
        {
            "goal": "single-row model.predict / pipeline.predict - 1 (median of calls)",
            "value": single["overhead_median"],
            "limit": f"<= {GOAL_SINGLE_OVERHEAD}",
            "passed": single["overhead_median"] <= GOAL_SINGLE_OVERHEAD,
        },
        {
            "goal": "batch model.predict / pipeline.predict - 1 (median of paired runs)",
            "value": batch["overhead_paired"],
            "limit": f"<= {GOAL_BATCH_OVERHEAD}",
            "passed": batch["overhead_paired"] <= GOAL_BATCH_OVERHEAD,
        },
        {
            "goal": "mlkit.load / skops.io.load (median of loads)",
            "value": loading["ratio_skops_median"],
            "limit": f"<= {GOAL_LOAD_RATIO}",
            "passed": loading["ratio_skops_median"] <= GOAL_LOAD_RATIO,
        },
    ]


def _threads_text(settings: dict[str, Any]) -> str:
    pools = ", ".join(f"{p['internal_api']} {p['num_threads']}" for p in settings["thread_pools"])
    limit = "not limited" if settings["threads"] is None else f"limited to {settings['threads']}"
    env = settings["thread_env"]
    env_text = ", ".join(f"{k}={v}" for k, v in env.items()) if env else "no OMP_/BLAS variables"
    return f"threads {limit} ({pools}; {env_text})"


def profile_tables(profile: dict[str, Any]) -> list[str]:
    """A caption and a table for each call tree of ``--profile``."""
    parts = []
    for name, what in [
        ("predict", "single-row model.predict; the walk stops at the pipeline"),
        ("load", "mlkit.load; skops' own loading is the baseline"),
    ]:
        tree = profile[name]
        if not tree["tree"]:
            parts.append(f"cProfile of {what}: {tree['root']} was not found.")
            continue
        rows = [
            [
                ". " * (entry["depth"] - 1)
                + entry["function"]
                + (" *" if entry["shared"] else ""),
                f"{entry['calls_per_call']:g}",
                f"{entry['cumulative_ms']:.3f}",
            ]
            for entry in tree["tree"]
        ]
        parts += [
            f"cProfile of {tree['calls']:,} calls of {what} ({tree['total_ms']:.3f} ms per "
            "call under the profiler). ms per call, cumulative, per call edge:",
            format_table([f"called from {tree['root']}", "calls", "ms"], rows),
        ]
        if any(entry["shared"] for entry in tree["tree"]):
            parts.append(
                "* also called from elsewhere: the lines below it are its totals over all "
                "its callers (cProfile keeps one level of callers)."
            )
    return parts


def report(results: dict[str, Any]) -> str:
    """The Markdown table of figures and goals."""
    data, single = results["data"], results["single_row"]
    batch, loading = results["batch"], results["load"]
    rows: list[list[str]] = []
    n, block = single["calls"], single["block"]
    for stat, label, goal in [
        ("median", "median", GOAL_SINGLE_OVERHEAD),
        ("p99", "p99", None),
        ("best", "best", None),
    ]:
        overhead = single[f"overhead_{stat}"]
        rows.append(
            [
                f"single-row predict, {label} of {n:,} (blocks of {block})",
                fmt_ms(single["model"][f"{stat}_s"]),
                f"bare {fmt_ms(single['bare'][f'{stat}_s'])}",
                fmt_overhead(overhead),
                "" if goal is None else f"<= +{goal:.0%}",
                "" if goal is None else verdict(overhead <= goal),
            ]
        )
    rows.append(
        [
            "single-row predict, median of per-block ratios (context)",
            f"+{fmt_ms(single['extra_median_s'])} per call",
            "",
            fmt_overhead(single["overhead_block_median"]),
            "",
            "",
        ]
    )
    rows.append(
        [
            "single-row Model.validate, full pandera, median (context)",
            fmt_ms(single["validate"]["median_s"]),
            f"bare predict {fmt_ms(single['bare']['median_s'])}",
            fmt_ratio(single["validate"]["median_s"] / single["bare"]["median_s"]),
            "",
            "",
        ]
    )
    rows.append(
        [
            f"batch predict {batch['rows']:,} rows, median of {batch['repeat']} paired ratios",
            "",
            "",
            fmt_overhead(batch["overhead_paired"]),
            f"<= +{GOAL_BATCH_OVERHEAD:.0%}",
            verdict(batch["overhead_paired"] <= GOAL_BATCH_OVERHEAD),
        ]
    )
    for stat, goal in [("median", None), ("best", None)]:
        overhead = batch[f"overhead_{stat}"]
        rows.append(
            [
                f"batch predict {batch['rows']:,} rows, {stat} of {batch['repeat']}",
                fmt_ms(batch["model"][f"{stat}_s"]),
                f"bare {fmt_ms(batch['bare'][f'{stat}_s'])}",
                fmt_overhead(overhead),
                "" if goal is None else f"<= +{goal:.0%}",
                "" if goal is None else verdict(overhead <= goal),
            ]
        )
    for other, goal in [("skops", GOAL_LOAD_RATIO), ("joblib", None)]:
        for stat in ("median", "best"):
            ratio = loading[f"ratio_{other}_{stat}"]
            judged = goal is not None and stat == "median"
            rows.append(
                [
                    f"load, {stat} of {loading['loads']}"
                    + ("" if goal is not None else " (context)"),
                    f"mlkit.load {fmt_ms(loading['mlkit'][f'{stat}_s'])}",
                    f"{other}.load {fmt_ms(loading[other][f'{stat}_s'])}",
                    fmt_ratio(ratio),
                    f"<= {goal:g}x" if judged else "",
                    verdict(ratio <= goal) if judged and goal is not None else "",
                ]
            )
    rows.append(
        [
            f"Packager.package, {data['rows']:,} rows, 1 run (context)",
            fmt_ms(data["package_s"]),
            f"skops.io.dump {fmt_ms(data['skops_dump_s'])}",
            fmt_ratio(data["package_s"] / data["skops_dump_s"]),
            "",
            "",
        ]
    )
    rows.append(
        [
            "file size (context)",
            f"artifact {data['artifact_bytes']:,} B ({fmt_bytes(data['artifact_bytes'])})",
            f"skops {data['skops_bytes']:,} B, joblib {data['joblib_bytes']:,} B",
            fmt_ratio(data["artifact_bytes"] / data["skops_bytes"]),
            "",
            "",
        ]
    )
    settings = results["settings"]
    title = (
        f"mlkit serving benchmark: {data['rows']:,} rows x {data['columns']} columns of "
        f"make_churn(seed={settings['seed']}), Cleaner + FeatureBuilder + "
        f"HistGradientBoostingClassifier ({data['hgb_iterations']} iterations, fit in "
        f"{data['fit_s']:.1f} s); {_threads_text(settings)}"
    )
    header = ["benchmark", "mlkit", "baseline", "overhead / ratio", "goal", "verdict"]
    checks = (
        f"Same predictions: single-row checked on {single['row_pool']} rows; batch "
        f"{'yes' if batch['same_predictions'] else 'NO'}; loaded models "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in loading["same_predictions"].items())
        + "."
    )
    loads = [
        load
        for part in (single, batch, loading)
        for load in part["load_average_1m"]
        if load is not None
    ]
    load_text = (
        f"1-minute load average around the measurements: {min(loads):.1f} to {max(loads):.1f} "
        f"on {os.cpu_count()} CPUs (above {os.cpu_count()}, other processes competed)."
        if loads
        else ""
    )
    parts = [title, format_table(header, rows), checks, load_text]
    profile = results.get("profile")
    if profile:
        parts += profile_tables(profile)
    return "\n\n".join(part for part in parts if part)


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Build, package and load the model; measure; write JSON; print the table."""
    args = parse_args(argv)
    import mlkit

    results: dict[str, Any] = {
        "kind": "serving",
        "command": shlex.join(["python", "benchmarks/_serving.py", *sys.argv[1:]]),
        "machine": machine_info(),
    }
    path = results_path(args)
    with limited_threads(args.threads), tempfile.TemporaryDirectory() as tmp:
        results["settings"] = {
            "rows": args.rows,
            "seed": args.seed,
            "calls": args.calls,
            "block": args.block,
            "repeat": args.repeat,
            "loads": args.loads,
            "threads": args.threads,
            "thread_pools": thread_pools(),
            "thread_env": results["machine"]["environment"],
            "timer": "time.perf_counter",
            "gc": "enabled; collected before each block or timed run",
        }
        built = build(args.rows, args.seed, Path(tmp))
        results["data"] = built["record"]
        try:
            model = mlkit.load(built["artifact_path"])
        except mlkit.MlkitError as error:  # a refusal is a result to record, then stop
            results["error"] = f"mlkit.load refused the artifact: {error!r}"
            write_json(path, results)
            print(f"\nFAILED: {results['error']}", file=sys.stderr)
            return 1
        pipeline, X = built["pipeline"], built["X"]
        print(
            f"Timing single-row predict: {args.calls:,} calls per side in blocks of "
            f"{args.block} ...",
            flush=True,
        )
        results["single_row"] = measure_single_row(
            model, pipeline, X, calls=args.calls, block=args.block, seed=args.seed
        )
        print(f"Timing batch predict on {len(X):,} rows ({args.repeat} runs) ...", flush=True)
        results["batch"] = measure_batch(model, pipeline, X, repeat=args.repeat)
        print(f"Timing loads ({args.loads} each) ...", flush=True)
        results["load"] = measure_load(built, loads=args.loads)
        if args.profile:
            print("Profiling single-row model.predict ...", flush=True)
            results["profile"] = profile_serving(
                model,
                X,
                built["artifact_path"],
                calls=min(args.calls, PROFILE_CALLS),
                loads=args.loads,
            )
    results["goals"] = evaluate(results)
    write_json(path, results)
    print()
    print(report(results))
    print(f"\nResults written to {path.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
