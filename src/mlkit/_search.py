"""ModelSearch: screen, analyse errors, shortlist, tune, ensemble, select and refit.

A scikit-learn meta-estimator in the manner of ``RandomizedSearchCV``. Every
stage scores models on the same cross-validation folds, inside a pipeline that
refits the Cleaner and FeatureBuilder on each fold's training rows, so no
statistic leaks from the rows a model is scored on.

Not yet exported from ``mlkit``: the acceptance test, the HTML report, the
quality-per-time benchmark and the guide come first (issue 4).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from mlkit._acceptance import Relative, Verdict, accept
from mlkit._associations import infer_task
from mlkit._ensemble import EnsembleComparison, candidate_ensembles, compare_ensembles
from mlkit._errors import ErrorAnalysis, analyse_errors
from mlkit._estimator_input import check_fitted
from mlkit._families import Family, families
from mlkit._feature_checks import check_target
from mlkit._frame_checks import require_frame
from mlkit._results import HtmlReport
from mlkit._scoring import resolve_scoring
from mlkit._screen import Screening, screen
from mlkit._shortlist import Choice, shortlist
from mlkit._tune import Tuning, tune
from mlkit._validation import boolean, check_parameters, number_in, random_state
from mlkit.exceptions import ConfigurationError

__all__ = ["ModelSearch", "SearchResult"]

logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True, eq=False)
class SearchResult(HtmlReport):
    """Everything a search measured, stage by stage.

    Attributes
    ----------
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    primary : str
        The metric that ranked models.
    screening : Screening
        The leaderboard of every family, and those skipped with the reason.
    errors : ErrorAnalysis
        Confusion matrices or residuals, and the error correlation.
    shortlist : list of Choice
        Every model considered for tuning, admitted or not, with the reason.
    tuning : dict of str to Tuning
        The random search of each shortlisted family.
    ensembles : EnsembleComparison or None
        Each ensemble against the best single model (``None`` with fewer than
        two tuned models, or ensembles switched off).
    chosen : str
        The model refitted on all training rows.
    chosen_params : dict
        Its tuned parameters (empty for an ensemble or the standard settings).
    chosen_score : float
        Its mean cross-validated primary score.
    timings : dict of str to float
        Seconds spent in each stage.
    model : estimator
        The chosen model, refitted on all training rows.
    dummy : estimator
        The task's dummy model fitted on the training rows, the default
        baseline of :meth:`accept`.
    scorers : dict of str to scorer
        The metrics, primary first.
    """

    task: str
    primary: str
    screening: Screening
    errors: ErrorAnalysis
    shortlist: list[Choice]
    tuning: dict[str, Tuning]
    ensembles: EnsembleComparison | None
    chosen: str
    chosen_params: dict[str, Any]
    chosen_score: float
    timings: dict[str, float]
    model: Any
    dummy: Any
    scorers: dict[str, Any]

    def accept(
        self,
        X_test: pd.DataFrame,
        y_test: Any,
        *,
        thresholds: Mapping[str, float | Relative],
        baseline: Any = "dummy",
    ) -> Verdict:
        """Measure the chosen model on held-back rows and judge it against ``thresholds``.

        Parameters
        ----------
        X_test, y_test : pandas.DataFrame, array-like
            Rows the search never saw.
        thresholds : mapping of str to float or Relative
            A floor per metric: a number, or relative to the baseline.
        baseline : "dummy", fitted estimator or None, default="dummy"
            What relative thresholds compare against.

        Returns
        -------
        Verdict
            Every metric and check; ``verdict.raise_if_failed()`` raises
            :class:`~mlkit.exceptions.AcceptanceError` on failure.
        """
        reference = self.dummy if isinstance(baseline, str) and baseline == "dummy" else baseline
        verdict = accept(
            self.model,
            X_test,
            y_test,
            scorers=self.scorers,
            thresholds=thresholds,
            baseline=reference,
            task=self.task,
        )
        log = logger.info if verdict.passed else logger.warning
        log("acceptance test of %s: %s", self.chosen, "passed" if verdict.passed else "FAILED")
        return verdict

    def _render(self, *, standalone: bool) -> str:
        from mlkit._search_report import render_search

        return render_search(self, standalone=standalone)

    @property
    def leaderboard(self) -> pd.DataFrame:
        """The screening leaderboard, best first."""
        return self.screening.leaderboard

    def to_dict(self) -> dict[str, Any]:
        """The findings as JSON-safe Python values (tables as lists of records)."""
        from mlkit._results import json_safe

        board = self.leaderboard.reset_index()
        safe: dict[str, Any] = json_safe(
            {
                "task": self.task,
                "primary": self.primary,
                "leaderboard": board.to_dict(orient="records"),
                "skipped": self.screening.skipped,
                "shortlist": [attrs.asdict(choice) for choice in self.shortlist],
                "tuning": {
                    name: {
                        "best_params": t.best_params,
                        "best_score": t.best_score,
                        "n_trials": len(t.trials),
                        "n_planned": t.n_planned,
                    }
                    for name, t in self.tuning.items()
                },
                "ensembles": None
                if self.ensembles is None
                else self.ensembles.table.reset_index().to_dict(orient="records"),
                "chosen": self.chosen,
                "chosen_params": self.chosen_params,
                "chosen_score": self.chosen_score,
                "timings": self.timings,
            }
        )
        return safe


class ModelSearch(BaseEstimator):  # type: ignore[misc]
    """Find a good model for a table, in the stages of model-engineering practice.

    Parameters
    ----------
    cleaner : Cleaner, optional
        Cleaning inside every model (default ``Cleaner()``).
    features : FeatureBuilder, optional
        Feature building inside every model (default ``FeatureBuilder()``).
    cv : Splitter or int, default=5
        Cross-validation: a :class:`~mlkit.Splitter`, or a number of folds for
        ``Splitter(n_splits=cv)``.
    scoring : str, callable, list or dict, optional
        Metrics, primary first (defaults by task).
    families : list of str, optional
        Family names to screen (default: every family of the task).
    n_iter : int, default=10
        Random-search trials per shortlisted family, the standard settings
        included.
    ensembles : bool, default=True
        Try voting, stacking and bagging over the tuned shortlist.
    time_budget : float, optional
        Seconds for the whole search; tuning stops starting trials when its
        share is spent.
    halving : bool, default=False
        Tune by successive halving (candidates first scored on part of the
        rows), for large data.
    n_jobs : int, optional
        Parallel jobs (joblib).
    random_state : int or None, default=0
        Seed of folds, samplers and models.
    """

    def __init__(
        self,
        *,
        cleaner: Any = None,
        features: Any = None,
        cv: Any = 5,
        scoring: Any = None,
        families: Sequence[str] | None = None,
        n_iter: int = 10,
        ensembles: bool = True,
        time_budget: float | None = None,
        halving: bool = False,
        n_jobs: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.cleaner = cleaner
        self.features = features
        self.cv = cv
        self.scoring = scoring
        self.families = families
        self.n_iter = n_iter
        self.ensembles = ensembles
        self.time_budget = time_budget
        self.halving = halving
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: Any) -> ModelSearch:
        """Run every stage and refit the chosen model on all of ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
            Training features.
        y : array-like
            Training target.

        Returns
        -------
        ModelSearch
            ``self``, fitted: ``best_estimator_`` and ``result_``.
        """
        check_parameters(
            self,
            {
                "n_iter": number_in(1, None, integral=True),
                "time_budget": number_in(0, None, closed="neither", optional=True),
                "random_state": random_state,
                "halving": boolean,
            },
        )
        started = time.monotonic()
        frame = require_frame(X, subject="The input to ModelSearch.fit")
        target = check_target(y, len(frame))
        if target is None:
            raise ConfigurationError("ModelSearch.fit needs the target: call fit(X, y).")
        target.index = frame.index
        task = infer_task(target)
        primary, scorers = resolve_scoring(self.scoring, task)
        folds = list(self._splitter().split(frame, target))
        timings: dict[str, float] = {}

        def lap(stage: str, since: float) -> float:
            now = time.monotonic()
            timings[stage] = now - since
            return now

        smallest = self._smallest_feature_value(frame, target)
        common: dict[str, Any] = {
            "folds": folds,
            "scorers": scorers,
            "primary": primary,
            "n_jobs": self.n_jobs,
        }
        screening = screen(
            self._pipeline,
            frame,
            target,
            families=self._families(task),
            smallest_value=smallest,
            random_state=self.random_state,
            **common,
        )
        mark = lap("screen", started)
        if screening.leaderboard.empty:
            raise ConfigurationError(
                f"No model family could run on this data: {screening.skipped!r}."
            )
        errors = analyse_errors(target, screening.predictions, task=task)
        choices = shortlist(screening.leaderboard, errors.error_correlation, primary=primary)
        mark = lap("analyse", mark)
        tuning = self._tune(frame, target, choices, task, started, common)
        mark = lap("tune", mark)
        members = self._members(tuning, task)
        comparison, candidates = self._compare(frame, target, members, task, common)
        mark = lap("ensemble", mark)
        chosen, params, score, model = _select(tuning, members, comparison, candidates)
        self.best_estimator_ = self._pipeline(model).fit(frame, target)
        dummy = _dummy(task).fit(frame, target)
        lap("refit", mark)
        timings["total"] = time.monotonic() - started
        self.result_ = SearchResult(
            task=task,
            primary=primary,
            screening=screening,
            errors=errors,
            shortlist=choices,
            tuning=tuning,
            ensembles=comparison,
            chosen=chosen,
            chosen_params=params,
            chosen_score=score,
            timings=timings,
            model=self.best_estimator_,
            dummy=dummy,
            scorers=scorers,
        )
        logger.info(
            "ModelSearch chose %s (%s %.4g) in %.1f s", chosen, primary, score, timings["total"]
        )
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predict with the chosen model."""
        check_fitted(self, "best_estimator_")
        predictions: np.ndarray = self.best_estimator_.predict(X)
        return predictions

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities from the chosen model (classification)."""
        check_fitted(self, "best_estimator_")
        probabilities: np.ndarray = self.best_estimator_.predict_proba(X)
        return probabilities

    def score(self, X: pd.DataFrame, y: Any) -> float:
        """The primary metric of the chosen model on ``X`` and ``y``."""
        check_fitted(self, "best_estimator_")
        _, scorers = resolve_scoring(self.scoring, self.result_.task)
        return float(next(iter(scorers.values()))(self.best_estimator_, X, y))

    # -- stages ------------------------------------------------------------------------

    def _splitter(self) -> Any:
        from mlkit._splitter import Splitter

        if isinstance(self.cv, int) and not isinstance(self.cv, bool):
            return Splitter(n_splits=self.cv, random_state=self.random_state)
        if isinstance(self.cv, Splitter):
            return self.cv
        raise ConfigurationError(
            f"The 'cv' parameter of ModelSearch must be an int or a Splitter. Got {self.cv!r}."
        )

    def _pipeline(self, model: Any) -> Any:
        from sklearn.pipeline import Pipeline

        from mlkit._cleaner import Cleaner
        from mlkit._features import FeatureBuilder

        cleaner = Cleaner() if self.cleaner is None else clone(self.cleaner)
        features = FeatureBuilder() if self.features is None else clone(self.features)
        return Pipeline([("cleaner", cleaner), ("features", features), ("model", model)])

    def _families(self, task: str) -> list[Family]:
        available = {family.name: family for family in families(task)}
        if self.families is None:
            return list(available.values())
        unknown = sorted(set(self.families) - set(available))
        if unknown:
            raise ConfigurationError(
                f"The 'families' parameter of ModelSearch names unknown families {unknown!r}; "
                f"known for this task: {list(available)!r}."
            )
        return [available[name] for name in self.families]

    def _smallest_feature_value(self, frame: pd.DataFrame, target: pd.Series) -> float:
        prefix = self._pipeline("passthrough")[:-1]
        built = np.asarray(prefix.fit_transform(frame, target), dtype=np.float64)
        return float(np.nanmin(built)) if built.size else 0.0

    def _tune(
        self,
        frame: pd.DataFrame,
        target: pd.Series,
        choices: list[Choice],
        task: str,
        started: float,
        common: dict[str, Any],
    ) -> dict[str, Tuning]:
        by_name = {family.name: family for family in families(task)}
        admitted = [c.model for c in choices if c.admitted]
        results = {}
        for done, name in enumerate(admitted):
            deadline = None
            if self.time_budget is not None:  # an even share of what is left, per family
                left = self.time_budget - (time.monotonic() - started)
                deadline = time.monotonic() + max(0.0, left * 0.8 / (len(admitted) - done))
            results[name] = tune(
                self._pipeline,
                frame,
                target,
                family=by_name[name],
                n_iter=self.n_iter,
                random_state=self.random_state,
                deadline=deadline,
                halving=self.halving,
                **common,
            )
        return results

    def _members(self, tuning: dict[str, Tuning], task: str) -> list[tuple[str, Any]]:
        """The tuned models, unfitted, best first."""
        by_name = {family.name: family for family in families(task)}
        ranked = sorted(tuning.values(), key=lambda t: -t.best_score)
        return [
            (
                t.family,
                by_name[t.family].build(self.random_state, None).set_params(**t.best_params),
            )
            for t in ranked
        ]

    def _compare(
        self,
        frame: pd.DataFrame,
        target: pd.Series,
        members: list[tuple[str, Any]],
        task: str,
        common: dict[str, Any],
    ) -> tuple[EnsembleComparison | None, dict[str, Any]]:
        if not self.ensembles or len(members) < 2:
            return None, {}
        candidates = candidate_ensembles(members, task=task, random_state=self.random_state)
        comparison = compare_ensembles(
            self._pipeline, frame, target, single=members[0], ensembles=candidates, **common
        )
        return comparison, candidates


def _select(
    tuning: dict[str, Tuning],
    members: list[tuple[str, Any]],
    comparison: EnsembleComparison | None,
    candidates: dict[str, Any],
) -> tuple[str, dict[str, Any], float, Any]:
    """The best ensemble kept, else the best tuned model (``members`` is best first)."""
    if comparison is not None and comparison.kept:
        name = comparison.kept[0]
        score = float(comparison.table["score_mean"].to_dict()[name])
        return name, {}, score, candidates[name]
    name, model = members[0]
    return name, tuning[name].best_params, tuning[name].best_score, model


def _dummy(task: str) -> Any:
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyRegressor() if task == "regression" else DummyClassifier(strategy="prior")
