"""Quality per time of ``mlkit.ModelSearch``: held-out score and wall time against baselines.

Usage (``nox -s bench_search`` runs this, then the FLAML peer in its own env)::

    python benchmarks/_search_quality.py              # 6 datasets, budgets 30 and 120 s (~1 h)
    python benchmarks/_search_quality.py --quick      # budget 30 s only
    python benchmarks/_search_quality.py --budgets 60 --datasets breast_cancer diabetes
    python benchmarks/_search_quality.py --report --quick   # only print the combined table

Datasets: scikit-learn's bundled breast cancer (binary), wine and digits
(multiclass) and diabetes (regression), and 50,000 generated rows of each of a
binary ``make_classification`` and a noisy ``make_friedman1`` regression. Each
is split once, 80/20, with ``--seed`` (stratified for classification), and the
split is written to ``benchmarks/.data/search-<name>-seed<seed>.npz`` so that
the FLAML peer, in its own environment, scores on the very same rows (a
fingerprint of the four arrays is compared in the combined table).

Methods, every one with ``n_jobs=2`` (the benchmark machine has 2 cores):

- ``ModelSearch(time_budget=B, n_jobs=2, random_state=seed)`` for each budget;
- a tuned ``HistGradientBoosting{Classifier,Regressor}``:
  ``RandomizedSearchCV(n_iter=20, cv=5)`` over ``HGB_SPACE`` (``--hgb-iterations``
  sets ``n_iter``; ``nox -s bench``'s quick run uses 10), scored with the
  dataset's metric;
- a linear baseline: ``StandardScaler`` + ``LogisticRegression`` or
  ``StandardScaler`` + ``RidgeCV`` (single-threaded: these have no ``n_jobs``);
- FLAML ``AutoML`` with the same budgets (``peers/flaml_bench.py``).

Wall time is that of ``fit``, final refit included; prediction is timed
apart. Held-out metrics: ROC AUC for binary, balanced accuracy (ModelSearch's
primary metric for multiclass, ``mlkit._scoring.DEFAULT_SCORING``) for
multiclass, R² for regression; accuracy (classification) or RMSE
(regression) are reported beside them.

Goal per dataset and budget: ModelSearch's held-out score at least the best of
the tuned HGB, the linear baseline and FLAML at the same budget, minus 0.005
(classification) or 0.01 (R²), and ModelSearch's wall time at most 10 % over
its budget.

Results go to ``benchmarks/.results/search-mlkit-<selection>.json``; the FLAML
peer writes ``search-flaml-<selection>.json`` and prints the combined table
(also written to ``search-summary-<selection>.md``).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import json
import os
import pkgutil
import shlex
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import (
    BENCH_DIR,
    DATA_DIR,
    RESULTS_DIR,
    fmt_seconds,
    format_table,
    machine_info,
    read_json,
    verdict,
    write_json,
)

DEFAULT_BUDGETS = (30.0, 120.0)
QUICK_BUDGETS = (30.0,)
DEFAULT_N_JOBS = 2  # the benchmark machine has 2 cores
TEST_SIZE = 0.2
GENERATED_ROWS = 50_000
CV_FOLDS = 5
HGB_ITERATIONS = 20

# Goals of the issue "ModelSearch quality per time".
GOAL_SCORE_TOLERANCE = {"binary": 0.005, "multiclass": 0.005, "regression": 0.01}
GOAL_OVERRUN = 0.10  # wall / budget - 1, at most

# The held-out metrics by task, the one the goal is judged on first.
METRICS = {
    "binary": ("roc_auc", "accuracy"),
    "multiclass": ("balanced_accuracy", "accuracy"),
    "regression": ("r2", "rmse"),
}
# The tuned HGB's search space: scipy.stats distribution name and arguments.
HGB_SPACE: dict[str, tuple[Any, ...]] = {
    "learning_rate": ("loguniform", 0.01, 0.3),
    "max_iter": ("randint", 50, 501),
    "max_leaf_nodes": ("randint", 8, 129),
    "min_samples_leaf": ("randint", 2, 51),
    "l2_regularization": ("loguniform", 1e-4, 10.0),
    "max_features": ("uniform", 0.5, 0.5),  # 0.5 to 1.0
}
LABELS = {
    "modelsearch": "mlkit ModelSearch",
    "hgb": "HGB RandomizedSearchCV",  # its iterations x folds are in the "chosen" column
    "linear": "scaled linear baseline",
    "flaml": "FLAML AutoML",
}


# ----------------------------------------------------------------------------- data


@dataclasses.dataclass(frozen=True)
class Dataset:
    """One benchmark dataset: its task and how to build all of its rows."""

    name: str
    task: str
    source: str
    load: Callable[[int], tuple[np.ndarray, np.ndarray, list[str]]]


def _bundled(loader_name: str) -> Callable[[int], tuple[np.ndarray, np.ndarray, list[str]]]:
    def load(seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        del seed  # bundled data are fixed
        from sklearn import datasets

        bunch = getattr(datasets, loader_name)()
        return bunch.data, bunch.target, [str(name) for name in bunch.feature_names]

    return load


def _classification(seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=GENERATED_ROWS,
        n_features=20,
        n_informative=10,
        n_redundant=5,
        flip_y=0.03,
        class_sep=0.8,
        random_state=seed,
    )
    return X, y, [f"x{i}" for i in range(X.shape[1])]


def _friedman1(seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=GENERATED_ROWS, n_features=10, noise=1.0, random_state=seed)
    return X, y, [f"x{i}" for i in range(X.shape[1])]


DATASETS = {
    dataset.name: dataset
    for dataset in [
        Dataset("breast_cancer", "binary", "load_breast_cancer()", _bundled("load_breast_cancer")),
        Dataset("wine", "multiclass", "load_wine()", _bundled("load_wine")),
        Dataset("digits", "multiclass", "load_digits()", _bundled("load_digits")),
        Dataset("diabetes", "regression", "load_diabetes()", _bundled("load_diabetes")),
        Dataset(
            "classification_50k",
            "binary",
            "make_classification(50_000, n_features=20, n_informative=10, n_redundant=5, "
            "flip_y=0.03, class_sep=0.8)",
            _classification,
        ),
        Dataset(
            "friedman1_50k",
            "regression",
            "make_friedman1(50_000, n_features=10, noise=1.0)",
            _friedman1,
        ),
    ]
}


@dataclasses.dataclass(frozen=True)
class Split:
    """The fixed train/test split of one dataset, as plain arrays."""

    name: str
    task: str
    features: list[str]
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
        """``X_train, X_test, y_train, y_test`` as pandas objects with the feature names."""
        return (
            pd.DataFrame(self.X_train, columns=self.features),
            pd.DataFrame(self.X_test, columns=self.features),
            pd.Series(self.y_train, name="target"),
            pd.Series(self.y_test, name="target"),
        )

    def fingerprint(self) -> str:
        """A digest of the four arrays as little-endian float64, the same under any numpy."""
        digest = hashlib.sha256()
        for array in (self.X_train, self.X_test, self.y_train, self.y_test):
            values = np.ascontiguousarray(array, dtype="<f8")
            digest.update(repr(values.shape).encode())
            digest.update(values.tobytes())
        return digest.hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """The split's shape, metric and fingerprint, for the JSON record."""
        return {
            "name": self.name,
            "task": self.task,
            "metric": METRICS[self.task][0],
            "source": DATASETS[self.name].source,
            "rows_train": len(self.y_train),
            "rows_test": len(self.y_test),
            "features": len(self.features),
            "fingerprint": self.fingerprint(),
        }


def make_split(name: str, seed: int) -> Split:
    """Build a dataset and split it 80/20 with ``seed``, stratified for classification."""
    from sklearn.model_selection import train_test_split

    dataset = DATASETS[name]
    X, y, features = dataset.load(seed)
    stratify = None if dataset.task == "regression" else y
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=seed, stratify=stratify
    )
    return Split(name, dataset.task, features, X_train, X_test, y_train, y_test)


def split_path(name: str, seed: int) -> Path:
    """Where the mlkit side writes a split for the peers to read."""
    return DATA_DIR / f"search-{name}-seed{seed}.npz"


def write_split(split: Split, path: Path) -> str:
    """Write the split as ``.npz`` (atomically); return its path relative to the repo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".npz.tmp")
    with tmp.open("wb") as file:
        np.savez(
            file,
            task=np.array(split.task),
            features=np.array(split.features),
            X_train=split.X_train,
            X_test=split.X_test,
            y_train=split.y_train,
            y_test=split.y_test,
        )
    tmp.replace(path)
    return str(path.relative_to(BENCH_DIR.parent))


def read_split(name: str, seed: int) -> tuple[Split, str]:
    """The split the mlkit side wrote, or one rebuilt from the seed when it is missing."""
    path = split_path(name, seed)
    if not path.exists():
        print(f"{path} is missing (run benchmarks/_search_quality.py first); rebuilding it.")
        return make_split(name, seed), "rebuilt from scikit-learn with the seed"
    with np.load(path, allow_pickle=False) as data:
        split = Split(
            name,
            str(data["task"]),
            [str(feature) for feature in data["features"]],
            data["X_train"],
            data["X_test"],
            data["y_train"],
            data["y_test"],
        )
    return split, str(path.relative_to(BENCH_DIR.parent))


# ----------------------------------------------------------------------------- measuring


def held_out_metrics(
    task: str, y_true: np.ndarray, predicted: np.ndarray, probabilities: np.ndarray | None
) -> dict[str, float]:
    """The task's metrics (``METRICS``) on the test rows, primary first."""
    from sklearn import metrics

    if task == "regression":
        scores = {
            "r2": metrics.r2_score(y_true, predicted),
            "rmse": np.sqrt(metrics.mean_squared_error(y_true, predicted)),
        }
    else:
        scores = {"accuracy": metrics.accuracy_score(y_true, predicted)}
        if task == "binary":
            assert probabilities is not None
            scores["roc_auc"] = metrics.roc_auc_score(y_true, probabilities[:, 1])
        else:
            scores["balanced_accuracy"] = metrics.balanced_accuracy_score(y_true, predicted)
    return {name: float(scores[name]) for name in METRICS[task]}


def plain(value: Any) -> Any:
    """``value`` with numpy scalars and other objects made JSON-safe."""

    def default(item: Any) -> Any:
        return item.item() if hasattr(item, "item") else str(item)

    return json.loads(json.dumps(value, default=default))


def run_method(
    split: Split,
    method: str,
    fit: Callable[[pd.DataFrame, pd.Series], Any],
    *,
    budget: float | None = None,
    details: Callable[[Any], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Fit one method on the training rows, score it on the test rows; record what happened.

    ``fit(X_train, y_train)`` returns the fitted model; its wall time, final
    refit included, is the method's time. Prediction is timed separately. A
    method that raises is recorded as failed, with the reason.
    """
    record: dict[str, Any] = {"dataset": split.name, "method": method, "budget_s": budget}
    X_train, X_test, y_train, _ = split.frames()
    load = [os.getloadavg()[0]]
    label = LABELS[method] + ("" if budget is None else f", budget {budget:g} s")
    print(f"  {label} ...", flush=True)
    try:
        started = time.perf_counter()
        model = fit(X_train, y_train)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        predicted = np.asarray(model.predict(X_test))
        probabilities = np.asarray(model.predict_proba(X_test)) if split.task == "binary" else None
        predict_s = time.perf_counter() - started
        scores = held_out_metrics(split.task, split.y_test, predicted, probabilities)
        extra = plain(details(model)) if details else {}
    except Exception as error:  # noqa: BLE001 - a crash of one method is a result to record
        traceback.print_exc()
        record.update(status="failed", reason=repr(error))
        return record
    load.append(os.getloadavg()[0])
    record.update(
        status="ok",
        fit_s=fit_s,
        predict_s=predict_s,
        overrun=None if budget is None else fit_s / budget - 1,
        metrics=scores,
        score=scores[METRICS[split.task][0]],
        load_average_1m=load,
        details=extra,
    )
    overrun = "" if budget is None else f", {record['overrun']:+.0%} of the budget"
    print(f"    {METRICS[split.task][0]} {record['score']:.4f} in {fit_s:.1f} s{overrun}")
    return record


def warm_imports() -> None:
    """Import what the methods import lazily, so that no method's time includes imports."""
    import mlkit

    for module in pkgutil.iter_modules(mlkit.__path__, "mlkit."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for name in ("sklearn.ensemble", "sklearn.linear_model", "sklearn.model_selection"):
        importlib.import_module(name)


def fit_linear(split: Split, seed: int) -> Callable[[pd.DataFrame, pd.Series], Any]:
    """The linear baseline: standardised logistic regression, or ridge with alpha by CV."""
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if split.task == "regression":
        model = RidgeCV(alphas=np.logspace(-3, 3, 13))
    else:
        model = LogisticRegression(max_iter=5_000, random_state=seed)
    return make_pipeline(StandardScaler(), model).fit


def fit_hgb_search(
    split: Split, seed: int, n_jobs: int, iterations: int = HGB_ITERATIONS
) -> Callable[..., Any]:
    """A HistGradientBoosting model tuned by random search with the dataset's metric."""
    from scipy import stats
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.model_selection import KFold, RandomizedSearchCV, StratifiedKFold

    if split.task == "regression":
        model: Any = HistGradientBoostingRegressor(random_state=seed)
        cv: Any = KFold(CV_FOLDS, shuffle=True, random_state=seed)
    else:
        model = HistGradientBoostingClassifier(random_state=seed)
        cv = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed)
    distributions = {
        name: getattr(stats, kind)(*args) for name, (kind, *args) in HGB_SPACE.items()
    }
    return RandomizedSearchCV(
        model,
        distributions,
        n_iter=iterations,
        cv=cv,
        scoring=METRICS[split.task][0],
        n_jobs=n_jobs,
        random_state=seed,
    ).fit


def hgb_details(search: Any) -> dict[str, Any]:
    return {
        "cv_score": search.best_score_,
        "best_params": search.best_params_,
        "refit_s": search.refit_time_,
        "search": f"{search.n_iter} x {CV_FOLDS} folds",
    }


def linear_details(model: Any) -> dict[str, Any]:
    final = model[-1]
    return {"model": type(final).__name__, "alpha": getattr(final, "alpha_", None)}


def fit_model_search(budget: float, seed: int, n_jobs: int, rule: str) -> Callable[..., Any]:
    import mlkit

    search = mlkit.ModelSearch(
        time_budget=budget, selection=rule, n_jobs=n_jobs, random_state=seed, progress=False
    )
    return search.fit


def search_details(split: Split) -> Callable[[Any], dict[str, Any]]:
    def details(search: Any) -> dict[str, Any]:
        result = search.result_
        _, X_test, _, y_test = split.frames()
        return {
            "chosen": result.chosen,
            "chosen_params": result.chosen_params,
            "primary": result.primary,
            "cv_score": result.chosen_score,
            "own_test_score": search.score(X_test, y_test),
            "timings": result.timings,
            "sample_rows": result.sample_rows,
        }

    return details


# ----------------------------------------------------------------------------- options


def add_search_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose datasets, budgets, seed and jobs (shared with the peer)."""
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=list(DATASETS),
        default=list(DATASETS),
        metavar="NAME",
        help=f"datasets to run, of {', '.join(DATASETS)} (default: all)",
    )
    budgets = parser.add_mutually_exclusive_group()
    budgets.add_argument(
        "--budgets",
        nargs="+",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time budgets of ModelSearch and FLAML (default 30 120)",
    )
    budgets.add_argument("--quick", action="store_true", help="only the 30 s budget")
    parser.add_argument("--seed", type=int, default=0, help="seed of data, split and models")
    parser.add_argument(
        "--n-jobs", type=int, default=DEFAULT_N_JOBS, help="parallel jobs of every method"
    )
    parser.add_argument(
        "--rule",
        choices=["one_se", "best"],
        default="one_se",
        help="ModelSearch's selection rule (compare both to measure the overfitting guard)",
    )
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="run ModelSearch alone (no linear or tuned-HGB baselines)",
    )


def budgets_from(args: argparse.Namespace) -> list[float]:
    """The budgets that ``--budgets`` / ``--quick`` ask for."""
    budgets = list(args.budgets or (QUICK_BUDGETS if args.quick else DEFAULT_BUDGETS))
    if any(budget <= 0 for budget in budgets):
        raise SystemExit("--budgets must be positive numbers of seconds")
    return budgets


def selection(args: argparse.Namespace) -> str:
    """A file-name tag of the datasets, budgets and seed, shared by both sides."""
    names = "all" if list(args.datasets) == list(DATASETS) else "+".join(args.datasets)
    budgets = "-".join(f"{budget:g}" for budget in budgets_from(args))
    seed = f"-seed{args.seed}" if args.seed else ""
    rule = "" if getattr(args, "rule", "one_se") == "one_se" else f"-{args.rule}"
    return f"{names}-{budgets}s{seed}{rule}"


def results_path(kind: str, args: argparse.Namespace, suffix: str = ".json") -> Path:
    """``benchmarks/.results/search-<kind>-<selection>.json``."""
    return RESULTS_DIR / f"search-{kind}-{selection(args)}{suffix}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of this script."""
    parser = argparse.ArgumentParser(
        description="ModelSearch's held-out score and wall time against tuned baselines.",
    )
    add_search_options(parser)
    parser.add_argument(
        "--report",
        action="store_true",
        help="measure nothing; print the combined table of the recorded results",
    )
    parser.add_argument(
        "--hgb-iterations",
        type=int,
        default=HGB_ITERATIONS,
        help=f"random-search iterations of the tuned HGB (default {HGB_ITERATIONS})",
    )
    args = parser.parse_args(argv)
    budgets_from(args)
    if args.n_jobs < 1:
        parser.error("--n-jobs must be at least 1")
    if args.hgb_iterations < 1:
        parser.error("--hgb-iterations must be at least 1")
    return args


# ----------------------------------------------------------------------------- the goals


def goals(datasets: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]]) -> list[dict]:
    """Each ModelSearch run against the best other method, and against its budget."""
    judged = []
    for dataset in datasets:
        mine = [r for r in records if r["dataset"] == dataset["name"]]
        for search in (r for r in mine if r["method"] == "modelsearch"):
            budget = search["budget_s"]
            others = [
                r
                for r in mine
                if r["method"] != "modelsearch"
                and r["status"] == "ok"
                and r["budget_s"] in (None, budget)
            ]
            best = max(others, key=lambda r: r["score"], default=None)
            tolerance = GOAL_SCORE_TOLERANCE[dataset["task"]]
            entry: dict[str, Any] = {
                "dataset": dataset["name"],
                "metric": dataset["metric"],
                "budget_s": budget,
                "flaml_compared": any(r["method"] == "flaml" for r in others),
                "tolerance": tolerance,
                "best_other": None if best is None else best["method"],
                "best_other_score": None if best is None else best["score"],
            }
            if search["status"] != "ok":
                entry.update(score=None, gap=None, overrun=None, passed=False)
            else:
                gap = None if best is None else search["score"] - best["score"]
                score_ok = None if gap is None else gap >= -tolerance
                overrun_ok = search["overrun"] <= GOAL_OVERRUN
                entry.update(
                    score=search["score"],
                    gap=gap,
                    score_passed=score_ok,
                    overrun=search["overrun"],
                    overrun_passed=overrun_ok,
                    # nothing to compare with (--search-only): no verdict, not a failure
                    passed=None if score_ok is None else score_ok and overrun_ok,
                )
            judged.append(entry)
    return judged


# ----------------------------------------------------------------------------- tables


def _fmt(value: float | None, pattern: str = "{:.4f}") -> str:
    return "n/a" if value is None else pattern.format(value)


def results_table(datasets: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]]) -> str:
    """Every dataset x method: held-out scores, wall time, overrun and what was chosen."""
    order = list(LABELS)
    rows = []
    for dataset in datasets:
        mine = [r for r in records if r["dataset"] == dataset["name"]]
        mine.sort(key=lambda r: (order.index(r["method"]), r["budget_s"] or 0))
        primary, second = METRICS[dataset["task"]]
        for record in mine:
            budget = record["budget_s"]
            common = [
                dataset["name"],
                LABELS[record["method"]],
                "" if budget is None else f"{budget:g} s",
            ]
            if record["status"] != "ok":
                rows.append([*common, record["status"], "", "", "", record.get("reason", "")])
                continue
            metrics, details = record["metrics"], record.get("details", {})
            note = details.get("chosen") or details.get("best_estimator") or details.get("search")
            note = note or ""
            rows.append(
                [
                    *common,
                    f"{primary} {metrics[primary]:.4f}",
                    f"{second} {metrics[second]:.4f}",
                    fmt_seconds(record["fit_s"]),
                    _fmt(record["overrun"], "{:+.0%}"),
                    str(note),
                ]
            )
    header = ["dataset", "method", "budget", "held-out", "also", "wall (fit)", "overrun", "chosen"]
    return format_table(header, rows)


def goals_table(judged: Sequence[dict[str, Any]]) -> str:
    """Each ModelSearch run: its score against the best other method, and its overrun."""
    rows = []
    for goal in judged:
        best = goal["best_other"]
        best_text = "n/a" if best is None else f"{goal['best_other_score']:.4f} {LABELS[best]}"
        if not goal["flaml_compared"]:
            best_text += " (no FLAML)"
        rows.append(
            [
                goal["dataset"],
                f"{goal['budget_s']:g} s",
                f"{goal['metric']} {_fmt(goal['score'])}",
                best_text,
                f"{_fmt(goal['gap'], '{:+.4f}')} (>= -{goal['tolerance']:g})",
                f"{_fmt(goal['overrun'], '{:+.0%}')} (<= +{GOAL_OVERRUN:.0%})",
                verdict(goal["passed"]),
            ]
        )
    header = ["dataset", "budget", "ModelSearch", "best other", "gap", "overrun", "verdict"]
    return format_table(header, rows)


def split_mismatches(mlkit: dict[str, Any], flaml: dict[str, Any] | None) -> list[str]:
    """A line for each dataset whose split the FLAML side saw differently (fingerprints)."""
    theirs = {d["name"]: d["fingerprint"] for d in (flaml or {}).get("datasets", [])}
    return [
        f"WARNING: {d['name']}: the FLAML side's split differs "
        f"({theirs[d['name']]} vs {d['fingerprint']})."
        for d in mlkit["datasets"]
        if d["name"] in theirs and theirs[d["name"]] != d["fingerprint"]
    ]


def load_note(records: Sequence[dict[str, Any]]) -> str:
    """The range of the 1-minute load average around the methods, to judge the wall times."""
    loads = [load for r in records for load in r.get("load_average_1m", [])]
    if not loads:
        return ""
    cpus = os.cpu_count()
    return (
        f"1-minute load average around the methods: {min(loads):.1f} to {max(loads):.1f} "
        f"on {cpus} CPUs (above {cpus}, other processes competed for them)."
    )


def report(mlkit: dict[str, Any], flaml: dict[str, Any] | None = None) -> str:
    """The results and goals tables, with FLAML's records when there are some."""
    datasets = mlkit["datasets"]
    records = [*mlkit["results"], *((flaml or {}).get("results", []))]
    judged = goals(datasets, records)
    mismatches = split_mismatches(mlkit, flaml)
    if flaml is None:
        peer = "FLAML: no results yet (nox -s bench_flaml with the same options)."
    elif flaml.get("status") != "ok":
        peer = f"FLAML: not measured ({flaml.get('status')}: {flaml.get('reason')})."
    else:
        compared = ", ".join(d["name"] for d in flaml["datasets"])
        same = "NO, see the warnings below" if mismatches else "yes (fingerprints match)"
        peer = f"FLAML {flaml['flaml_version']} in its own env on {compared}; same rows: {same}"
    settings = mlkit["settings"]
    title = (
        f"ModelSearch quality per time: n_jobs={settings['n_jobs']} everywhere, "
        f"80/20 split with seed {settings['seed']}, budgets "
        f"{', '.join(f'{b:g} s' for b in settings['budgets'])}"
    )
    passed = sum(1 for goal in judged if goal["passed"])
    judgeable = sum(1 for goal in judged if goal["passed"] is not None)
    summary = f"ModelSearch met the goal in {passed} of {judgeable} runs. {load_note(records)}"
    notes = "\n".join(mismatches)
    parts = [title, peer, results_table(datasets, records), goals_table(judged), summary, notes]
    return "\n\n".join(part for part in parts if part) + "\n"


# ----------------------------------------------------------------------------- main


def measure_dataset(
    split: Split,
    budgets: Sequence[float],
    seed: int,
    n_jobs: int,
    *,
    rule: str = "one_se",
    search_only: bool = False,
    hgb_iterations: int = HGB_ITERATIONS,
) -> list[dict]:
    """Every mlkit-side method on one split: linear, tuned HGB, then ModelSearch per budget."""
    records = []
    if not search_only:
        records += [
            run_method(split, "linear", fit_linear(split, seed), details=linear_details),
            run_method(
                split,
                "hgb",
                fit_hgb_search(split, seed, n_jobs, hgb_iterations),
                details=hgb_details,
            ),
        ]
    records += [
        run_method(
            split,
            "modelsearch",
            fit_model_search(budget, seed, n_jobs, rule),
            budget=budget,
            details=search_details(split),
        )
        for budget in budgets
    ]
    return records


def print_combined(args: argparse.Namespace) -> int:
    """Print (and write) the combined table of the recorded results for this selection."""
    mlkit = read_json(results_path("mlkit", args))
    if mlkit is None:
        print(f"No mlkit results in {results_path('mlkit', args)}: run this script first.")
        return 1
    text = report(mlkit, read_json(results_path("flaml", args)))
    path = results_path("summary", args, ".md")
    path.write_text(text)
    print(text)
    print(f"Combined table written to {path.relative_to(BENCH_DIR.parent)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Measure every method on the chosen datasets; write JSON; print the tables."""
    args = parse_args(argv)
    if args.report:
        return print_combined(args)
    from mlkit._scoring import DEFAULT_SCORING

    budgets = budgets_from(args)
    warm_imports()
    results: dict[str, Any] = {
        "kind": "search_quality_mlkit",
        "command": shlex.join(["python", "benchmarks/_search_quality.py", *sys.argv[1:]]),
        "machine": machine_info(),
        "settings": {
            "budgets": budgets,
            "seed": args.seed,
            "n_jobs": args.n_jobs,
            "rule": args.rule,
            "test_size": TEST_SIZE,
            "metrics": METRICS,
            "mlkit_default_scoring": DEFAULT_SCORING,
            "hgb_space": HGB_SPACE,
            "hgb_iterations": args.hgb_iterations,
            "hgb_folds": CV_FOLDS,
        },
        "datasets": [],
        "results": [],
    }
    if DEFAULT_SCORING["multiclass"][0] != METRICS["multiclass"][0]:
        print(
            f"NOTE: ModelSearch's multiclass primary is now {DEFAULT_SCORING['multiclass'][0]!r}"
            f"; this benchmark judges {METRICS['multiclass'][0]!r}.",
            file=sys.stderr,
        )
    path = results_path("mlkit", args)
    for name in args.datasets:
        split = make_split(name, args.seed)
        described = split.describe() | {"npz": write_split(split, split_path(name, args.seed))}
        print(f"{name}: {described['rows_train']:,} training rows ({split.task}) ...", flush=True)
        results["datasets"].append(described)
        results["results"] += measure_dataset(
            split,
            budgets,
            args.seed,
            args.n_jobs,
            rule=args.rule,
            search_only=args.search_only,
            hgb_iterations=args.hgb_iterations,
        )
        results["goals"] = goals(results["datasets"], results["results"])
        write_json(path, plain(results))  # after each dataset: a long run keeps what it measured
    print()
    print(report(results))
    print(f"Results written to {path.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
