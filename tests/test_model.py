"""Model: what applications call; the contract is checked on every call, fast and complete."""

import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

import mlkit
from mlkit import Cleaner, FeatureBuilder, Packager
from mlkit._ensemble import candidate_ensembles
from mlkit._families import families
from mlkit.datasets import make_churn
from mlkit.exceptions import ConfigurationError, DataError


@pytest.fixture(scope="module")
def data():
    df = make_churn(1_500, task="multiclass", random_state=5)
    return df.drop(columns="plan_change"), df["plan_change"]


@pytest.fixture(scope="module")
def pipeline(data):
    X, y = data
    return make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=3_000)).fit(X, y)


@pytest.fixture(scope="module")
def model(pipeline, data, tmp_path_factory):
    X, y = data
    folder = tmp_path_factory.mktemp("model")
    artifact = Packager(name="plans", version="2.0.0").package(pipeline, X, y, path=folder)
    return mlkit.load(artifact.path)


@pytest.fixture(scope="module")
def regressor(tmp_path_factory):
    df = make_churn(800, task="regression", random_state=6)
    X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), Ridge()).fit(X, y)
    folder = tmp_path_factory.mktemp("regressor")
    artifact = Packager(name="spend", version="1.0.0").package(fitted, X, y, path=folder)
    return mlkit.load(artifact.path), fitted, X


def test_loaded_model_predicts_as_the_pipeline(model, pipeline, data):
    X, _ = data
    np.testing.assert_array_equal(model.predict(X).to_numpy(), pipeline.predict(X))
    np.testing.assert_allclose(model.predict_proba(X).to_numpy(), pipeline.predict_proba(X))


def test_identity_and_metadata(model, data):
    X, _ = data
    assert model.name == "plans" and model.version == "2.0.0"
    assert model.metadata.task == "multiclass"
    assert model.metadata.target == "plan_change"
    assert model.classes == ["downgrade", "none", "upgrade"]
    assert model.columns == list(X.columns)
    assert isinstance(model.metadata, mlkit.Manifest)
    assert set(model.schema.columns) == set(X.columns)
    assert model.card.startswith("# Model card: plans 2.0.0")
    assert model.reference["rows"] == len(X)
    assert "plans" in repr(model) and "plans" in model._repr_html_()


def test_outputs_keep_the_callers_index_and_label_columns(model, data):
    X, _ = data
    rows = X.iloc[:5].set_axis(["a", "b", "c", "d", "e"])
    predictions = model.predict(rows)
    assert list(predictions.index) == ["a", "b", "c", "d", "e"]
    assert predictions.name == "plan_change"
    probabilities = model.predict_proba(rows)
    assert list(probabilities.index) == ["a", "b", "c", "d", "e"]
    assert list(probabilities.columns) == ["downgrade", "none", "upgrade"]
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_extra_columns_and_column_order_do_not_matter(model, data):
    X, _ = data
    rows = X.iloc[:50]
    shuffled = rows[list(reversed(rows.columns))].assign(extra=1, plan_change="none")
    pd.testing.assert_series_equal(model.predict(shuffled), model.predict(rows))


def test_values_needing_coercion_give_the_same_predictions(model, data):
    X, _ = data
    rows = X.iloc[:30]
    as_text = rows.assign(
        tenure_months=rows["tenure_months"].astype(str),
        age=rows["age"].astype(object),
    )
    pd.testing.assert_series_equal(model.predict(as_text), model.predict(rows))
    pd.testing.assert_frame_equal(model.validate(as_text), model.validate(rows))


def test_fast_path_and_full_validation_see_the_same_frame(model, data):
    X, _ = data
    rows = X.iloc[:40]
    checked = model._checker.check(rows, subject="test")
    pd.testing.assert_frame_equal(checked, model.validate(rows))
    assert list(checked.columns) == model.columns
    assert checked["tenure_months"].dtype == np.float64


def test_columns_named_like_python_keywords_are_coerced(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"self": rng.normal(size=300), "kwargs": rng.normal(size=300)})
    y = (X["self"] + X["kwargs"] > 0).astype(int)
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression()).fit(X, y)
    artifact = Packager(name="odd", version="1.0.0").package(fitted, X, y, path=tmp_path)
    model = mlkit.load(artifact.path)
    rows = X.head(20).round()
    as_ints = rows.astype({"self": "int64", "kwargs": "int32"})  # the fast path coerces both
    assert model.predict(as_ints).tolist() == fitted.predict(rows).tolist()


def test_every_problem_is_listed_in_one_error(model, data):
    X, _ = data
    rows = X.iloc[:6].drop(columns=["age", "city"]).astype({"income": object})
    rows.loc[rows.index[0], "income"] = "lots"
    rows.loc[rows.index[1], "monthly_charges"] = np.inf
    for call in (model.predict, model.predict_proba, model.validate):
        with pytest.raises(DataError) as caught:
            call(rows)
        error = caught.value
        assert set(error.reasons) == {"missing_column", "uncoercible_value", "infinite_value"}
        assert set(error.columns) == {"age", "city", "income", "monthly_charges"}
        assert "'income'" in str(error) and "lots" in str(error)


@pytest.mark.parametrize("bad", [None, [1, 2], np.zeros((2, 3)), "rows"])
def test_non_frames_are_refused(model, bad):
    with pytest.raises(DataError, match="expected a pandas DataFrame"):
        model.predict(bad)


def test_unseen_categories_and_out_of_range_values_pass_and_are_counted(pipeline, data, tmp_path):
    X, y = data
    artifact = Packager(name="plans", version="1.0.0").package(pipeline, X, y, path=tmp_path)
    fresh = mlkit.load(artifact.path)
    rows = X.iloc[:4].assign(
        city=["Atlantis", "El Dorado", X["city"].iloc[0], None],
        monthly_charges=[1e9, -1e9, X["monthly_charges"].median(), np.nan],
    )
    predictions = fresh.predict(rows)
    assert predictions.notna().all()
    counts = fresh.input_counts()
    assert counts.loc["city", "unseen_category"] == 2
    assert counts.loc["monthly_charges", "out_of_range"] == 2
    assert counts.loc["age", "out_of_range"] == 0
    assert (counts["rows"] == 4).all()
    big = pd.concat([rows] * 30, ignore_index=True)  # past the small-frame path
    fresh.predict(big)
    assert fresh.input_counts().loc["city", "unseen_category"] == 2 + 60


def test_empty_frame_gives_empty_outputs(model, data):
    X, _ = data
    assert model.predict(X.iloc[:0]).empty
    assert model.predict_proba(X.iloc[:0]).shape == (0, 3)


def test_regression_model_predicts_numbers_and_has_no_probabilities(regressor):
    model, fitted, X = regressor
    np.testing.assert_allclose(model.predict(X).to_numpy(), fitted.predict(X))
    assert model.predict(X).name == "next_year_spend"
    assert model.classes is None
    assert model.predict(X.iloc[:0]).dtype == np.float64
    with pytest.raises(ConfigurationError, match="regression model without probabilities"):
        model.predict_proba(X)


# scikit-learn's Parallel captures warnings.filters per call, which races between threads
# (scikit-learn#32631): the warning it then raises is noise, the results are checked below.
@pytest.mark.filterwarnings("ignore:`sklearn.utils.parallel.delayed` should be used:UserWarning")
def test_eight_threads_give_exactly_the_serial_results(model, data):
    X, _ = data
    batches = [X.iloc[i * 50 : (i + 1) * 50] for i in range(16)] + [X.iloc[[i]] for i in range(16)]
    serial = [model.predict_proba(batch) for batch in batches]
    results: list = [None] * 8
    start = threading.Barrier(8)

    def work(worker):
        start.wait()
        results[worker] = [model.predict_proba(batch) for batch in batches]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for outputs in results:
        for got, want in zip(outputs, serial, strict=True):
            pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_self_test_passes_here_and_catches_a_runtime_that_computes_differently(model, monkeypatch):
    outcome = model.self_test()
    assert outcome.passed and outcome.rows == 24 and outcome.max_difference == 0.0
    assert outcome.raise_if_failed() is outcome
    assert outcome.to_dict()["passed"] is True
    assert "passed" in outcome._repr_html_()
    real = model.pipeline.predict_proba
    monkeypatch.setattr(
        model.pipeline, "predict_proba", lambda X: real(X) + np.linspace(0, 1e-3, 3)
    )
    drifted = model.self_test()
    assert not drifted.passed
    assert drifted.max_difference == pytest.approx(1e-3)
    assert len(drifted.mismatches) == 24
    assert "FAILED" in drifted._repr_html_()
    with pytest.raises(AssertionError, match="24 of 24 golden example"):
        drifted.raise_if_failed()
    assert model.self_test(tolerance=1e-2).passed
    with pytest.raises(ConfigurationError, match="tolerance"):
        model.self_test(tolerance=-1)


def test_self_test_compares_regression_values(regressor, monkeypatch):
    model, _, _ = regressor
    assert model.self_test().passed
    real = model.pipeline.predict
    monkeypatch.setattr(model.pipeline, "predict", lambda X: real(X) + 0.5)
    outcome = model.self_test()
    assert not outcome.passed and outcome.max_difference == pytest.approx(0.5)


def test_golden_examples_round_trip_with_their_dtypes(model, data):
    X, _ = data
    golden = model.golden_examples
    assert list(golden.columns) == list(X.columns)
    assert dict(golden.dtypes.astype(str)) == dict(X.dtypes.astype(str))
    assert len(golden) == 24
    assert golden["plan_change"].nunique() == 3 if "plan_change" in golden else True


_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.text(max_size=8),
    st.booleans(),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_values_give_predictions_or_one_data_error(model, data, draw):
    X, _ = data
    rows = X.iloc[:3].copy()
    for column in draw.draw(st.lists(st.sampled_from(list(X.columns)), max_size=4, unique=True)):
        rows[column] = pd.Series(
            draw.draw(st.lists(_VALUES, min_size=3, max_size=3)), index=rows.index, dtype=object
        )
    outcome = _predict_or_error(model, rows)
    if isinstance(outcome, DataError):
        assert outcome.failures
        assert set(outcome.reasons) <= {"uncoercible_value", "infinite_value"}
    else:
        assert list(outcome.index) == list(rows.index)
        assert set(outcome) <= {"downgrade", "none", "upgrade"}


def _predict_or_error(model, rows):
    try:
        return model.predict(rows)
    except DataError as error:
        return error


def _family_pipelines():
    for task, target in (("binary", "churned"), ("regression", "next_year_spend")):
        for family in families(task):
            yield pytest.param(task, target, family.name, id=f"{task}-{family.name}")
        yield pytest.param(task, target, "ensembles", id=f"{task}-ensembles")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(("task", "target", "family"), list(_family_pipelines()))
def test_every_model_family_packages_and_loads(task, target, family, tmp_path):
    df = make_churn(400, task=task, random_state=7)
    X, y = df.drop(columns=target), df[target]
    fams = families(task)
    if family == "ensembles":
        members = [(f.name, f.build(0, 1)) for f in fams[:3]]
        estimators = list(candidate_ensembles(members, task=task, random_state=0).values())
    else:
        estimators = [next(f for f in fams if f.name == family).build(0, 1)]
    for number, estimator in enumerate(estimators):
        fitted = make_pipeline(Cleaner(missing_indicator=True), FeatureBuilder(), estimator).fit(
            X, y
        )
        artifact = Packager(name="m", version=f"1.0.{number}").package(fitted, X, y, path=tmp_path)
        loaded = mlkit.load(artifact.path)
        np.testing.assert_array_equal(loaded.predict(X).to_numpy(), fitted.predict(X))
        assert loaded.self_test().passed


@pytest.mark.parametrize(
    "when",
    [
        pd.date_range("2020-01-01", periods=120, freq="7h"),
        pd.date_range("2020-01-01", periods=120, freq="7h").astype("datetime64[us]"),
        pd.date_range("2020-01-01", periods=120, freq="7h", tz="UTC"),
    ],
    ids=["naive-ns", "naive-us", "utc"],
)
def test_time_columns_in_any_unit_package_and_both_paths_agree(when, tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=120),
            "when": when,
            "took": pd.to_timedelta(np.arange(120), unit="h").astype("timedelta64[s]"),
        }
    )
    y = pd.Series((X["a"] > 0).astype(int), name="t")
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression()).fit(X, y)
    model = mlkit.load(
        Packager(name="m", version="1.0.0").package(fitted, X, y, path=tmp_path).path
    )
    pd.testing.assert_frame_equal(model._checker.check(X, subject="test"), model.validate(X))
    np.testing.assert_array_equal(model.predict(X).to_numpy(), fitted.predict(X))
    assert model.self_test().passed
    # Time always moves on: datetimes are not monitored; durations are numbers (seconds).
    assert "when" not in model.reference["columns"]
    assert model.reference["columns"]["took"]["kind"] == "number"
    assert model.monitor(X, y).drifted_features == ()


def test_repeated_extra_columns_are_ignored_but_repeated_inputs_are_not(model, data):
    X, _ = data
    rows = X.iloc[:5]
    extra = pd.concat([rows, pd.DataFrame({"zz": 1, "zz2": 2}, index=rows.index)], axis=1)
    extra.columns = [*rows.columns, "zz", "zz"]
    pd.testing.assert_series_equal(model.predict(extra), model.predict(rows))
    repeated = pd.concat([rows, rows[["age"]]], axis=1)
    with pytest.raises(DataError, match="repeated"):
        model.predict(repeated)


def test_golden_datetimes_of_mixed_precision_and_offsets_round_trip():
    from mlkit import _golden

    frame = pd.DataFrame(
        {
            "naive": pd.to_datetime(
                ["2024-01-01T00:00:00", "2024-01-02T03:04:05.123456"], format="ISO8601"
            ),
            "zoned": pd.to_datetime(["2024-03-30 12:00", "2024-04-02 12:00"]).tz_localize(
                "Europe/Paris"
            ),
        }
    )
    decoded = _golden.decode_frame(_golden.encode_frame(frame), subject="test")
    pd.testing.assert_frame_equal(decoded, frame, check_column_type=False)
