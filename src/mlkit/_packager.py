"""Packager: a fitted pipeline and its training data become one versioned ``.mlkit`` file."""

from __future__ import annotations

import json
import keyword
import logging
import os
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd
from sklearn.base import clone

from mlkit import _archive, _golden, _versioning
from mlkit._card import render_card
from mlkit._drift import DriftMonitor
from mlkit._frame_checks import non_string_names, repeated_names, require_frame
from mlkit._input_contract import InputContract
from mlkit._manifest import (
    CARD,
    CONTRACT,
    GOLDEN,
    MANIFEST,
    MODEL,
    PROTOCOL,
    REFERENCE,
    SIGNATURE,
    Manifest,
    fingerprint,
    sign,
)
from mlkit._manifest import signing_key as resolve_key
from mlkit._model_file import dump_pipeline, named_types, outside_allow_list
from mlkit._results import HtmlReport, json_safe
from mlkit.exceptions import AcceptanceError, ConfigurationError, DataError, UntrustedTypeError

if TYPE_CHECKING:
    from mlkit._acceptance import Verdict
    from mlkit._profile import Profile

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$")
_REFERENCE_ROWS = 100_000
# Import names of mlkit and its runtime: a model's package must not hide them.
_RESERVED = frozenset(
    {"mlkit", "numpy", "pandas", "sklearn", "scipy", "skops", "pandera", "attrs"}
)  # predictions sketched for the drift reference, at most


def _check_name(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ConfigurationError(
            "The 'name' parameter of Packager must start with a letter and hold letters, "
            "digits and single '-', '_' or '.' separators, such as 'churn-model'. "
            f"Got {value!r} instead."
        )
    package = import_name(value)
    if keyword.iskeyword(package) or package in _RESERVED or package in sys.stdlib_module_names:
        raise ConfigurationError(
            f"The 'name' parameter of Packager cannot be {value!r}: its wheel would install "
            f"the Python package {package!r}, which is a keyword or hides a module of the "
            "same name. Choose a more specific name, such as 'churn-model'."
        )


def _check_version(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    _versioning.check_model_version(value)


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(
            f"The {attribute.name!r} parameter of Packager must be text or None. "
            f"Got {type(value).__name__} instead."
        )


def import_name(name: str) -> str:
    """The Python package name a model's wheel installs, e.g. ``churn_model``."""
    return re.sub(r"[-_.]+", "_", name).lower()


@attrs.frozen(kw_only=True)
class Packager:
    """Writes a fitted model as one versioned, self-contained ``NAME-VERSION.mlkit`` file.

    Parameters
    ----------
    name : str
        The model's name, such as ``"churn-model"``: letters, digits and single
        ``-``, ``_`` or ``.`` separators. Its wheel installs the Python package
        ``churn_model``.
    version : str
        A PEP 440 version in canonical form, such as ``"1.2.0"``.
    intended_use : str, optional
        What the model is for and who should use it, for the model card.
    limitations : str, optional
        Known limits, for the model card (mlkit adds what it knows).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> import mlkit
    >>> df = mlkit.datasets.make_churn(500)
    >>> X, y = df.drop(columns="churned"), df["churned"]
    >>> pipeline = make_pipeline(
    ...     mlkit.Cleaner(), mlkit.FeatureBuilder(), LogisticRegression(max_iter=1_000)
    ... ).fit(X, y)
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> artifact = mlkit.Packager(name="churn", version="1.0.0").package(
    ...     pipeline, X, y, path=folder
    ... )
    >>> artifact.path.name
    'churn-1.0.0.mlkit'
    >>> mlkit.load(artifact.path).predict(X.head(2)).tolist()
    [0, 0]
    """

    name: str = attrs.field(validator=_check_name)
    version: str = attrs.field(validator=_check_version)
    intended_use: str | None = attrs.field(default=None, validator=_optional_text)
    limitations: str | None = attrs.field(default=None, validator=_optional_text)

    @property
    def file_name(self) -> str:
        """The artifact's file name, ``NAME-VERSION.mlkit``."""
        return f"{self.name}-{self.version}.mlkit"

    def package(
        self,
        model: Any,
        X_train: pd.DataFrame,
        y_train: Any = None,
        *,
        path: str | Path,
        metrics: Mapping[str, float] | None = None,
        acceptance: Verdict | None = None,
        profile: Profile | None = None,
        parent: Any = None,
        signing_key: str | bytes | None = None,
        overwrite: bool = False,
        force: bool = False,
        monitor: DriftMonitor | None = None,
    ) -> Artifact:
        """Write ``model`` and what it learned about ``X_train`` as one artifact file.

        Parameters
        ----------
        model : fitted scikit-learn estimator or ModelSearch
            The fitted pipeline (Cleaner → FeatureBuilder → estimator, or any
            scikit-learn pipeline of trusted types). A fitted ``ModelSearch``
            gives its ``best_estimator_`` and, unless ``metrics`` is given, the
            chosen model's cross-validated score.
        X_train : pandas.DataFrame
            The rows the model was trained on: they define the data contract,
            the drift reference, the golden examples and the fingerprint.
        y_train : array-like, optional
            Their target, for the fingerprint and stratified golden examples.
        path : str or Path
            A folder (the file is named ``NAME-VERSION.mlkit`` in it) or a file
            path ending in ``.mlkit``.
        metrics : mapping of str to float, optional
            Scores to record, e.g. cross-validated and hold-out metrics.
        acceptance : Verdict, optional
            The acceptance verdict on held-back data, recorded in the manifest
            and the card. A failed verdict is refused unless ``force=True``.
        profile : Profile, optional
            The training data's profile: its dtypes define the contract, and the
            card summarises it.
        parent : Artifact, Model, str or None
            The model this one replaces (an artifact, a loaded model, or its
            version), recorded as lineage.
        signing_key : str or bytes, optional
            Sign the manifest with HMAC-SHA256 under this key; defaults to the
            ``MLKIT_SIGNING_KEY`` environment variable when set.
        overwrite : bool, default=False
            Replace an existing file of the same name.
        force : bool, default=False
            Package a model whose ``acceptance`` verdict failed; the manifest
            and the card then say that it failed.
        monitor : DriftMonitor, optional
            The drift monitor the artifact carries (``Model.monitor`` uses it).
            A fitted one is stored as it is: fit it on held-back rows with
            their labels and the model's outputs, for prediction drift and an
            honest performance baseline. An unfitted one (default
            ``DriftMonitor()``) is fitted here on the inputs of up to 100,000
            training rows, without the model's outputs (on its own training
            rows they are not what it gives on new rows), and takes its
            performance baseline from ``metrics`` (``roc_auc``,
            ``test_roc_auc`` or ``cv_roc_auc_mean``).

        Returns
        -------
        Artifact
            Where the file is and what its manifest says.

        Raises
        ------
        ConfigurationError
            When the model is not fitted, the path cannot be written, or the
            file exists and ``overwrite`` is false.
        DataError
            When ``X_train`` is not a frame with distinct text column names.
        UntrustedTypeError
            When the model holds types that ``mlkit.load`` would refuse.
        AcceptanceError
            When ``acceptance`` failed and ``force`` is false; nothing is written.
        """
        _check_arguments(path=path, metrics=metrics, acceptance=acceptance, profile=profile)
        _check_monitor(monitor)
        if acceptance is not None and not acceptance.passed and not force:
            failed = [c.metric for c in acceptance.checks if not c.passed]
            raise AcceptanceError(
                f"Cannot package {self.name} {self.version}: it failed its acceptance test "
                f"({', '.join(failed)}). Improve the model, or pass force=True to package it "
                "anyway; the artifact will say that it failed.",
                verdict=acceptance,
            )
        frame = _training_frame(X_train)
        pipeline, metrics = _unwrap(model, metrics)
        _check_fitted(pipeline, frame)
        target = _target(frame, y_train)
        task, classes = _task(pipeline)
        key = resolve_key(signing_key)
        destination = self._destination(Path(path))
        _archive.refuse_existing(destination, overwrite=overwrite)  # before the work
        reference = _reference(pipeline, frame, classes, metrics, monitor)
        members, named_types = self._members(
            pipeline, frame, target, classes, metrics, acceptance, profile, reference
        )
        manifest = Manifest(
            protocol=PROTOCOL,
            name=self.name,
            version=self.version,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            task=task,
            target=None if target is None or target.name is None else str(target.name),
            classes=None if classes is None else tuple(json_safe(classes)),
            estimator=type(_final_step(pipeline)).__name__,
            inputs={str(name): str(frame[name].dtype) for name in frame.columns},
            metrics={str(k): float(v) for k, v in (metrics or {}).items()},
            acceptance=None if acceptance is None else acceptance.to_dict(),
            fingerprint=fingerprint(frame, target),
            parent=_lineage(parent),
            runtime=_versioning.installed_versions(),
            trusted_types=named_types,
            members={
                name: {"sha256": _archive.sha256(data), "size": len(data)}
                for name, data in members.items()
            },
        )
        manifest_bytes = manifest.to_json()
        files = {MANIFEST: manifest_bytes}
        if key is not None:
            files[SIGNATURE] = sign(manifest_bytes, key)
        files.update(members)
        _archive.write_atomically(
            destination, _archive.deterministic_zip(files, stored={MODEL}), overwrite=overwrite
        )
        logger.info("Packaged %s %s as %s", self.name, self.version, destination)
        return Artifact(path=destination, manifest=manifest, signed=key is not None)

    def build_wheel(
        self, artifact: Artifact | str | Path, out_dir: str | Path, *, overwrite: bool = False
    ) -> Path:
        """Write an installable wheel whose Python package carries ``artifact``.

        The wheel ``NAME-VERSION-py3-none-any.whl`` installs a package named
        after the model (``churn-model`` → ``churn_model``) exposing
        ``predict``, ``predict_proba``, ``validate``, ``self_test``, ``model``
        (loaded once, on first use), ``schema`` and ``__version__``. Its
        requirements pin a runtime that loads the model without a warning.
        The artifact must be this packager's model: same name and version.

        Parameters
        ----------
        artifact : Artifact, str or Path
            The artifact, or the path of a ``.mlkit`` file; it is checked first.
        out_dir : str or Path
            An existing folder to write the wheel to.
        overwrite : bool, default=False
            Replace an existing wheel of the same name.

        Returns
        -------
        Path
            The wheel file.
        """
        from mlkit._model import read_manifest
        from mlkit._wheel import build_wheel

        if not isinstance(artifact, Artifact):
            _check_path(artifact, "artifact")
        _check_path(out_dir, "out_dir")
        source = artifact.path if isinstance(artifact, Artifact) else Path(artifact)
        manifest = read_manifest(source)
        if (manifest.name, manifest.version) != (self.name, self.version):
            raise ConfigurationError(
                f"Cannot build the wheel of {self.name} {self.version} from {str(source)!r}: "
                f"that artifact is {manifest.name} {manifest.version}. Use "
                f"Packager(name={manifest.name!r}, version={manifest.version!r})."
            )
        return build_wheel(
            source,
            Path(out_dir),
            distribution=manifest.name,
            import_name=import_name(manifest.name),
            version=manifest.version,
            requirements=_versioning.requirements(manifest.runtime),
            summary=f"The {manifest.name} model ({manifest.task}), packaged by mlkit.",
            overwrite=overwrite,
        )

    def _destination(self, path: Path) -> Path:
        if path.suffix == ".mlkit":
            return path
        if path.is_dir():
            return path / self.file_name
        raise ConfigurationError(
            f"The 'path' parameter of Packager.package must be an existing folder or a file "
            f"name ending in '.mlkit'. Got {str(path)!r} instead."
        )

    def _members(
        self,
        pipeline: Any,
        X: pd.DataFrame,
        y: pd.Series | None,
        classes: list[Any] | None,
        metrics: Mapping[str, float] | None,
        acceptance: Verdict | None,
        profile: Profile | None,
        reference: dict[str, Any],
    ) -> tuple[dict[str, bytes], tuple[str, ...]]:
        model_bytes = dump_pipeline(pipeline)
        named = named_types(model_bytes)
        outside = outside_allow_list(named)
        if outside:
            raise UntrustedTypeError(
                f"Cannot package the model: it holds type(s) outside mlkit's allow-list, "
                f"{outside}, so mlkit.load would refuse the artifact. Use scikit-learn, "
                "numpy, scipy and mlkit types only.",
                outside,
            )
        contract = InputContract.learn(X, profile=profile)
        golden = _golden_examples(pipeline, X, y, classes)
        card = render_card(
            packager=self,
            pipeline=pipeline,
            X=X,
            y=y,
            contract=contract,
            metrics=metrics,
            acceptance=acceptance,
            profile=profile,
        )
        members = {
            MODEL: model_bytes,
            CONTRACT: _json(contract.to_dict()),
            REFERENCE: _json(reference),
            GOLDEN: _json(golden),
            CARD: card.encode(),
        }
        return members, tuple(named)


@attrs.frozen(kw_only=True, eq=False)
class Artifact(HtmlReport):
    """A packaged model file and what its manifest says.

    Attributes
    ----------
    path : Path
        The ``.mlkit`` file.
    manifest : Manifest
        Its manifest: name, version, task, inputs, metrics, lineage, runtime
        and the SHA-256 of every member.
    signed : bool
        Whether its manifest carries an HMAC signature.
    """

    path: Path
    manifest: Manifest
    signed: bool

    @property
    def name(self) -> str:
        """The model's name."""
        return self.manifest.name

    @property
    def version(self) -> str:
        """The model's version."""
        return self.manifest.version

    def to_dict(self) -> dict[str, Any]:
        """The artifact's path, signature flag and manifest as JSON-safe values."""
        return {"path": str(self.path), "signed": self.signed, "manifest": self.manifest.to_dict()}

    def _render(self, *, standalone: bool) -> str:
        from mlkit._model import render_manifest

        return render_manifest(
            self.manifest, path=self.path, signed=self.signed, standalone=standalone
        )

    def __repr__(self) -> str:
        return (
            f"Artifact(name={self.name!r}, version={self.version!r}, path={str(self.path)!r}, "
            f"signed={self.signed})"
        )


def _json(value: Any) -> bytes:
    return json.dumps(json_safe(value), indent=1, sort_keys=True).encode()


def _check_arguments(*, path: Any, metrics: Any, acceptance: Any, profile: Any) -> None:
    """Refuse arguments of the wrong kind with a message naming the parameter."""
    from mlkit._acceptance import Verdict
    from mlkit._profile import Profile

    _check_path(path, "path")
    if metrics is not None and not (
        isinstance(metrics, Mapping)
        and all(isinstance(k, str) and _finite_number(v) for k, v in metrics.items())
    ):
        raise ConfigurationError(
            "The 'metrics' parameter of Packager.package must map metric names to finite "
            f"numbers, such as {{'roc_auc': 0.91}}. Got {metrics!r} instead."
        )
    for name, value, kind in (("acceptance", acceptance, Verdict), ("profile", profile, Profile)):
        if value is not None and not isinstance(value, kind):
            raise ConfigurationError(
                f"The {name!r} parameter of Packager.package must be a mlkit.{kind.__name__} "
                f"or None. Got {type(value).__name__} instead."
            )


def _check_path(value: Any, name: str) -> None:
    if not isinstance(value, str | os.PathLike):
        raise ConfigurationError(
            f"The {name!r} parameter must be a str or Path. Got {type(value).__name__} instead."
        )


def _finite_number(value: Any) -> bool:
    return (
        isinstance(value, int | float | np.number)
        and not isinstance(value, bool)
        and bool(np.isfinite(value))
    )


def _training_frame(X: Any) -> pd.DataFrame:
    subject = "The X_train given to Packager.package"
    frame = require_frame(X, subject=subject)
    failures = non_string_names(frame) + repeated_names(frame)
    if failures:
        raise DataError.from_failures(subject, failures)
    if frame.empty:
        raise ConfigurationError(
            "The X_train given to Packager.package has no rows; give the training rows."
        )
    return frame


def _unwrap(model: Any, metrics: Mapping[str, float] | None) -> tuple[Any, Any]:
    from mlkit._search import ModelSearch

    if not isinstance(model, ModelSearch):
        return model, metrics
    if not hasattr(model, "best_estimator_"):
        raise ConfigurationError(
            "Cannot package this ModelSearch: it is not fitted. Call fit(X, y) first."
        )
    if metrics is None:
        chosen = model.result_.selection.chosen
        metrics = {
            f"cv_{model.result_.primary}_mean": chosen.score_mean,
            f"cv_{model.result_.primary}_std": chosen.score_std,
        }
    return model.best_estimator_, metrics


def _check_fitted(pipeline: Any, X: pd.DataFrame) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(pipeline, "predict"):
        raise ConfigurationError(
            f"Cannot package a {type(pipeline).__name__}: the model must be a fitted "
            "scikit-learn estimator or pipeline with a predict method."
        )
    try:
        check_is_fitted(pipeline)
    except NotFittedError:
        raise ConfigurationError(
            f"Cannot package the {type(pipeline).__name__}: it is not fitted. "
            "Call fit(X_train, y_train) first."
        ) from None
    seen = getattr(pipeline, "feature_names_in_", None)
    if seen is not None and list(seen) != [str(c) for c in X.columns]:
        raise ConfigurationError(
            "X_train's columns differ from the ones the model was fitted on: "
            f"expected {list(seen)}, got {list(X.columns)}. Give the exact training frame."
        )


def _target(X: pd.DataFrame, y: Any) -> pd.Series | None:
    if y is None:
        return None
    if np.ndim(y) != 1:
        raise ConfigurationError(
            f"y_train must be one-dimensional (one target value per row); got {np.ndim(y)} "
            "dimensions. Pass the target column as a Series."
        )
    target = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    if len(target) != len(X):
        raise ConfigurationError(
            f"y_train has {len(target)} values but X_train has {len(X)} rows; "
            "give the target of the same rows."
        )
    return pd.Series(target.to_numpy(), name=target.name)


def _final_step(pipeline: Any) -> Any:
    steps = getattr(pipeline, "steps", None)
    return steps[-1][1] if steps else pipeline


def _task(pipeline: Any) -> tuple[str, list[Any] | None]:
    classes = getattr(pipeline, "classes_", None)
    if classes is None:
        return "regression", None
    labels = list(classes)
    return ("binary" if len(labels) == 2 else "multiclass"), labels


def _golden_examples(
    pipeline: Any, X: pd.DataFrame, y: pd.Series | None, classes: list[Any] | None
) -> dict[str, Any]:
    rows = _golden.sample_rows(X, y, classes=classes)
    return {
        "inputs": _golden.encode_frame(rows),
        **_golden.predict_rows(
            pipeline,
            rows,
            probabilities=classes is not None and hasattr(pipeline, "predict_proba"),
        ),
    }


def _check_monitor(monitor: Any) -> None:
    if monitor is not None and not isinstance(monitor, DriftMonitor):
        raise ConfigurationError(
            "The 'monitor' parameter of Packager.package must be a DriftMonitor or None. Got "
            f"{type(monitor).__name__} instead."
        )


def _reference(
    pipeline: Any,
    X: pd.DataFrame,
    classes: list[Any] | None,
    metrics: Mapping[str, float] | None,
    monitor: DriftMonitor | None,
) -> dict[str, Any]:
    """The drift monitor's reference: a fitted monitor's, or one fitted on training rows."""
    if monitor is not None and hasattr(monitor, "reference_"):
        unknown = [name for name in monitor.columns_ if name not in X.columns]
        if unknown:
            raise ConfigurationError(
                f"The DriftMonitor given to Packager.package monitors columns the model does "
                f"not take: {unknown}. Fit it on rows with the model's input columns."
            )
        if monitor.task_ is not None and (monitor.task_ == "regression") != (classes is None):
            raise ConfigurationError(
                f"The DriftMonitor given to Packager.package was fitted as a {monitor.task_} "
                f"monitor, but the model is a {'regressor' if classes is None else 'classifier'}. "
                "Fit it with the model's outputs: class probabilities (a DataFrame) or labels "
                "for a classifier, predicted values for a regressor."
            )
        reference = dict(monitor.reference_)
    else:
        # The model's outputs on its own training rows are not what it gives on new
        # rows (an overfit forest is surer of them), so they would make prediction
        # drift out of nothing: prediction drift needs a monitor fitted on held-back rows.
        rows = X
        if len(X) > _REFERENCE_ROWS:
            picked = np.random.default_rng(0).choice(len(X), size=_REFERENCE_ROWS, replace=False)
            rows = X.iloc[np.sort(picked)]
        fitted = clone(monitor if monitor is not None else DriftMonitor())
        reference = fitted.fit(rows).reference_
        logger.info(
            "The drift reference of %s holds the inputs only; pass a DriftMonitor fitted on "
            "held-back rows with the model's outputs to monitor predictions too.",
            type(pipeline).__name__,
        )
    if not reference.get("baseline_metrics"):
        reference["baseline_metrics"] = json_safe(dict(metrics or {}))
    return reference


def _lineage(parent: Any) -> dict[str, Any] | None:
    if parent is None:
        return None
    if isinstance(parent, str):
        return {"name": None, "version": parent, "model_sha256": None}
    manifest = getattr(parent, "manifest", None) or getattr(parent, "metadata", None)
    if isinstance(manifest, Manifest):
        return {
            "name": manifest.name,
            "version": manifest.version,
            "model_sha256": manifest.members[MODEL]["sha256"],
        }
    raise ConfigurationError(
        "The 'parent' parameter of Packager.package must be an Artifact, a loaded Model or "
        f"a version string. Got {type(parent).__name__} instead."
    )
