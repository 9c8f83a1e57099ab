"""mlkit.load and Model: what an application calls to use a packaged model.

Loading follows skops' discipline: read and check the description first
(archive listing, manifest, signature, member hashes, runtime versions), and
construct objects last, after skops has audited every type against mlkit's
allow-list. Nothing from the file is executed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlkit import _golden
from mlkit._archive import read_members
from mlkit._drift import DriftMonitor, log_windows, read_log
from mlkit._drift_report import DriftReport, DriftTimeline
from mlkit._html import escape, page, table
from mlkit._inference_log import LogSink, build_record
from mlkit._input_contract import ContractChecker, InputContract
from mlkit._manifest import (
    CARD,
    CONTRACT,
    GOLDEN,
    MANIFEST,
    MODEL,
    REFERENCE,
    SIGNATURE,
    Manifest,
    check_members,
    signing_key,
    verify,
)
from mlkit._model_file import load_pipeline
from mlkit._versioning import check_runtime
from mlkit.exceptions import ArtifactError, ConfigurationError, IntegrityError

if TYPE_CHECKING:
    import pandera.pandas as pa

logger = logging.getLogger(__name__)


def load(
    path: str | Path,
    *,
    signing_key: str | bytes | None = None,
    strict: bool = False,
    log: LogSink | None = None,
) -> Model:
    """Load a packaged model after checking that the file is whole, honest and loadable.

    Parameters
    ----------
    path : str or Path
        The ``.mlkit`` file.
    signing_key : str or bytes, optional
        Accept the artifact only if its manifest is signed with this key
        (HMAC-SHA256). Defaults to the ``MLKIT_SIGNING_KEY`` environment
        variable; when neither is set, signatures are not checked.
    strict : bool, default=False
        Refuse an artifact built with another minor version of a runtime
        dependency, instead of warning.
    log : JsonLinesLog or SQLiteLog, optional
        Write one record per ``predict``/``predict_proba`` call to this log.
        A failing log never fails a prediction: the failure is counted
        (``Model.log_failures``) and logged as a warning.

    Returns
    -------
    Model
        The model, ready to predict.

    Raises
    ------
    IntegrityError
        When the file is not an artifact, or a member is altered, missing,
        unlisted, oversized, a link, or named outside the archive.
    FormatVersionError
        When the file format is newer than this mlkit reads.
    SignatureError
        When a key is given and the signature is missing or does not match.
    IncompatibleRuntimeError
        When a dependency's major version differs (or its minor version, with
        ``strict=True``).
    UntrustedTypeError
        When the model names a type outside mlkit's allow-list.

    Warns
    -----
    RuntimeMismatchWarning
        When a dependency's minor version differs from the one it was built with.

    Examples
    --------
    >>> import mlkit
    >>> model = mlkit.load(path)  # doctest: +SKIP
    >>> model.predict(new_rows)  # doctest: +SKIP
    """
    source, subject = _source(path)
    manifest, members = _read_checked(source, subject=subject, key=signing_key)
    check_runtime(manifest.runtime, strict=strict, subject=subject)
    contract = InputContract.from_dict(_json_member(members, CONTRACT, subject), subject=subject)
    golden = _json_member(members, GOLDEN, subject)
    reference = _json_member(members, REFERENCE, subject)
    card = _text_member(members, CARD, subject)
    pipeline = load_pipeline(members[MODEL], subject=subject)
    _check_pipeline(pipeline, contract, manifest, subject=subject)
    _check_log(log)
    monitor = DriftMonitor._from_reference(
        reference,
        task=manifest.task,
        classes=None if manifest.classes is None else list(manifest.classes),
        subject=subject,
    )
    logger.info("Loaded %s %s from %s", manifest.name, manifest.version, source)
    return Model(
        pipeline=pipeline,
        manifest=manifest,
        contract=contract,
        card=card,
        golden=golden,
        reference=reference,
        path=source,
        monitor=monitor,
        log=log,
    )


def _check_log(log: Any) -> None:
    if log is not None and not (callable(getattr(log, "write", None)) and hasattr(log, "inputs")):
        raise ConfigurationError(
            "The 'log' parameter of mlkit.load must be an inference log such as "
            f"mlkit.SQLiteLog('predictions.db') or mlkit.JsonLinesLog(path). Got "
            f"{type(log).__name__} instead."
        )


def read_manifest(path: str | Path, *, signing_key: str | bytes | None = None) -> Manifest:
    """Check an artifact as :func:`load` does, without building its model; return its manifest."""
    source, subject = _source(path)
    return _read_checked(source, subject=subject, key=signing_key)[0]


def read_description(
    path: str | Path, *, signing_key: str | bytes | None = None
) -> tuple[Manifest, str, InputContract]:
    """Manifest, model card and input contract of an artifact checked as :func:`load` does."""
    source, subject = _source(path)
    manifest, members = _read_checked(source, subject=subject, key=signing_key)
    contract = InputContract.from_dict(_json_member(members, CONTRACT, subject), subject=subject)
    return manifest, _text_member(members, CARD, subject), contract


def _source(path: str | Path) -> tuple[Path, str]:
    if not isinstance(path, str | Path):
        raise ConfigurationError(
            f"The 'path' parameter of mlkit.load must be a str or Path. Got "
            f"{type(path).__name__} instead."
        )
    source = Path(path)
    subject = f"The artifact {str(source)!r}"
    if not source.is_file():
        raise ArtifactError(
            f"{subject} does not exist or is not a file. Check the path, or package the "
            "model first with Packager.package."
        )
    return source, subject


def _read_checked(
    source: Path, *, subject: str, key: str | bytes | None
) -> tuple[Manifest, dict[str, bytes]]:
    members = read_members(source, subject=subject)
    if MANIFEST not in members:
        raise IntegrityError(f"{subject} has no manifest.json; it is not an mlkit artifact.")
    secret = signing_key(key)
    if secret is not None:  # before anything in the manifest is believed
        verify(members[MANIFEST], members.get(SIGNATURE), secret, subject=subject)
    manifest = Manifest.from_json(members[MANIFEST], subject=subject)
    check_members(manifest, members, subject=subject)
    return manifest, members


def _json_member(members: dict[str, bytes], name: str, subject: str) -> Any:
    try:
        return json.loads(members[name])
    except (ValueError, RecursionError) as error:  # decoding, JSON syntax, huge numbers
        raise IntegrityError(
            f"{subject}: the member {name!r} is not valid JSON ({error})."
        ) from None


def _text_member(members: dict[str, bytes], name: str, subject: str) -> str:
    try:
        return members[name].decode("utf-8")
    except UnicodeDecodeError as error:
        raise IntegrityError(
            f"{subject}: the member {name!r} is not UTF-8 text ({error})."
        ) from None


def _check_pipeline(
    pipeline: Any, contract: InputContract, manifest: Manifest, *, subject: str
) -> None:
    from mlkit._results import json_safe

    seen = getattr(pipeline, "feature_names_in_", None)
    classes = getattr(pipeline, "classes_", None)
    expected = None if manifest.classes is None else list(manifest.classes)
    if (
        not hasattr(pipeline, "predict")
        or (seen is not None and [str(s) for s in seen] != contract.names)
        or (None if classes is None else json_safe(list(classes))) != expected
    ):
        raise IntegrityError(
            f"{subject}: the model does not match its manifest and data contract (it "
            "expects other columns, predicts other classes, or cannot predict). The file "
            "was not written by mlkit as it is."
        )


class Model:
    """A packaged model, loaded: what an application calls.

    Get one from :func:`mlkit.load`. Every call checks its input against the
    model's data contract: a missing column, a value that cannot be read as
    the trained type, or infinity is refused with one :class:`DataError`
    listing every problem by column. Extra columns are ignored, column order
    does not matter, and outputs keep the caller's index. Values outside the
    training range and unseen categories pass and are counted
    (:meth:`input_counts`). A model is safe to call from many threads at once.

    Attributes
    ----------
    name, version : str
        The model's name and version.
    metadata : Manifest
        The manifest: task, target, classes, inputs, metrics, acceptance,
        fingerprint, lineage, runtime and member hashes.
    card : str
        The model card, as Markdown.
    reference : dict
        The training-data sketch drift is measured against.
    path : Path
        The file it was loaded from.
    """

    # Without a log, predict costs nothing more; with one, each call adds the
    # time to encode and write its record.

    def __init__(
        self,
        *,
        pipeline: Any,
        manifest: Manifest,
        contract: InputContract,
        card: str,
        golden: dict[str, Any],
        reference: dict[str, Any],
        path: Path,
        monitor: DriftMonitor,
        log: LogSink | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._monitor = monitor
        self._log = log
        self._log_failures = 0
        self._log_lock = threading.Lock()
        self.metadata = manifest
        self.card = card
        self.reference = reference
        self.path = path
        self._golden = golden
        self._checker = ContractChecker(contract)
        self._classes = (
            None if manifest.classes is None else np.asarray(pipeline.classes_).tolist()
        )

    @property
    def name(self) -> str:
        """The model's name."""
        return self.metadata.name

    @property
    def version(self) -> str:
        """The model's version."""
        return self.metadata.version

    @property
    def classes(self) -> list[Any] | None:
        """Class labels in ``predict_proba``'s column order; None for regression."""
        return None if self._classes is None else list(self._classes)

    @property
    def schema(self) -> pa.DataFrameSchema:
        """The data contract as a pandera schema."""
        return self._checker.schema

    @property
    def columns(self) -> list[str]:
        """The input columns the model needs, in training order."""
        return self._checker.contract.names

    @property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline (for inspection; calling it skips the contract)."""
        return self._pipeline

    def predict(self, df: pd.DataFrame, *, request_id: str | None = None) -> pd.Series:
        """Predict one label or value per row of ``df``.

        Parameters
        ----------
        df : pandas.DataFrame
            Rows with at least the model's input columns.
        request_id : str, optional
            The caller's id for this request, written to the inference log
            (a random one when omitted).

        Returns
        -------
        pandas.Series
            Predictions indexed like ``df``, named after the target.

        Raises
        ------
        DataError
            When ``df`` breaks the data contract; lists every problem by column.
        """
        started = time.perf_counter()
        frame = self._checker.check(df, subject=f"The frame given to {self.name}.predict")
        values = self._pipeline.predict(frame) if len(frame) else self._empty()
        result = pd.Series(values, index=frame.index, name=self.metadata.target or "prediction")
        if self._log is not None:
            self._write_log("predict", frame, result, None, started, request_id)
        return result

    def predict_proba(self, df: pd.DataFrame, *, request_id: str | None = None) -> pd.DataFrame:
        """Predict class probabilities, one column per class label.

        Parameters
        ----------
        df : pandas.DataFrame
            Rows with at least the model's input columns.
        request_id : str, optional
            The caller's id for this request, written to the inference log.

        Returns
        -------
        pandas.DataFrame
            Probabilities indexed like ``df``, columns named by class label.

        Raises
        ------
        ConfigurationError
            When the model is a regressor or cannot give probabilities.
        DataError
            When ``df`` breaks the data contract.
        """
        if self._classes is None or not hasattr(self._pipeline, "predict_proba"):
            raise ConfigurationError(
                f"{self.name} {self.version} is a {self.metadata.task} model without "
                "probabilities; call predict instead."
            )
        started = time.perf_counter()
        frame = self._checker.check(df, subject=f"The frame given to {self.name}.predict_proba")
        if len(frame):
            values = self._pipeline.predict_proba(frame)
        else:
            values = np.empty((0, len(self._classes)))
        result = pd.DataFrame(values, index=frame.index, columns=pd.Index(self._classes))
        if self._log is not None:
            labels = pd.Series(np.asarray(self._classes, dtype=object)[values.argmax(axis=1)])
            self._write_log("predict_proba", frame, labels, result, started, request_id)
        return result

    def validate(self, df: pd.DataFrame) -> pd.DataFrame:
        """Check ``df`` against the full data contract and return it as the model sees it.

        Parameters
        ----------
        df : pandas.DataFrame
            Rows to check.

        Returns
        -------
        pandas.DataFrame
            The model's input columns, in training order, coerced to the
            contract's types (numbers as float64, booleans as the nullable
            ``boolean``), indexed like ``df``.

        Raises
        ------
        DataError
            Listing every problem by column (reason codes ``missing_column``,
            ``uncoercible_value``, ``infinite_value``).
        """
        return self._checker.validate(df, subject=f"The frame given to {self.name}.validate")

    def input_counts(self) -> pd.DataFrame:
        """Rows checked and unusual values seen, per input column, since loading.

        Returns
        -------
        pandas.DataFrame
            Indexed by column: ``rows``, ``out_of_range`` (numbers outside the
            training range) and ``unseen_category`` (values not seen in training).
        """
        return self._checker.counts()

    @property
    def log(self) -> LogSink | None:
        """The inference log each prediction is written to, if any."""
        return self._log

    @property
    def log_failures(self) -> int:
        """How many log writes failed since loading (the predictions were still served)."""
        with self._log_lock:
            return self._log_failures

    @property
    def drift_monitor(self) -> DriftMonitor:
        """The fitted DriftMonitor packaged with the model (its reference and settings)."""
        return self._monitor

    def monitor(self, df: pd.DataFrame, y: Any = None) -> DriftReport:
        """Check new rows for drift against the reference packaged with the model.

        The model predicts ``df`` itself (without logging the request or
        counting its values in :meth:`input_counts`), so prediction drift is
        always checked; with ``y``, its
        metrics are compared with the baseline recorded at packaging.

        Parameters
        ----------
        df : pandas.DataFrame
            Current rows with the model's input columns.
        y : array-like, optional
            Their true labels or values, once known.

        Returns
        -------
        DriftReport
            Per-feature drift, prediction drift, performance and the
            retraining recommendation.

        Raises
        ------
        DataError
            When ``df`` breaks the data contract.
        """
        frame = self._checker.check(
            df, subject=f"The frame given to {self.name}.monitor", count=False
        )
        return self._monitor.check(frame, y, predictions=self._outputs(frame))

    def monitor_windows(self, windows: Any) -> DriftTimeline:
        """Check consecutive windows of new rows, as :meth:`DriftMonitor.check_windows`.

        Parameters
        ----------
        windows : mapping or iterable
            A mapping from label to ``df`` or ``(df, y)``, or an iterable of frames.

        Returns
        -------
        DriftTimeline
            One report per window.
        """
        from mlkit._drift import _labelled, _unpack

        checked = {}
        for label, item in _labelled(windows):
            df, y, _ = _unpack(item)
            frame = self._checker.validate(
                df, subject=f"Window {label!r} given to monitor_windows"
            )
            checked[label] = (frame, y, self._outputs(frame))
        return self._monitor.check_windows(checked)

    def monitor_log(
        self,
        log: LogSink | None = None,
        *,
        freq: str | None = None,
        start: Any = None,
        end: Any = None,
    ) -> DriftTimeline:
        """Check what this model's inference log recorded, in windows of ``freq``.

        Parameters
        ----------
        log : JsonLinesLog or SQLiteLog, optional
            The log to read; default the one the model writes to. Only this
            model's name and version are read.
        freq : str, optional
            A pandas frequency (``"1D"``, ``"1h"``, ``"W-MON"``, ``"MS"``),
            windows labelled by their start; default one window.
        start, end : str, datetime.datetime or pandas.Timestamp, optional
            The period, ``start`` included, ``end`` excluded (UTC).

        Returns
        -------
        DriftTimeline
            One report per window, with the predictions that were served.

        Raises
        ------
        ConfigurationError
            When no log is given and the model writes to none.
        DataError
            When the period holds no requests, or the log holds no input values.
        """
        source = log if log is not None else self._log
        if source is None:
            raise ConfigurationError(
                f"{self.name} writes no inference log: pass one, monitor_log(log), or load the "
                "model with mlkit.load(path, log=mlkit.SQLiteLog('predictions.db'))."
            )
        logged = read_log(source, start=start, end=end, model=self.name, version=self.version)
        windows = log_windows(logged, freq=freq, classes=self.classes)
        return self._monitor.check_windows(windows)

    def _outputs(self, frame: pd.DataFrame) -> Any:
        if self._classes is not None and hasattr(self._pipeline, "predict_proba"):
            values = self._pipeline.predict_proba(frame) if len(frame) else None
            return pd.DataFrame(values, index=frame.index, columns=pd.Index(self._classes))
        values = self._pipeline.predict(frame) if len(frame) else self._empty()
        return pd.Series(values, index=frame.index)

    def _write_log(
        self,
        method: str,
        frame: pd.DataFrame,
        prediction: pd.Series,
        probabilities: pd.DataFrame | None,
        started: float,
        request_id: str | None,
    ) -> None:
        """Write one record; a failure is counted and logged, never raised."""
        assert self._log is not None
        try:
            record = build_record(
                model=self.name,
                version=self.version,
                method=method,
                inputs=frame,
                prediction=prediction,
                probabilities=probabilities,
                latency_s=time.perf_counter() - started,
                request_id=request_id,
                inputs_mode=self._log.inputs,
            )
            self._log.write(record)
        except Exception as error:  # noqa: BLE001 - a log must never fail a prediction
            with self._log_lock:
                self._log_failures += 1
            logger.warning("%s %s: inference log write failed: %r", self.name, self.version, error)

    @property
    def golden_examples(self) -> pd.DataFrame:
        """The training rows packaged with their predictions, as inputs."""
        return _golden.decode_frame(self._golden["inputs"], subject=repr(self.name))

    def self_test(self, *, tolerance: float = 1e-6) -> _golden.SelfTest:
        """Re-predict the golden examples and compare with the predictions packaged.

        Parameters
        ----------
        tolerance : float, default=1e-6
            Largest absolute difference allowed in a probability or a
            regression value; labels must match exactly.

        Returns
        -------
        SelfTest
            ``passed``, the largest difference and the mismatching rows.
        """
        if not isinstance(tolerance, int | float) or not tolerance >= 0:
            raise ConfigurationError(
                f"The 'tolerance' parameter must be a non-negative number. Got {tolerance!r}."
            )
        got = _golden.predict_rows(
            self._pipeline,
            self.golden_examples,
            probabilities=self._golden.get("probabilities") is not None,
        )
        return _golden.compare(self._golden, got, tolerance=float(tolerance))

    def _empty(self) -> np.ndarray:
        if self._classes is None:
            return np.empty(0, dtype=np.float64)
        return np.asarray(self._classes)[:0]

    def __repr__(self) -> str:
        return (
            f"Model(name={self.name!r}, version={self.version!r}, task={self.metadata.task!r}, "
            f"inputs={len(self.columns)})"
        )

    def _repr_html_(self) -> str:
        return render_manifest(self.metadata, path=self.path, signed=None, standalone=False)


def render_manifest(
    manifest: Manifest, *, path: Path, signed: bool | None, standalone: bool
) -> str:
    """An HTML view of an artifact's manifest and model card."""
    facts: list[tuple[str, Any]] = [
        ("name", manifest.name),
        ("version", manifest.version),
        ("task", manifest.task),
        ("target", manifest.target),
        ("estimator", manifest.estimator),
        ("created", manifest.created_at),
        ("file", str(path)),
        ("parent", None if manifest.parent is None else manifest.parent.get("version")),
        ("training rows", manifest.fingerprint.get("rows")),
    ]
    if signed is not None:
        facts.append(("signed", str(signed)))
    if manifest.acceptance is not None:
        facts.append(("acceptance", "passed" if manifest.acceptance.get("passed") else "FAILED"))
    facts += list(manifest.metrics.items())
    body = (
        f"<h1>{escape(manifest.name)} {escape(manifest.version)}</h1>"
        + table(["", ""], facts)
        + "<h2>Inputs</h2>"
        + table(["column", "trained as"], list(manifest.inputs.items()))
    )
    return page(f"{manifest.name} {manifest.version}", body, standalone=standalone)
