"""Evidently's data-drift preset on the drift benchmark's data, then the combined table.

Runs in its own environment (``nox -s bench_evidently``, notified by ``nox -s
bench_drift``): Evidently does not run under pandas 3, so its environment has
``pandas<3`` and never shares mlkit's runtime; mlkit is not installed here.
The frames come from ``benchmarks/_drift_data.py`` with the same seeds as the
mlkit side (``benchmarks/_drift.py``), so its first ``--repeats`` repeats see
exactly the data that Evidently sees; a fingerprint of the generator's output
is compared in the combined table.

Each check is one run of the preset with its defaults::

    Report([DataDriftPreset()], include_tests=True).run(current, reference)

``include_tests=True`` only adds the per-column pass/fail results, from
which the flagged columns are read (a ``ValueDrift`` test that fails is a
flagged column); the drift computation is the default one. With a reference
of more than 1,000 rows Evidently's defaults compare numeric columns by the
normed Wasserstein distance and categorical ones by the Jensen-Shannon
distance, both with threshold 0.1 (the methods it chose are recorded).

Figures: the share of the 20 columns flagged with no shift at n = 1,000
(``--repeats``, default 50) and at n = 1,000,000 (``--repeats-large``, default
2: one run takes about 40 s there); the share of repeats flagging the shifted
column at n = 10,000 for each shift (``--repeats``); the wall time of each run,
imports excluded (an untimed run on 2,000 rows comes first). The time at
1,000,000 x 20 is the median of the no-shift runs at that size.

This script never fails the session: when Evidently cannot be imported it
says so, records the reason in its JSON and exits 0; a run that raises is
recorded as failed.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _drift_data as data
import pandas as pd
from _common import BENCH_DIR, machine_info, package_versions, read_json, write_json
from _drift import (
    Check,
    add_drift_options,
    data_fingerprint,
    resolve_repeats,
    results_path,
    run_quality,
    settings,
    write_summary,
)

DEFAULT_REPEATS = 50
DEFAULT_REPEATS_LARGE = 2
QUICK = (5, 1)  # --quick: context figures only; the 1,000,000-row run times the preset
PEER_PACKAGES = ("evidently", "numpy", "pandas", "scipy", "scikit-learn", "pydantic", "plotly")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options shared with ``_drift.py`` (own defaults); its other options are ignored."""
    parser = argparse.ArgumentParser(description="Benchmark Evidently's DataDriftPreset.")
    add_drift_options(
        parser, repeats=DEFAULT_REPEATS, repeats_large=DEFAULT_REPEATS_LARGE, quick=QUICK
    )
    parser.add_argument(
        "--timing-only",
        action="store_true",
        help="rerun only the no-shift runs at n = 1,000,000 (same seeds, so the same flags) "
        "and replace them in the recorded JSON: new times on a quieter machine",
    )
    args, _ = parser.parse_known_args(argv)
    resolve_repeats(args)
    return args


def run_preset(reference: pd.DataFrame, current: pd.DataFrame) -> Any:
    """One run of the data-drift preset with its defaults; returns Evidently's snapshot."""
    from evidently import Report
    from evidently.presets import DataDriftPreset

    return Report([DataDriftPreset()], include_tests=True).run(current, reference)


def column_results(snapshot: Any) -> dict[str, dict[str, Any]]:
    """Each checked column's test status, method and threshold, from a snapshot."""
    out = {}
    for result in snapshot.tests_results:
        params = getattr(result.metric_config, "params", None) or {}
        column = params.get("column")
        if column is None:  # the dataset-level "share of drifted columns" test
            continue
        out[str(column)] = {
            "failed": str(getattr(result.status, "value", result.status)).upper() == "FAIL",
            "method": params.get("method"),
            "threshold": params.get("threshold"),
        }
    return out


def evidently_factory(reference: pd.DataFrame) -> Check:
    """A check of one current frame against ``reference``: the columns whose test failed."""

    def check(current: pd.DataFrame) -> Sequence[str]:
        return [
            c for c, r in column_results(run_preset(reference, current)).items() if r["failed"]
        ]

    return check


def measure(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Import Evidently, warm it up, run every scenario; record the methods it chose."""
    try:
        import evidently
        from evidently import Report
        from evidently.presets import DataDriftPreset
    except Exception as error:  # noqa: BLE001 - any import failure is a result to record
        results.update(status="unavailable", reason=f"import evidently failed: {error!r}")
        return
    del Report, DataDriftPreset
    results["evidently_version"] = getattr(evidently, "__version__", None)
    try:
        run_preset(data.reference(2_000, 1), data.current(2_000, 1))  # warm-up: imports
        small = run_preset(data.reference(args.reference_rows, 0), data.current(1_000, 0))
    except Exception:  # noqa: BLE001
        results.update(status="failed", reason=traceback.format_exc(limit=8))
        return
    results["methods"] = _methods(column_results(small))
    results["checked_columns"] = len(column_results(small))
    quality = run_quality({"evidently": evidently_factory}, args, label="Evidently ")
    results["quality"] = quality
    record = quality["evidently"]
    if record["status"] == "ok":
        results["status"] = "ok"
    else:
        results.update(status="failed", reason=record.get("error"))


def rerun_large(args: argparse.Namespace, path: Path) -> int:
    """``--timing-only``: rerun the large no-shift runs and replace them in the JSON."""
    results = read_json(path)
    if not results or results.get("status") != "ok":
        print(f"No complete Evidently results in {path}: run without --timing-only first.")
        return 0
    if results["settings"]["reference_rows"] != args.reference_rows:
        print("--reference-rows differs from the recorded run's: not replacing anything.")
        return 0
    large = argparse.Namespace(**{**vars(args), "repeats": 0})
    run_preset(data.reference(2_000, 1), data.current(2_000, 1))  # warm-up: imports
    quality = run_quality({"evidently": evidently_factory}, large, label="Evidently ")
    record = quality["evidently"]
    if record["status"] != "ok":
        print(f"Evidently failed:\n{record.get('error')}")
        return 0
    old = results["quality"]["evidently"]["scenarios"]["none-large"]
    new = record["scenarios"]["none-large"]
    results.setdefault("timing_reruns", []).append(
        {
            "command": shlex.join(
                ["python", "benchmarks/peers/evidently_bench.py", *sys.argv[1:]]
            ),
            "date": machine_info()["date"],
            "replaced_check_s": old["check_s"],
            "same_flags": old["flagged"] == new["flagged"][: len(old["flagged"])],
            "load_average_1m": record["load_average_1m"],
        }
    )
    results["quality"]["evidently"]["scenarios"]["none-large"] = new
    results["settings"]["repeats_large"] = args.repeats_large
    write_json(path, results)
    print(f"Replaced the n = 1,000,000 runs in {path.relative_to(BENCH_DIR.parent)}")
    write_summary(read_json(results_path("mlkit", args)), results, args)
    return 0


def _methods(columns: dict[str, dict[str, Any]]) -> dict[str, str]:
    """``{"Wasserstein distance (normed) 0.1": "normal_a, ..."}``: which test on which columns."""
    groups: dict[str, list[str]] = {}
    for column, result in columns.items():
        groups.setdefault(f"{result['method']} (threshold {result['threshold']})", []).append(
            column
        )
    return {method: ", ".join(names) for method, names in groups.items()}


def main(argv: list[str] | None = None) -> int:
    """Measure, record, print the combined table; exit 0 whatever Evidently did."""
    args = parse_args(argv)
    machine = machine_info()
    machine["packages"] |= package_versions(PEER_PACKAGES)
    results: dict[str, Any] = {
        "kind": "drift_evidently",
        "command": shlex.join(["python", "benchmarks/peers/evidently_bench.py", *sys.argv[1:]]),
        "machine": machine,
        "settings": settings(args) | {"report": "Report([DataDriftPreset()], include_tests=True)"},
        "data_fingerprint": data_fingerprint(args.seed),
    }
    path = results_path("evidently", args)
    if args.timing_only:
        return rerun_large(args, path)
    print(
        f"Evidently: {args.repeats} repeats at n = 1,000 and 10,000 per shift, "
        f"{args.repeats_large} at n = 1,000,000; reference {args.reference_rows:,} rows ...",
        flush=True,
    )
    measure(args, results)
    write_json(path, results)
    print(f"Results written to {path.relative_to(BENCH_DIR.parent)}")
    if results["status"] != "ok":
        print(f"\nEvidently was NOT measured ({results['status']}): {results['reason']}")
    mlkit = read_json(results_path("mlkit", args))
    if mlkit is None:
        print(f"\nNo mlkit results in {results_path('mlkit', args)}: run the mlkit side.")
    write_summary(mlkit, results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
