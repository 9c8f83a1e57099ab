"""Selection: the model to refit, from every finalist, with a guard against lucky scores.

The finalists are each tuned family at its best trial, each ensemble kept, and
the simple baseline (logistic regression or ridge at standard settings), which
stays in the race whatever the shortlist. With ``rule="one_se"`` (the default)
every finalist whose mean score is within one standard error of the best
(the best's fold standard deviation over the square root of the folds) counts
as a tie, and the simplest of the ties wins: a single model before an
ensemble, and among families the order of :data:`SIMPLEST_FIRST` (linear
models, naive Bayes, a tree, then the larger models; k-nearest neighbours last,
since it keeps every training row). With ``rule="best"`` the highest mean wins. Either way,
exact ties go to the lower fold-to-fold variance, then the faster prediction.

Why: the best of many cross-validated means is biased upward (the winner's
curse), most on small data where folds are noisy. Preferring the simplest
model among statistical ties gives up little when the data is large (the
standard error is small) and avoids picking a complex model on noise when it
is small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import attrs
import pandas as pd

__all__ = ["RULES", "SIMPLEST_FIRST", "Finalist", "Selection", "select", "simplicity"]

RULES: Final = ("one_se", "best")
SIMPLEST_FIRST: Final = (
    "logistic_regression",
    "ridge",
    "elastic_net",
    "linear_svm",
    "linear_svr",
    "naive_bayes",
    "decision_tree",
    "gradient_boosting",
    "random_forest",
    "extra_trees",
    "neural_net",
    "k_nearest_neighbours",
)
_ENSEMBLE_RANK: Final = len(SIMPLEST_FIRST)


def simplicity(name: str, *, ensemble: bool = False) -> int:
    """Rank of a model in the one-standard-error rule: lower is simpler.

    Examples
    --------
    >>> simplicity("ridge") < simplicity("gradient_boosting")
    True
    >>> simplicity("k_nearest_neighbours") < simplicity("stacking", ensemble=True)
    True
    """
    if ensemble or name not in SIMPLEST_FIRST:
        return _ENSEMBLE_RANK
    return SIMPLEST_FIRST.index(name)


@attrs.frozen(kw_only=True)
class Finalist:
    """One model in the final race.

    Attributes
    ----------
    name : str
        The family or ensemble.
    kind : str
        ``"tuned"``, ``"ensemble"`` or ``"baseline"``.
    score_mean, score_std : float
        Mean and standard deviation over folds of the primary score.
    n_folds : int
        Folds behind the mean.
    predict_time : float
        Mean seconds to predict a fold (infinite for an ensemble: not measured).
    simplicity : int
        Rank in the one-standard-error rule; lower is simpler.
    params : dict
        Tuned parameters (empty: standard settings).
    model : object
        The unfitted model.
    """

    name: str
    kind: str
    score_mean: float
    score_std: float
    n_folds: int
    predict_time: float
    simplicity: int
    params: dict[str, Any] = attrs.field(factory=dict)
    model: Any = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True, eq=False)
class Selection:
    """The final race: every finalist, the tie band, and the winner.

    Attributes
    ----------
    rule : str
        ``"one_se"`` or ``"best"``.
    table : pandas.DataFrame
        One row per finalist: kind, mean and std of the primary score,
        ``in_band`` (a tie with the best under the rule), ``chosen`` and
        ``reason``.
    chosen : Finalist
        The winner.
    """

    rule: str
    table: pd.DataFrame
    chosen: Finalist


def select(finalists: Sequence[Finalist], *, rule: str) -> Selection:
    """Pick the model to refit from ``finalists`` under ``rule``.

    Parameters
    ----------
    finalists : sequence of Finalist
        Every candidate, with a finite mean score.
    rule : {"one_se", "best"}
        How ties are defined (see the module docstring).

    Returns
    -------
    Selection
        The race and its winner.
    """
    scored = [f for f in finalists if math.isfinite(f.score_mean)]
    best = max(scored, key=lambda f: (f.score_mean, -f.score_std, -f.predict_time))
    se = best.score_std / math.sqrt(best.n_folds) if best.n_folds > 1 else 0.0
    floor = best.score_mean - se if rule == "one_se" else best.score_mean
    band = [f for f in scored if f.score_mean >= floor]
    if rule == "one_se":
        chosen = min(band, key=lambda f: (f.simplicity, f.score_std, f.predict_time))
    else:
        chosen = min(band, key=lambda f: (f.score_std, f.predict_time))
    rows = [_row(f, f in band, f is chosen, best, se, rule) for f in finalists]
    return Selection(rule=rule, table=pd.DataFrame(rows).set_index("model"), chosen=chosen)


def _row(
    finalist: Finalist, in_band: bool, chosen: bool, best: Finalist, se: float, rule: str
) -> dict[str, Any]:
    if not math.isfinite(finalist.score_mean):
        reason = "no score to compare"
    elif chosen and rule == "one_se" and finalist is not best:
        reason = (
            f"simplest model within one standard error ({se:.3g}) of the best, {best.name} "
            f"({best.score_mean:.4g})"
        )
    elif chosen:
        reason = "highest mean score" + (
            "; simplest within one standard error" if rule == "one_se" else ""
        )
    elif in_band:
        reason = "a tie with the best, but not the simplest" if rule == "one_se" else "a tie"
    else:
        gap = best.score_mean - finalist.score_mean
        reason = f"{gap:.3g} below the best" + (
            f", more than one standard error ({se:.3g})" if rule == "one_se" else ""
        )
    return {
        "model": finalist.name,
        "kind": finalist.kind,
        "score_mean": finalist.score_mean,
        "score_std": finalist.score_std,
        "in_band": in_band,
        "chosen": chosen,
        "reason": reason,
    }
