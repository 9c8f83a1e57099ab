"""The shortlist: good models that make different errors, each with the reason it was chosen.

Models are taken in leaderboard order. The best is always admitted. Another is
admitted when it is good (its mean primary score is within ``noise`` fold
standard deviations of the best) and its errors are not too correlated with
those of any model already admitted. When fewer than ``minimum`` pass, the
next best by score fill the list, and the reason says so.
"""

from __future__ import annotations

import attrs
import pandas as pd

__all__ = ["ShortlistChoice", "shortlist"]


@attrs.frozen(kw_only=True)
class ShortlistChoice:
    """One model considered for the shortlist, and why it was admitted or not.

    Attributes
    ----------
    model : str
        The family.
    admitted : bool
        Whether it goes on to tuning.
    reason : str
        Why, in words.
    """

    model: str
    admitted: bool
    reason: str


def shortlist(
    leaderboard: pd.DataFrame,
    error_correlation: pd.DataFrame,
    *,
    primary: str,
    minimum: int = 3,
    maximum: int = 5,
    noise: float = 3.0,
    max_correlation: float = 0.9,
) -> list[ShortlistChoice]:
    """Choose the models to tune, preferring those that fail differently.

    Parameters
    ----------
    leaderboard : pandas.DataFrame
        The screening leaderboard, best first, indexed by model, with
        ``<primary>_mean`` and ``<primary>_std``.
    error_correlation : pandas.DataFrame
        Models by models, from the error analysis.
    primary : str
        The ranking metric (greater is better).
    minimum, maximum : int
        Fewest and most models admitted (fewer when fewer ran).
    noise : float
        How many of the best model's fold standard deviations below its mean
        a model may score and still be good.
    max_correlation : float
        Highest error correlation with an admitted model that still admits.

    Returns
    -------
    list of ShortlistChoice
        Every model considered, in leaderboard order, admitted or not, with
        its reason.

    Examples
    --------
    >>> import pandas as pd
    >>> board = pd.DataFrame(
    ...     {"auc_mean": [0.90, 0.89, 0.88, 0.70], "auc_std": [0.01] * 4},
    ...     index=["forest", "boosting", "logistic", "tree"],
    ... )
    >>> corr = pd.DataFrame(0.5, index=board.index, columns=board.index)
    >>> corr.loc["forest", "boosting"] = corr.loc["boosting", "forest"] = 0.97
    >>> [(c.model, c.admitted) for c in shortlist(board, corr, primary="auc")]
    [('forest', True), ('boosting', True), ('logistic', True), ('tree', False)]
    >>> [c.reason for c in shortlist(board, corr, primary="auc")][1][:40]
    'admitted to reach 3 models, next by scor'
    """
    if leaderboard.empty:
        return []
    mean, std = leaderboard[f"{primary}_mean"], leaderboard[f"{primary}_std"]
    best = leaderboard.index[0]
    floor = float(mean.iloc[0] - noise * std.iloc[0])
    choices = [
        ShortlistChoice(model=best, admitted=True, reason=_best(primary, mean[best], std[best]))
    ]
    for model in leaderboard.index[1:]:
        choices.append(
            _judge(model, choices, error_correlation, mean[model], floor, max_correlation, maximum)
        )
    return _fill(choices, mean, minimum)


def _best(primary: str, mean: float, std: float) -> str:
    return f"best cross-validated {primary}: {mean:.4g} ± {std:.2g}"


def _judge(
    model: str,
    choices: list[ShortlistChoice],
    correlation: pd.DataFrame,
    score: float,
    floor: float,
    max_correlation: float,
    maximum: int,
) -> ShortlistChoice:
    admitted = [c.model for c in choices if c.admitted]
    if len(admitted) >= maximum:
        return ShortlistChoice(
            model=model, admitted=False, reason=f"the shortlist is full ({maximum})"
        )
    if score < floor:
        return ShortlistChoice(
            model=model,
            admitted=False,
            reason=f"score {score:.4g} is below {floor:.4g} (the best, less its fold noise)",
        )
    with_admitted = {
        other: float(
            correlation.to_numpy()[
                correlation.index.get_loc(model), correlation.columns.get_loc(other)
            ]
        )
        for other in admitted
    }
    closest = max(with_admitted, key=with_admitted.__getitem__)
    value = with_admitted[closest]
    if value > max_correlation:
        return ShortlistChoice(
            model=model,
            admitted=False,
            reason=f"its errors correlate {value:.2f} with {closest}'s (limit {max_correlation})",
        )
    return ShortlistChoice(
        model=model,
        admitted=True,
        reason=f"score {score:.4g} is within the best's fold noise and its errors correlate at "
        f"most {value:.2f} with those admitted ({closest})",
    )


def _fill(choices: list[ShortlistChoice], mean: pd.Series, minimum: int) -> list[ShortlistChoice]:
    """Admit the best-scoring rejected models until ``minimum`` are admitted."""
    missing = minimum - sum(c.admitted for c in choices)
    filled = []
    for choice in choices:
        if missing > 0 and not choice.admitted and not choice.reason.startswith("the shortlist"):
            filled.append(
                ShortlistChoice(
                    model=choice.model,
                    admitted=True,
                    reason=f"admitted to reach {minimum} models, next by score "
                    f"({mean[choice.model]:.4g}), although {choice.reason}",
                )
            )
            missing -= 1
        else:
            filled.append(choice)
    return filled
