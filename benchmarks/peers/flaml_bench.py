"""FLAML AutoML on the ModelSearch benchmark's splits, then the combined table.

Runs in its own environment (``nox -s bench_flaml``, notified by ``nox -s
bench_search``): ``flaml[automl]`` caps xgboost below 3 and pulls lightgbm, so
it never shares mlkit's runtime, and mlkit is not installed here. The splits
are read from the ``.npz`` files that ``benchmarks/_search_quality.py`` wrote
(or rebuilt from the seed when missing), and their fingerprints are compared
with the mlkit side's in the combined table.

For each dataset and budget ``B`` (the same options as the mlkit side)::

    AutoML().fit(X_train, y_train, task=..., time_budget=B, metric=...,
                 seed=seed, n_jobs=2, verbose=0)

with ``metric`` the dataset's: ``"roc_auc"`` (binary), ``"r2"``
(regression), and for multiclass a custom metric minimising
``1 - balanced_accuracy`` (ModelSearch's primary metric for multiclass; FLAML
has no built-in balanced accuracy). The wall time is measured around
``fit``, so it includes FLAML's final retrain on all training rows (outside its
budget with the default ``retrain_full=True``). FLAML's modules, lightgbm and
xgboost are imported before anything is timed.

This script never fails the session: when FLAML cannot be imported, it says
so, records the reason in its JSON and exits 0; a run that raises is recorded
as failed.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import BENCH_DIR, machine_info, package_versions, read_json, write_json
from _search_quality import (
    Split,
    add_search_options,
    budgets_from,
    plain,
    read_split,
    report,
    results_path,
    run_method,
)

PEER_PACKAGES = ("flaml", "lightgbm", "xgboost", "scikit-learn", "numpy", "pandas", "scipy")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options shared with ``_search_quality.py``; its other options are ignored."""
    parser = argparse.ArgumentParser(description="Benchmark FLAML AutoML on the same splits.")
    add_search_options(parser)
    args, _ = parser.parse_known_args(argv)
    budgets_from(args)
    return args


def balanced_accuracy_loss(
    X_val: Any, y_val: Any, estimator: Any, labels: Any, X_train: Any, y_train: Any, *rest: Any
) -> tuple[float, dict[str, float]]:
    """FLAML's custom-metric signature: ``1 - balanced accuracy`` on the validation rows."""
    from sklearn.metrics import balanced_accuracy_score

    score = float(balanced_accuracy_score(y_val, estimator.predict(X_val)))
    return 1.0 - score, {"balanced_accuracy": score}


def fit_flaml(split: Split, budget: float, seed: int, n_jobs: int) -> Any:
    """``fit(X, y)`` running FLAML AutoML with the dataset's metric and ``budget`` seconds."""
    from flaml import AutoML

    task = "regression" if split.task == "regression" else "classification"
    metric: Any = {"binary": "roc_auc", "regression": "r2"}.get(split.task, balanced_accuracy_loss)

    def fit(X: Any, y: Any) -> Any:
        automl = AutoML()
        automl.fit(
            X,
            y,
            task=task,
            time_budget=budget,
            metric=metric,
            seed=seed,
            n_jobs=n_jobs,
            verbose=0,
        )
        return automl

    return fit


def flaml_details(automl: Any) -> dict[str, Any]:
    """What FLAML chose and how its search went."""
    return {
        "best_estimator": automl.best_estimator,
        "best_config": automl.best_config,
        "best_loss": automl.best_loss,
        "best_config_train_time_s": automl.best_config_train_time,
        "time_to_find_best_model_s": automl.time_to_find_best_model,
    }


def measure(args: argparse.Namespace, results: dict[str, Any], path: Path) -> None:
    """Run FLAML on every chosen split and budget; record after each dataset."""
    try:
        import flaml
        import flaml.automl
        import lightgbm
        import xgboost
    except Exception as error:  # noqa: BLE001 - any import failure is a result to record
        results.update(status="unavailable", reason=f"import flaml[automl] failed: {error!r}")
        return
    del flaml.automl, lightgbm, xgboost  # imported so that no fit's time includes imports
    results.update(status="ok", flaml_version=flaml.__version__)
    for name in args.datasets:
        split, source = read_split(name, args.seed)
        print(f"{name}: {len(split.y_train):,} training rows ({split.task}) ...", flush=True)
        results["datasets"].append(split.describe() | {"npz": source})
        for budget in budgets_from(args):
            fit = fit_flaml(split, budget, args.seed, args.n_jobs)
            record = run_method(split, "flaml", fit, budget=budget, details=flaml_details)
            results["results"].append(record)
        write_json(path, plain(results))


def main(argv: list[str] | None = None) -> int:
    """Measure, record, print the combined table; exit 0 whatever FLAML did."""
    args = parse_args(argv)
    machine = machine_info()
    machine["packages"] |= package_versions(PEER_PACKAGES)
    results: dict[str, Any] = {
        "kind": "search_quality_flaml",
        "command": shlex.join(["python", "benchmarks/peers/flaml_bench.py", *sys.argv[1:]]),
        "machine": machine,
        "settings": {"budgets": budgets_from(args), "seed": args.seed, "n_jobs": args.n_jobs},
        "datasets": [],
        "results": [],
    }
    path = results_path("flaml", args)
    measure(args, results, path)
    write_json(path, plain(results))
    if results["status"] != "ok":
        print(f"\nFLAML was NOT measured ({results['status']}): {results['reason']}")

    mlkit = read_json(results_path("mlkit", args))
    if mlkit is None:
        print(f"\nNo mlkit results in {results_path('mlkit', args)}: run the mlkit side first.")
        return 0
    text = report(mlkit, results)
    summary = results_path("summary", args, ".md")
    summary.write_text(text)
    print()
    print(text)
    shown = [p.relative_to(BENCH_DIR.parent) for p in (path, summary)]
    print(f"Results written to {shown[0]} and {shown[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
