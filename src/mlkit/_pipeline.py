"""Pipeline: one object from a raw DataFrame to an accepted, packaged, monitored model.

``Pipeline(target=...).fit(df)`` runs every component in order: profile,
training-only row cleaning, a hold-out split (the test rows are never seen by
the search), the model search over Cleaner → FeatureBuilder → model (cleaning
and features are fitted inside each cross-validation fold, so nothing leaks),
the acceptance test on the held-back rows, and a drift monitor fitted on
those rows with the model's outputs. ``PipelineRun.package`` then writes the
artifact, refusing a model that failed its acceptance test unless forced.

Refit policy: the model that ships is the one that was tested. By default
(``refit="train"``) it is the search's model, trained on the training rows
only. With ``refit="all"``, a model that passed is refitted on the training
and test rows together (more data, but the shipped model itself was never
measured on unseen rows; its acceptance figures are those of the model
trained on the training rows).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
from sklearn.base import clone

from mlkit._acceptance import Relative, Verdict
from mlkit._cleaner import Cleaner
from mlkit._drift import DriftMonitor
from mlkit._features import FeatureBuilder
from mlkit._frame_checks import data_error, require_frame
from mlkit._html import cards, escape, page, table
from mlkit._packager import Artifact, Packager
from mlkit._profile import Profile
from mlkit._profiler import Profiler
from mlkit._results import HtmlReport, json_safe
from mlkit._rows import RowCleaning, clean_rows
from mlkit._search import ModelSearch, SearchResult
from mlkit._split import Split
from mlkit._splitter import Splitter
from mlkit._versioning import check_model_version, version_key
from mlkit.exceptions import AcceptanceError, ConfigurationError, DataError, DataFailure

logger = logging.getLogger(__name__)

REFITS = ("train", "all")
_FIT = "The frame given to Pipeline.fit"


def _instance_of(kind: type) -> Any:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ConfigurationError(
                f"The {attribute.name!r} parameter of Pipeline must be a {kind.__name__}. Got "
                f"{type(value).__name__} instead."
            )

    return validate


def _optional(kind: type) -> Any:
    check = _instance_of(kind)

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return validate


def _target(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(
            f"The 'target' parameter of Pipeline must be a column name (a non-empty str). Got "
            f"{value!r} instead."
        )


def _thresholds(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and (isinstance(v, Relative) or _number(v)) for k, v in value.items()
    ):
        raise ConfigurationError(
            "The 'acceptance' parameter of Pipeline must map metric names to a number or a "
            f"Relative, such as {{'roc_auc': 0.75}}. Got {value!r} instead."
        )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _refit(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if value not in REFITS:
        raise ConfigurationError(
            f"The 'refit' parameter of Pipeline must be one of {list(REFITS)}. Got {value!r} "
            "instead."
        )


@attrs.frozen(kw_only=True)
class Pipeline:
    """The whole flow, from a raw DataFrame to a model ready to package.

    Parameters
    ----------
    target : str
        The column to predict.
    profiler : Profiler, default=Profiler()
        Profiles the data first; its types define the data contract.
    cleaner : Cleaner, optional
        Cleans the columns; the first step of every model the search tries,
        fitted inside every cross-validation fold. Default: the search's own
        (``Cleaner()`` unless the search was given one). Give it here or to
        the search, not both.
    splitter : Splitter, default=Splitter()
        Holds back the test rows the acceptance test uses (stratified for
        classes, by time or group when configured).
    features : FeatureBuilder, optional
        Builds the model's features after the Cleaner, also inside every
        fold. Default: the search's own (``FeatureBuilder()`` unless the
        search was given one). Give it here or to the search, not both.
    search : ModelSearch, default=ModelSearch()
        Finds the model, with cross-validation on the training rows only.
    acceptance : mapping of str to float or Relative, optional
        The acceptance test on the held-back rows: a floor per metric.
        Default: the primary metric at least the dummy model's
        (``{primary: Relative(0.0)}``).
    monitor : DriftMonitor, default=DriftMonitor()
        Fitted on the held-back rows, their labels and the model's outputs:
        the drift reference and the performance baseline the artifact carries.
    refit : {"train", "all"}, default="train"
        Ship the model trained on the training rows (the one tested), or, when
        it passed, refit it on the training and test rows together.

    Examples
    --------
    >>> import mlkit
    >>> from mlkit.datasets import make_churn
    >>> search = mlkit.ModelSearch(
    ...     families=["logistic_regression"], n_iter=1, cv=3, ensembles=False, progress=False
    ... )
    >>> run = mlkit.Pipeline(target="churned", search=search).fit(make_churn(600))
    >>> run.verdict.passed
    True
    >>> run.package("models/", name="churn", version="1.0.0")  # doctest: +SKIP
    """

    target: str = attrs.field(validator=_target)
    profiler: Profiler = attrs.field(factory=Profiler, validator=_instance_of(Profiler))
    cleaner: Cleaner | None = attrs.field(default=None, validator=_optional(Cleaner))
    splitter: Splitter = attrs.field(factory=Splitter, validator=_instance_of(Splitter))
    features: FeatureBuilder | None = attrs.field(
        default=None, validator=_optional(FeatureBuilder)
    )
    search: ModelSearch = attrs.field(factory=ModelSearch, validator=_instance_of(ModelSearch))
    acceptance: Mapping[str, float | Relative] | None = attrs.field(
        default=None, validator=_thresholds
    )
    monitor: DriftMonitor = attrs.field(factory=DriftMonitor, validator=_instance_of(DriftMonitor))
    refit: str = attrs.field(default="train", validator=_refit)

    def __attrs_post_init__(self) -> None:
        for name in ("cleaner", "features"):
            if getattr(self, name) is not None and getattr(self.search, name) is not None:
                raise ConfigurationError(
                    f"Pipeline was given a {name!r} and so was its ModelSearch: give it once, "
                    f"as Pipeline({name}=...) or as ModelSearch({name}=...)."
                )

    def fit(self, df: pd.DataFrame) -> PipelineRun:
        """Run the whole flow on ``df``.

        Parameters
        ----------
        df : pandas.DataFrame
            The raw table, target column included.

        Returns
        -------
        PipelineRun
            The profile, split, search result, acceptance verdict, fitted
            model, drift monitor and timings.

        Raises
        ------
        DataError
            When ``df`` is not a usable frame, lacks the target, or its target
            has a single value.
        ConfigurationError
            When the acceptance thresholds name a metric the search does not
            compute.
        """
        return self._run(df, champion=None)

    def retrain(self, df: pd.DataFrame, *, champion: Any, tolerance: float = 0.0) -> PipelineRun:
        """Train a challenger on new data and judge it against the model in service.

        The challenger goes through the whole flow, as in :meth:`fit`; then the
        champion is scored on the same held-back rows. The run's
        ``champion_verdict`` says whether the challenger is at least as good
        on the primary metric, and :meth:`PipelineRun.package` writes it as
        the next version (recording the champion as its parent) only if it
        passed both its acceptance test and this comparison.

        Parameters
        ----------
        df : pandas.DataFrame
            The new training table, target included, with the champion's
            input columns.
        champion : Model, str or Path
            The model in service, loaded or as an artifact path.
        tolerance : float, default=0.0
            How much lower than the champion's primary score the challenger's
            may be and still count as not worse (0: at least as good).

        Returns
        -------
        PipelineRun
            The challenger's run, with ``champion`` and ``champion_verdict``.

        Raises
        ------
        DataError
            When ``df`` is not usable, or lacks columns the champion needs.
        ArtifactError
            When ``champion`` is a path that does not load.
        """
        from mlkit._model import Model, load

        if not _number(tolerance) or not tolerance >= 0:
            raise ConfigurationError(
                "The 'tolerance' parameter of Pipeline.retrain must be a non-negative number. "
                f"Got {tolerance!r} instead."
            )
        model = champion if isinstance(champion, Model) else None
        if model is None:
            if not isinstance(champion, str | Path):
                raise ConfigurationError(
                    "The 'champion' parameter of Pipeline.retrain must be a loaded Model or "
                    f"the path of its artifact. Got {type(champion).__name__} instead."
                )
            model = load(champion)
        return self._run(df, champion=model, tolerance=float(tolerance))

    def _run(self, df: pd.DataFrame, *, champion: Any, tolerance: float = 0.0) -> PipelineRun:
        frame = require_frame(df, subject="The frame given to Pipeline.fit")
        _check_target(frame, self.target)
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = now - clock
            clock = now
            logger.info("Pipeline: %s done in %.1f s", stage, timings[stage])

        profile = self.profiler.profile(frame, target=self.target)
        lap("profile")
        rows = clean_rows(frame, target=self.target)
        _check_classes(rows.frame[self.target], self.target)
        split = self.splitter.split(rows.frame, target=self.target)
        self._check_thresholds(split.task)
        lap("split")
        search = self._search().fit(split.X_train, split.y_train)
        lap("search")
        result = search.result_
        thresholds = self.acceptance or {result.primary: Relative(0.0)}
        verdict = result.accept(split.X_test, split.y_test, thresholds=thresholds)
        versus = None if champion is None else _versus(result, split, champion, tolerance)
        lap("acceptance")
        monitor = clone(self.monitor).fit(
            split.X_test, split.y_test, predictions=_outputs(search.best_estimator_, split.X_test)
        )
        lap("monitor")
        model = search.best_estimator_
        if self.refit == "all" and verdict.passed:
            X_all = pd.concat([split.X_train, split.X_test])
            model = clone(model).fit(X_all, pd.concat([split.y_train, split.y_test]))
            lap("refit")
        timings["total"] = sum(timings.values())
        return PipelineRun(
            pipeline=self,
            profile=profile,
            rows=rows,
            split=split,
            search=result,
            verdict=verdict,
            model=model,
            monitor=monitor,
            timings=timings,
            champion=champion,
            champion_verdict=versus,
        )

    def _search(self) -> ModelSearch:
        """A fresh copy of the search, with the Pipeline's Cleaner and FeatureBuilder if given."""
        search: ModelSearch = clone(self.search)
        steps = {"cleaner": self.cleaner, "features": self.features}
        search.set_params(
            **{name: clone(step) for name, step in steps.items() if step is not None}
        )
        return search

    def _check_thresholds(self, task: str) -> None:
        """Refuse thresholds on metrics the search will not measure, before it runs."""
        from mlkit._scoring import resolve_scoring

        _, scorers = resolve_scoring(self.search.scoring, task)
        unknown = sorted(set(self.acceptance or {}) - set(scorers))
        if unknown:
            raise ConfigurationError(
                f"The 'acceptance' parameter of Pipeline names metrics the search does not "
                f"measure for this {task} target: {unknown}; measured: {list(scorers)}."
            )


def _versus(result: SearchResult, split: Split, champion: Any, tolerance: float) -> Verdict:
    """The challenger against the champion on the same held-back rows, primary metric."""
    missing = [name for name in champion.columns if name not in split.X_test.columns]
    if missing:
        raise DataError.from_failures(
            "The frame given to Pipeline.retrain",
            [
                DataFailure(
                    column=name,
                    reason="missing_column",
                    message="the champion needs this column to be compared",
                )
                for name in missing
            ],
        )
    if (champion.metadata.task == "regression") != (result.task == "regression"):
        raise ConfigurationError(
            f"The champion {champion.name} {champion.version} is a {champion.metadata.task} "
            f"model and the challenger a {result.task} one: they cannot be compared."
        )
    verdict = result.accept(
        split.X_test,
        split.y_test,
        thresholds={result.primary: Relative(-tolerance)},
        baseline=champion.pipeline,
    )
    named = f"champion {champion.name} {champion.version}"
    checks = tuple(
        attrs.evolve(check, rule=check.rule.replace("the baseline's", f"the {named}'s"))
        for check in verdict.checks
    )
    return attrs.evolve(verdict, baseline=named, checks=checks)


def _check_target(frame: pd.DataFrame, target: str) -> None:
    if frame.empty:
        raise data_error(
            _FIT, target, "no_rows", "the frame has no rows; there is nothing to learn from"
        )
    if target not in frame.columns:
        raise data_error(
            _FIT,
            target,
            "missing_target",
            f"the target column is missing; the frame has {list(frame.columns)[:10]}",
        )


def _check_classes(target: pd.Series, name: str) -> None:
    values = target.nunique(dropna=True)
    if values < 2:
        raise data_error(
            _FIT,
            name,
            "constant_target",
            f"the target has {values} distinct value(s) once rows without it are dropped; "
            "a model needs at least two",
        )


def _outputs(model: Any, X: pd.DataFrame) -> Any:
    if hasattr(model, "classes_") and hasattr(model, "predict_proba"):
        return pd.DataFrame(model.predict_proba(X), index=X.index, columns=list(model.classes_))
    return pd.Series(model.predict(X), index=X.index)


@attrs.frozen(kw_only=True, eq=False)
class PipelineRun(HtmlReport):
    """What :meth:`Pipeline.fit` found and built.

    Attributes
    ----------
    pipeline : Pipeline
        The configuration that ran.
    profile : Profile
        The profile of the raw table.
    rows : RowCleaning
        The rows kept for training (no target, or an exact repeat, dropped).
    split : Split
        The training and held-back rows.
    search : SearchResult
        Leaderboard, error analysis, tuning, ensembles and the choice.
    verdict : Verdict
        The acceptance test on the held-back rows.
    model : sklearn.pipeline.Pipeline
        The fitted model that ships (Cleaner → FeatureBuilder → estimator).
    monitor : DriftMonitor
        Fitted on the held-back rows: the drift reference and baseline.
    timings : dict of str to float
        Seconds per stage, and ``total``.
    champion : Model or None
        The model in service, for a run of :meth:`Pipeline.retrain`.
    champion_verdict : Verdict or None
        The challenger against the champion on the same held-back rows: at
        least the champion's score on the primary metric.
    """

    pipeline: Pipeline
    profile: Profile
    rows: RowCleaning
    split: Split
    search: SearchResult
    verdict: Verdict
    model: Any
    monitor: DriftMonitor
    timings: dict[str, float]
    champion: Any = None
    champion_verdict: Verdict | None = None

    @property
    def promoted(self) -> bool:
        """Whether the model may ship, having passed its acceptance test (and the champion)."""
        return self.verdict.passed and (
            self.champion_verdict is None or self.champion_verdict.passed
        )

    def package(
        self,
        path: str | Path,
        *,
        name: str,
        version: str,
        signing_key: str | bytes | None = None,
        overwrite: bool = False,
        force: bool = False,
        intended_use: str | None = None,
        limitations: str | None = None,
    ) -> Artifact:
        """Write the model as a versioned artifact, with its contract, card and monitor.

        Parameters
        ----------
        path : str or Path
            A folder (the file is named ``NAME-VERSION.mlkit`` in it) or a
            file path ending in ``.mlkit``.
        name, version : str
            The model's name and its canonical PEP 440 version.
        signing_key : str or bytes, optional
            Sign the manifest (HMAC-SHA256); defaults to ``MLKIT_SIGNING_KEY``.
        overwrite : bool, default=False
            Replace an existing file of the same name.
        force : bool, default=False
            Package a model that failed its acceptance test; the artifact then
            says that it failed.
        intended_use, limitations : str, optional
            For the model card.

        Returns
        -------
        Artifact
            Where the file is and what its manifest says.

        Raises
        ------
        AcceptanceError
            When the model failed its acceptance test, or a retrained model
            is worse than its champion, and ``force`` is false; nothing is
            written.
        ConfigurationError
            When a retrained model's version is not newer than the champion's.
        """
        self._check_promotion(version, force=force)
        packager = Packager(
            name=name, version=version, intended_use=intended_use, limitations=limitations
        )
        X, y = self._trained_on()
        return packager.package(
            self.model,
            X,
            y,
            path=path,
            metrics=self.metrics,
            acceptance=self._recorded_verdict(),
            profile=self.profile,
            signing_key=signing_key,
            overwrite=overwrite,
            force=force,
            monitor=self.monitor,
            parent=self.champion,
        )

    def _recorded_verdict(self) -> Verdict:
        """The acceptance verdict the artifact records, the champion comparison included."""
        versus = self.champion_verdict
        if versus is None:
            return self.verdict
        return attrs.evolve(
            self.verdict,
            passed=self.promoted,
            checks=self.verdict.checks
            + tuple(
                attrs.evolve(check, metric=f"{check.metric} against the {versus.baseline}")
                for check in versus.checks
            ),
        )

    def _check_promotion(self, version: str, *, force: bool) -> None:
        if self.champion is None:
            return
        check_model_version(version)
        if version_key(version) <= version_key(self.champion.version):
            raise ConfigurationError(
                f"The retrained model must get a version newer than its champion's "
                f"{self.champion.version}; got {version!r}."
            )
        versus = self.champion_verdict
        if versus is not None and not versus.passed and not force:
            check = versus.checks[0]
            raise AcceptanceError(
                f"The retrained model is worse than its champion {self.champion.name} "
                f"{self.champion.version} on the same held-back rows ({check.metric} "
                f"{check.value:.4g} < {check.threshold:.4g}); nothing was written. Keep the "
                "champion, or pass force=True to package it anyway.",
                verdict=versus,
            )

    @property
    def metrics(self) -> dict[str, float]:
        """The chosen model's cross-validated score and its held-back metrics.

        A metric the model cannot compute (log loss without probabilities) is
        left out.
        """
        chosen = self.search.selection.chosen
        found = {
            f"cv_{self.search.primary}_mean": float(chosen.score_mean),
            f"cv_{self.search.primary}_std": float(chosen.score_std),
        }
        found.update({f"test_{k}": float(v) for k, v in self.verdict.metrics.items()})
        return {name: value for name, value in found.items() if math.isfinite(value)}

    def _trained_on(self) -> tuple[pd.DataFrame, pd.Series]:
        if self.pipeline.refit == "all" and self.verdict.passed:
            return (
                pd.concat([self.split.X_train, self.split.X_test]),
                pd.concat([self.split.y_train, self.split.y_test]),
            )
        return self.split.X_train, self.split.y_train

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON-safe values: settings, rows, split, search, verdict, timings."""
        safe: dict[str, Any] = json_safe(
            {
                "target": self.pipeline.target,
                "refit": self.pipeline.refit,
                "rows": {
                    "in": self.rows.n_rows_in,
                    "missing_target": self.rows.n_missing_target,
                    "duplicates": self.rows.n_duplicate_rows,
                    "train": self.split.n_train,
                    "test": self.split.n_test,
                },
                "split": self.split.strategy,
                "search": self.search.to_dict(),
                "verdict": self.verdict.to_dict(),
                "metrics": self.metrics,
                "timings": self.timings,
                "champion": None
                if self.champion is None
                else {"name": self.champion.name, "version": self.champion.version},
                "champion_verdict": None
                if self.champion_verdict is None
                else self.champion_verdict.to_dict(),
                "promoted": self.promoted,
            }
        )
        return safe

    def __repr__(self) -> str:
        return (
            f"PipelineRun(target={self.pipeline.target!r}, chosen={self.search.chosen!r}, "
            f"accepted={self.verdict.passed}, seconds={self.timings['total']:.1f})"
        )

    def _card(self) -> str:
        """The model card the artifact will carry (its name and version are set at packaging)."""
        from mlkit._card import render_card
        from mlkit._input_contract import InputContract

        X, y = self._trained_on()
        return render_card(
            packager=Packager(name="model", version="0.0.0"),  # named at packaging
            pipeline=self.model,
            X=X,
            y=y,
            contract=InputContract.learn(X, profile=self.profile),
            metrics=self.metrics,
            acceptance=self._recorded_verdict(),
            profile=self.profile,
        )

    def _versus_section(self) -> list[str]:
        versus = self.champion_verdict
        if versus is None or self.champion is None:
            return []
        check = versus.checks[0]
        outcome = "at least as good" if versus.passed else "worse"
        return [
            f"<h2>Against the champion {escape(self.champion.name)} "
            f"{escape(self.champion.version)}</h2>",
            f"<p>On the same held-back rows the challenger is {outcome}: "
            f"{escape(check.metric)} {check.value:.4g} against the champion's "
            f"{check.threshold:.4g}.</p>",
        ]

    def _render(self, *, standalone: bool) -> str:
        verdict = self.verdict
        summary = cards(
            [
                ("target", self.pipeline.target),
                ("task", self.search.task),
                ("model", self.search.chosen),
                (f"cv {self.search.primary}", f"{self.search.selection.chosen.score_mean:.4g}"),
                ("acceptance", "passed" if verdict.passed else "FAILED"),
                ("ships", "yes" if self.promoted else "no"),
                ("rows", f"{self.split.n_train:,} train / {self.split.n_test:,} test"),
                ("seconds", f"{self.timings['total']:.1f}"),
            ]
        )
        checks = table(
            ["metric", "value", "threshold", "rule", "passed"],
            [[c.metric, c.value, c.threshold, c.rule, c.passed] for c in verdict.checks],
        )
        sections = [
            summary,
            "<h2>Acceptance test, on the held-back rows</h2>",
            checks,
            *self._versus_section(),
            "<h2>Model card, as it will be packaged</h2>",
            f'<pre style="white-space:pre-wrap">{escape(self._card())}</pre>',
            "<h2>Model search</h2>",
            self.search._render(standalone=False),
            "<h2>Profile</h2>",
            self.profile._render(standalone=False),
            "<h2>Timings (s)</h2>",
            table(["stage", "seconds"], [[k, f"{v:.2f}"] for k, v in self.timings.items()]),
        ]
        title = f"mlkit run: {escape(self.pipeline.target)}"
        return page(title, "".join(sections), standalone=standalone)
