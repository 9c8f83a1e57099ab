"""Tuning: random search over a family's hyperparameter distributions, every trial recorded.

Trial 0 is the family's standard configuration, so tuning never returns
something worse (on the same folds) than what screening measured; when the
screening scores are given it is not fitted again. Trials run in batches of
parallel jobs, and a batch starts only when its estimated time (the slowest
fold seen so far for the family) ends before the deadline, so a time budget
ends the search with fewer trials rather than overrunning it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from mlkit._budget import parallel_time
from mlkit._families import Family
from mlkit._screen import Fold, FoldResult, cross_evaluate, summarise

__all__ = ["Tuning", "tune"]

_FACTOR = 3
_MIN_ROWS = 500

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
        ``<metric>_std`` of every metric, ``fit_time``, ``failure``, ``rung``
        and ``rows`` (successive halving) and ``source`` (``"screening"`` for
        the standard configuration measured there, else ``"tuning"``).
    best_trial : int
        The number of the best trial (0: the standard configuration).
    best_params : dict
        The parameters of the best trial (``{}``: the standard configuration).
    best_score : float
        Its mean primary score.
    n_planned : int
        Trials planned; fewer ran when the deadline came first.
    """

    family: str
    trials: pd.DataFrame
    best_trial: int
    best_params: dict[str, Any]
    best_score: float
    n_planned: int

    @property
    def best(self) -> pd.Series:
        """The best trial's row (in successive halving, its last rung)."""
        return self.trials.loc[[self.best_trial]].iloc[-1]

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
    halving: bool = False,
    standard: Mapping[str, Any] | None = None,
    fold_cost: float = 0.0,
    on_trial: Callable[[int], None] | None = None,
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
    halving : bool, default=False
        Successive halving, for large data: every candidate is first scored
        on a third of each fold's training rows (at least 500), the best third
        go on with three times more, until the last few use every row.
    standard : mapping, optional
        The screening leaderboard row of the family on the same folds: trial 0
        is taken from it instead of being fitted again.
    fold_cost : float, default=0.0
        Estimated seconds of one fold, until the trials measure it.
    on_trial : callable, optional
        Called with the number of trials each batch finished (progress).

    Returns
    -------
    Tuning
        Every trial and the best one.
    """
    from sklearn.model_selection import ParameterSampler

    candidates: list[dict[str, Any]] = [{}]
    if family.distributions and n_iter > 1:
        sampler = ParameterSampler(family.distributions, n_iter - 1, random_state=random_state)
        candidates += [
            {
                key: value.item() if isinstance(value, np.generic) else value
                for key, value in p.items()
            }
            for p in sampler
        ]
    run = _TrialRunner(
        build_pipeline,
        X,
        y,
        family=family,
        scorers=scorers,
        random_state=random_state,
        n_jobs=n_jobs,
        deadline=deadline,
        full_rows=min(len(train) for train, _ in folds),
        fold_cost=fold_cost,
        on_trial=on_trial,
    )
    numbered = list(enumerate(candidates))
    if standard is not None:
        numbered, run.n_run = numbered[1:], 1
    if halving:
        rows = _successive_halving(run, numbered, folds, primary, random_state)
    else:
        rows = run.trials(numbered, folds, rung=0, n_rows=None)
    if standard is not None:
        last_rung = rows[-1]["rung"] if rows else 0
        rows.insert(0, _standard_row(standard, scorers, rung=last_rung))
    trials = pd.DataFrame(rows).set_index("trial")
    final = [i for i, row in enumerate(rows) if row["rung"] == rows[-1]["rung"]]
    best = final[_best_position(trials.iloc[final], primary)]
    return Tuning(
        family=family.name,
        trials=trials,
        best_trial=int(rows[best]["trial"]),
        best_params=dict(rows[best]["params"]),
        best_score=float(rows[best][f"{primary}_mean"]),
        n_planned=len(candidates),
    )


class _TrialRunner:
    """Runs batches of trials on given folds, stopping at the deadline between batches."""

    def __init__(
        self,
        build_pipeline: Callable[[Any], Any],
        X: pd.DataFrame,
        y: pd.Series,
        *,
        family: Family,
        scorers: Mapping[str, Callable[..., float]],
        random_state: int | None,
        n_jobs: int | None,
        deadline: float | None,
        full_rows: int,
        fold_cost: float = 0.0,
        on_trial: Callable[[int], None] | None = None,
    ) -> None:
        self.build_pipeline = build_pipeline
        self.X, self.y = X, y
        self.family = family
        self.scorers = scorers
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.deadline = deadline
        self.full_rows = full_rows  # training rows of a whole fold, to scale a rung's cost
        self.fold_cost = fold_cost  # the slowest fold seen, scaled to a full fold
        self.on_trial = on_trial
        self.n_run = 0  # trials run so far, all rungs

    def trials(
        self,
        numbered: list[tuple[int, dict[str, Any]]],
        folds: Sequence[Fold],
        *,
        rung: int,
        n_rows: int | None,
    ) -> list[dict[str, Any]]:
        from joblib import effective_n_jobs

        batch_size = max(1, effective_n_jobs(self.n_jobs))
        share = 1.0 if n_rows is None else n_rows / max(1, self.full_rows)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(numbered), batch_size):
            batch = numbered[start : start + batch_size]
            needed = parallel_time(self.fold_cost * share, len(batch) * len(folds), batch_size)
            late = self.deadline is not None and time.monotonic() + needed > self.deadline
            if late and self.n_run:
                logger.info(
                    "tuning %s stopped after %d trials: time is up",
                    self.family.name,
                    self.n_run,
                )
                break
            pipelines = [
                (
                    self.family.name,
                    self.build_pipeline(
                        self.family.build(self.random_state, None).set_params(**params)
                    ),
                )
                for _, params in batch
            ]
            evaluated = cross_evaluate(pipelines, self.X, self.y, folds, self.scorers, self.n_jobs)
            for (trial, params), results in zip(batch, evaluated, strict=True):
                rows.append(
                    _trial_row(trial, params, results, self.scorers)
                    | {"rung": rung, "rows": n_rows, "source": "tuning"}
                )
                slowest = max(r.fit_time + r.predict_time for r in results)
                self.fold_cost = max(self.fold_cost, slowest / share)
            self.n_run += len(batch)
            if self.on_trial is not None:
                self.on_trial(len(batch))
        return rows


def _successive_halving(
    run: _TrialRunner,
    numbered: list[tuple[int, dict[str, Any]]],
    folds: Sequence[Fold],
    primary: str,
    random_state: int | None,
) -> list[dict[str, Any]]:
    """Every candidate on a third of the rows, the best third on three times more, ...

    The last rung uses every training row of each fold, so the best trial's
    score is comparable with the other families'.
    """
    n_train = min(len(train) for train, _ in folds)
    rungs = max(0, int(math.log(max(1, len(numbered)), _FACTOR)))
    rng = np.random.default_rng(random_state)
    shuffled = [(rng.permutation(train), test) for train, test in folds]
    survivors = list(numbered)
    rows: list[dict[str, Any]] = []
    for rung in range(rungs + 1):
        n_rows = max(_MIN_ROWS, n_train // _FACTOR ** (rungs - rung))
        if rung == rungs or n_rows >= n_train:
            n_rows, rung_folds = n_train, list(folds)
        else:
            rung_folds = [(np.sort(train[:n_rows]), test) for train, test in shuffled]
        measured = run.trials(survivors, rung_folds, rung=rung, n_rows=n_rows)
        rows += measured
        if rung == rungs or not measured:
            break
        ranked = sorted(
            measured,
            key=lambda row: -np.nan_to_num(row[f"{primary}_mean"], nan=-np.inf),
        )
        keep = {row["trial"] for row in ranked[: max(1, math.ceil(len(ranked) / _FACTOR))]}
        survivors = [(trial, params) for trial, params in survivors if trial in keep]
    return rows


def _standard_row(
    standard: Mapping[str, Any], scorers: Mapping[str, Any], *, rung: int
) -> dict[str, Any]:
    """Trial 0, as screening measured it on the same folds."""
    scores = {
        f"{metric}_{stat}": float(standard[f"{metric}_{stat}"])
        for metric in scorers
        for stat in ("mean", "std")
    }
    return {
        "trial": 0,
        "params": {},
        **scores,
        "fit_time": float(standard["fit_time"]),
        "failure": None,
        "rung": rung,
        "rows": None,
        "source": "screening",
    }


def _trial_row(
    number: int, params: dict[str, Any], results: Sequence[FoldResult], scorers: Mapping[str, Any]
) -> dict[str, Any]:
    failure = next((r.failure for r in results if r.failure), None)
    summary = summarise(results, scorers)
    if failure is not None:  # a trial that failed on any fold is not ranked
        summary |= {f"{metric}_mean": float("nan") for metric in scorers}
    del summary["predict_time"]
    return {"trial": number, "params": params, **summary, "failure": failure}


def _best_position(trials: pd.DataFrame, primary: str) -> int:
    """Position of the best mean primary score; ties go to the steadier, then the earlier trial.

    Not to the faster: measured times vary from run to run, and the same seed
    and data must give the same choice (trial 0, the standard settings, wins
    an exact tie).
    """
    ranked = trials.reset_index(drop=True).sort_values(
        [f"{primary}_mean", f"{primary}_std"],
        ascending=[False, True],
        na_position="last",
        kind="stable",
    )
    return int(ranked.index[0])
