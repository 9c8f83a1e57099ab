"""The acceptance test: the chosen model on held-back rows, against thresholds.

A threshold is absolute (a number the metric must reach) or relative
(:class:`Relative`: at least a baseline's score plus a margin). The baseline
is a dummy model fitted on the training rows, or a previous model. Metrics
follow scikit-learn's scorer convention, greater is better (so RMSE appears
as ``neg_root_mean_squared_error``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pandas as pd

from mlkit._scoring import score_or_nan
from mlkit.exceptions import AcceptanceError, ConfigurationError

__all__ = ["Check", "Relative", "Verdict", "accept"]


@attrs.frozen
class Relative:
    """A threshold relative to the baseline: its score plus ``by``.

    Attributes
    ----------
    by : float, default=0.0
        The margin over the baseline's score (negative: a tolerated loss).
    """

    by: float = 0.0


@attrs.frozen(kw_only=True)
class Check:
    """One metric against its threshold.

    Attributes
    ----------
    metric : str
        The metric's name.
    value : float
        The model's score on the held-back rows.
    threshold : float
        The floor it had to reach.
    rule : str
        The threshold in words (absolute, or relative to the baseline).
    passed : bool
        Whether ``value`` reached ``threshold``.
    """

    metric: str
    value: float
    threshold: float
    rule: str
    passed: bool


@attrs.frozen(kw_only=True, eq=False)
class Verdict:
    """The outcome of an acceptance test.

    Attributes
    ----------
    passed : bool
        Whether every check passed.
    checks : tuple of Check
        Each thresholded metric, its value, threshold and rule.
    metrics : dict of str to float
        Every metric of the model on the held-back rows.
    baseline : str or None
        What relative thresholds compared against.
    baseline_metrics : dict of str to float
        Every metric of the baseline on the same rows.
    """

    passed: bool
    checks: tuple[Check, ...]
    metrics: dict[str, float]
    baseline: str | None
    baseline_metrics: dict[str, float]

    def raise_if_failed(self) -> Verdict:
        """Return ``self`` when it passed; raise :class:`~mlkit.exceptions.AcceptanceError`."""
        if self.passed:
            return self
        failed = "; ".join(
            f"{c.metric} = {c.value:.4g}, needs {c.rule}" for c in self.checks if not c.passed
        )
        raise AcceptanceError(f"The model failed its acceptance test: {failed}.", verdict=self)

    def to_frame(self) -> pd.DataFrame:
        """The checks as a table, one row per metric."""
        return pd.DataFrame([attrs.asdict(check) for check in self.checks]).set_index("metric")

    def to_dict(self) -> dict[str, Any]:
        """The verdict as JSON-safe Python values."""
        from mlkit._results import json_safe

        safe: dict[str, Any] = json_safe(attrs.asdict(self, recurse=True))
        return safe


def accept(
    model: Any,
    X_test: pd.DataFrame,
    y_test: Any,
    *,
    scorers: Mapping[str, Callable[..., float]],
    thresholds: Mapping[str, float | Relative],
    baseline: Any = "dummy",
    task: str,
    X_train: pd.DataFrame | None = None,
    y_train: Any = None,
) -> Verdict:
    """Measure ``model`` on held-back rows and judge it against ``thresholds``.

    Parameters
    ----------
    model : estimator
        The fitted model (or pipeline).
    X_test, y_test : pandas.DataFrame, array-like
        Rows the model never saw.
    scorers : mapping of str to scorer
        Every metric to report.
    thresholds : mapping of str to float or Relative
        A floor per metric: a number, or :class:`Relative` to the baseline.
    baseline : "dummy", fitted estimator or None
        ``"dummy"`` fits the task's dummy model on ``X_train``/``y_train``;
        an estimator (a previous model) is used as fitted.
    task : {"binary", "multiclass", "regression"}
        The task, for the dummy model.
    X_train, y_train : pandas.DataFrame, array-like, optional
        Training rows, needed for ``baseline="dummy"``.

    Returns
    -------
    Verdict
        Every metric, every check, and whether all passed.

    Raises
    ------
    ConfigurationError
        For a threshold on a metric not in ``scorers``, a relative threshold
        without a baseline, or a dummy baseline without training rows.
    """
    unknown = sorted(set(thresholds) - set(scorers))
    if unknown:
        raise ConfigurationError(
            f"Acceptance thresholds name metrics that are not measured: {unknown!r}; "
            f"measured: {list(scorers)!r}."
        )
    reference = _baseline(baseline, task, X_train, y_train, thresholds)
    metrics = {
        name: score_or_nan(scorer, model, X_test, y_test) for name, scorer in scorers.items()
    }
    baseline_metrics = (
        {}
        if reference is None
        else {
            name: score_or_nan(scorer, reference, X_test, y_test)
            for name, scorer in scorers.items()
        }
    )
    checks = tuple(
        _check(name, metrics[name], rule, baseline_metrics) for name, rule in thresholds.items()
    )
    return Verdict(
        passed=all(check.passed for check in checks),
        checks=checks,
        metrics=metrics,
        baseline=None if reference is None else _describe(baseline),
        baseline_metrics=baseline_metrics,
    )


def _baseline(
    baseline: Any,
    task: str,
    X_train: pd.DataFrame | None,
    y_train: Any,
    thresholds: Mapping[str, float | Relative],
) -> Any:
    relative = [name for name, rule in thresholds.items() if isinstance(rule, Relative)]
    if baseline is None:
        if relative:
            raise ConfigurationError(
                f"Thresholds {relative!r} are relative to a baseline, but baseline=None."
            )
        return None
    if isinstance(baseline, str):
        if baseline != "dummy":
            raise ConfigurationError(
                f"The baseline must be 'dummy', a fitted model or None. Got {baseline!r}."
            )
        if X_train is None or y_train is None:
            raise ConfigurationError(
                "A dummy baseline is fitted on the training rows: pass X_train and y_train."
            )
        from sklearn.dummy import DummyClassifier, DummyRegressor

        dummy = DummyRegressor() if task == "regression" else DummyClassifier(strategy="prior")
        return dummy.fit(X_train, y_train)
    return baseline


def _describe(baseline: Any) -> str:
    name = type(baseline).__name__
    return "dummy" if isinstance(baseline, str) or name.startswith("Dummy") else name


def _check(
    name: str, value: float, rule: float | Relative, baseline_metrics: Mapping[str, float]
) -> Check:
    if isinstance(rule, Relative):
        threshold = baseline_metrics[name] + rule.by
        sign = "-" if rule.by < 0 else "+"
        words = f"at least the baseline's {baseline_metrics[name]:.4g} {sign} {abs(rule.by):g}"
    else:
        threshold = float(rule)
        words = f"at least {threshold:.4g}"
    return Check(
        metric=name, value=value, threshold=threshold, rule=words, passed=value >= threshold
    )
