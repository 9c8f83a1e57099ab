"""A loaded Model monitors itself: packaged reference, inference logging, drift reports."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

import mlkit
from mlkit import Cleaner, DriftMonitor, FeatureBuilder, JsonLinesLog, Packager, SQLiteLog
from mlkit.datasets import make_churn
from mlkit.exceptions import ConfigurationError, DataError


@pytest.fixture(scope="module")
def data():
    df = make_churn(4_000, random_state=0)
    return df.drop(columns="churned"), df["churned"]


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=500)).fit(X, y)


@pytest.fixture(scope="module")
def artifact(fitted, data, tmp_path_factory):
    """Packaged with a monitor fitted on held-back rows and the model's outputs on them."""
    X, y = data
    held_out = make_churn(2_000, random_state=3)
    X_test = held_out.drop(columns="churned")
    outputs = pd.DataFrame(fitted.predict_proba(X_test), index=X_test.index, columns=[0, 1])
    monitor = DriftMonitor(random_state=0).fit(X_test, predictions=outputs)
    return Packager(name="churn", version="1.0.0").package(
        fitted,
        X,
        y,
        path=tmp_path_factory.mktemp("artifact"),
        metrics={"cv_roc_auc_mean": 0.8},
        monitor=monitor,
    )


@pytest.fixture(scope="module")
def model(artifact):
    return mlkit.load(artifact.path)


@pytest.fixture(scope="module")
def shifted():
    df = make_churn(4_000, shifted=True, random_state=1)
    return df.drop(columns="churned"), df["churned"]


def test_packaged_monitor_sees_no_drift_on_fresh_rows_of_the_same_population(model):
    fresh = make_churn(4_000, random_state=5)
    report = model.monitor(fresh.drop(columns="churned"), fresh["churned"])
    assert report.drifted_features == ()
    assert not report.prediction_drift
    assert report.retrain.severity == "none"
    assert [m.metric for m in report.performance] == ["roc_auc", "balanced_accuracy"]
    roc_auc = report.performance[0]
    assert roc_auc.baseline == 0.8  # from the packaged cv_roc_auc_mean
    assert roc_auc.low <= roc_auc.current <= roc_auc.high


def test_packaged_monitor_flags_the_shifted_population(model, shifted):
    X, y = shifted
    report = model.monitor(X, y)
    assert {"contract", "monthly_charges", "support_calls", "income"} <= set(
        report.drifted_features
    )
    assert "signup_date" not in {f.name for f in report.features}
    assert report.prediction_drift
    assert report.retrain.recommended
    assert report.retrain.severity in ("medium", "high")


def test_monitoring_neither_counts_inputs_nor_writes_the_log(artifact, data, tmp_path):
    X, _ = data
    log = SQLiteLog(tmp_path / "log.db")
    model = mlkit.load(artifact.path, log=log)
    model.monitor(X.head(200))
    assert model.input_counts()["rows"].max() == 0
    assert log.read().empty


def test_monitor_checks_the_data_contract(model, data):
    X, _ = data
    with pytest.raises(DataError, match="'age'"):
        model.monitor(X.drop(columns="age"))


def test_default_packaged_monitor_watches_inputs_and_metrics_but_not_outputs(
    fitted, data, tmp_path
):
    X, y = data
    artifact = Packager(name="m", version="1.0.0").package(
        fitted, X, y, path=tmp_path, metrics={"test_roc_auc": 0.81, "cv_roc_auc_mean": 0.8}
    )
    model = mlkit.load(artifact.path)
    assert "predictions" not in model.reference
    assert "customer_id" not in model.drift_monitor.columns_  # an identifier
    assert model.drift_monitor.task_ == "binary"
    report = model.monitor(X.head(1_000), y.head(1_000))
    assert report.predictions == ()
    assert report.performance[0].metric == "roc_auc"
    assert report.performance[0].baseline == 0.81  # the held-back score before the CV mean


def test_packager_stores_a_fitted_monitor_with_its_settings(fitted, data, tmp_path):
    X, y = data
    held_out = make_churn(2_000, random_state=3)
    X_test, y_test = held_out.drop(columns="churned"), held_out["churned"]
    monitor = DriftMonitor(numeric_threshold=0.2, columns=["age", "contract"]).fit(
        X_test,
        y_test,
        pd.DataFrame(fitted.predict_proba(X_test), index=X_test.index, columns=fitted.classes_),
    )
    model = mlkit.load(
        Packager(name="m", version="1.0.0")
        .package(fitted, X, y, path=tmp_path, monitor=monitor)
        .path
    )
    assert model.drift_monitor.numeric_threshold == 0.2
    assert model.drift_monitor.columns_ == ["age", "contract"]
    assert model.drift_monitor.baseline_ == monitor.baseline_
    assert model.drift_monitor.baseline_["roc_auc"] > 0.7
    assert [f.name for f in model.monitor(X_test).features] == ["age", "contract"]


@pytest.mark.parametrize(
    ("monitor", "error", "match"),
    [
        ("monitor", ConfigurationError, "must be a DriftMonitor"),
        (DriftMonitor().fit(pd.DataFrame({"ghost": [1.0, 2.0]})), ConfigurationError, "ghost"),
        (
            DriftMonitor().fit(
                pd.DataFrame({"age": [30.0, 40.0, 50.0]}), predictions=[1.5, 2.25, 3.75]
            ),
            ConfigurationError,
            "regression monitor, but the model is a classifier",
        ),
    ],
)
def test_packager_refuses_a_bad_monitor(fitted, data, tmp_path, monitor, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        Packager(name="m", version="1.0.0").package(fitted, X, y, path=tmp_path, monitor=monitor)


@pytest.mark.parametrize("sink", [SQLiteLog, JsonLinesLog], ids=["sqlite", "jsonl"])
def test_every_prediction_is_logged_and_the_log_can_be_monitored(
    artifact, data, shifted, sink, tmp_path
):
    X, _ = data
    log = sink(tmp_path / "predictions.log")
    model = mlkit.load(artifact.path, log=log)
    assert model.log is log
    model.predict(X.head(300), request_id="first")
    model.predict_proba(X.iloc[300:600])
    model.predict_proba(shifted[0].head(300))
    records = list(log.records())
    assert [r["method"] for r in records] == ["predict", "predict_proba", "predict_proba"]
    assert records[0]["request_id"] == "first"
    assert [r["rows"] for r in records] == [300, 300, 300]
    assert all(r["model"] == "churn" and r["version"] == "1.0.0" for r in records)
    assert all(r["latency_ms"] > 0 for r in records)

    logged = log.read()
    assert len(logged) == 900
    pd.testing.assert_frame_equal(
        logged["input"].iloc[:300].reset_index(drop=True),
        model.validate(X.head(300)).reset_index(drop=True),
        check_dtype=False,
        check_column_type=False,
    )
    timeline = model.monitor_log()
    assert len(timeline.reports) == 1
    assert timeline.reports[0].rows == 900
    assert timeline.reports[0].predictions  # the served predictions were compared


def test_log_windows_split_by_time(artifact, data, tmp_path, monkeypatch):
    X, _ = data
    log = JsonLinesLog(tmp_path / "p.jsonl")
    model = mlkit.load(artifact.path, log=log)
    for hour in range(3):
        model.predict(X.iloc[hour * 200 : (hour + 1) * 200])
    records = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    for hour, record in enumerate(records):  # spread the requests over three days
        record["timestamp"] = f"2026-11-2{hour}T10:00:00.000000+00:00"
    shifted_log = JsonLinesLog(tmp_path / "days.jsonl")
    for record in records:
        shifted_log.write(record)
    timeline = model.monitor_log(shifted_log, freq="1D")
    assert [r.rows for r in timeline.reports] == [200, 200, 200]
    assert list(timeline.to_frame().index) == [
        "2026-11-20T00:00:00+00:00",
        "2026-11-21T00:00:00+00:00",
        "2026-11-22T00:00:00+00:00",
    ]
    weekly = model.monitor_log(shifted_log, freq="W")  # calendar weeks, by their first day
    assert sum(r.rows for r in weekly.reports) == 600
    assert all(label.endswith("T00:00:00+00:00") for label in weekly.to_frame().index)
    one_day = model.monitor_log(shifted_log, start="2026-11-21", end="2026-11-22")
    assert one_day.reports[0].rows == 200
    with pytest.raises(ConfigurationError, match="frequency"):
        model.monitor_log(shifted_log, freq="fortnightly")
    with pytest.raises(DataError, match="no requests"):
        model.monitor_log(shifted_log, start="2030-01-01")


def test_a_failing_log_never_fails_a_prediction(artifact, data, caplog):
    class Broken:
        inputs = "values"

        def write(self, record):
            raise OSError("disk full")

    X, _ = data
    model = mlkit.load(artifact.path, log=Broken())
    with caplog.at_level(logging.WARNING, logger="mlkit._model"):
        predictions = model.predict(X.head(10))
        model.predict_proba(X.head(10))
    assert len(predictions) == 10
    assert model.log_failures == 2
    assert "disk full" in caplog.text


def test_monitoring_needs_a_log_with_input_values(artifact, data, tmp_path):
    X, _ = data
    model = mlkit.load(artifact.path)
    with pytest.raises(ConfigurationError, match="writes no inference log"):
        model.monitor_log()
    hashed = SQLiteLog(tmp_path / "h.db", inputs="hash")
    logged = mlkit.load(artifact.path, log=hashed)
    logged.predict(X.head(5))
    assert next(iter(hashed.records()))["inputs"] is None
    with pytest.raises(DataError, match="no input values"):
        logged.monitor_log()
    with pytest.raises(ConfigurationError, match="inference log"):
        mlkit.load(artifact.path, log="predictions.db")
    with pytest.raises(ConfigurationError, match="inference log"):
        model.drift_monitor.check_log(object())


def test_monitor_windows_predicts_each_window(model, data, shifted):
    X, y = data
    timeline = model.monitor_windows(
        {"before": (X.head(1_000), y.head(1_000)), "after": shifted[0]}
    )
    before, after = timeline.reports
    assert before.drifted_features == () and before.performance
    assert after.drifted_features and not after.performance


def test_regression_model_monitors_prediction_values(tmp_path):
    df = make_churn(3_000, task="regression", random_state=0)
    X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), Ridge()).fit(X, y)
    later = make_churn(2_000, task="regression", random_state=4)
    X_test, y_test = later.drop(columns="next_year_spend"), later["next_year_spend"]
    monitor = DriftMonitor(random_state=0).fit(
        X_test, y_test, pd.Series(fitted.predict(X_test), index=X_test.index)
    )
    artifact = Packager(name="spend", version="1.0.0").package(
        fitted, X, y, path=tmp_path, monitor=monitor
    )
    model = mlkit.load(artifact.path)
    report = model.monitor(X.head(1_000), y.head(1_000))
    assert [p.name for p in report.predictions] == ["prediction"]
    assert report.predictions[0].kind == "number"
    assert {m.metric for m in report.performance} == {"neg_root_mean_squared_error", "r2"}
    assert not any(m.degraded for m in report.performance)
