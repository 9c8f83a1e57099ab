"""Inference logs: one record per prediction request, appended to a JSON Lines or SQLite file.

A record holds when the request was served, by which model, what came in (the
input values, only their hash, or nothing), what went out and how long it took.
Both sinks are append-only and safe under concurrent writers, threads and
processes alike; both read back a period as records or as one frame, which is
what drift monitoring compares with the training data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from mlkit._golden import decode_frame, encode_frame
from mlkit._results import json_safe
from mlkit.exceptions import ConfigurationError, DataError, DataFailure, IntegrityError

logger = logging.getLogger(__name__)

INPUTS_MODES = ("values", "hash", "none")
METHODS = ("predict", "predict_proba")
_REQUIRED_KEYS = ("timestamp", "request_id", "model", "version", "method", "rows")
_REQUEST_COLUMNS = ("timestamp", "request_id", "model", "version", "method", "latency_ms")
_TAIL_CHUNK = 64 * 1024
_BUSY_TIMEOUT_S = 30.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS mlkit_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    request_id TEXT NOT NULL,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    method TEXT NOT NULL,
    rows INTEGER NOT NULL,
    latency_ms REAL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mlkit_requests_timestamp ON mlkit_requests (timestamp);
"""

Moment = str | datetime | pd.Timestamp


def build_record(
    *,
    model: str,
    version: str,
    method: str,
    inputs: pd.DataFrame,
    prediction: pd.Series,
    probabilities: pd.DataFrame | None,
    latency_s: float,
    request_id: str | None,
    inputs_mode: str,
) -> dict[str, Any]:
    """The JSON-safe record of one prediction request, as the log sinks write it.

    Parameters
    ----------
    model, version : str
        The model's name and version.
    method : {"predict", "predict_proba"}
        The method that served the request.
    inputs : pandas.DataFrame
        The rows predicted; their column names must be distinct as text.
    prediction : pandas.Series
        One prediction per row.
    probabilities : pandas.DataFrame or None
        Class probabilities, one column per class label, or ``None``.
    latency_s : float
        How long the prediction took, in seconds.
    request_id : str or None
        The caller's id for the request; ``None`` draws a random one.
    inputs_mode : {"values", "hash", "none"}
        Log the input values (with their dtypes) and their hash, only the
        hash, or neither.

    Returns
    -------
    dict
        ``timestamp`` (UTC, ISO 8601 with microseconds), ``request_id``,
        ``model``, ``version``, ``method``, ``rows``, ``latency_ms``,
        ``inputs``, ``inputs_sha256`` and ``outputs``. Missing and infinite
        numbers are logged as ``null``.

    Raises
    ------
    ConfigurationError
        When ``inputs_mode`` or ``method`` is not one of the values above.
    DataError
        When two input columns have the same name as text.

    Examples
    --------
    >>> import pandas as pd
    >>> record = build_record(
    ...     model="churn", version="1.0.0", method="predict",
    ...     inputs=pd.DataFrame({"tenure": [3, 40]}), prediction=pd.Series(["yes", "no"]),
    ...     probabilities=None, latency_s=0.002, request_id="r1", inputs_mode="hash",
    ... )
    >>> record["rows"], record["inputs"], record["outputs"]["prediction"]
    (2, None, ['yes', 'no'])
    >>> len(record["inputs_sha256"])
    64
    """
    check_inputs_mode(inputs_mode)
    if method not in METHODS:
        raise ConfigurationError(
            f"The 'method' of an inference record must be one of {list(METHODS)}. "
            f"Got {method!r} instead."
        )
    encoded = None if inputs_mode == "none" else _encode_inputs(inputs)
    outputs: dict[str, Any] = {"prediction": json_safe(list(prediction)), "probabilities": None}
    if probabilities is not None:
        outputs["probabilities"] = {
            "columns": json_safe(list(probabilities.columns)),
            "values": json_safe(probabilities.to_numpy(dtype=np.float64).tolist()),
        }
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="microseconds"),
        "request_id": uuid.uuid4().hex if request_id is None else str(request_id),
        "model": str(model),
        "version": str(version),
        "method": method,
        "rows": len(inputs),
        "latency_ms": float(latency_s) * 1000.0,
        "inputs": encoded if inputs_mode == "values" else None,
        "inputs_sha256": None if encoded is None else _sha256(encoded),
        "outputs": outputs,
    }


def check_inputs_mode(inputs: str) -> str:
    """Return ``inputs`` when it is a known inputs mode, else raise ConfigurationError."""
    if not isinstance(inputs, str) or inputs not in INPUTS_MODES:
        raise ConfigurationError(
            f"The 'inputs' parameter of an inference log must be one of {list(INPUTS_MODES)} "
            f"(log the values, only their hash, or nothing). Got {inputs!r} instead."
        )
    return inputs


def _encode_inputs(inputs: pd.DataFrame) -> dict[str, Any]:
    names = [str(name) for name in inputs.columns]
    if len(set(names)) < len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise DataError.from_failures(
            "The inputs to log",
            [
                DataFailure(
                    column=name,
                    reason="duplicate_column",
                    message="this column name appears more than once (compared as text)",
                    count=names.count(name),
                )
                for name in repeated
            ],
        )
    return encode_frame(inputs)


def _sha256(encoded: dict[str, Any]) -> str:
    """The SHA-256 of the canonical JSON of encoded inputs: equal frames hash equal."""
    canonical = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class LogSink(Protocol):
    """What a model needs from an inference log: append a record, read a period back."""

    inputs: str

    def write(self, record: dict[str, Any]) -> None:
        """Append one record."""

    def records(
        self, *, start: Moment | None = None, end: Moment | None = None
    ) -> Iterator[dict[str, Any]]:
        """The records whose timestamp is in ``[start, end)``, in write order."""

    def read(
        self,
        *,
        start: Moment | None = None,
        end: Moment | None = None,
        model: str | None = None,
        version: str | None = None,
    ) -> pd.DataFrame:
        """The logged rows of a period as one frame."""


class _FileLog:
    """What both sinks share: the checked path, the inputs mode and reading into a frame."""

    _kind = "log"

    def __init__(self, path: str | Path, *, inputs: str = "values") -> None:
        self.path = _check_path(path, kind=self._kind)
        self.inputs = check_inputs_mode(inputs)
        self._setup()

    def _setup(self) -> None:
        """Make what a sink holds besides its parameters (locks, connections)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, inputs={self.inputs!r})"

    def __getstate__(self) -> dict[str, Any]:
        # Locks and connections stay behind: a sink sent to another process starts afresh.
        return {"path": self.path, "inputs": self.inputs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path, self.inputs = state["path"], state["inputs"]
        self._setup()

    def records(
        self, *, start: Moment | None = None, end: Moment | None = None
    ) -> Iterator[dict[str, Any]]:
        """The records whose timestamp is in ``[start, end)``, in write order.

        Parameters
        ----------
        start, end : str, datetime.datetime or pandas.Timestamp, optional
            The period; naive times are UTC. ``start`` is included, ``end``
            is not; either may be left open.

        Yields
        ------
        dict
            Each record as it was written.

        Raises
        ------
        ConfigurationError
            When a bound is not a time, or ``end`` is before ``start``.
        IntegrityError
            When the log is damaged.
        """
        low, high = _bounds(start, end)
        return self._select(low, high, model=None, version=None)

    def read(
        self,
        *,
        start: Moment | None = None,
        end: Moment | None = None,
        model: str | None = None,
        version: str | None = None,
    ) -> pd.DataFrame:
        """The rows logged in a period, one frame row per predicted row.

        Parameters
        ----------
        start, end : str, datetime.datetime or pandas.Timestamp, optional
            The period; naive times are UTC. ``start`` is included, ``end``
            is not; either may be left open.
        model, version : str, optional
            Keep only the requests served by this model name and version.

        Returns
        -------
        pandas.DataFrame
            Two column levels: ``"request"`` (timestamp in UTC, request_id,
            model, version, method, latency_ms), ``"input"`` (the input
            columns with their dtypes, present when inputs were logged as
            values) and ``"output"`` (``prediction`` and one column per class
            label when probabilities were logged). ``frame["input"]`` is the
            frame the model predicted.

        Raises
        ------
        ConfigurationError
            When a bound is not a time, or ``end`` is before ``start``.
        DataError
            When the period holds requests with different input columns.
        IntegrityError
            When the log is damaged.
        """
        low, high = _bounds(start, end)
        return _frame(self._select(low, high, model=model, version=version), self.path)

    def _select(
        self, low: str | None, high: str | None, *, model: str | None, version: str | None
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError


class JsonLinesLog(_FileLog):
    """An inference log in a JSON Lines file: one record per line, appended.

    Each record is written with a single ``os.write`` to the end of the file
    while holding a thread lock and, where the platform has one, an exclusive
    ``flock``, so concurrent threads and processes never interleave or lose
    lines. A line left incomplete by an interrupted write is skipped on
    reading (with a warning) and removed by the next write.

    Parameters
    ----------
    path : str or Path
        The file; its folder must exist. It is created on the first write.
    inputs : {"values", "hash", "none"}, default="values"
        Log the input values, only their SHA-256, or neither.

    Attributes
    ----------
    path : Path
        The file.
    inputs : str
        The inputs mode.

    Examples
    --------
    >>> import mlkit
    >>> log = mlkit.JsonLinesLog("requests.jsonl")
    >>> log
    JsonLinesLog('requests.jsonl', inputs='values')
    >>> model = mlkit.load("churn-1.0.0.mlkit", log=log)  # doctest: +SKIP
    >>> model.predict(new_rows)  # doctest: +SKIP
    >>> log.read(start="2026-11-01")["input"]  # the rows predicted  # doctest: +SKIP
    """

    _kind = "JSON Lines log"

    def _setup(self) -> None:
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as one line.

        Parameters
        ----------
        record : dict
            A record, as mlkit.Model writes it (see the monitoring guide).

        Raises
        ------
        ConfigurationError
            When the record lacks a field or is not JSON.
        IntegrityError
            When the file ends with something other than a log line.
        OSError
            When the file cannot be written; nothing is left half-written.
        """
        line = _dumps(record).encode("utf-8") + b"\n"
        with self._lock:
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                _lock_file(descriptor)
                size = self._drop_torn_tail(descriptor)
                written = os.write(descriptor, line)
                if written != len(line):
                    os.ftruncate(descriptor, size)
                    raise OSError(
                        f"Only {written} of {len(line)} bytes of a record could be written to "
                        f"{str(self.path)!r} (is the disk full?); the record was not logged."
                    )
            finally:
                os.close(descriptor)  # releases the flock

    def _drop_torn_tail(self, descriptor: int) -> int:
        """Cut an incomplete last line (an interrupted write) and return the file's size."""
        size = os.fstat(descriptor).st_size
        if size == 0 or os.pread(descriptor, 1, size - 1) == b"\n":
            return size
        end = size
        while True:
            begin = max(0, end - _TAIL_CHUNK)
            newline = os.pread(descriptor, end - begin, begin).rfind(b"\n")
            if newline >= 0 or begin == 0:
                keep = begin + newline + 1
                break
            end = begin
        if os.pread(descriptor, 1, keep) != b"{":
            raise IntegrityError(
                f"{str(self.path)!r} does not end with a complete line and its last line is "
                "not a log record; it does not look like an mlkit JSON Lines log, so nothing "
                "was appended. Choose another file."
            )
        os.ftruncate(descriptor, keep)
        logger.warning(
            "Removed an incomplete last record (%d bytes) from %r, left by an interrupted write.",
            size - keep,
            str(self.path),
        )
        return keep

    def _select(
        self, low: str | None, high: str | None, *, model: str | None, version: str | None
    ) -> Iterator[dict[str, Any]]:
        try:
            file = self.path.open("rb")
        except FileNotFoundError:
            return
        with file:
            for number, line in enumerate(file, start=1):
                if not line.endswith(b"\n"):
                    logger.warning(
                        "Skipped the incomplete last line %d of %r (an interrupted write, or "
                        "one still in progress).",
                        number,
                        str(self.path),
                    )
                    return
                if not line.strip():
                    continue
                record = _loads(line, where=f"{str(self.path)!r}, line {number}")
                if _selected(record, low, high, model=model, version=version):
                    yield record


class SQLiteLog(_FileLog):
    """An inference log in an SQLite database (the standard library's ``sqlite3``).

    Records go to the table ``mlkit_requests``, one row each, with the time,
    request id, model, version, method, row count and latency in their own
    indexed-friendly columns and the whole record as JSON. The database runs
    in WAL mode with a 30 s busy timeout; each write is its own transaction,
    so concurrent threads and processes can write and read at once.

    Parameters
    ----------
    path : str or Path
        The database file; its folder must exist. It is created on the first use.
    inputs : {"values", "hash", "none"}, default="values"
        Log the input values, only their SHA-256, or neither.

    Attributes
    ----------
    path : Path
        The database file.
    inputs : str
        The inputs mode.

    Examples
    --------
    >>> import mlkit
    >>> log = mlkit.SQLiteLog("predictions.db", inputs="hash")
    >>> log
    SQLiteLog('predictions.db', inputs='hash')
    >>> model = mlkit.load("churn-1.0.0.mlkit", log=log)  # doctest: +SKIP
    >>> model.predict(new_rows, request_id="order-1234")  # doctest: +SKIP
    >>> [r["request_id"] for r in log.records()]  # doctest: +SKIP
    ['order-1234']
    """

    _kind = "SQLite log"

    def _setup(self) -> None:
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._prepared = False  # WAL mode and the table, set up once per log object
        self._prepare_lock = threading.Lock()
        self._pid = os.getpid()
        weakref.finalize(self, _close_all, self._pool)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as one row, in its own transaction.

        Parameters
        ----------
        record : dict
            A record, as mlkit.Model writes it (see the monitoring guide).

        Raises
        ------
        ConfigurationError
            When the record lacks a field or is not JSON.
        IntegrityError
            When the file is not an SQLite database.
        """
        text = _dumps(record)
        latency = record.get("latency_ms")
        values = (
            *(str(record[key]) for key in _REQUIRED_KEYS[:-1]),
            int(record["rows"]),
            None if latency is None else float(latency),
            text,
        )
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO mlkit_requests (timestamp, request_id, model, version, method, "
                "rows, latency_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )

    def _select(
        self, low: str | None, high: str | None, *, model: str | None, version: str | None
    ) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        conditions = []
        parameters: list[str] = []
        for clause, value in (
            ("timestamp >= ?", low),
            ("timestamp < ?", high),
            ("model = ?", model),
            ("version = ?", version),
        ):
            if value is not None:
                conditions.append(clause)
                parameters.append(value)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT id, record FROM mlkit_requests{where} ORDER BY id", parameters
            )
            for row_id, text in rows:
                yield _loads(text, where=f"{str(self.path)!r}, mlkit_requests id {row_id}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection for the duration of one write or read."""
        with self._pool_lock:
            if self._pid != os.getpid():  # a forked child must not share its parent's
                self._pool.clear()
                self._pid = os.getpid()
            connection = self._pool.pop() if self._pool else None
        try:
            if connection is None:
                connection = self._open()
            yield connection
        except BaseException as error:
            if connection is not None:
                connection.close()
            # OperationalError (locked past the timeout, read-only, disk I/O) is no damage
            if isinstance(error, sqlite3.DatabaseError) and not isinstance(
                error, sqlite3.OperationalError
            ):
                raise IntegrityError(
                    f"{str(self.path)!r} cannot be used as an SQLite log ({error}). It may be "
                    "damaged or a different kind of file; choose another file."
                ) from error
            raise
        with self._pool_lock:
            self._pool.append(connection)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            if not self._prepared:
                with self._prepare_lock:  # one thread at a time switches a new file to WAL
                    if not self._prepared:
                        _prepare(connection)
                        self._prepared = True
        except BaseException:
            connection.close()
            raise
        return connection


def _prepare(connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode and create the table, retrying while it is locked.

    Switching a database to WAL needs it to itself, and SQLite answers "database
    is locked" at once rather than waiting (its busy timeout does not apply) when
    another connection, maybe in another process, is using the new file.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.25)


def _close_all(pool: list[sqlite3.Connection]) -> None:
    while pool:
        pool.pop().close()


if sys.platform == "win32":  # pragma: no cover - no flock; the thread lock still holds

    def _lock_file(descriptor: int) -> None:
        pass

else:
    import fcntl

    def _lock_file(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)


def _check_path(path: str | Path, *, kind: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise ConfigurationError(
            f"The 'path' parameter of a {kind} must be a str or Path. "
            f"Got {type(path).__name__} instead."
        )
    checked = Path(path)
    if checked.is_dir():
        raise ConfigurationError(
            f"Cannot log to {str(checked)!r}: it is a folder. Give a file path inside it."
        )
    if not checked.parent.is_dir():
        raise ConfigurationError(
            f"Cannot log to {str(checked)!r}: the folder {str(checked.parent)!r} does not "
            "exist. Create it first or choose another path."
        )
    return checked


def _dumps(record: dict[str, Any]) -> str:
    missing = [key for key in _REQUIRED_KEYS if key not in record]
    if missing:
        raise ConfigurationError(
            f"An inference record must have the fields {list(_REQUIRED_KEYS)}; this one lacks "
            f"{missing}. Build records with build_record."
        )
    try:
        return json.dumps(record, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ConfigurationError(
            f"An inference record must be JSON-safe; this one is not ({error}). "
            "Build records with build_record."
        ) from None


def _loads(text: bytes | str, *, where: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError as error:
        raise IntegrityError(
            f"The inference log is corrupted at {where}: it is not a JSON record ({error})."
        ) from None
    if not isinstance(record, dict) or not isinstance(record.get("timestamp"), str):
        raise IntegrityError(
            f"The inference log is corrupted at {where}: it is not a record with a timestamp."
        )
    return record


def _bounds(start: Moment | None, end: Moment | None) -> tuple[str | None, str | None]:
    """The period as record timestamps (UTC, microseconds) comparable as text."""
    low, high = _moment(start, "start"), _moment(end, "end")
    if low is not None and high is not None and high < low:
        raise ConfigurationError(
            f"The period of an inference log read ends before it starts: start={start!r}, "
            f"end={end!r}."
        )
    return low, high


def _moment(value: Moment | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ValueError("not a time")
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"The '{name}' parameter of an inference log read must be a time (str, datetime "
            f"or pandas.Timestamp). Got {value!r} instead."
        ) from None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    # Records have microseconds: t >= bound iff t >= bound rounded up to a microsecond.
    return str(stamp.ceil("us").isoformat(timespec="microseconds"))


def _selected(
    record: dict[str, Any],
    low: str | None,
    high: str | None,
    *,
    model: str | None,
    version: str | None,
) -> bool:
    timestamp = record["timestamp"]
    return (
        (low is None or timestamp >= low)
        and (high is None or timestamp < high)
        and (model is None or record.get("model") == model)
        and (version is None or record.get("version") == version)
    )


def _frame(records: Iterator[dict[str, Any]], path: Path) -> pd.DataFrame:
    """One frame row per logged row: request fields repeated, inputs decoded, outputs."""
    request: dict[str, list[Any]] = {name: [] for name in _REQUEST_COLUMNS}
    predictions: list[Any] = []
    probabilities: list[tuple[int, dict[str, Any] | None]] = []
    inputs: list[dict[str, Any] | None] = []
    for record in records:
        rows = int(record["rows"])
        for name in _REQUEST_COLUMNS:
            request[name].extend([record.get(name)] * rows)
        outputs = record.get("outputs") or {}
        predictions.extend(outputs.get("prediction") or [None] * rows)
        probabilities.append((rows, outputs.get("probabilities")))
        inputs.append(record.get("inputs"))
    blocks = {
        "request": pd.DataFrame(
            {
                "timestamp": pd.to_datetime(
                    pd.Series(request["timestamp"], dtype=object), format="ISO8601", utc=True
                ).astype("datetime64[ns, UTC]"),
                **{
                    name: pd.Series(request[name], dtype=str)
                    for name in ("request_id", "model", "version", "method")
                },
                "latency_ms": pd.Series(request["latency_ms"], dtype="float64"),
            }
        ),
        "input": _inputs_frame(inputs, path),
        "output": pd.concat(
            [pd.DataFrame({"prediction": _series(predictions)}), _probabilities(probabilities)],
            axis=1,
        ),
    }
    frame = pd.concat(
        [block for block in blocks.values() if block.shape[1]],
        axis=1,
        keys=[name for name, block in blocks.items() if block.shape[1]],
    )
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _series(values: list[Any]) -> pd.Series:
    if not values:
        return pd.Series(values, dtype=object)
    return pd.Series(values)


def _probabilities(entries: list[tuple[int, dict[str, Any] | None]]) -> pd.DataFrame:
    labels: dict[Any, int] = {}
    for _, entry in entries:
        for label in entry["columns"] if entry else ():
            labels.setdefault(label, len(labels))
    total = sum(rows for rows, _ in entries)
    values = np.full((total, len(labels)), np.nan)
    offset = 0
    for rows, entry in entries:
        if entry:
            positions = [labels[label] for label in entry["columns"]]
            block = np.asarray(entry["values"], dtype=np.float64).reshape(rows, len(positions))
            values[offset : offset + rows, positions] = block
        offset += rows
    return pd.DataFrame(values, columns=pd.Index(list(labels), dtype=object))


def _inputs_frame(inputs: list[dict[str, Any] | None], path: Path) -> pd.DataFrame:
    """The logged inputs as one frame; requests must share their input columns."""
    schemas = {_schema(item): None for item in inputs}
    if len(schemas) > 1:
        shown = ["not logged" if s is None else f"columns {list(s)}" for s in schemas]
        raise DataError.from_failures(
            f"The inference log {str(path)!r} in this period",
            [
                DataFailure(
                    column=None,
                    reason="mixed_inputs",
                    message=(
                        f"requests have {len(schemas)} different sets of inputs ("
                        + "; ".join(shown[:3])
                        + "); read one model at a time with the model= and version= filters"
                        " or a shorter period"
                    ),
                    count=len(schemas),
                    examples=tuple(shown[:3]),
                )
            ],
        )
    if not inputs or inputs[0] is None or not inputs[0]["columns"]:
        return pd.DataFrame(index=pd.RangeIndex(0))
    # Requests of one schema may differ in dtypes (an int column with a missing value
    # arrives as float): decode each run of equal dtypes at once, then join the runs.
    runs: list[tuple[tuple[str, ...], list[list[Any]]]] = []
    for item in (item for item in inputs if item is not None):
        dtypes = tuple(str(column["dtype"]) for column in item["columns"])
        if not runs or runs[-1][0] != dtypes:
            runs.append((dtypes, [[] for _ in dtypes]))
        for values, column in zip(runs[-1][1], item["columns"], strict=True):
            values.extend(column["values"])
    names = [str(column["name"]) for column in inputs[0]["columns"]]
    frames = [_decode(names, dtypes, columns, path) for dtypes, columns in runs]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for position, name in enumerate(names):
        if all(dtypes[position] == "category" for dtypes, _ in runs):
            frame[name] = frame[name].astype("category")
    return frame


def _schema(item: dict[str, Any] | None) -> tuple[str, ...] | None:
    if item is None:
        return None
    return tuple(str(column["name"]) for column in item["columns"])


def _decode(
    names: Sequence[str], dtypes: Sequence[str], columns: Sequence[list[Any]], path: Path
) -> pd.DataFrame:
    """Decode one run of columns; datetimes parse as ISO 8601 whatever their precision."""
    subject = f"The inference log {str(path)!r}"
    plain = decode_frame(
        {
            "columns": [
                {"name": name, "dtype": dtype, "values": values}
                for name, dtype, values in zip(names, dtypes, columns, strict=True)
                if not dtype.startswith("datetime64")
            ]
        },
        subject=subject,
    )
    decoded: dict[str, pd.Series] = {}
    for name, dtype, values in zip(names, dtypes, columns, strict=True):
        decoded[name] = (
            _datetimes(values, dtype, subject) if dtype.startswith("datetime64") else plain[name]
        )
    return pd.DataFrame(decoded, index=pd.RangeIndex(len(columns[0])))


def _datetimes(values: list[Any], dtype: str, subject: str) -> pd.Series:
    try:
        target = pd.api.types.pandas_dtype(dtype)
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True)
    except (TypeError, ValueError) as error:
        raise IntegrityError(f"{subject}: logged times are malformed ({error}).") from None
    if isinstance(target, pd.DatetimeTZDtype):
        return stamps.dt.tz_convert(target.tz).astype(target)
    return stamps.dt.tz_localize(None).astype(target)
