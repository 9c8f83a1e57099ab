"""Inference-log sinks: records round-trip, periods filter, concurrent writers never tear lines."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pickle
import re
import sqlite3
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _strategies import BASIC_KINDS, MORE_KINDS, frames
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlkit import _inference_log
from mlkit._inference_log import JsonLinesLog, SQLiteLog, build_record
from mlkit.exceptions import ConfigurationError, DataError, IntegrityError

SINKS = [JsonLinesLog, SQLiteLog]
REQUEST = ["timestamp", "request_id", "model", "version", "method", "latency_ms"]
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def record(
    inputs=None,
    *,
    model="churn",
    version="1.0",
    prediction=None,
    probabilities=None,
    mode="values",
    at=None,
    request_id=None,
):
    inputs = pd.DataFrame({"x": [1.0, 2.0]}) if inputs is None else inputs
    prediction = pd.Series([0] * len(inputs)) if prediction is None else prediction
    result = build_record(
        model=model,
        version=version,
        method="predict" if probabilities is None else "predict_proba",
        inputs=inputs,
        prediction=prediction,
        probabilities=probabilities,
        latency_s=0.0125,
        request_id=request_id,
        inputs_mode=mode,
    )
    if at is not None:
        result["timestamp"] = at.isoformat(timespec="microseconds")
    return result


def messy_frame():
    return pd.DataFrame(
        {
            "number": [1.5, np.nan, -3.0],
            "count": np.array([1, 2, 3], dtype="int64"),
            "flag": [True, False, True],
            "word": ["a", None, "é\nb"],
            "anything": pd.Series(["a", None, 3], dtype=object),
            "plan": pd.Series(["basic", None, "pro"], dtype="category"),
            "seen": pd.to_datetime(
                ["2024-01-01", None, "2024-01-02 03:04:05.123456"], format="ISO8601"
            ),
            "seen_ns": pd.Series(
                pd.to_datetime(["2024-01-01", "2024-01-01 00:00:00.5", None], format="ISO8601")
            ).astype("datetime64[ns]"),
            "local": pd.to_datetime(
                ["2024-01-01", None, "2024-07-02 10:00"], format="ISO8601"
            ).tz_localize("Europe/Paris"),
            "nullable": pd.Series([1, None, 3], dtype="Int64"),
        }
    )


@pytest.fixture(params=SINKS, ids=lambda cls: cls.__name__)
def sink_class(request):
    return request.param


@pytest.fixture
def sink(sink_class, tmp_path):
    return sink_class(tmp_path / "log")


# --- build_record ---------------------------------------------------------------------------


def test_build_record_fields():
    got = record(
        pd.DataFrame({"x": [1.0, np.inf]}),
        prediction=pd.Series(["no", "yes"]),
        probabilities=pd.DataFrame([[0.9, 0.1], [np.nan, 1.0]], columns=["no", "yes"]),
        request_id="r-1",
    )
    assert list(got) == [
        "timestamp",
        "request_id",
        "model",
        "version",
        "method",
        "rows",
        "latency_ms",
        "inputs",
        "inputs_sha256",
        "outputs",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", got["timestamp"])
    assert got["request_id"] == "r-1"
    assert (got["method"], got["rows"], got["latency_ms"]) == ("predict_proba", 2, 12.5)
    assert got["inputs"]["columns"][0] == {"name": "x", "dtype": "float64", "values": [1.0, None]}
    assert re.fullmatch(r"[0-9a-f]{64}", got["inputs_sha256"])
    assert got["outputs"] == {
        "prediction": ["no", "yes"],
        "probabilities": {"columns": ["no", "yes"], "values": [[0.9, 0.1], [None, 1.0]]},
    }
    json.dumps(got, allow_nan=False)


def test_build_record_draws_distinct_request_ids():
    ids = {record()["request_id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_hash_is_stable_for_equal_frames_and_differs_otherwise():
    def digest(frame):
        return record(frame, mode="hash")["inputs_sha256"]

    frame = messy_frame()
    assert digest(frame) == digest(messy_frame().copy())
    assert digest(frame) == record(frame)["inputs_sha256"]
    changed = frame.copy()
    changed.loc[0, "number"] = 1.25
    assert digest(changed) != digest(frame)
    assert digest(frame.astype({"count": "float64"})) != digest(frame)
    assert digest(frame[list(reversed(frame.columns))]) != digest(frame)
    assert record(frame, mode="hash")["inputs"] is None
    none = record(frame, mode="none")
    assert none["inputs"] is None
    assert none["inputs_sha256"] is None


@pytest.mark.parametrize("mode", ["value", "", None, "NONE"])
def test_build_record_refuses_unknown_inputs_mode(mode):
    with pytest.raises(ConfigurationError, match=r"'inputs' parameter .* Got"):
        record(mode=mode)


def test_build_record_refuses_unknown_method():
    with pytest.raises(ConfigurationError, match=r"'method' .* Got 'transform'"):
        build_record(
            model="m",
            version="1",
            method="transform",
            inputs=pd.DataFrame({"x": [1]}),
            prediction=pd.Series([1]),
            probabilities=None,
            latency_s=0.1,
            request_id=None,
            inputs_mode="values",
        )


def test_build_record_refuses_columns_equal_as_text():
    frame = pd.DataFrame([[1, 2, 3]], columns=pd.Index([0, "0", "y"], dtype=object))
    with pytest.raises(DataError, match="'0': this column name appears more than once") as info:
        record(frame, prediction=pd.Series([1]))
    assert info.value.reasons == ("duplicate_column",)


# --- construction ---------------------------------------------------------------------------


def test_constructor_stores_path_and_mode(sink_class, tmp_path):
    sink = sink_class(str(tmp_path / "log"), inputs="hash")
    assert sink.path == tmp_path / "log"
    assert sink.inputs == "hash"
    assert repr(sink) == f"{sink_class.__name__}({str(tmp_path / 'log')!r}, inputs='hash')"
    assert not sink.path.exists()  # created on first use


def test_sinks_pickle_without_their_locks_and_connections(sink):
    sink.write(record(request_id="a"))
    copy = pickle.loads(pickle.dumps(sink))
    assert repr(copy) == repr(sink)
    copy.write(record(request_id="b"))
    assert [r["request_id"] for r in sink.records()] == ["a", "b"]


def test_constructor_refuses_bad_arguments(sink_class, tmp_path):
    with pytest.raises(ConfigurationError, match=r"'inputs' parameter .* Got 'all'"):
        sink_class(tmp_path / "log", inputs="all")
    missing = tmp_path / "nowhere" / "log"
    with pytest.raises(ConfigurationError, match=r"the folder .*nowhere' does not exist"):
        sink_class(missing)
    with pytest.raises(ConfigurationError, match="it is a folder"):
        sink_class(tmp_path)
    with pytest.raises(ConfigurationError, match=r"must be a str or Path\. Got int"):
        sink_class(3)


# --- round trips ----------------------------------------------------------------------------


def test_round_trip_values(sink):
    frame = messy_frame()
    first = record(
        frame,
        prediction=pd.Series([1, 0, 1]),
        probabilities=pd.DataFrame([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]], columns=[0, 1]),
        request_id="a",
    )
    second = record(frame.iloc[:2], prediction=pd.Series([0, 0]), request_id="b")
    sink.write(first)
    sink.write(second)

    assert list(sink.records()) == [first, second]
    out = sink.read()
    assert out.index.equals(pd.RangeIndex(5))
    assert list(out.columns) == [
        *(("request", name) for name in REQUEST),
        *(("input", name) for name in frame.columns),
        ("output", "prediction"),
        ("output", 0),
        ("output", 1),
    ]
    assert str(out[("request", "timestamp")].dtype) == "datetime64[ns, UTC]"
    assert out[("request", "request_id")].tolist() == ["a", "a", "a", "b", "b"]
    assert out[("request", "method")].tolist() == ["predict_proba"] * 3 + ["predict"] * 2
    assert out[("request", "latency_ms")].tolist() == [12.5] * 5
    assert out[("request", "timestamp")].iloc[0] == pd.Timestamp(first["timestamp"])
    expected = pd.concat([frame, frame.iloc[:2]], ignore_index=True)
    pd.testing.assert_frame_equal(out["input"], expected, check_column_type=False)
    assert out[("output", "prediction")].tolist() == [1, 0, 1, 0, 0]
    np.testing.assert_array_equal(
        out["output"][[0, 1]].to_numpy(),
        [[0.25, 0.75], [1.0, 0.0], [0.5, 0.5], [np.nan, np.nan], [np.nan, np.nan]],
    )


def test_round_trip_string_labels_and_dtype_changes(sink):
    sink.write(
        record(
            pd.DataFrame({"n": [1, 2], "plan": pd.Series(["a", "b"], dtype="category")}),
            prediction=pd.Series(["no", "yes"]),
            probabilities=pd.DataFrame([[0.8, 0.2], [0.3, 0.7]], columns=["no", "yes"]),
        )
    )
    sink.write(
        record(
            pd.DataFrame({"n": [np.nan], "plan": pd.Series(["c"], dtype="category")}),
            prediction=pd.Series(["maybe"]),
            probabilities=pd.DataFrame([[0.5, 0.5]], columns=["yes", "maybe"]),
        )
    )
    out = sink.read()
    assert out[("input", "n")].tolist()[:2] == [1.0, 2.0]
    assert np.isnan(out[("input", "n")].iloc[2])
    assert out[("input", "plan")].dtype == "category"
    assert out[("input", "plan")].tolist() == ["a", "b", "c"]
    assert out[("output", "prediction")].tolist() == ["no", "yes", "maybe"]
    probabilities = out["output"][["no", "yes", "maybe"]].to_numpy()
    np.testing.assert_array_equal(
        probabilities, [[0.8, 0.2, np.nan], [0.3, 0.7, np.nan], [np.nan, 0.5, 0.5]]
    )


def test_inputs_without_columns(sink):
    sink.write(record(pd.DataFrame(index=range(3)), prediction=pd.Series([1, 2, 3])))
    out = sink.read()
    assert out.columns.get_level_values(0).unique().tolist() == ["request", "output"]
    assert out[("output", "prediction")].tolist() == [1, 2, 3]


@pytest.mark.parametrize("mode", ["hash", "none"])
def test_modes_without_values_store_no_inputs(sink_class, tmp_path, mode):
    sink = sink_class(tmp_path / "log", inputs=mode)
    written = record(messy_frame(), mode=sink.inputs, prediction=pd.Series([1, 2, 3]))
    sink.write(written)
    (stored,) = sink.records()
    assert stored["inputs"] is None
    assert stored["inputs_sha256"] == written["inputs_sha256"]
    assert (stored["inputs_sha256"] is None) == (mode == "none")
    out = sink.read()
    assert "input" not in out.columns.get_level_values(0)
    assert out[("output", "prediction")].tolist() == [1, 2, 3]


def test_empty_log_and_empty_period(sink):
    def check(out):
        assert out.shape == (0, 7)
        assert list(out.columns) == [("request", name) for name in REQUEST] + [
            ("output", "prediction")
        ]
        assert str(out[("request", "timestamp")].dtype) == "datetime64[ns, UTC]"
        assert out.index.equals(pd.RangeIndex(0))

    check(sink.read())
    assert list(sink.records()) == []
    sink.write(record(at=T0))
    check(sink.read(start=T0 + timedelta(seconds=1)))


# --- periods and filters --------------------------------------------------------------------


def test_period_start_inclusive_end_exclusive(sink):
    times = [T0 + timedelta(minutes=k) for k in range(5)]
    for k, at in enumerate(times):
        sink.write(record(at=at, request_id=f"r{k}"))

    def ids(**period):
        return [r["request_id"] for r in sink.records(**period)]

    assert ids() == ["r0", "r1", "r2", "r3", "r4"]
    assert ids(start=times[1], end=times[3]) == ["r1", "r2"]
    assert ids(start=times[3]) == ["r3", "r4"]
    assert ids(end=times[1]) == ["r0"]
    # naive means UTC; other offsets and types are converted
    assert ids(start=datetime(2025, 3, 1, 12, 1), end="2025-03-01T13:03:00+01:00") == ["r1", "r2"]
    assert ids(start=pd.Timestamp("2025-03-01 07:02", tz="America/New_York")) == ["r2", "r3", "r4"]
    # a bound between microseconds rounds up: the record at 12:02 is before 12:02 + 1 ns
    assert ids(start=pd.Timestamp(times[2]) + pd.Timedelta(1, "ns")) == ["r3", "r4"]
    assert ids(start=times[2], end=times[2]) == []
    read = sink.read(start=times[1], end=times[3])
    assert read[("request", "request_id")].tolist() == ["r1", "r1", "r2", "r2"]


def test_records_keep_write_order_not_time_order(sink):
    sink.write(record(at=T0 + timedelta(seconds=5), request_id="late"))
    sink.write(record(at=T0, request_id="early"))
    assert [r["request_id"] for r in sink.records()] == ["late", "early"]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": "yesterday-ish"}, "'start' parameter .* must be a time"),
        ({"end": 3.5j}, "'end' parameter .* must be a time"),
        ({"start": pd.NaT}, "'start' parameter"),
        ({"start": "2025-01-02", "end": "2025-01-01"}, "ends before it starts"),
    ],
)
def test_bad_periods_are_refused(sink, period, message):
    with pytest.raises(ConfigurationError, match=message):
        sink.records(**period)
    with pytest.raises(ConfigurationError, match=message):
        sink.read(**period)


def test_model_and_version_filters(sink):
    sink.write(record(pd.DataFrame({"x": [1.0]}), model="churn", version="1.0"))
    sink.write(record(pd.DataFrame({"x": [2.0]}), model="churn", version="2.0"))
    sink.write(record(pd.DataFrame({"age": [30]}), model="fraud", version="1.0"))

    assert sink.read(model="churn", version="2.0")[("input", "x")].tolist() == [2.0]
    assert sink.read(model="churn")[("input", "x")].tolist() == [1.0, 2.0]
    assert sink.read(model="fraud")[("input", "age")].tolist() == [30]
    assert sink.read(model="other").empty
    with pytest.raises(
        DataError, match=r"2 different sets of inputs .*model= and version="
    ) as info:
        sink.read()
    assert info.value.reasons == ("mixed_inputs",)
    with pytest.raises(DataError, match=r"columns \['x'\]; columns \['age'\]"):
        sink.read(version="1.0")


def test_logged_and_unlogged_inputs_do_not_mix(sink):
    sink.write(record(mode="values"))
    sink.write(record(mode="hash"))
    with pytest.raises(DataError, match="not logged"):
        sink.read()


# --- bad records ----------------------------------------------------------------------------


def test_write_refuses_records_that_are_not_records(sink):
    with pytest.raises(ConfigurationError, match=r"lacks \['rows'\]"):
        sink.write({k: v for k, v in record().items() if k != "rows"})
    with pytest.raises(ConfigurationError, match="must be JSON-safe"):
        sink.write({**record(), "latency_ms": float("nan")})
    with pytest.raises(ConfigurationError, match="must be JSON-safe"):
        sink.write({**record(), "extra": object()})
    assert list(sink.records()) == []


# --- concurrency ----------------------------------------------------------------------------


def _write_many(sink, writer, count):
    for k in range(count):
        frame = pd.DataFrame({"writer": [writer] * 3, "k": [k] * 3, "pad": ["x" * 500] * 3})
        sink.write(record(frame, request_id=f"{writer}-{k}", prediction=pd.Series([k] * 3)))


def _process_worker(sinks, writer, count):
    for sink in sinks:  # the same records to each sink, to start the processes only once
        _write_many(sink, writer, count)


def _check_intact(sink, writers, count):
    got = list(sink.records())
    assert len(got) == writers * count
    ids = [r["request_id"] for r in got]
    assert sorted(ids) == sorted(f"{w}-{k}" for w in range(writers) for k in range(count))
    for writer in range(writers):  # each writer's records appear in its own order
        assert [i for i in ids if i.startswith(f"{writer}-")] == [
            f"{writer}-{k}" for k in range(count)
        ]
    out = sink.read()
    assert len(out) == 3 * writers * count
    assert (out[("input", "pad")] == "x" * 500).all()
    assert (out[("input", "k")] == out[("output", "prediction")]).all()


def test_threads_never_tear_or_lose_records(sink):
    threads = [threading.Thread(target=_write_many, args=(sink, w, 50)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _check_intact(sink, 8, 50)


def test_threads_starting_together_on_a_new_database_lose_nothing(tmp_path):
    # Switching a new SQLite file to WAL does not wait for a busy database: the first
    # writes of threads that start together used to fail with "database is locked".
    for trial in range(40):
        sink = SQLiteLog(tmp_path / f"log-{trial}.db")
        start = threading.Barrier(8)

        def write(writer, sink=sink, start=start):
            start.wait()
            for k in range(3):
                sink.write(record(pd.DataFrame({"x": [k]}), request_id=f"{writer}-{k}"))

        threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(list(sink.records())) == 24, f"trial {trial}"


def test_processes_never_tear_or_lose_records(tmp_path):
    paths = {cls: tmp_path / f"log.{cls.__name__}" for cls in SINKS}
    sinks = [cls(path) for cls, path in paths.items()]
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_process_worker, args=(sinks, w, 50)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * 4
    for cls, path in paths.items():
        _check_intact(cls(path), 4, 50)


# --- damage: JSON Lines ---------------------------------------------------------------------


def test_truncated_last_line_is_skipped_then_repaired(tmp_path, caplog):
    sink = JsonLinesLog(tmp_path / "log.jsonl")
    sink.write(record(request_id="a"))
    sink.write(record(request_id="b"))
    whole = sink.path.read_bytes()
    sink.path.write_bytes(whole[:-25])  # a crash in the middle of writing "b"

    with caplog.at_level(logging.WARNING, logger="mlkit._inference_log"):
        assert [r["request_id"] for r in sink.records()] == ["a"]
        assert len(sink.read()) == 2
    assert "Skipped the incomplete last line 2" in caplog.text

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mlkit._inference_log"):
        sink.write(record(request_id="c"))
    assert "Removed an incomplete last record" in caplog.text
    assert [r["request_id"] for r in sink.records()] == ["a", "c"]
    assert sink.path.read_bytes().endswith(b"}\n")


@pytest.mark.parametrize("size", [10, 100_000])
def test_a_file_of_one_torn_line_is_repaired(tmp_path, caplog, size):
    sink = JsonLinesLog(tmp_path / "log.jsonl")
    sink.path.write_bytes(b'{"timestamp": "' + b"x" * size)
    with caplog.at_level(logging.WARNING, logger="mlkit._inference_log"):
        assert list(sink.records()) == []
        sink.write(record(request_id="a"))
    assert [r["request_id"] for r in sink.records()] == ["a"]


def test_long_torn_tail_after_records_is_repaired(tmp_path, caplog):
    sink = JsonLinesLog(tmp_path / "log.jsonl")
    sink.write(record(request_id="a"))
    with sink.path.open("ab") as file:
        file.write(b'{"timestamp": "' + b"y" * 200_000)
    with caplog.at_level(logging.WARNING, logger="mlkit._inference_log"):
        sink.write(record(request_id="b"))
    assert "(200015 bytes)" in caplog.text
    assert [r["request_id"] for r in sink.records()] == ["a", "b"]


def test_a_file_that_is_not_a_log_is_not_appended_to(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"first line\nmy notes, no newline")
    with pytest.raises(IntegrityError, match="does not look like an mlkit JSON Lines log"):
        JsonLinesLog(path).write(record())
    assert path.read_bytes() == b"first line\nmy notes, no newline"


@pytest.mark.parametrize(
    ("garbage", "message"),
    [
        (b'{"timestamp": "2025-01-01T00:00:00.000000+00:00", "rows"\n', "not a JSON record"),
        (b"[1, 2]\n", "not a record with a timestamp"),
        (b'{"timestamp": 5}\n', "not a record with a timestamp"),
    ],
)
def test_a_corrupted_middle_line_is_an_integrity_error(tmp_path, garbage, message):
    sink = JsonLinesLog(tmp_path / "log.jsonl")
    sink.write(record(request_id="a"))
    with sink.path.open("ab") as file:
        file.write(b"\n" + garbage)  # a blank line is skipped, the garbage is not
    sink.write(record(request_id="b"))
    pattern = rf"log\.jsonl', line 3: it is {message}"
    with pytest.raises(IntegrityError, match=pattern):
        list(sink.records())
    with pytest.raises(IntegrityError, match=pattern):
        sink.read()


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (pd.Series(pd.to_datetime(["2024-01-01"])), "logged times are malformed"),
        (pd.Series([1]), "the golden examples are malformed"),
    ],
)
def test_malformed_logged_values_are_an_integrity_error(sink, column, message):
    written = record(pd.DataFrame({"x": column}), prediction=pd.Series([1]))
    written["inputs"]["columns"][0]["values"] = ["not a value"]
    sink.write(written)
    with pytest.raises(IntegrityError, match=message):
        sink.read()


def test_a_short_write_leaves_nothing_behind(tmp_path, monkeypatch):
    sink = JsonLinesLog(tmp_path / "log.jsonl")
    sink.write(record(request_id="a"))
    before = sink.path.read_bytes()
    real_write = _inference_log.os.write

    def short_write(descriptor, data):
        if data.startswith(b'{"timestamp"'):
            return real_write(descriptor, data[:10])
        return real_write(descriptor, data)

    monkeypatch.setattr(_inference_log.os, "write", short_write)
    with pytest.raises(OSError, match=r"Only 10 of \d+ bytes .* was not logged"):
        sink.write(record(request_id="b"))
    monkeypatch.undo()
    assert sink.path.read_bytes() == before


# --- damage: SQLite -------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_an_integrity_error(tmp_path):
    path = tmp_path / "log.sqlite"
    path.write_bytes(b"this is not a database, " * 100)
    sink = SQLiteLog(path)
    with pytest.raises(IntegrityError, match="cannot be used as an SQLite log"):
        sink.write(record())
    with pytest.raises(IntegrityError, match="cannot be used as an SQLite log"):
        sink.read()


def test_a_corrupted_row_is_an_integrity_error(tmp_path):
    sink = SQLiteLog(tmp_path / "log.sqlite")
    sink.write(record())
    sink.write(record())
    with sqlite3.connect(sink.path) as connection:
        connection.execute("UPDATE mlkit_requests SET record = '{oops' WHERE id = 2")
    connection.close()
    with pytest.raises(IntegrityError, match=r"mlkit_requests id 2: it is not a JSON record"):
        sink.read()


def test_a_foreign_table_of_the_same_name_is_refused(tmp_path):
    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE mlkit_requests (something TEXT)")
    connection.close()
    with pytest.raises(sqlite3.OperationalError, match="timestamp"):
        SQLiteLog(path).write(record())


def test_sqlite_schema_and_wal(tmp_path):
    sink = SQLiteLog(tmp_path / "log.sqlite")
    sink.write(record(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), request_id="r", at=T0))
    connection = sqlite3.connect(sink.path)
    try:
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        row = connection.execute(
            "SELECT id, timestamp, request_id, model, version, method, rows, latency_ms, record "
            "FROM mlkit_requests"
        ).fetchone()
        indexes = connection.execute("PRAGMA index_list(mlkit_requests)").fetchall()
    finally:
        connection.close()
    assert mode == "wal"
    assert row[:8] == (
        1,
        "2025-03-01T12:00:00.000000+00:00",
        "r",
        "churn",
        "1.0",
        "predict",
        3,
        12.5,
    )
    assert json.loads(row[8])["request_id"] == "r"
    assert any(index[1] == "mlkit_requests_timestamp" for index in indexes)


def test_sqlite_connections_are_not_shared_with_a_forked_child(tmp_path):
    sink = SQLiteLog(tmp_path / "log.sqlite")
    sink.write(record(request_id="a"))
    (pooled,) = sink._pool
    sink._pid = -1  # as if this process were a fork of another
    sink.write(record(request_id="b"))
    assert sink._pool and sink._pool[0] is not pooled
    pooled.close()
    assert [r["request_id"] for r in sink.records()] == ["a", "b"]


def test_abandoned_reads_release_their_connection(tmp_path):
    sink = SQLiteLog(tmp_path / "log.sqlite")
    for k in range(3):
        sink.write(record(request_id=str(k)))
    reader = sink.records()
    assert next(reader)["request_id"] == "0"
    reader.close()
    sink.write(record(request_id="3"))
    assert len(list(sink.records())) == 4


# --- invariants -----------------------------------------------------------------------------


@settings(max_examples=int(os.environ.get("MLKIT_HYPOTHESIS_EXAMPLES", "30")))
@given(
    # "mixed" object columns are left out: their datetimes are logged as text
    frame=frames(kinds=(*[k for k in BASIC_KINDS if k != "mixed"], *MORE_KINDS)),
    sink_class=st.sampled_from(SINKS),
)
def test_frames_round_trip(frame, sink_class):
    assume(len({str(name) for name in frame.columns}) == frame.shape[1])
    with tempfile.TemporaryDirectory() as folder:
        sink = sink_class(Path(folder) / "log")
        prediction = pd.Series(np.arange(len(frame)))
        sink.write(record(frame, prediction=prediction))
        sink.write(record(frame, prediction=prediction))
        out = sink.read()
    assert len(out) == 2 * len(frame)
    assert out[("output", "prediction")].tolist() == [*prediction.tolist()] * 2
    if frame.shape[1] == 0:
        assert "input" not in out.columns.get_level_values(0)
        return
    expected = pd.concat([frame, frame], ignore_index=True).replace([np.inf, -np.inf], np.nan)
    expected.columns = [str(name) for name in frame.columns]
    # not out["input"]: pandas gives a Series when the only column left is named ""
    inputs = out.loc[:, out.columns.get_level_values(0) == "input"].droplevel(0, axis=1)
    pd.testing.assert_frame_equal(inputs, expected, check_column_type=False)
