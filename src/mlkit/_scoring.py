"""Scoring: which metrics a search reports, which one decides, and their defaults by task.

A scoring is given as one scikit-learn scorer name or callable, or several (a
list, or a dict from name to scorer); the first is the primary metric that
ranks models. Defaults follow the task: ROC AUC for binary targets, balanced
accuracy for multiclass, RMSE for regression, each with a few companions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from mlkit.exceptions import ConfigurationError

DEFAULT_SCORING: Final = {
    "binary": ("roc_auc", "balanced_accuracy", "f1", "neg_log_loss"),
    "multiclass": ("balanced_accuracy", "f1_macro", "accuracy", "neg_log_loss"),
    "regression": ("neg_root_mean_squared_error", "r2", "neg_mean_absolute_error"),
}


def resolve_scoring(
    scoring: Any, task: str, *, positive: Any = None
) -> tuple[str, dict[str, Any]]:
    """The primary metric's name and every scorer, by name, in the order given.

    Parameters
    ----------
    scoring : str, callable, sequence or mapping, or None
        A scikit-learn scorer name (``"roc_auc"``), a scorer callable
        ``(estimator, X, y) -> float`` (named by its ``__name__``), a sequence
        of those, or a dict from name to either. ``None`` uses the task's
        defaults. The first one is the primary metric.
    task : {"binary", "multiclass", "regression"}
        The task, for the defaults.
    positive : label, optional
        For a binary task, the positive class (the greater label, as ROC AUC
        takes it): named scorers that score one class (``f1``, ``precision``,
        ``recall``, ``average_precision``, ...) score this one, so that labels
        such as ``"yes"``/``"no"`` work. Default: scikit-learn's (``1``).

    Returns
    -------
    primary : str
        The name of the metric that ranks models.
    scorers : dict of str to scorer
        Every scorer, primary first, as scikit-learn scorer objects.

    Raises
    ------
    ConfigurationError
        For an unknown scorer name, an empty or repeated list, or a value that
        is neither a name nor a callable.

    Examples
    --------
    >>> primary, scorers = resolve_scoring(None, "binary")
    >>> primary, list(scorers)
    ('roc_auc', ['roc_auc', 'balanced_accuracy', 'f1', 'neg_log_loss'])
    >>> resolve_scoring(["r2", "neg_mean_absolute_error"], "regression")[0]
    'r2'
    """
    named = _named(DEFAULT_SCORING[task] if scoring is None else scoring)
    if not named:
        raise ConfigurationError(
            "The 'scoring' parameter must name at least one metric. Got an empty collection."
        )
    scorers = {name: _scorer(name, value) for name, value in named}
    if task == "binary" and positive is not None:
        scorers = {name: _scoring_class(scorer, positive) for name, scorer in scorers.items()}
    return named[0][0], scorers


def _scoring_class(scorer: Any, positive: Any) -> Any:
    """A scikit-learn scorer of one class (``pos_label``), made to score ``positive``."""
    import inspect

    from sklearn.metrics import make_scorer

    function = getattr(scorer, "_score_func", None)
    kwargs = getattr(scorer, "_kwargs", None)
    if function is None or kwargs is None or "pos_label" in kwargs:
        return scorer  # a callable of the user's, or a scorer already told its class
    if "pos_label" not in inspect.signature(function).parameters:
        return scorer
    return make_scorer(
        function,
        response_method=scorer._response_method,
        greater_is_better=scorer._sign > 0,
        pos_label=positive,
        **kwargs,
    )


def _named(scoring: Any) -> list[tuple[str, Any]]:
    if isinstance(scoring, str) or callable(scoring):
        return [(_name_of(scoring), scoring)]
    if isinstance(scoring, Mapping):
        pairs = [(str(name), value) for name, value in scoring.items()]
    elif isinstance(scoring, Sequence):
        pairs = [(_name_of(value), value) for value in scoring]
    else:
        raise ConfigurationError(
            "The 'scoring' parameter must be a scorer name, a callable, a list of them or a "
            f"dict from name to scorer. Got {scoring!r} instead."
        )
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigurationError(
            f"The 'scoring' parameter names a metric more than once: {repeated!r}."
        )
    return pairs


def _name_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if callable(value):
        return str(getattr(value, "__name__", type(value).__name__))
    raise ConfigurationError(
        f"The 'scoring' parameter holds {value!r}, which is neither a scorer name nor a callable."
    )


def _scorer(name: str, value: Any) -> Callable[..., float]:
    from sklearn.metrics import get_scorer, get_scorer_names

    if isinstance(value, str):
        if value not in get_scorer_names():
            close = [known for known in get_scorer_names() if value in known or known in value]
            hint = f" Did you mean one of {close[:5]!r}?" if close else ""
            raise ConfigurationError(
                f"Unknown scorer {value!r} in 'scoring'.{hint} Known scorers are listed by "
                "sklearn.metrics.get_scorer_names()."
            )
        scorer: Callable[..., float] = get_scorer(value)
        return scorer
    if callable(value):
        return value  # type: ignore[no-any-return]
    raise ConfigurationError(
        f"The scorer {name!r} in 'scoring' is {value!r}, which is neither a scorer name nor a "
        "callable."
    )


def score_or_nan(scorer: Callable[..., float], model: Any, X: Any, y: Any) -> float:
    """The score, or ``nan`` when the model lacks what the metric needs (``predict_proba``)."""
    try:
        return float(scorer(model, X, y))
    except AttributeError:
        return float("nan")
