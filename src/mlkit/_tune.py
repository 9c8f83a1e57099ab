"""Tuning: random search over a family's hyperparameter distributions, every trial recorded.

Trial 0 is the family's standard configuration, so tuning never returns
something worse (on the same folds) than what screening measured. Trials run
in batches of parallel jobs; before each batch after the first the deadline
is checked, so a time budget ends the search with fewer trials rather than
overrunning it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from mlkit._families import Family
from mlkit._screen import Fold, FoldResult, evaluate

__all__ = ["Tuning", "tune"]

logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True, eq=False)
class Tuning:
    """The random search of one family.

    Attributes
    ----------
    family : str
        The family tuned.
    trials : pandas.DataFrame
        One row per trial, in the order run: ``params``, ``<metric>_mean`` and
        ``<metric>_std`` of every metric, ``fit_time``, ``failure``.
    best_params : dict
        The parameters of the best trial (``{}``: the standard configuration).
    best_score : float
        Its mean primary score.
    n_planned : int
        Trials planned; fewer ran when the deadline came first.
    """

    family: str
    trials: pd.DataFrame
    best_params: dict[str, Any]
    best_score: float
    n_planned: int

    @property
    def stopped_early(self) -> bool:
        """Whether the deadline ended the search before every planned trial ran."""
        return len(self.trials) < self.n_planned


def tune(
    build_pipeline: Callable[[Any], Any],
    X: pd.DataFrame,
    y: pd.Series,
    *,
    family: Family,
    folds: Sequence[Fold],
    scorers: Mapping[str, Callable[..., float]],
    primary: str,
    n_iter: int,
    random_state: int | None,
    n_jobs: int | None,
    deadline: float | None = None,
) -> Tuning:
    """Random-search ``family``'s hyperparameters with cross-validation.

    Parameters
    ----------
    build_pipeline : callable
        ``build_pipeline(estimator)`` returns the unfitted pipeline around a model.
    X, y : pandas.DataFrame, pandas.Series
        Training data.
    family : Family
        The family, with its distributions.
    folds : sequence of (ndarray, ndarray)
        The folds every trial is scored on.
    scorers : mapping of str to scorer
        Every metric, primary first.
    primary : str
        The metric that picks the best trial.
    n_iter : int
        Trials, the standard configuration included.
    random_state : int or None
        Seed of the sampler and of every model.
    n_jobs : int or None
        Parallel jobs (joblib).
    deadline : float, optional
        A ``time.monotonic()`` instant after which no new batch starts.

    Returns
    -------
    Tuning
        Every trial and the best one.
    """
    from joblib import Parallel, delayed, effective_n_jobs
    from sklearn.model_selection import ParameterSampler

    candidates: list[dict[str, Any]] = [{}]
    if family.distributions and n_iter > 1:
        sampler = ParameterSampler(family.distributions, n_iter - 1, random_state=random_state)
        candidates += list(sampler)
    batch_size = max(1, effective_n_jobs(n_jobs))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(candidates), batch_size):
        if start and deadline is not None and time.monotonic() >= deadline:
            logger.info(
                "tuning %s stopped after %d of %d trials: time is up",
                family.name,
                len(rows),
                len(candidates),
            )
            break
        batch = candidates[start : start + batch_size]
        jobs = (
            delayed(evaluate)(
                family.name,
                build_pipeline(family.build(random_state, None).set_params(**params)),
                X,
                y,
                number,
                fold,
                scorers,
            )
            for params in batch
            for number, fold in enumerate(folds)
        )
        results: list[FoldResult] = Parallel(n_jobs=n_jobs)(jobs)
        for offset, params in enumerate(batch):
            mine = results[offset * len(folds) : (offset + 1) * len(folds)]
            rows.append(_trial_row(start + offset, params, mine, scorers))
    trials = pd.DataFrame(rows).set_index("trial")
    best = _best_position(trials, primary)
    return Tuning(
        family=family.name,
        trials=trials,
        best_params=dict(rows[best]["params"]),
        best_score=float(rows[best][f"{primary}_mean"]),
        n_planned=len(candidates),
    )


def _trial_row(
    number: int, params: dict[str, Any], results: Sequence[FoldResult], scorers: Mapping[str, Any]
) -> dict[str, Any]:
    row: dict[str, Any] = {"trial": number, "params": params}
    failure = next((r.failure for r in results if r.failure), None)
    for metric in scorers:
        values = np.array([r.scores.get(metric, np.nan) for r in results], dtype=np.float64)
        known = values[~np.isnan(values)]
        row[f"{metric}_mean"] = float(known.mean()) if failure is None and len(known) else np.nan
        row[f"{metric}_std"] = float(known.std(ddof=1)) if len(known) > 1 else np.nan
    row["fit_time"] = float(np.mean([r.fit_time for r in results]))
    row["failure"] = failure
    return row


def _best_position(trials: pd.DataFrame, primary: str) -> int:
    """Position of the best mean primary score; ties go to the steadier, then the faster."""
    ranked = trials.reset_index(drop=True).sort_values(
        [f"{primary}_mean", f"{primary}_std", "fit_time"],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )
    return int(ranked.index[0])
