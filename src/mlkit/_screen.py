"""Screening: every model family cross-validated on the same folds, into a leaderboard.

Each (family, fold) pair is one job: clone the pipeline, fit on the fold's
training rows, time the fit and the prediction, score the held-out rows with
every scorer, and keep the out-of-fold predictions for error analysis. Jobs run
through joblib, so ``n_jobs`` and any joblib backend apply.

Under a time budget, families run one after another, simplest first, and a
family starts only when its estimated cost fits before the screening deadline.
On large tables the cost comes from a pilot: each family is timed on two small
samples and its time on a fold's training rows is extrapolated from them.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from mlkit._budget import parallel_time
from mlkit._families import Family, skip_reason
from mlkit._scoring import score_or_nan

__all__ = [
    "CostCurve",
    "FoldResult",
    "Screening",
    "cross_evaluate",
    "estimate_fold_costs",
    "evaluate",
    "screen",
    "summarise",
]

logger = logging.getLogger(__name__)

Fold = tuple[np.ndarray, np.ndarray]
# What a third-party estimator raises when it cannot fit this data; anything else is a bug.
_FIT_FAILURES: Final = (ValueError, ArithmeticError, np.linalg.LinAlgError)
_PILOT_ROWS: Final = (500, 2_500)  # two sample sizes, so a fixed overhead is not extrapolated


@attrs.frozen(kw_only=True, eq=False)
class FoldResult:
    """One family on one fold."""

    family: str
    fold: int
    scores: dict[str, float]
    fit_time: float
    predict_time: float
    test_index: np.ndarray
    predictions: np.ndarray
    warnings: tuple[str, ...] = ()
    failure: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class Screening:
    """The screening stage: leaderboard, out-of-fold predictions, what was skipped and why.

    Attributes
    ----------
    leaderboard : pandas.DataFrame
        One row per family that ran, best first: ``<metric>_mean`` and
        ``<metric>_std`` over folds for every metric, ``fit_time`` and
        ``predict_time`` (mean seconds per fold) and the warnings raised.
    predictions : dict of str to numpy.ndarray
        Each family's out-of-fold predictions, one per training row.
    skipped : dict of str to str
        Each family that did not run, and why.
    primary : str
        The metric that ranks the leaderboard.
    """

    leaderboard: pd.DataFrame
    predictions: dict[str, np.ndarray]
    skipped: dict[str, str]
    primary: str


def screen(
    build_pipeline: Callable[[Any], Any],
    X: pd.DataFrame,
    y: pd.Series,
    *,
    families: Sequence[Family],
    folds: Sequence[Fold],
    scorers: Mapping[str, Callable[..., float]],
    primary: str,
    smallest_value: float,
    random_state: int | None,
    n_jobs: int | None,
    deadline: float = math.inf,
    fold_costs: Mapping[str, float] | None = None,
    on_result: Callable[[FoldResult], None] | None = None,
) -> Screening:
    """Cross-validate every family that can run on the data, on the same folds.

    Parameters
    ----------
    build_pipeline : callable
        ``build_pipeline(estimator)`` returns the unfitted pipeline around a
        model (the Cleaner and FeatureBuilder before it).
    X : pandas.DataFrame
        Training features.
    y : pandas.Series
        Training target.
    families : sequence of Family
        The families to screen.
    folds : sequence of (ndarray, ndarray)
        Train and test positions of each fold, shared by every family.
    scorers : mapping of str to scorer
        Every metric, primary first.
    primary : str
        The metric that ranks the leaderboard (greater is better).
    smallest_value : float
        The smallest feature value the models see, for families that refuse
        negative values.
    random_state : int or None
        Seed of every model.
    n_jobs : int or None
        Parallel jobs (joblib).
    deadline : float, optional
        A ``time.monotonic()`` instant: a family whose estimated cost would
        end after it is skipped, with the reason.
    fold_costs : mapping of str to float, optional
        Estimated seconds of one fold per family (see :func:`estimate_fold_costs`).
    on_result : callable, optional
        Called with each fold's result as it arrives (progress).

    Returns
    -------
    Screening
        The leaderboard, out-of-fold predictions and skipped families.
    """
    skipped: dict[str, str] = {}
    runnable = []
    for family in families:
        reason = skip_reason(family, n_rows=len(X), smallest_value=smallest_value)
        if reason is None:
            runnable.append(family)
        else:
            skipped[family.name] = reason
            logger.info("screening skips %s: %s", family.name, reason)
    pipelines = [(f.name, build_pipeline(f.build(random_state, None))) for f in runnable]
    if math.isinf(deadline):
        evaluated = cross_evaluate(pipelines, X, y, folds, scorers, n_jobs, on_result)
        by_family = dict(zip([name for name, _ in pipelines], evaluated, strict=True))
    else:
        by_family = _screen_in_time(
            pipelines, X, y, folds, scorers, n_jobs, deadline, fold_costs or {}, on_result, skipped
        )
    rows, predictions = [], {}
    for name, fold_results in by_family.items():
        failure = next((r.failure for r in fold_results if r.failure), None)
        if failure is not None:
            skipped[name] = f"failed to fit: {failure}"
            logger.warning("screening: %s failed to fit: %s", name, failure)
            continue
        found = dict.fromkeys(w for r in fold_results for w in r.warnings)
        rows.append(
            {"model": name, **summarise(fold_results, scorers), "warnings": "; ".join(found)}
        )
        predictions[name] = _out_of_fold(fold_results, len(X))
    return Screening(
        leaderboard=_rank(pd.DataFrame(rows), primary),
        predictions=predictions,
        skipped=skipped,
        primary=primary,
    )


def _screen_in_time(
    pipelines: Sequence[tuple[str, Any]],
    X: pd.DataFrame,
    y: pd.Series,
    folds: Sequence[Fold],
    scorers: Mapping[str, Callable[..., float]],
    n_jobs: int | None,
    deadline: float,
    fold_costs: Mapping[str, float],
    on_result: Callable[[FoldResult], None] | None,
    skipped: dict[str, str],
) -> dict[str, list[FoldResult]]:
    """One family at a time, each only when its estimated cost ends before ``deadline``.

    The first family that can run always does, so a search has a model to return.
    """
    from joblib import effective_n_jobs

    slots = effective_n_jobs(n_jobs)
    by_family: dict[str, list[FoldResult]] = {}
    for name, pipeline in pipelines:
        left = deadline - time.monotonic()
        needed = parallel_time(fold_costs.get(name, 0.0), len(folds), slots)
        if by_family and (needed > left or left <= 0):  # the first always runs: a search needs one
            skipped[name] = (
                f"time budget: screening it needs about {needed:.1f} s, "
                f"{max(0.0, left):.1f} s of the screening time were left"
                if needed > 0
                else "time budget: the screening time was spent before its turn"
            )
            logger.info("screening skips %s: %s", name, skipped[name])
            continue
        by_family[name] = cross_evaluate(
            [(name, pipeline)], X, y, folds, scorers, n_jobs, on_result
        )[0]
    return by_family


@attrs.frozen
class CostCurve:
    """Seconds one fold of a family takes, as a line in its training rows."""

    rows: int
    seconds_at_rows: float
    per_row: float

    def seconds(self, n_rows: int) -> float:
        """Estimated seconds of a fold trained on ``n_rows`` rows."""
        return self.seconds_at_rows + self.per_row * max(0, n_rows - self.rows)


def estimate_fold_costs(
    build_pipeline: Callable[[Any], Any],
    X: pd.DataFrame,
    y: pd.Series,
    *,
    families: Sequence[Family],
    random_state: int | None,
    n_jobs: int | None,
) -> dict[str, CostCurve]:
    """How one fold's time grows with its training rows, per family, from two small samples.

    Each family is fitted (and predicts) on 500 and 2,500 rows; the time grows
    along the line through both, so the fixed overhead is not multiplied.
    A family that fails on the sample gets no estimate (screening records why).
    """
    from joblib import Parallel, delayed

    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(X))
    jobs = [
        delayed(_time_fit)(build_pipeline(family.build(random_state, None)), X, y, order[:rows])
        for family in families
        for rows in _PILOT_ROWS
    ]
    seconds: list[float | None] = Parallel(n_jobs=n_jobs)(jobs)
    curves = {}
    small, large = _PILOT_ROWS
    for i, family in enumerate(families):
        t_small, t_large = seconds[2 * i], seconds[2 * i + 1]
        if t_small is None or t_large is None:
            continue
        per_row = max(0.0, (t_large - t_small) / (large - small))
        curves[family.name] = CostCurve(rows=large, seconds_at_rows=t_large, per_row=per_row)
    return curves


def _time_fit(pipeline: Any, X: pd.DataFrame, y: pd.Series, rows: np.ndarray) -> float | None:
    sample_X, sample_y = X.iloc[rows], y.iloc[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pilot only times; screening records warnings
        start = time.perf_counter()
        try:
            pipeline.fit(sample_X, sample_y)
            pipeline.predict(sample_X)
        except _FIT_FAILURES:
            return None
    return time.perf_counter() - start


def evaluate(
    name: str,
    pipeline: Any,
    X: pd.DataFrame,
    y: pd.Series,
    fold_number: int,
    fold: Fold,
    scorers: Mapping[str, Callable[..., float]],
) -> FoldResult:
    """Fit ``pipeline`` on one fold's training rows and score its held-out rows.

    Warnings are recorded, not raised; a fit the data makes impossible (a
    ``ValueError``, an arithmetic or linear-algebra error) is recorded as the
    fold's failure.
    """
    train, test = fold
    X_train, y_train = X.iloc[train], y.iloc[train]
    X_test, y_test = X.iloc[test], y.iloc[test]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            start = time.perf_counter()
            pipeline.fit(X_train, y_train)
            fit_time = time.perf_counter() - start
            start = time.perf_counter()
            predictions = np.asarray(pipeline.predict(X_test))
            predict_time = time.perf_counter() - start
            scores = {
                metric: score_or_nan(scorer, pipeline, X_test, y_test)
                for metric, scorer in scorers.items()
            }
        except _FIT_FAILURES as error:
            return FoldResult(
                family=name,
                fold=fold_number,
                scores={},
                fit_time=0.0,
                predict_time=0.0,
                test_index=test,
                predictions=np.empty(0),
                failure=f"{type(error).__name__}: {error}",
            )
    messages = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return FoldResult(
        family=name,
        fold=fold_number,
        scores=scores,
        fit_time=fit_time,
        predict_time=predict_time,
        test_index=test,
        predictions=predictions,
        warnings=messages,
    )


def cross_evaluate(
    pipelines: Sequence[tuple[str, Any]],
    X: pd.DataFrame,
    y: pd.Series,
    folds: Sequence[Fold],
    scorers: Mapping[str, Callable[..., float]],
    n_jobs: int | None,
    on_result: Callable[[FoldResult], None] | None = None,
) -> list[list[FoldResult]]:
    """Every named pipeline on every fold, in parallel: one list of fold results per pipeline.

    Each job fits its own clone, so no two folds share a fitted object.
    ``on_result`` is called with each result as it arrives.
    """
    from joblib import Parallel, delayed
    from sklearn.base import clone

    jobs = (
        delayed(evaluate)(name, clone(pipeline), X, y, number, fold, scorers)
        for name, pipeline in pipelines
        for number, fold in enumerate(folds)
    )
    results: list[FoldResult] = []
    for result in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
        results.append(result)
        if on_result is not None:
            on_result(result)
    k = len(folds)
    return [results[i * k : (i + 1) * k] for i in range(len(pipelines))]


def summarise(fold_results: Sequence[FoldResult], scorers: Mapping[str, Any]) -> dict[str, float]:
    """Mean and standard deviation over folds of every metric, and mean fit and predict times.

    A metric the model cannot compute on any fold (no ``predict_proba``) is ``nan``.
    """
    row: dict[str, float] = {}
    for metric in scorers:
        values = np.array([r.scores.get(metric, np.nan) for r in fold_results], dtype=float)
        known = values[~np.isnan(values)]
        row[f"{metric}_mean"] = float(known.mean()) if len(known) else float("nan")
        row[f"{metric}_std"] = (
            float(known.std(ddof=1)) if len(known) > 1 else (0.0 if len(known) else float("nan"))
        )
    row["fit_time"] = float(np.mean([r.fit_time for r in fold_results]))
    row["predict_time"] = float(np.mean([r.predict_time for r in fold_results]))
    return row


def _out_of_fold(fold_results: Sequence[FoldResult], n_rows: int) -> np.ndarray:
    first = fold_results[0].predictions
    out = np.empty(n_rows, dtype=first.dtype)
    for result in fold_results:
        out[result.test_index] = result.predictions
    return out


def _rank(leaderboard: pd.DataFrame, primary: str) -> pd.DataFrame:
    """Best primary score first; ties go to the steadier, then the faster to predict."""
    if leaderboard.empty:
        return leaderboard
    ordered = leaderboard.sort_values(
        [f"{primary}_mean", f"{primary}_std", "predict_time"],
        ascending=[False, True, True],
        kind="stable",
    )
    return ordered.set_index("model")
