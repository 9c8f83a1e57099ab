"""Ensembles over the tuned shortlist, kept only when they beat the best single model.

Candidates are soft and hard voting (classification) or averaging
(regression), stacking with a linear final model, and bagging of the best
single model. Every candidate and the best single model are scored on the same
folds; an ensemble is kept when its per-fold advantage over the best single
model is positive beyond noise: the mean of the paired differences less twice
their standard error is above zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from mlkit._screen import Fold, cross_evaluate

__all__ = ["EnsembleComparison", "candidate_ensembles", "compare_ensembles", "ensemble_cost"]

_STACKING_FOLDS: Final = 3
_BAGS: Final = 10


@attrs.frozen(kw_only=True, eq=False)
class EnsembleComparison:
    """Each ensemble against the best single model, on the same folds.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate (the best single model first): mean and std of
        the primary score, the mean paired advantage over the single model
        and its standard error, ``kept`` and ``reason``.
    kept : list of str
        The ensembles that beat the single model beyond noise, best first.
    """

    table: pd.DataFrame
    kept: list[str]


def candidate_ensembles(
    members: Sequence[tuple[str, Any]], *, task: str, random_state: int | None
) -> dict[str, Any]:
    """The ensembles worth trying over ``members`` (name, unfitted model), best first.

    Parameters
    ----------
    members : sequence of (str, estimator)
        The tuned shortlist, best first.
    task : {"binary", "multiclass", "regression"}
        The task.
    random_state : int or None
        Seed of bagging.

    Returns
    -------
    dict of str to estimator
        Voting (soft and hard, or averaging), stacking, and bagging of the best.
    """
    from sklearn.ensemble import (
        BaggingClassifier,
        BaggingRegressor,
        StackingClassifier,
        StackingRegressor,
        VotingClassifier,
        VotingRegressor,
    )
    from sklearn.linear_model import LogisticRegression, RidgeCV

    estimators = list(members)
    best = estimators[0][1]
    if task == "regression":
        return {
            "averaging": VotingRegressor(estimators),
            "stacking": StackingRegressor(
                estimators, final_estimator=RidgeCV(), cv=_STACKING_FOLDS
            ),
            "bagging": BaggingRegressor(best, n_estimators=_BAGS, random_state=random_state),
        }
    candidates: dict[str, Any] = {}
    if all(hasattr(model, "predict_proba") for _, model in estimators):
        candidates["soft_voting"] = VotingClassifier(estimators, voting="soft")
    candidates["hard_voting"] = VotingClassifier(estimators, voting="hard")
    candidates["stacking"] = StackingClassifier(
        estimators, final_estimator=LogisticRegression(max_iter=2_000), cv=_STACKING_FOLDS
    )
    candidates["bagging"] = BaggingClassifier(best, n_estimators=_BAGS, random_state=random_state)
    return candidates


def ensemble_cost(name: str, member_costs: Sequence[float]) -> float:
    """Seconds one fit of ensemble ``name`` takes, from its members' (best first).

    Voting fits every member once; stacking fits each once on all rows and once
    per internal fold on two thirds of them; bagging fits the best member ten
    times.

    Examples
    --------
    >>> ensemble_cost("stacking", [1.0, 2.0])
    9.0
    """
    if name == "bagging":
        return _BAGS * member_costs[0]
    if name == "stacking":
        return sum(member_costs) * (1 + _STACKING_FOLDS * 2 / 3)
    return float(sum(member_costs))


def compare_ensembles(
    build_pipeline: Callable[[Any], Any],
    X: pd.DataFrame,
    y: pd.Series,
    *,
    single: tuple[str, Any],
    ensembles: Mapping[str, Any],
    folds: Sequence[Fold],
    scorers: Mapping[str, Callable[..., float]],
    primary: str,
    n_jobs: int | None,
    skipped: Mapping[str, str] | None = None,
) -> EnsembleComparison:
    """Score every ensemble and the best single model on the same folds, and judge them.

    Parameters
    ----------
    build_pipeline : callable
        ``build_pipeline(estimator)`` returns the unfitted pipeline around a model.
    X, y : pandas.DataFrame, pandas.Series
        Training data.
    single : (str, estimator)
        The best single model, unfitted.
    ensembles : mapping of str to estimator
        The candidates, unfitted.
    folds : sequence of (ndarray, ndarray)
        The folds.
    scorers : mapping of str to scorer
        Every metric, primary first.
    primary : str
        The metric that decides.
    n_jobs : int or None
        Parallel jobs (joblib).
    skipped : mapping of str to str, optional
        Candidates not run, with the reason (the time budget), for the table.

    Returns
    -------
    EnsembleComparison
        The table and the ensembles kept.
    """
    contenders = {single[0]: single[1], **ensembles}
    pipelines = [(name, build_pipeline(model)) for name, model in contenders.items()]
    evaluated = dict(
        zip(contenders, cross_evaluate(pipelines, X, y, folds, scorers, n_jobs), strict=True)
    )
    per_fold = {
        name: np.array([np.nan if r.failure else r.scores.get(primary, np.nan) for r in results])
        for name, results in evaluated.items()
    }
    failed = {name for name, results in evaluated.items() if any(r.failure for r in results)}
    base = per_fold[single[0]]
    rows = [_row(single[0], base, base, is_single=True)]
    rows += [
        _row(name, per_fold[name], base, is_single=False, failed=name in failed, primary=primary)
        for name in ensembles
    ]
    rows += [
        {"model": name, "score_mean": np.nan, "score_std": np.nan, "advantage": np.nan}
        | {"advantage_se": np.nan, "kept": False, "reason": reason}
        for name, reason in (skipped or {}).items()
    ]
    table = pd.DataFrame(rows).set_index("model")
    kept = [name for name in table.index[1:] if bool(table.loc[name, "kept"])]
    kept.sort(key=lambda name: -float(np.nanmean(per_fold[name])))
    return EnsembleComparison(table=table, kept=kept)


def _row(
    name: str,
    scores: np.ndarray,
    base: np.ndarray,
    *,
    is_single: bool,
    failed: bool = False,
    primary: str = "the primary metric",
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "model": name,
        "score_mean": float(np.mean(scores)),
        "score_std": float(np.std(scores, ddof=1)) if len(scores) > 1 else 0.0,
    }
    if is_single:
        return row | {
            "advantage": 0.0,
            "advantage_se": 0.0,
            "kept": False,
            "reason": "the best single model, the bar to beat",
        }
    if failed or np.isnan(scores).any():
        reason = (
            "failed to fit on some fold"
            if failed
            else f"cannot be scored by {primary}: it gives no probabilities or decision scores"
        )
        return row | {"advantage": np.nan, "advantage_se": np.nan, "kept": False, "reason": reason}
    differences = scores - base
    advantage = float(differences.mean())
    se = float(differences.std(ddof=1) / math.sqrt(len(differences))) if len(scores) > 1 else 0.0
    kept = advantage - 2 * se > 0
    verdict = "beats" if kept else "does not beat"
    reason = (
        f"{verdict} the best single model beyond noise: advantage {advantage:+.4g} per fold, "
        f"standard error {se:.2g}"
    )
    return row | {"advantage": advantage, "advantage_se": se, "kept": kept, "reason": reason}
