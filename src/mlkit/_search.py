"""ModelSearch: screen, analyse errors, shortlist, tune, ensemble, select and refit.

A scikit-learn meta-estimator in the manner of ``RandomizedSearchCV``. Every
stage scores models on the same cross-validation folds, inside a pipeline that
refits the Cleaner and FeatureBuilder on each fold's training rows, so no
statistic leaks from the rows a model is scored on.

A time budget covers the whole search, the final refit included. Screening
may use up to half of it; tuning shares what is left after setting aside the
estimated refit (and a quarter for ensembles); an ensemble is tried only when
its cross-validation and refit fit in what remains. Every estimate comes from
measured fit times, so stages end with fewer models or trials, not late.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from mlkit._acceptance import Relative, Verdict, accept
from mlkit._associations import infer_task
from mlkit._budget import SAFETY, Budget, parallel_time
from mlkit._ensemble import (
    EnsembleComparison,
    candidate_ensembles,
    compare_ensembles,
    ensemble_cost,
)
from mlkit._errors import ErrorAnalysis, analyse_errors
from mlkit._estimator_input import check_fitted
from mlkit._families import Family, families
from mlkit._feature_checks import check_target
from mlkit._frame_checks import require_frame
from mlkit._progress import Progress
from mlkit._results import HtmlReport
from mlkit._scoring import resolve_scoring
from mlkit._screen import CostCurve, Screening, estimate_fold_costs, screen
from mlkit._selection import RULES, Finalist, Selection, select, simplicity
from mlkit._shortlist import ShortlistChoice, shortlist
from mlkit._tune import Tuning, tune
from mlkit._validation import boolean, check_parameters, number_in, one_of, random_state
from mlkit.exceptions import ConfigurationError

__all__ = ["ModelSearch", "SearchResult"]

logger = logging.getLogger(__name__)

_PILOT_FROM: Final = 5_000  # training rows from which a budgeted search times families first
_SCREEN_SHARE: Final = 0.5  # most of the budget screening may use
_ENSEMBLE_SHARE: Final = 0.25  # of the time after screening, kept for ensembles


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
    shortlist : list of ShortlistChoice
        Every model considered for tuning, admitted or not, with the reason.
    tuning : dict of str to Tuning
        The random search of each shortlisted family.
    ensembles : EnsembleComparison or None
        Each ensemble against the best single model (``None`` with fewer than
        two tuned models, or ensembles switched off).
    selection : Selection
        The final race: every finalist (tuned models, ensembles kept, the
        simple baseline), the tie band of the selection rule, and the winner.
    chosen : str
        The model refitted on all training rows.
    chosen_params : dict
        Its tuned parameters (empty for an ensemble or the standard settings).
    chosen_score : float
        Its mean cross-validated primary score.
    timings : dict of str to float
        Seconds spent in each stage.
    sample_rows : int or None
        Training rows per fold when the time budget made cross-validation
        train on a sample (``None``: every row). The final model always uses
        every row.
    model : sklearn.pipeline.Pipeline
        The chosen model with its Cleaner and FeatureBuilder, refitted on all
        training rows.
    dummy : sklearn.dummy.DummyClassifier or sklearn.dummy.DummyRegressor
        The task's dummy model fitted on the training rows, the default
        baseline of :meth:`accept`.
    scorers : dict of str to callable
        The metrics (scikit-learn scorers), primary first.
    """

    task: str
    primary: str
    screening: Screening
    errors: ErrorAnalysis
    shortlist: list[ShortlistChoice]
    tuning: dict[str, Tuning]
    ensembles: EnsembleComparison | None
    selection: Selection
    chosen: str
    chosen_params: dict[str, Any]
    chosen_score: float
    timings: dict[str, float]
    sample_rows: int | None
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
        X_test : pandas.DataFrame
            Rows the search never saw.
        y_test : array-like
            Their target.
        thresholds : mapping of str to float or Relative
            A floor per metric: a number, or relative to the baseline.
        baseline : "dummy", object or None, default="dummy"
            What relative thresholds compare against: the dummy model, a
            fitted model (a previous version), or nothing.

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

    def __repr__(self) -> str:
        return (
            f"SearchResult(task={self.task!r}, primary={self.primary!r}, "
            f"chosen={self.chosen!r}, chosen_score={self.chosen_score:.4g}, "
            f"models_screened={len(self.leaderboard)}, seconds={self.timings['total']:.1f})"
        )

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
                "selection": {
                    "rule": self.selection.rule,
                    "finalists": self.selection.table.reset_index().to_dict(orient="records"),
                },
                "chosen": self.chosen,
                "chosen_params": self.chosen_params,
                "chosen_score": self.chosen_score,
                "timings": self.timings,
                "sample_rows": self.sample_rows,
            }
        )
        return safe


class ModelSearch(BaseEstimator):  # type: ignore[misc]
    """Find a good model for a table, in the stages of model-engineering practice.

    Screen every model family with cross-validation, analyse their errors,
    shortlist good models that fail differently, tune each by random search,
    try ensembles of them, select with a guard against lucky scores, and refit
    the winner on all rows. ``result_`` records every stage.

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
        (measured in screening) included.
    ensembles : bool, default=True
        Try voting, stacking and bagging over the tuned shortlist.
    selection : {"one_se", "best"}, default="one_se"
        How the final model is picked: the simplest within one standard error
        of the best mean score, or the best mean score.
    time_budget : float, optional
        Seconds for the whole search, the final refit included. Stages run
        fewer models and trials to end in time; results then depend on the
        machine's speed.
    halving : bool, default=False
        Tune by successive halving (candidates first scored on part of the
        rows), for large data.
    progress : bool, default=True
        Show a progress bar (stage, steps, time) on standard error.
    n_jobs : int, optional
        Parallel jobs (joblib; any joblib backend, Dask included, applies).
    random_state : int or None, default=0
        Seed of folds, samplers and models.

    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline
        The chosen model with its Cleaner and FeatureBuilder, refitted on all rows.
    result_ : SearchResult
        Every stage's findings.

    Examples
    --------
    >>> from mlkit import ModelSearch
    >>> from mlkit.datasets import make_churn
    >>> df = make_churn(300, random_state=0)
    >>> search = ModelSearch(
    ...     families=["logistic_regression", "decision_tree"], n_iter=2, cv=3, progress=False
    ... ).fit(df.drop(columns="churned"), df["churned"])
    >>> search.result_.primary
    'roc_auc'
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
        selection: str = "one_se",
        time_budget: float | None = None,
        halving: bool = False,
        progress: bool = True,
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
        self.selection = selection
        self.time_budget = time_budget
        self.halving = halving
        self.progress = progress
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
                "ensembles": boolean,
                "progress": boolean,
                "selection": one_of(*RULES),
            },
        )
        budget = Budget(self.time_budget)
        frame = require_frame(X, subject="The input to ModelSearch.fit")
        target = check_target(y, len(frame))
        if target is None:
            raise ConfigurationError("ModelSearch.fit needs the target: call fit(X, y).")
        target.index = frame.index
        task = infer_task(target)
        positive = np.unique(target.dropna())[-1] if task == "binary" else None
        primary, scorers = resolve_scoring(self.scoring, task, positive=positive)
        run = _Run(self, frame, target, task, primary, scorers, budget)
        try:
            self.result_ = run.stages()
        except BaseException:
            run.progress.close("stopped")
            raise
        run.progress.close(f"chose {self.result_.chosen}")
        self.best_estimator_ = self.result_.model
        logger.info(
            "ModelSearch chose %s (%s %.4g) in %.1f s",
            self.result_.chosen,
            primary,
            self.result_.chosen_score,
            self.result_.timings["total"],
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
        return float(self.result_.scorers[self.result_.primary](self.best_estimator_, X, y))

    # -- helpers shared with the run ------------------------------------------------------

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


class _Run:
    """One search: the stages in order, sharing the data, folds, budget and progress bar."""

    def __init__(
        self,
        search: ModelSearch,
        frame: pd.DataFrame,
        target: pd.Series,
        task: str,
        primary: str,
        scorers: dict[str, Any],
        budget: Budget,
    ) -> None:
        from joblib import effective_n_jobs

        self.config = search
        self.frame, self.target = frame, target
        self.task, self.primary, self.scorers = task, primary, scorers
        self.budget = budget
        self.progress = Progress("ModelSearch", enabled=search.progress, budget=search.time_budget)
        self.folds = list(search._splitter().split(frame, target))
        self.n_train = min(len(train) for train, _ in self.folds)
        self.slots = effective_n_jobs(search.n_jobs)
        self.by_name = {family.name: family for family in families(task)}
        self.baseline = next(iter(self.by_name))  # logistic regression or ridge
        self.timings: dict[str, float] = {}
        self.sample_rows: int | None = None
        self._mark = budget.started

    @property
    def common(self) -> dict[str, Any]:
        """What every stage's cross-validation shares (the folds as sampled, if they were)."""
        return {
            "folds": self.folds,
            "scorers": self.scorers,
            "primary": self.primary,
            "n_jobs": self.config.n_jobs,
        }

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.timings[stage] = now - self._mark
        self._mark = now

    def stages(self) -> SearchResult:
        screening = self.screen()
        errors = analyse_errors(self.target, screening.predictions, task=self.task)
        choices = shortlist(screening.leaderboard, errors.error_correlation, primary=self.primary)
        self.lap("analyse")
        tuning = self.tune(screening, choices)
        self.lap("tune")
        members = self.members(tuning)
        comparison, candidates = self.compare(tuning, members)
        self.lap("ensemble")
        selection = select(
            self.finalists(screening, tuning, members, comparison, candidates),
            rule=self.config.selection,
        )
        self.progress.stage("refit", 1)
        model = self.config._pipeline(selection.chosen.model).fit(self.frame, self.target)
        dummy = _dummy(self.task).fit(self.frame, self.target)
        self.progress.advance(1, selection.chosen.name)
        self.lap("refit")
        self.timings["total"] = self.budget.elapsed()
        return SearchResult(
            task=self.task,
            primary=self.primary,
            screening=screening,
            errors=errors,
            shortlist=choices,
            tuning=tuning,
            ensembles=comparison,
            selection=selection,
            chosen=selection.chosen.name,
            chosen_params=selection.chosen.params,
            chosen_score=selection.chosen.score_mean,
            timings=self.timings,
            sample_rows=self.sample_rows,
            model=model,
            dummy=dummy,
            scorers=self.scorers,
        )

    # -- stages ------------------------------------------------------------------------

    def screen(self) -> Screening:
        chosen = self.config._families(self.task)
        costs: dict[str, float] = {}
        if self.budget.limited:
            curves = self._pilot(chosen) if self.n_train > _PILOT_FROM else {}
            if curves:
                self._sample_folds(curves)
            costs = {name: curve.seconds(self.n_train) for name, curve in curves.items()}
            chosen = _budget_order(chosen, costs, self.baseline)
        self.progress.stage("screen", len(chosen) * len(self.folds))
        screening = screen(
            self.config._pipeline,
            self.frame,
            self.target,
            families=chosen,
            smallest_value=self._smallest_feature_value(),
            random_state=self.config.random_state,
            deadline=self.budget.deadline(_SCREEN_SHARE),
            fold_costs=costs,
            on_result=lambda result: self.progress.advance(1, result.family),
            **self.common,
        )
        self.lap("screen")
        if screening.leaderboard.empty:
            raise ConfigurationError(
                f"No model family could run on this data: {screening.skipped!r}."
            )
        return screening

    def _pilot(self, chosen: list[Family]) -> dict[str, CostCurve]:
        self.progress.stage("pilot", 1)
        curves = estimate_fold_costs(
            self.config._pipeline,
            self.frame,
            self.target,
            families=chosen,
            random_state=self.config.random_state,
            n_jobs=self.config.n_jobs,
        )
        self.progress.advance(1)
        self.lap("pilot")
        return curves

    def _sample_folds(self, curves: dict[str, CostCurve]) -> None:
        """Train every fold on a sample when screening all families on every row would not fit.

        The sample is the largest of the training rows halved again and again
        (down to the pilot's 2,500) whose estimated screening fits in its share
        of the budget; the test rows stay whole, and the final refit uses every row.
        """
        window = self.budget.left() * _SCREEN_SHARE
        k = len(self.folds)

        def screening_time(rows: int) -> float:
            return sum(parallel_time(c.seconds(rows), k, self.slots) for c in curves.values())

        rows = self.n_train
        while rows // 2 >= _PILOT_FROM // 2 and screening_time(rows) > window:
            rows //= 2
        if rows == self.n_train:
            return
        full = screening_time(self.n_train)
        rng = np.random.default_rng(self.config.random_state)
        self.folds = [(np.sort(rng.permutation(train)[:rows]), test) for train, test in self.folds]
        self.sample_rows = rows
        self.n_train = rows
        logger.info(
            "the time budget trains each fold on a sample of %d rows (estimated %.0f s for "
            "screening on every row, %.0f s available)",
            rows,
            full,
            window,
        )

    def _smallest_feature_value(self) -> float:
        prefix = self.config._pipeline("passthrough")[:-1]
        built = np.asarray(prefix.fit_transform(self.frame, self.target), dtype=np.float64)
        return float(np.nanmin(built)) if built.size else 0.0

    def refit_time(self, fold_seconds: float) -> float:
        """Estimated seconds to refit on every row a model whose fold took ``fold_seconds``."""
        return SAFETY * fold_seconds * len(self.frame) / max(1, self.n_train)

    def tune(self, screening: Screening, choices: list[ShortlistChoice]) -> dict[str, Tuning]:
        board = screening.leaderboard
        admitted = [c.model for c in choices if c.admitted]
        fold_cost = {
            name: _cell(board, name, "fit_time") + _cell(board, name, "predict_time")
            for name in admitted
        }
        reserve = max(self.refit_time(cost) for cost in fold_cost.values())
        share = 1.0 - _ENSEMBLE_SHARE if self.config.ensembles and len(admitted) > 1 else 1.0
        until = self.budget.deadline(share, reserve=reserve)
        planned = (self.config.n_iter - 1) * len(admitted)
        self.progress.stage("tune", planned)
        results = {}
        for done, name in enumerate(admitted):
            family_deadline = time.monotonic() + max(
                0.0, (until - time.monotonic()) / (len(admitted) - done)
            )
            results[name] = tune(
                self.config._pipeline,
                self.frame,
                self.target,
                family=self.by_name[name],
                n_iter=self.config.n_iter,
                random_state=self.config.random_state,
                deadline=family_deadline,
                halving=self.config.halving,
                standard={str(key): value for key, value in board.loc[name].items()},
                fold_cost=fold_cost[name],
                on_trial=self._advance(name),
                **self.common,
            )
        return results

    def _advance(self, name: str) -> Any:
        return lambda steps: self.progress.advance(steps, name)

    def members(self, tuning: dict[str, Tuning]) -> list[tuple[str, Any]]:
        """The tuned models, unfitted, best first."""
        ranked = sorted(tuning.values(), key=lambda t: -t.best_score)
        return [
            (
                t.family,
                self.by_name[t.family]
                .build(self.config.random_state, None)
                .set_params(**t.best_params),
            )
            for t in ranked
        ]

    def compare(
        self, tuning: dict[str, Tuning], members: list[tuple[str, Any]]
    ) -> tuple[EnsembleComparison | None, dict[str, Any]]:
        if not self.config.ensembles or len(members) < 2:
            return None, {}
        candidates = candidate_ensembles(
            members, task=self.task, random_state=self.config.random_state
        )
        if _needs_scores(self.scorers[self.primary]):  # hard votes give labels only
            candidates.pop("hard_voting", None)
        member_costs = [float(tuning[name].trials["fit_time"].max()) for name, _ in members]
        affordable, skipped = self._affordable(candidates, member_costs)
        self.progress.stage("ensemble", 1)
        comparison = compare_ensembles(
            self.config._pipeline,
            self.frame,
            self.target,
            single=members[0],
            ensembles=affordable,
            skipped=skipped,
            **self.common,
        )
        self.progress.advance(1)
        return comparison, affordable

    def _affordable(
        self, candidates: dict[str, Any], member_costs: list[float]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The candidates whose cross-validation and refit fit in the time left, in order."""
        affordable: dict[str, Any] = {}
        skipped: dict[str, str] = {}
        planned = 0.0
        for name, model in candidates.items():
            fold = ensemble_cost(name, member_costs)
            needed = parallel_time(fold, len(self.folds), self.slots) + self.refit_time(fold)
            left = self.budget.left() - planned
            if needed > left:
                skipped[name] = (
                    f"time budget: it needs about {needed:.1f} s with its refit, "
                    f"{max(0.0, left):.1f} s were left"
                )
                continue
            affordable[name] = model
            planned += needed - self.refit_time(fold)
        return affordable, skipped

    def finalists(
        self,
        screening: Screening,
        tuning: dict[str, Tuning],
        members: list[tuple[str, Any]],
        comparison: EnsembleComparison | None,
        candidates: dict[str, Any],
    ) -> list[Finalist]:
        board = screening.leaderboard
        k = len(self.folds)
        models = dict(members)
        finalists = [
            Finalist(
                name=name,
                kind="tuned",
                score_mean=t.best_score,
                score_std=float(t.best[f"{self.primary}_std"]),
                n_folds=k,
                predict_time=_cell(board, name, "predict_time"),
                simplicity=simplicity(name),
                params=t.best_params,
                model=models[name],
            )
            for name, t in tuning.items()
        ]
        baseline = self.baseline
        if baseline not in tuning and baseline in board.index:
            finalists.append(
                Finalist(
                    name=baseline,
                    kind="baseline",
                    score_mean=_cell(board, baseline, f"{self.primary}_mean"),
                    score_std=_cell(board, baseline, f"{self.primary}_std"),
                    n_folds=k,
                    predict_time=_cell(board, baseline, "predict_time"),
                    simplicity=simplicity(baseline),
                    model=self.by_name[baseline].build(self.config.random_state, None),
                )
            )
        if comparison is not None:
            table = comparison.table
            finalists += [
                Finalist(
                    name=name,
                    kind="ensemble",
                    score_mean=_cell(table, name, "score_mean"),
                    score_std=_cell(table, name, "score_std"),
                    n_folds=k,
                    predict_time=float("inf"),
                    simplicity=simplicity(name, ensemble=True),
                    model=candidates[name],
                )
                for name in comparison.kept
            ]
        return finalists


def _budget_order(chosen: list[Family], costs: Mapping[str, float], baseline: str) -> list[Family]:
    """Under a budget: the simple baseline, then gradient boosting, then the cheapest first."""
    first = (baseline, "gradient_boosting")
    return sorted(
        chosen,
        key=lambda f: (first.index(f.name) if f.name in first else 2, costs.get(f.name, 0.0)),
    )


def _needs_scores(scorer: Any) -> bool:
    """Whether a scorer reads probabilities or decision scores rather than labels."""
    return getattr(scorer, "_response_method", "predict") != "predict"


def _cell(table: pd.DataFrame, row: str, column: str) -> float:
    value: Any = table.loc[row, column]
    return float(value)


def _dummy(task: str) -> Any:
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyRegressor() if task == "regression" else DummyClassifier(strategy="prior")
