"""DriftMonitor: what it flags, what it must not, and what it reports."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes
from sklearn.exceptions import NotFittedError

import mlkit
from mlkit import DriftMonitor, DriftReport, DriftTimeline
from mlkit.exceptions import ConfigurationError, DataError, IntegrityError

CATEGORIES = np.array(["a", "b", "c", "d", "e"], dtype=object)
SHARES = np.array([0.4, 0.25, 0.15, 0.12, 0.08])


def frame(n: int, seed: int, *, mean=0.0, sd=1.0, shares=SHARES, missing=0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(mean, sd, n)
    x[rng.random(n) < missing] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "skewed": rng.lognormal(0, 1, n),
            "count": rng.poisson(3, n),
            "cat": rng.choice(CATEGORIES, n, p=shares),
            "flag": rng.random(n) < 0.3,
        }
    )


@pytest.fixture(scope="module")
def monitor():
    return DriftMonitor().fit(frame(50_000, 0))


def test_same_distribution_is_not_flagged(monitor):
    for seed in range(1, 6):
        report = monitor.check(frame(5_000, seed))
        assert report.drifted_features == ()
        assert report.retrain.severity == "none"
        assert not report.retrain.recommended


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"mean": 0.1}, "x"),
        ({"sd": math.sqrt(1.2)}, "x"),
        ({"sd": math.sqrt(0.8)}, "x"),
        ({"shares": SHARES + np.array([0.05, -0.05, 0, 0, 0])}, "cat"),
        ({"missing": 0.1}, "x"),
    ],
    ids=["mean-0.1sd", "variance+20%", "variance-20%", "share-5pts", "missing+10pts"],
)
def test_shifts_of_the_documented_size_are_flagged_at_10000_rows(monitor, change, column):
    report = monitor.check(frame(10_000, 7, **change))
    assert report.drifted_features == (column,)
    assert report.drift_share == pytest.approx(1 / 5)
    assert report.retrain.severity == "low"  # features moved, no predictions to say more


def test_missing_share_change_is_reported_as_such(monitor):
    row = monitor.check(frame(10_000, 7, missing=0.1)).to_frame().loc["x"]
    assert row["missing_drifted"]
    assert not row["drifted"]  # the values that are present did not move
    assert row["missing_share"] == pytest.approx(0.1, abs=0.01)
    assert row["missing_share_reference"] == 0.0


def test_a_tiny_shift_is_significant_at_a_million_rows_but_not_flagged(monitor):
    row = monitor.check(frame(1_000_000, 3, mean=0.03)).to_frame().loc["x"]
    assert row["q_value"] < 1e-4  # the test sees it...
    assert row["distance"] < row["threshold"]  # ...but the effect is too small to matter
    assert not row["drifted"]


def test_false_discoveries_stay_rare_across_many_columns():
    rng = np.random.default_rng(0)
    reference = pd.DataFrame(rng.normal(size=(20_000, 60)), columns=[f"c{i}" for i in range(60)])
    fitted = DriftMonitor().fit(reference)
    flagged = [
        len(
            fitted.check(
                pd.DataFrame(rng.normal(size=(1_000, 60)), columns=reference.columns)
            ).drifted_features
        )
        for _ in range(10)
    ]
    assert sum(flagged) / (10 * 60) <= 0.05


def test_report_fields_for_numbers_and_categories(monitor):
    current = frame(5_000, 2, mean=0.5)
    current.loc[:9, "x"] = 1e6  # out of the reference's range
    current.loc[:49, "cat"] = "new"
    table = monitor.check(current).to_frame()
    assert list(table.index[:1]) == ["x"]  # drifted first
    x, cat = table.loc["x"], table.loc["cat"]
    assert x["kind"] == "number"
    assert x["out_of_range_share"] >= 10 / 5_000
    assert 0 < x["ks"] <= 1
    assert x["psi"] > 0
    assert cat["kind"] == "category"
    assert cat["new_category_share"] == pytest.approx(50 / 5_000)
    assert math.isnan(cat["out_of_range_share"])
    assert table.loc["flag", "kind"] == "category"
    assert set(table.columns) >= {"distance", "threshold", "p_value", "q_value", "flagged"}


def test_reference_is_kilobytes_and_does_not_grow_with_rows():
    small = DriftMonitor().fit(frame(5_000, 0)).reference_
    large = DriftMonitor().fit(frame(200_000, 0)).reference_
    size_small, size_large = len(json.dumps(small)), len(json.dumps(large))
    assert size_large < 1.2 * size_small
    assert size_large / 5 < 6_000  # bytes per column
    assert large["rows"] == 200_000
    assert large["monitor"]["columns"] == ["x", "skewed", "count", "cat", "flag"]


def test_datetime_columns_are_not_monitored_unless_named():
    df = frame(1_000, 0).assign(when=pd.date_range("2024-01-01", periods=1_000, freq="h"))
    assert "when" not in DriftMonitor().fit(df).columns_
    named = DriftMonitor(columns=["when", "x"]).fit(df)
    later = df.assign(when=df["when"] + pd.Timedelta(days=365))
    assert named.check(later).drifted_features == ("when",)


@pytest.mark.parametrize(
    ("task", "make"),
    [
        ("binary", lambda rng, n: rng.choice(["no", "yes"], n, p=[0.7, 0.3])),
        ("multiclass", lambda rng, n: rng.choice([0, 1, 2], n)),
    ],
)
def test_classification_predictions_and_performance(task, make):
    rng = np.random.default_rng(0)
    X = frame(20_000, 0)
    y = make(rng, len(X))
    classes = sorted(set(y))
    good = _probabilities(rng, y, classes, skill=0.8)
    fitted = DriftMonitor(random_state=0).fit(X, y, good)
    assert fitted.task_ == task
    assert fitted.classes_ == classes
    assert set(fitted.baseline_) == set(mlkit._performance.DEFAULTS[task])

    y_new = make(rng, 5_000)
    steady = fitted.check(
        frame(5_000, 1), y_new, predictions=_probabilities(rng, y_new, classes, 0.8)
    )
    assert not steady.prediction_drift
    assert not any(m.degraded for m in steady.performance)
    for m in steady.performance:
        assert m.low <= m.current <= m.high
    worse = fitted.check(
        frame(5_000, 1), y_new, predictions=_probabilities(rng, y_new, classes, 0.0)
    )
    assert all(m.degraded for m in worse.performance)
    assert worse.retrain.severity == "high"
    assert worse.retrain.recommended
    assert "fell from" in worse.retrain.reasons[0]


def _probabilities(rng, y, classes, skill):
    noise = rng.dirichlet(np.ones(len(classes)), len(y))
    truth = (np.asarray(y)[:, None] == np.asarray(classes)[None, :]).astype(float)
    return pd.DataFrame(skill * truth + (1 - skill) * noise, columns=classes)


def test_regression_performance_and_prediction_drift():
    rng = np.random.default_rng(1)
    X = frame(10_000, 0)
    y = X["x"] * 3 + rng.normal(0, 1, len(X))
    fitted = DriftMonitor(random_state=0).fit(X, y, predictions=X["x"] * 3)
    assert fitted.task_ == "regression"
    assert fitted.baseline_["r2"] > 0.85
    X_new = frame(5_000, 1, mean=1.0)
    y_new = X_new["x"] * 3 + rng.normal(0, 1, len(X_new))
    report = fitted.check(X_new, y_new, predictions=X_new["x"] * 3 + 2.0)
    assert report.prediction_drift
    assert [m.metric for m in report.performance] == ["neg_root_mean_squared_error", "r2"]
    assert report.performance[0].degraded
    assert report.retrain.severity == "high"


def test_prediction_drift_alone_is_medium_severity():
    rng = np.random.default_rng(2)
    X = frame(10_000, 0)
    fitted = DriftMonitor().fit(X, predictions=pd.Series(rng.choice(["a", "b"], len(X))))
    report = fitted.check(
        frame(5_000, 1), predictions=pd.Series(rng.choice(["a", "b"], 5_000, p=[0.8, 0.2]))
    )
    assert report.drifted_features == ()
    assert report.prediction_drift
    assert report.retrain.severity == "medium"
    assert "prediction drifted" in report.retrain.reasons[0]


def test_a_large_share_of_drifted_features_recommends_retraining(monitor):
    report = monitor.check(
        frame(5_000, 1, mean=1.0, shares=[0.08, 0.12, 0.15, 0.25, 0.4], missing=0.3)
    )
    assert report.drift_share >= 0.3
    assert report.dataset_drift
    assert report.retrain.severity == "medium"
    assert report.retrain.recommended


def test_report_exports(monitor, tmp_path):
    report = monitor.check(frame(3_000, 1, mean=0.3))
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["drifted_features"] == ["x"]
    assert data["retrain"]["severity"] == "low"
    html = report.to_html(tmp_path / "drift.html").read_text()
    assert "<svg" in html and "Drift report" in html and "skewed" in html
    assert "Features" in report._repr_html_()


def test_report_without_matplotlib_says_so(monitor, tmp_path, monkeypatch):
    import mlkit._lazy as lazy
    from mlkit.exceptions import MissingDependencyError

    def missing():
        raise MissingDependencyError("no matplotlib")

    monkeypatch.setattr(lazy, "matplotlib_figure", missing)
    html = monitor.check(frame(1_000, 1)).to_html(tmp_path / "d.html").read_text()
    assert "Charts omitted" in html and "<svg" not in html


def test_windows_give_a_timeline(monitor, tmp_path):
    windows = {
        "2026-01": frame(2_000, 1),
        "2026-02": (frame(2_000, 2, mean=0.3),),
        "2026-03": (frame(2_000, 3, mean=0.6), None, None),
    }
    timeline = monitor.check_windows(windows)
    assert isinstance(timeline, DriftTimeline)
    table = timeline.to_frame()
    assert list(table.index) == list(windows)
    assert list(table["drifted_features"]) == ["", "x", "x"]
    assert [r.label for r in timeline.reports] == list(windows)
    assert "Drift over time" in timeline.to_html(tmp_path / "t.html").read_text()
    json.dumps(timeline.to_dict(), allow_nan=False)
    unlabelled = monitor.check_windows([frame(500, 4), frame(500, 5)])
    assert list(unlabelled.to_frame().index) == ["1", "2"]


@pytest.mark.parametrize(
    ("windows", "match"),
    [
        (pd.DataFrame({"x": [1.0]}), "mapping from label"),
        (42, "mapping or an iterable"),
        ({"w": (1, 2, 3, 4)}, "tuple of 4"),
    ],
)
def test_bad_windows_are_refused(monitor, windows, match):
    with pytest.raises(ConfigurationError, match=match):
        monitor.check_windows(windows)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("numeric_threshold", -0.1),
        ("categorical_threshold", 2.0),
        ("alpha", 0.0),
        ("drift_share", 1.5),
        ("n_bootstrap", 2.5),
        ("scoring", "nonsense"),
        ("scoring", []),
        ("columns", "x"),
        ("columns", []),
        ("random_state", -1),
    ],
)
def test_bad_parameters_are_refused_when_fitting(param, value):
    with pytest.raises(ConfigurationError, match=repr(param)):
        DriftMonitor(**{param: value}).fit(frame(100, 0))


def test_bad_inputs_get_clear_errors(monitor):
    with pytest.raises(NotFittedError, match="not fitted"):
        DriftMonitor().check(frame(10, 0))
    with pytest.raises(DataError, match=r"'cat'.*missing"):
        monitor.check(frame(10, 0).drop(columns="cat"))
    with pytest.raises(DataError):
        monitor.check([[1, 2, 3]])
    with pytest.raises(ConfigurationError, match="no predictions"):
        monitor.check(frame(10, 0), y=np.zeros(10))
    with pytest.raises(ConfigurationError, match="3 rows but X has 10"):
        monitor.check(frame(10, 0), predictions=np.zeros(3))
    with pytest.raises(ConfigurationError, match="one column per class"):
        monitor.check(frame(10, 0), predictions=pd.DataFrame({"a": np.zeros(10)}))
    with pytest.raises(ConfigurationError, match="one-dimensional"):
        monitor.check(frame(10, 0), predictions=np.zeros((10, 2, 2)))
    with pytest.raises(ConfigurationError, match="labels of the same rows"):
        DriftMonitor().fit(frame(10, 0), y=np.zeros(3))
    with pytest.raises(DataError, match="'nope'"):
        DriftMonitor(columns=["nope"]).fit(frame(10, 0))


def test_empty_and_all_missing_current_data_compare_nothing(monitor):
    empty = monitor.check(frame(0, 1))
    assert empty.rows == 0
    assert empty.drifted_features == ()
    nothing = frame(100, 1).assign(x=np.nan, cat=None)
    table = monitor.check(nothing).to_frame()
    assert math.isnan(table.loc["x", "distance"])
    assert table.loc["x", "missing_drifted"] and table.loc["cat", "missing_drifted"]


def test_stored_reference_round_trips_and_bad_ones_are_integrity_errors(monitor):
    reference = json.loads(json.dumps(monitor.reference_))
    again = DriftMonitor._from_reference(reference, task=None, classes=None, subject="x")
    current = frame(2_000, 9, mean=0.3)
    assert again.check(current).to_dict() == monitor.check(current).to_dict()
    for broken in (
        {},
        {**reference, "sketch_version": 99},
        {**reference, "columns": []},
        {**reference, "monitor": {**reference["monitor"], "columns": ["ghost"]}},
        {**reference, "monitor": {**reference["monitor"], "params": {"alpha": 7}}},
        {**reference, "monitor": {**reference["monitor"], "params": {"bogus": 1}}},
    ):
        with pytest.raises(IntegrityError, match="drift reference"):
            DriftMonitor._from_reference(broken, task=None, classes=None, subject="x")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data_frames(
        [
            column("x", elements=st.floats(allow_nan=True, allow_infinity=True, width=32)),
            column("skewed", elements=st.floats(-1e9, 1e9)),
            column("count", elements=st.integers(-5, 5)),
            column("cat", elements=st.sampled_from(["a", "b", "zz", None])),
            column("flag", elements=st.booleans()),
        ],
        index=range_indexes(min_size=0, max_size=40),
    )
)
def test_any_current_frame_gives_a_well_formed_report(monitor, current):
    report = monitor.check(current)
    assert isinstance(report, DriftReport)
    for feature in report.features:
        assert 0.0 <= feature.q_value <= 1.0
        assert math.isnan(feature.distance) or feature.distance >= 0.0
        assert 0.0 <= feature.missing_share <= 1.0
    assert 0.0 <= report.drift_share <= 1.0
    json.dumps(report.to_dict())


def test_monitor_is_a_clonable_scikit_learn_estimator():
    from sklearn.base import clone

    monitor = DriftMonitor(numeric_threshold=0.1, scoring=["r2"])
    copy = clone(monitor)
    assert copy.get_params() == monitor.get_params()
    fitted = copy.fit(frame(200, 0))
    assert fitted is copy
    assert fitted.n_features_in_ == 5
    assert list(fitted.feature_names_in_) == ["x", "skewed", "count", "cat", "flag"]


def test_labels_or_predictions_indexed_unlike_x_are_refused_not_paired_by_position():
    X = frame(100, 0)
    y = pd.Series(np.arange(100) % 2, index=X.index)
    shuffled = y.sample(frac=1.0, random_state=0)
    with pytest.raises(ConfigurationError, match="indexed differently"):
        DriftMonitor().fit(X, shuffled, predictions=y)
    with pytest.raises(ConfigurationError, match=r"predictions.*indexed differently"):
        DriftMonitor().fit(X, y, predictions=shuffled)
    fitted = DriftMonitor().fit(X, y, predictions=y.to_numpy())  # arrays pair by position
    assert fitted.baseline_["balanced_accuracy"] == 1.0


def _one(reference, current, **params):
    return (
        DriftMonitor(**params)
        .fit(pd.DataFrame({"v": reference}))
        .check(pd.DataFrame({"v": current}))
        .features[0]
    )


@pytest.mark.parametrize(
    ("reference", "current"),
    [
        ((np.arange(20_000) % 20 != 0).astype(int), (np.arange(20_000) % 2).astype(int)),
        ((np.arange(50_000) % 200 == 0).astype(int), (np.arange(20_000) % 33 == 0).astype(int)),
        (np.full(1_000, 5.0), np.full(1_000, 7.0)),
        (
            np.where(np.arange(20_000) % 12 == 0, np.arange(20_000) % 97 + 1.5, 0.0),
            np.where(np.arange(20_000) % 12 == 0, 3 * (np.arange(20_000) % 97 + 1.5), 0.0),
        ),
    ],
    ids=["minority-5%-to-50%", "rare-0.5%-to-3%", "constant-moves", "zero-inflated-tail-x3"],
)
def test_shifts_in_discrete_tied_and_constant_columns_are_flagged(reference, current):
    feature = _one(reference, current)
    assert feature.drifted
    assert feature.q_value < 1e-6


@pytest.mark.parametrize(
    "make",
    [
        lambda rng, n: (rng.random(n) < 0.5).astype(float),
        lambda rng, n: rng.poisson(3, n).astype(float),
        lambda rng, n: rng.normal(0, 1, n),
        lambda rng, n: rng.lognormal(0, 1, n),
    ],
    ids=["binary", "counts", "normal", "lognormal"],
)
def test_wasserstein_distance_matches_scipy_on_the_raw_samples(make):
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(0)
    reference, current = make(rng, 50_000), make(rng, 20_000) * 1.3 + 0.2
    feature = _one(reference, current)
    exact = wasserstein_distance(reference, current) / reference.std()
    assert feature.distance == pytest.approx(exact, rel=0.03, abs=0.005)


def test_unchanged_tied_columns_at_a_million_rows_are_neither_drifted_nor_significant():
    rng = np.random.default_rng(0)
    ages = _one(rng.normal(44, 14, 100_000).round(), rng.normal(44, 14, 1_000_000).round())
    assert ages.distance < 0.01
    assert ages.p_value > 0.001  # exact per value: 73 levels fit in the sketch


def test_probabilities_are_matched_to_classes_by_label_not_position():
    rng = np.random.default_rng(0)
    X = frame(5_000, 0)
    y = rng.choice(["no", "yes"], len(X))
    proba = _probabilities(rng, y, ["no", "yes"], skill=0.7)
    fitted = DriftMonitor(random_state=0).fit(X, y, proba)
    report = fitted.check(X, y, predictions=proba)
    swapped = fitted.check(X, y, predictions=proba[["yes", "no"]])
    assert swapped.to_dict() == report.to_dict()
    with pytest.raises(ConfigurationError, match="one column per class"):
        fitted.check(X, y, predictions=proba.rename(columns={"yes": "maybe"}))
    text = proba.astype(object)
    text.iloc[0, 0] = "half"
    with pytest.raises(ConfigurationError, match="not every value is a number"):
        fitted.check(X, y, predictions=text)


def test_rows_without_labels_are_left_out_of_the_metrics():
    rng = np.random.default_rng(0)
    X = frame(4_000, 0)
    y = pd.Series(rng.choice([0.0, 1.0], len(X)))
    proba = _probabilities(rng, y.to_numpy(), [0.0, 1.0], skill=0.8)
    fitted = DriftMonitor(random_state=0).fit(X, y, proba)
    pending = y.mask(rng.random(len(y)) < 0.3)  # labels not known yet
    report = fitted.check(X, pending, predictions=proba)
    roc_auc = report.performance[0]
    assert roc_auc.rows == int(pending.notna().sum())
    assert not roc_auc.degraded
    assert roc_auc.current == pytest.approx(fitted.baseline_["roc_auc"], abs=0.02)
    few = fitted.check(X.head(20), y.head(20), predictions=proba.head(20))
    assert all(m.rows == 20 and math.isnan(m.high) and not m.degraded for m in few.performance)


def test_a_regression_with_whole_number_targets_is_a_regression():
    rng = np.random.default_rng(0)
    X = frame(3_000, 0)
    counts = rng.poisson(3, len(X))
    fitted = DriftMonitor().fit(X, counts, predictions=counts + rng.normal(0, 0.5, len(X)))
    assert fitted.task_ == "regression"
    assert set(fitted.baseline_) == {"neg_root_mean_squared_error", "r2"}


def test_many_rare_categories_still_show_a_collapse():
    rng = np.random.default_rng(0)
    states = np.array([f"s{i}" for i in range(60)], dtype=object)
    feature = _one(rng.choice(states, 2_000), np.full(2_000, "s0", dtype=object))
    assert feature.drifted


def test_infinite_values_count_as_missing():
    rng = np.random.default_rng(0)
    current = rng.normal(size=5_000)
    current[:2_500] = np.inf
    feature = _one(rng.normal(size=5_000), current)
    assert feature.missing_share == pytest.approx(0.5)
    assert feature.missing_drifted


def test_labels_written_as_whole_floats_match_integer_labels():
    rng = np.random.default_rng(0)
    X = frame(5_000, 0)
    labels = rng.choice([0, 1], len(X))
    fitted = DriftMonitor().fit(X, predictions=pd.Series(labels.astype(float)))
    report = fitted.check(X, predictions=pd.Series(labels))
    assert not report.prediction_drift


def test_huge_integers_and_repeated_columns():
    ids = np.int64(1_700_000_000_000_000_000) + np.arange(1_000) % 50
    assert not _one(ids, ids).drifted
    fitted = DriftMonitor().fit(frame(200, 0))
    twice = pd.concat([frame(50, 1), frame(50, 1)[["x"]]], axis=1)
    with pytest.raises(DataError, match="'x'"):
        fitted.check(twice)
    with pytest.raises(ConfigurationError, match="distinct column names"):
        DriftMonitor(columns=["x", "x"]).fit(frame(50, 0))
    with pytest.raises(ConfigurationError, match="n_bootstrap"):
        DriftMonitor(n_bootstrap=5).fit(frame(50, 0))


def test_a_wide_report_draws_the_most_drifted_columns_only(tmp_path):
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(2_000, 40)), columns=[f"c{i}" for i in range(40)])
    shifted = wide.assign(c39=wide["c39"] + 1.0)
    html = DriftMonitor().fit(wide).check(shifted).to_html(tmp_path / "w.html").read_text()
    assert "Charts for the 30 most drifted of 40 columns" in html
    assert html.index(">c39<") < html.index(">c0<")


def test_labels_written_as_text_are_scored_as_the_fitted_classes():
    rng = np.random.default_rng(0)
    X = frame(2_000, 0)
    y = pd.Series((X["x"] + rng.normal(size=len(X)) > 0).astype(int))
    p1 = 1 / (1 + np.exp(-2 * X["x"]))
    proba = pd.DataFrame({0: 1 - p1, 1: p1})
    fitted = DriftMonitor(random_state=0).fit(X, y, predictions=proba)
    expected = [m.current for m in fitted.check(X, y, predictions=proba).performance]
    as_text = fitted.check(X, y, predictions=proba.set_axis(["0", "1"], axis=1))
    assert [m.current for m in as_text.performance] == expected
    labels = pd.Series(np.where(p1 > 0.5, "1", "0"))
    (balanced,) = fitted.check(X, y.astype(str), predictions=labels).performance  # no ROC AUC
    assert (balanced.metric, balanced.current) == ("balanced_accuracy", pytest.approx(expected[1]))
