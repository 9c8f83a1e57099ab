"""Drift detection with known truth: ``mlkit.DriftMonitor`` against a scipy loop and Evidently.

Usage (``nox -s bench_drift`` runs this, then the Evidently peer in its own env)::

    python benchmarks/_drift.py                       # 200 repeats; 10 at 1,000,000 rows
    python benchmarks/_drift.py --repeats-large 200   # the full false-positive run at 1M rows
    python benchmarks/_drift.py --quick               # 50 repeats; 2 at 1,000,000 rows
    python benchmarks/_drift.py --report              # only print the combined table
    python benchmarks/_drift.py --report --quick      # ... of the last --quick run

The data come from ``_drift_data.py`` (20 columns: 12 numeric, 8
categorical), where the columns that drift are known. Each repeat ``r`` draws
a fresh reference of ``--reference-rows`` rows (default 100,000), fits every
detector on it, and checks fresh current frames of every scenario:

- no shift at 1,000 rows and at 1,000,000 rows (``--repeats-large`` of the
  repeats): every flagged feature is a false positive, and the false positive
  rate is the share of the 20 features flagged, over all repeats;
- at 10,000 rows, each shift of ``_drift_data.SHIFTS``: a mean shift of 0.1
  sd, a variance change of +20 %, a category share change of 5 points, and
  all three at once. Power is the share of repeats in which the shifted
  column is flagged; flags on the other columns are counted apart.

Detectors, all given the same frames:

- ``mlkit``: ``DriftMonitor().fit(reference)``, then ``.check(current)``;
  a feature is flagged when it is in ``report.drifted_features``;
- ``scipy`` (the named baseline): a plain loop, ``ks_2samp`` on each numeric
  column (missing values dropped) and ``chi2_contingency`` on each
  categorical column's counts (missing as a level), flag at p < 0.05 per
  column, no correction for the 20 tests (at most ``BASELINE_REPEATS_LARGE``
  of the repeats at 1,000,000 rows: its figures are context);
- Evidently's ``DataDriftPreset()`` with its defaults
  (``peers/evidently_bench.py``, in its own environment, same seeds, so its
  ``--repeats`` are the first repeats here).

Time: ``check`` on 1,000,000 x 20 current rows (reference 100,000 rows,
fitted beforehand), median of ``--timing-runs``, interleaved with the scipy
loop on the same frames; Evidently's time is the median of its preset runs at
1,000,000 rows, read from the peer's JSON.

Goals (issue "Drift"): false positive rate at most 5 % of features at n =
1,000 and n = 1,000,000; power at least 95 % at n = 10,000 for every shift;
``check`` on 1,000,000 x 20 under 5 s and at least 10x faster than Evidently.

Results go to ``benchmarks/.results/drift-mlkit.json`` (``-seed<S>`` appended
for a non-default seed); the peer writes ``drift-evidently.json``; the
combined table is printed by whichever runs last and written to
``drift-summary.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import shlex
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _drift_data as data
import pandas as pd
from _common import (
    BENCH_DIR,
    RESULTS_DIR,
    fmt_bytes,
    fmt_ratio,
    fmt_seconds,
    format_table,
    frame_fingerprint,
    machine_info,
    read_json,
    rss_growth,
    verdict,
    write_json,
)

REFERENCE_ROWS = 100_000
SMALL_ROWS = 1_000
LARGE_ROWS = 1_000_000
POWER_ROWS = 10_000

DEFAULT_REPEATS = 200
DEFAULT_REPEATS_LARGE = 10
QUICK_REPEATS = 50
QUICK_REPEATS_LARGE = 2
DEFAULT_TIMING_RUNS = 5
BASELINE_ALPHA = 0.05
BASELINE_REPEATS_LARGE = 10  # the scipy loop's repeats at 1,000,000 rows, at most (context)

# Goals of the issue "Drift"
GOAL_FPR = 0.05  # share of features flagged with no shift, at most
GOAL_POWER = 0.95  # share of repeats flagging the shifted column, at least
GOAL_CHECK_S = 5.0  # check on 1,000,000 x 20, seconds, under
GOAL_EVIDENTLY_SPEEDUP = 10.0  # Evidently preset time / mlkit check time, at least

SHIFT_LABELS = {
    "mean": "mean +0.1 sd",
    "variance": "variance x1.2",
    "category": "category share +5 points",
    "all": "all three at once",
}
TOOLS = ("mlkit", "evidently", "scipy")
TOOL_LABELS = {
    "mlkit": "mlkit DriftMonitor",
    "evidently": "Evidently DataDriftPreset",
    "scipy": "scipy loop (p < 0.05 each)",
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One kind of current frame: its size and the shift applied to it."""

    key: str
    rows: int
    shift: str | None
    large: bool = False

    @property
    def label(self) -> str:
        what = "no shift" if self.shift is None else SHIFT_LABELS[self.shift]
        return f"{what}, n = {self.rows:,}"


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("none-small", SMALL_ROWS, None),
    Scenario("none-large", LARGE_ROWS, None, large=True),
    *(Scenario(f"{shift}-power", POWER_ROWS, shift) for shift in data.SHIFTS),
)

# fit(reference) -> check(current) -> names of the flagged features
Check = Callable[[pd.DataFrame], Sequence[str]]
Factory = Callable[[pd.DataFrame], Check]


# ----------------------------------------------------------------------------- options


def add_drift_options(
    parser: argparse.ArgumentParser, *, repeats: int, repeats_large: int, quick: tuple[int, int]
) -> None:
    """The options both sides read (each side has its own defaults)."""
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help=f"repeats at n = {SMALL_ROWS:,} and n = {POWER_ROWS:,} (default {repeats})",
    )
    parser.add_argument(
        "--repeats-large",
        type=int,
        default=None,
        help=f"repeats of the no-shift check at n = {LARGE_ROWS:,} (default {repeats_large})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{quick[0]} repeats, {quick[1]} at n = {LARGE_ROWS:,}",
    )
    parser.add_argument(
        "--reference-rows",
        type=int,
        default=REFERENCE_ROWS,
        help=f"rows of each reference frame (default {REFERENCE_ROWS:,})",
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed of the data (default 0)")
    parser.set_defaults(_defaults=(repeats, repeats_large), _quick=quick)


def resolve_repeats(args: argparse.Namespace) -> None:
    """Fill ``--repeats`` and ``--repeats-large`` from ``--quick`` or the side's defaults."""
    repeats, large = args._quick if args.quick else args._defaults
    args.repeats = repeats if args.repeats is None else args.repeats
    args.repeats_large = large if args.repeats_large is None else args.repeats_large
    if args.repeats < 1 or args.repeats_large < 0 or args.reference_rows < 10:
        raise SystemExit("--repeats must be >= 1, --repeats-large >= 0, --reference-rows >= 10")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of the mlkit side."""
    parser = argparse.ArgumentParser(
        description="Drift detection with known truth: mlkit against a scipy loop and Evidently."
    )
    add_drift_options(
        parser,
        repeats=DEFAULT_REPEATS,
        repeats_large=DEFAULT_REPEATS_LARGE,
        quick=(QUICK_REPEATS, QUICK_REPEATS_LARGE),
    )
    parser.add_argument(
        "--timing-runs",
        type=int,
        default=DEFAULT_TIMING_RUNS,
        help=f"timed checks at n = {LARGE_ROWS:,} per side (default {DEFAULT_TIMING_RUNS})",
    )
    parser.add_argument(
        "--report", action="store_true", help="measure nothing: print the recorded table"
    )
    args = parser.parse_args(argv)
    resolve_repeats(args)
    if args.timing_runs < 1:
        parser.error("--timing-runs must be at least 1")
    return args


def results_path(kind: str, args: argparse.Namespace, suffix: str = ".json") -> Path:
    """``benchmarks/.results/drift-<kind>[-quick][-seed<S>].json``.

    ``--quick`` runs have files of their own, so that they never replace a full run's.
    """
    tail = ("-quick" if args.quick else "") + ("" if args.seed == 0 else f"-seed{args.seed}")
    return RESULTS_DIR / f"drift-{kind}{tail}{suffix}"


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """What was run, for the JSON."""
    return {
        "seed": args.seed,
        "reference_rows": args.reference_rows,
        "repeats": args.repeats,
        "repeats_large": args.repeats_large,
        "columns": len(data.COLUMNS),
        "scenarios": [dataclasses.asdict(s) for s in SCENARIOS],
        "shifted_columns": {str(k): list(v) for k, v in data.SHIFTED_COLUMNS.items()},
    }


# ----------------------------------------------------------------------------- the data


def reference_seed(seed: int, repeat: int) -> int:
    """Seed of repeat ``repeat``'s reference frame."""
    return seed * 1_000_000 + repeat


def current_seed(seed: int, repeat: int, scenario: Scenario) -> int:
    """Seed of repeat ``repeat``'s current frame of ``scenario`` (independent of the others)."""
    return (seed * 1_000_000 + repeat) * 16 + SCENARIOS.index(scenario)


def data_fingerprint(seed: int) -> str:
    """A content digest of small frames from the generator, the same under pandas 2 and 3."""
    parts = [
        frame_fingerprint(data.reference(1_000, reference_seed(seed, 0))),
        frame_fingerprint(data.current(1_000, current_seed(seed, 0, SCENARIOS[-1]), "all")),
    ]
    return "-".join(parts)


# ----------------------------------------------------------------------------- measuring


def run_quality(
    factories: dict[str, Factory],
    args: argparse.Namespace,
    *,
    label: str = "",
    large_limits: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Every scenario, ``args.repeats`` times (the large one ``args.repeats_large``).

    ``large_limits`` caps a detector's repeats at 1,000,000 rows (the scipy
    loop's figures there are context, and each of its runs takes seconds).

    Each repeat draws one reference, fits every detector on it (timed) and
    checks each scenario's current frame with every detector (timed). What
    each detector flagged is kept per repeat; a detector that raises is
    recorded with its traceback and left out of the rest of the run.
    """
    records: dict[str, dict[str, Any]] = {
        name: {
            "fit_s": [],
            "load_average_1m": [],
            "scenarios": {
                s.key: {"rows": s.rows, "shift": s.shift, "flagged": [], "check_s": []}
                for s in SCENARIOS
            },
        }
        for name in factories
    }
    failed: set[str] = set()
    total = max(args.repeats, args.repeats_large)
    started = time.perf_counter()
    for repeat in range(total):
        reference = data.reference(args.reference_rows, reference_seed(args.seed, repeat))
        for record in records.values():
            record["load_average_1m"].append(load_average())
        checks: dict[str, Check] = {}
        for name, factory in factories.items():
            if name in failed:
                continue
            try:
                tic = time.perf_counter()
                checks[name] = factory(reference)
                records[name]["fit_s"].append(time.perf_counter() - tic)
            except Exception:  # noqa: BLE001 - a failing detector is a result to record
                records[name]["error"] = traceback.format_exc(limit=8)
                failed.add(name)
        for scenario in SCENARIOS:
            if repeat >= (args.repeats_large if scenario.large else args.repeats):
                continue
            rows = scenario.rows
            frame = data.current(rows, current_seed(args.seed, repeat, scenario), scenario.shift)
            for name, check in checks.items():
                if name in failed:
                    continue
                if scenario.large and repeat >= (large_limits or {}).get(name, total):
                    continue
                record = records[name]["scenarios"][scenario.key]
                try:
                    tic = time.perf_counter()
                    flagged = check(frame)
                    record["check_s"].append(time.perf_counter() - tic)
                except Exception:  # noqa: BLE001
                    records[name]["error"] = traceback.format_exc(limit=8)
                    failed.add(name)
                    continue
                record["flagged"].append(sorted(str(c) for c in flagged))
            del frame
        done = repeat + 1
        if done in (1, total) or done % max(1, total // 10) == 0:
            elapsed = time.perf_counter() - started
            print(f"  {label}repeat {done}/{total} ({elapsed:.0f} s)", flush=True)
    for name, record in records.items():
        record["status"] = "failed" if name in failed else "ok"
    return records


def scipy_factory(reference: pd.DataFrame) -> Check:
    """The named baseline: ks_2samp / chi2_contingency per column, p < 0.05, no correction."""
    return lambda current: scipy_loop(reference, current)[0]


def scipy_loop(
    reference: pd.DataFrame, current: pd.DataFrame, alpha: float = BASELINE_ALPHA
) -> tuple[list[str], dict[str, float]]:
    """Flagged columns and every column's p-value, from the two raw frames."""
    import numpy as np
    from scipy.stats import chi2_contingency, ks_2samp

    p_values: dict[str, float] = {}
    for name in data.NUMERIC_COLUMNS:
        ref = reference[name].to_numpy(dtype="float64")
        cur = current[name].to_numpy(dtype="float64")
        p_values[name] = float(ks_2samp(ref[~np.isnan(ref)], cur[~np.isnan(cur)]).pvalue)
    for name in data.CATEGORICAL_COLUMNS:
        counts = pd.concat(
            [
                reference[name].value_counts(dropna=False, sort=False),
                current[name].value_counts(dropna=False, sort=False),
            ],
            axis=1,
        ).fillna(0)
        table = counts.to_numpy(dtype="float64").T
        table = table[:, table.sum(axis=0) > 0]
        p_values[name] = float(chi2_contingency(table).pvalue)
    return [name for name, p in p_values.items() if p < alpha], p_values


def mlkit_factory(reference: pd.DataFrame) -> Check:
    """``DriftMonitor().fit(reference)``; its check returns ``report.drifted_features``."""
    import mlkit

    monitor = mlkit.DriftMonitor().fit(reference)
    return lambda current: tuple(monitor.check(current).drifted_features)


def mlkit_available() -> str | None:
    """``None`` when ``mlkit.DriftMonitor`` exists, else why it cannot be measured."""
    try:
        import mlkit
    except Exception as error:  # noqa: BLE001 - any import failure is a result to record
        return f"import mlkit failed: {error!r}"
    if not hasattr(mlkit, "DriftMonitor"):
        return f"mlkit {getattr(mlkit, '__version__', '?')} has no DriftMonitor yet"
    return None


def load_average() -> float | None:
    """The 1-minute load average (``None`` where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def prepare_mlkit_timing(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    args: argparse.Namespace,
    record: dict[str, Any],
) -> Callable[[], Any]:
    """Time ``fit`` (context), check once untimed and once for memory; return the timed call."""
    import mlkit

    mlkit.DriftMonitor().fit(reference.iloc[:2_000]).check(current.iloc[:2_000])  # warm-up
    fit_s = []
    for _ in range(args.timing_runs):
        tic = time.perf_counter()
        monitor = mlkit.DriftMonitor().fit(reference)
        fit_s.append(time.perf_counter() - tic)
    record["mlkit_fit"] = {"runs_s": fit_s, "median_s": statistics.median(fit_s)}
    monitor.check(current)  # untimed: the first touch of this frame's memory
    with rss_growth() as memory:
        checked = monitor.check(current)
    record["mlkit_check_rss_growth_bytes"] = memory["growth_bytes"]
    record["mlkit_checked_features"] = len(checked.to_frame())
    record["mlkit_drifted_features"] = list(checked.drifted_features)
    return lambda: monitor.check(current)


def measure_time(args: argparse.Namespace, with_mlkit: bool) -> dict[str, Any]:
    """``check`` on 1,000,000 x 20 current rows against the scipy loop, interleaved."""
    reference = data.reference(args.reference_rows, reference_seed(args.seed, 0))
    large = SCENARIOS[1]
    current = data.current(large.rows, current_seed(args.seed, 0, large), None)
    record: dict[str, Any] = {
        "rows": len(current),
        "reference_rows": len(reference),
        "runs": args.timing_runs,
        "load_average_1m": [load_average()],
    }
    sides: dict[str, Callable[[], Any]] = {"scipy": lambda: scipy_loop(reference, current)}
    scipy_loop(reference.iloc[:2_000], current.iloc[:2_000])  # warm-up: lazy imports
    if with_mlkit:
        try:
            sides = {"mlkit": prepare_mlkit_timing(reference, current, args, record), **sides}
        except Exception:  # noqa: BLE001 - a failure is a result to record
            record["mlkit_error"] = traceback.format_exc(limit=8)
    runs: dict[str, list[float]] = {name: [] for name in sides}
    for k in range(args.timing_runs):
        order = list(sides) if k % 2 == 0 else list(reversed(sides))
        for name in order:
            tic = time.perf_counter()
            sides[name]()
            runs[name].append(time.perf_counter() - tic)
    record["load_average_1m"].append(load_average())
    for name, times in runs.items():
        record[name] = {
            "runs_s": times,
            "median_s": statistics.median(times),
            "best_s": min(times),
        }
    return record


# ----------------------------------------------------------------------------- summarising


def wilson(successes: float, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion."""
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2)) / (1 + z * z / trials)
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarise(record: dict[str, Any] | None) -> dict[str, Any]:
    """Rates of one tool's quality record: false positive rates and power per scenario."""
    out: dict[str, Any] = {}
    if not record:
        return out
    n_columns = len(data.COLUMNS)
    for scenario in SCENARIOS:
        runs = record["scenarios"].get(scenario.key, {}).get("flagged", [])
        if not runs:
            continue
        shifted = data.SHIFTED_COLUMNS[scenario.shift]
        others = n_columns - len(shifted)
        false = sum(len([c for c in flagged if c not in shifted]) for flagged in runs)
        entry: dict[str, Any] = {
            "repeats": len(runs),
            "false_positive_rate": false / (len(runs) * others),
            "false_positive_ci": wilson(false, len(runs) * others),
            "repeats_with_a_false_positive": sum(
                any(c not in shifted for c in flagged) for flagged in runs
            )
            / len(runs),
            "power": {},
        }
        for column in shifted:
            hits = sum(column in flagged for flagged in runs)
            entry["power"][column] = {"rate": hits / len(runs), "ci": wilson(hits, len(runs))}
        times = record["scenarios"][scenario.key].get("check_s", [])
        entry["check_median_s"] = statistics.median(times) if times else None
        out[scenario.key] = entry
    return out


def _rate(entry: dict[str, Any] | None, column: str | None = None) -> float | None:
    if entry is None:
        return None
    if column is None:
        return float(entry["false_positive_rate"])
    return float(entry["power"][column]["rate"])


def evaluate(
    mlkit: dict[str, Any] | None, evidently: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Each goal with mlkit's value and verdict (``passed`` is None when not measured)."""
    tools = (mlkit or {}).get("quality", {})
    ours = summarise(tools.get("mlkit")) if tools.get("mlkit", {}).get("status") == "ok" else {}
    goals: list[dict[str, Any]] = []
    for scenario in SCENARIOS:
        entry = ours.get(scenario.key)
        if scenario.shift is None:
            value = _rate(entry)
            goals.append(
                {
                    "goal": f"false positive rate, {scenario.label}",
                    "value": value,
                    "limit": f"<= {GOAL_FPR}",
                    "passed": None if value is None else value <= GOAL_FPR,
                }
            )
            continue
        for column in data.SHIFTED_COLUMNS[scenario.shift]:
            value = _rate(entry, column)
            goals.append(
                {
                    "goal": f"power on {column}, {scenario.label}",
                    "value": value,
                    "limit": f">= {GOAL_POWER}",
                    "passed": None if value is None else value >= GOAL_POWER,
                }
            )
    check_s = ((mlkit or {}).get("timing") or {}).get("mlkit", {}).get("median_s")
    goals.append(
        {
            "goal": f"mlkit check time on {LARGE_ROWS:,} x {len(data.COLUMNS)} (median, s)",
            "value": check_s,
            "limit": f"< {GOAL_CHECK_S}",
            "passed": None if check_s is None else check_s < GOAL_CHECK_S,
        }
    )
    theirs = evidently_time(evidently)
    ratio = None if check_s is None or theirs is None else theirs / check_s
    goals.append(
        {
            "goal": "Evidently preset time / mlkit check time",
            "value": ratio,
            "limit": f">= {GOAL_EVIDENTLY_SPEEDUP}",
            "passed": None if ratio is None else ratio >= GOAL_EVIDENTLY_SPEEDUP,
        }
    )
    return goals


def evidently_time(evidently: dict[str, Any] | None) -> float | None:
    """Median wall time of Evidently's preset runs at 1,000,000 rows."""
    if not evidently or evidently.get("status") != "ok":
        return None
    times = evidently["quality"]["evidently"]["scenarios"]["none-large"]["check_s"]
    return statistics.median(times) if times else None


def _fmt_rate(entry: dict[str, Any] | None, column: str | None = None) -> str:
    if entry is None:
        return "n/a"
    if column is None:
        value, (low, high) = entry["false_positive_rate"], entry["false_positive_ci"]
    else:
        value, (low, high) = entry["power"][column]["rate"], entry["power"][column]["ci"]
    return f"{value:.3f} ({low:.3f}–{high:.3f}; {entry['repeats']})"


def report(mlkit: dict[str, Any] | None, evidently: dict[str, Any] | None) -> str:
    """The combined table: quality and time of mlkit, Evidently and the scipy loop."""
    quality: dict[str, dict[str, Any]] = {}
    for name, source in [("mlkit", mlkit), ("scipy", mlkit), ("evidently", evidently)]:
        record = ((source or {}).get("quality") or {}).get(name)
        quality[name] = summarise(record) if record and record.get("status") == "ok" else {}
    header = ["figure", *(TOOL_LABELS[t] for t in TOOLS), "goal (mlkit)", "verdict"]
    rows: list[list[str]] = []
    goals = iter(evaluate(mlkit, evidently))
    for scenario in SCENARIOS:
        columns = data.SHIFTED_COLUMNS[scenario.shift] or (None,)
        for column in columns:
            goal = next(goals)
            if column is None:
                label = f"false positive rate, {scenario.label}"
                limit = f"<= {GOAL_FPR:.2f}"
            else:
                label = f"power on {column}, {scenario.label}"
                limit = f">= {GOAL_POWER:.2f}"
            cells = [_fmt_rate(quality[t].get(scenario.key), column) for t in TOOLS]
            rows.append([label, *cells, limit, verdict(goal["passed"])])
        if scenario.shift is not None:
            cells = [
                "n/a" if entry is None else f"{entry['false_positive_rate']:.3f}"
                for entry in (quality[t].get(scenario.key) for t in TOOLS)
            ]
            rows.append(
                [f"  other columns flagged (share), {scenario.shift} (context)", *cells, "", ""]
            )
    timing = (mlkit or {}).get("timing") or {}
    check = timing.get("mlkit", {}).get("median_s")
    scipy_s = timing.get("scipy", {}).get("median_s")
    theirs = evidently_time(evidently)
    runs = timing.get("runs", "?")
    large_runs = (
        len(evidently["quality"]["evidently"]["scenarios"]["none-large"]["check_s"])
        if theirs is not None and evidently
        else 0
    )
    rows.append(
        [
            f"time, {LARGE_ROWS:,} x {len(data.COLUMNS)} current rows (median; runs "
            f"{runs} / {large_runs} / {runs})",
            f"check {fmt_seconds(check)}",
            f"preset {fmt_seconds(theirs)}",
            fmt_seconds(scipy_s),
            f"< {GOAL_CHECK_S:g} s",
            verdict(next(goals)["passed"]),
        ]
    )
    speed = next(goals)
    scipy_ratio = None if not check or scipy_s is None else scipy_s / check
    rows.append(
        [
            "speed: Evidently / mlkit",
            fmt_ratio(speed["value"]),
            "",
            f"scipy / mlkit {fmt_ratio(scipy_ratio)}",
            f">= {GOAL_EVIDENTLY_SPEEDUP:g}x",
            verdict(speed["passed"]),
        ]
    )
    fit = timing.get("mlkit_fit", {}).get("median_s")
    rows.append(
        [
            f"fit on the {timing.get('reference_rows', REFERENCE_ROWS):,}-row reference "
            "(context, median)",
            fmt_seconds(fit),
            "(none: each run reads the reference)",
            "(none)",
            "",
            "",
        ]
    )
    growth = timing.get("mlkit_check_rss_growth_bytes")
    if growth is not None:
        rows.append(["check peak RSS growth (context)", fmt_bytes(growth), "", "", "", ""])
    parts = [
        "Drift detection with known truth: share of features flagged with no shift "
        "(false positive rate, 95 % Wilson interval; repeats), share of repeats flagging "
        "the shifted column (power). Reference "
        f"{(mlkit or evidently or {}).get('settings', {}).get('reference_rows', REFERENCE_ROWS):,}"
        " rows, drawn afresh in each repeat.",
        format_table(header, rows),
    ]
    parts += notes(mlkit, evidently)
    return "\n\n".join(parts) + "\n"


def notes(mlkit: dict[str, Any] | None, evidently: dict[str, Any] | None) -> list[str]:
    """What was not measured, and whether both sides saw the same data."""
    lines = []
    for name, source in [("mlkit side", mlkit), ("Evidently", evidently)]:
        if source is None:
            lines.append(f"{name}: no results recorded yet.")
        elif source.get("reason"):
            lines.append(f"{name}: NOT measured ({source.get('status')}): {source['reason']}")
    for name, record in ((mlkit or {}).get("quality") or {}).items():
        if record.get("status") == "failed":
            lines.append(f"{TOOL_LABELS[name]} failed:\n{record.get('error')}")
    error = ((mlkit or {}).get("timing") or {}).get("mlkit_error")
    if error:
        lines.append(f"mlkit timing failed:\n{error}")
    if mlkit and evidently and evidently.get("status") == "ok":
        same = mlkit.get("data_fingerprint") == evidently.get("data_fingerprint")
        keys = ("seed", "reference_rows")
        same_settings = all(mlkit["settings"][k] == evidently["settings"][k] for k in keys)
        lines.append(
            "Same data on both sides: "
            + ("yes" if same and same_settings else "NO")
            + f" (fingerprint {evidently.get('data_fingerprint')}); Evidently "
            f"{evidently.get('evidently_version')}, its methods: "
            + ", ".join(f"{k}: {v}" for k, v in (evidently.get("methods") or {}).items())
            + "."
        )
    loads = ((mlkit or {}).get("timing") or {}).get("load_average_1m") or []
    loads = [x for x in loads if x is not None]
    if loads:
        lines.append(
            f"1-minute load average around mlkit's timing: {min(loads):.1f} to {max(loads):.1f} "
            f"on {os.cpu_count()} CPUs."
        )
    return lines


def write_summary(
    mlkit: dict[str, Any] | None, evidently: dict[str, Any] | None, args: argparse.Namespace
) -> str:
    """Print and write the combined table; return it."""
    text = report(mlkit, evidently)
    path = results_path("summary", args, ".md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print()
    print(text)
    print(f"Combined table written to {path.relative_to(BENCH_DIR.parent)}")
    return text


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Measure quality and time on the mlkit side; write JSON; print the combined table."""
    args = parse_args(argv)
    path = results_path("mlkit", args)
    if args.report:
        write_summary(read_json(path), read_json(results_path("evidently", args)), args)
        return 0
    results: dict[str, Any] = {
        "kind": "drift_mlkit",
        "command": shlex.join(["python", "benchmarks/_drift.py", *sys.argv[1:]]),
        "machine": machine_info(),
        "settings": settings(args),
        "data_fingerprint": data_fingerprint(args.seed),
    }
    missing = mlkit_available()
    results["status"] = "ok" if missing is None else "partial"
    if missing:
        results["reason"] = missing
        print(f"mlkit is NOT measured: {missing}. Measuring the scipy baseline only.")
    factories: dict[str, Factory] = {"scipy": scipy_factory}
    if missing is None:
        factories = {"mlkit": mlkit_factory, **factories}
    print(
        f"Timing check on {LARGE_ROWS:,} rows ({args.timing_runs} runs per side) ...", flush=True
    )
    # first: the figures that load disturbs, before the long quality run
    results["timing"] = measure_time(args, with_mlkit=missing is None)
    write_json(path, results)
    print(
        f"Quality: {args.repeats} repeats at n = {SMALL_ROWS:,} and {POWER_ROWS:,} per shift, "
        f"{args.repeats_large} at n = {LARGE_ROWS:,}; reference {args.reference_rows:,} rows ...",
        flush=True,
    )
    results["quality"] = run_quality(
        factories, args, large_limits={"scipy": BASELINE_REPEATS_LARGE}
    )
    evidently = read_json(results_path("evidently", args))
    results["goals"] = evaluate(results, evidently)
    write_json(path, results)
    print(f"Results written to {path.relative_to(BENCH_DIR.parent)}")
    write_summary(results, evidently, args)
    if evidently is None:
        print("(No Evidently results yet: `nox -s bench_evidently` runs the peer.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
