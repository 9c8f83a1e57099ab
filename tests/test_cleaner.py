"""Cleaner: rules learned in fit, applied unchanged in transform."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from mlkit import Cleaner
from mlkit.exceptions import ConfigurationError, DataError, NotFittedError


@pytest.fixture(scope="module")
def features(churn):
    return churn.drop(columns="churned")


@pytest.fixture(scope="module")
def fitted(features):
    return Cleaner().fit(features)


def test_churn_columns_are_dropped_repaired_and_filled(fitted, features):
    assert fitted.dropped_ == {
        "customer_id": "ID-like: (almost) every value is distinct",
        "country": "constant: at most one distinct value",
    }
    assert fitted.kinds_ == {
        "signup_date": "datetime",
        "age": "numeric",
        "income": "numeric",
        "tenure_months": "numeric",
        "monthly_charges": "numeric",
        "total_charges": "numeric",
        "contract": "categorical",
        "payment_method": "categorical",
        "city": "categorical",
        "paperless_billing": "boolean",
        "support_calls": "numeric",
        "avg_session_minutes": "numeric",
    }
    assert fitted.repairs_ == {
        "total_charges": "numbers stored as text; blanks read as missing",
        "contract": "case and whitespace normalised: 9 spellings became 3 categories",
        "paperless_billing": "yes/no words read as 1/0",
    }
    out = fitted.transform(features)
    assert not out.isna().any().any()
    assert sorted(out["contract"].unique()) == ["Month-to-month", "One year", "Two year"]
    assert set(out["paperless_billing"]) == {0.0, 1.0}
    assert out["total_charges"].dtype == np.float64
    assert out["signup_date"].dtype == np.dtype("datetime64[ns]")
    assert out["contract"].dtype == object
    assert out.index.equals(features.index)


def test_blank_charges_are_filled_with_the_training_median(fitted, features):
    blank = features["total_charges"].str.strip() == ""
    assert blank.any()
    numbers = pd.to_numeric(features["total_charges"], errors="coerce").dropna()
    out = fitted.transform(features)
    assert (out.loc[blank, "total_charges"] == numbers.median()).all()
    assert fitted.fill_values_["total_charges"] == numbers.median()


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("median", 3.0),
        ("mean", 14 / 4),
        ("most_frequent", 2.0),
        ("constant", 0.0),
    ],
)
def test_numeric_fill_strategies(strategy, expected):
    df = pd.DataFrame({"x": [2.0, 2.0, 4.0, 6.0, np.nan, np.nan]})
    cleaner = Cleaner(numeric_impute=strategy, outliers=None).fit(df)
    assert cleaner.fill_values_["x"] == expected
    assert cleaner.transform(df)["x"].tolist() == [2.0, 2.0, 4.0, 6.0, expected, expected]


@pytest.mark.parametrize(
    ("strategy", "fill_value", "expected"),
    [("most_frequent", None, "b"), ("constant", None, "missing"), ("constant", "n/a", "n/a")],
)
def test_categorical_fill_strategies(strategy, fill_value, expected):
    df = pd.DataFrame({"c": ["a", "b", "b", None]})
    cleaner = Cleaner(categorical_impute=strategy, fill_value=fill_value).fit(df)
    assert cleaner.transform(df)["c"].tolist() == ["a", "b", "b", expected]


def test_per_column_strategies_and_fill_values_override_the_defaults():
    df = pd.DataFrame({"a": [1.0, 2.0, 10.0, np.nan], "b": [1.0, 2.0, 11.0, np.nan]})
    cleaner = Cleaner(
        impute_per_column={"b": "constant"}, fill_value={"b": -1.0}, outliers=None
    ).fit(df)
    assert cleaner.fill_values_ == {"a": 2.0, "b": -1.0}


def test_booleans_and_datetimes_fill():
    df = pd.DataFrame(
        {
            "flag": pd.array([True, True, False, None], dtype="boolean"),
            "when": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-05", None]),
        }
    )
    out = Cleaner().fit_transform(df)
    assert out["flag"].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert out["when"].iloc[-1] == pd.Timestamp("2024-01-03")
    dated = Cleaner(impute_per_column={"when": "constant"}, fill_value="2020-02-02").fit(df)
    assert dated.transform(df)["when"].iloc[-1] == pd.Timestamp("2020-02-02")


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"impute_per_column": {"c": "median"}}, "Cannot fill column 'c' of kind categorical"),
        ({"impute_per_column": {"flag": "mean"}}, "Cannot fill column 'flag' of kind boolean"),
        ({"impute_per_column": {"when": "constant"}}, "must be a timestamp"),
        ({"impute_per_column": {"x": "constant"}, "fill_value": "zero"}, "a finite number"),
        ({"impute_per_column": {"flag": "constant"}, "fill_value": 3}, "takes 0, 1, True"),
    ],
)
def test_a_strategy_that_does_not_fit_the_column_is_a_configuration_error(overrides, match):
    df = pd.DataFrame(
        {
            "c": ["a", "b"] * 5,
            "flag": [True, False] * 5,
            "when": pd.date_range("2024-01-01", periods=10),
            "x": np.arange(10.0),
        }
    )
    with pytest.raises(ConfigurationError, match=match):
        Cleaner(**overrides).fit(df)


def test_missing_indicators_for_every_column_with_missing_values_or_the_named_ones():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 5.0]})
    everywhere = Cleaner(missing_indicator=True).fit(df)
    assert everywhere.indicators_ == ["a"]
    out = everywhere.transform(df)
    assert list(out.columns) == ["a", "a_was_missing", "b"]
    assert out["a_was_missing"].tolist() == [0.0, 1.0, 0.0, 0.0]
    named = Cleaner(missing_indicator=["b"]).fit(df)
    assert list(named.get_feature_names_out()) == ["a", "b", "b_was_missing"]
    assert named.transform(df.assign(b=np.nan))["b_was_missing"].tolist() == [1.0] * 4


def test_an_indicator_name_that_exists_is_refused():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0], "a_was_missing": [0.0, 1.0, 0.0]})
    with pytest.raises(ConfigurationError, match="already exist"):
        Cleaner(missing_indicator=True, drop_duplicates=False).fit(df)


@pytest.fixture
def spread():
    rng = np.random.default_rng(0)
    values = rng.normal(50, 10, 1_000)
    values[:5] = [500, -400, 1_000, 250, -300]
    return pd.DataFrame({"x": values})


@pytest.mark.parametrize("rule", ["iqr", "zscore", "quantile"])
def test_outlier_fences_follow_their_rule_and_count_what_they_clip(spread, rule):
    x = spread["x"].to_numpy()
    q1, q3 = np.quantile(x, [0.25, 0.75])
    expected = {
        "iqr": (q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1)),
        "zscore": (x.mean() - 4 * x.std(), x.mean() + 4 * x.std()),
        "quantile": tuple(np.quantile(x, [0.01, 0.99])),
    }[rule]
    cleaner = Cleaner(outliers=rule).fit(spread)
    np.testing.assert_allclose(cleaner.fences_["x"], expected)
    low, high = expected
    assert cleaner.n_clipped_["x"] == int(((x < low) | (x > high)).sum())
    out = cleaner.transform(spread)["x"]
    assert out.min() >= low - 1e-9
    assert out.max() <= high + 1e-9
    assert cleaner.transform(pd.DataFrame({"x": [1e9]}))["x"].iloc[0] == pytest.approx(high)


def test_outliers_can_be_switched_off_per_column(spread):
    df = spread.assign(y=spread["x"])
    cleaner = Cleaner(outliers_per_column={"y": None}, drop_duplicates=False).fit(df)
    assert list(cleaner.fences_) == ["x"]
    assert cleaner.transform(df)["y"].max() == 1_000
    only_y = Cleaner(outliers=None, outliers_per_column={"y": "iqr"}, drop_duplicates=False)
    assert list(only_y.fit(df).fences_) == ["y"]


def test_uninformative_columns_are_dropped_with_their_reason():
    n = 1_000
    rng = np.random.default_rng(1)
    base = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "useful": base,
            "copy": base.copy(),
            "mostly_missing": np.where(np.arange(n) < 990, np.nan, np.arange(n) % 2),
            "almost_constant": np.where(np.arange(n) < 998, 0.0, 1.0),
            "row_number": np.arange(n),
            "unwanted": rng.normal(size=n),
        }
    )
    cleaner = Cleaner(drop=["unwanted"]).fit(df)
    assert cleaner.dropped_ == {
        "copy": "duplicate of column 'useful'",
        "mostly_missing": "missing values: 99.0% of rows (max_missing=0.95)",
        "almost_constant": "near-constant: one value covers 99.80% of values "
        "(near_constant=0.995)",
        "row_number": "ID-like: (almost) every value is distinct",
        "unwanted": "named in drop",
    }
    assert list(cleaner.get_feature_names_out()) == ["useful"]
    relaxed = Cleaner(drop_ids=False, drop_duplicates=False, max_missing=1.0, near_constant=1.0)
    assert relaxed.fit(df).dropped_ == {}


def test_every_column_dropped_is_a_data_error_that_lists_why():
    df = pd.DataFrame({"a": [1, 1, 1], "b": [None, None, None]})
    with pytest.raises(DataError, match=r"every column was dropped: 'a' \(constant") as caught:
        Cleaner().fit(df)
    assert caught.value.reasons == ("no_usable_column",)


def test_type_repairs():
    n = 60
    df = pd.DataFrame(
        {
            "numbers": [f" {i}.5 " for i in range(n - 2)] + ["n/a", ""],
            "objects": pd.Series(list(range(n)), dtype=object) * 1.5,
            "answers": ["YES", "no ", "Yes", "No"] * (n // 4),
            "dates": ["2024-01-0" + str(1 + i % 9) for i in range(n)],
            "labels": ["  North  America", "north america", "South"] * (n // 3),
        }
    )
    cleaner = Cleaner(drop_ids=False).fit(df)
    assert cleaner.kinds_ == {
        "numbers": "numeric",
        "objects": "numeric",
        "answers": "boolean",
        "dates": "datetime",
        "labels": "categorical",
    }
    assert cleaner.repairs_["numbers"] == "numbers stored as text; blanks, 'n/a' read as missing"
    out = cleaner.transform(df)
    assert out["numbers"].iloc[0] == 0.5
    assert out["answers"].tolist()[:4] == [1.0, 0.0, 1.0, 0.0]
    assert out["dates"].iloc[0] == pd.Timestamp("2024-01-01")
    assert set(out["labels"]) == {"North America", "South"}
    kept = Cleaner(repair_types=False, drop_ids=False).fit(df)
    assert kept.kinds_["numbers"] == "categorical"
    assert kept.repairs_ == {}
    assert set(kept.transform(df)["labels"]) == {"  North  America", "north america", "South"}


def test_unseen_spellings_and_categories_pass_through_tidied(fitted, features):
    row = features.iloc[:2].copy()
    row["contract"] = ["  TWO   year ", "Lifetime  deal"]
    out = fitted.transform(row)
    assert out["contract"].tolist() == ["Two year", "Lifetime deal"]


def test_prediction_time_frames_are_matched_by_name(fitted, features):
    expected = fitted.transform(features.iloc[:50])
    shuffled = features.iloc[:50, ::-1].assign(extra=1).drop(columns=["customer_id", "country"])
    pd.testing.assert_frame_equal(fitted.transform(shuffled), expected)


def test_a_column_all_missing_at_prediction_time_is_filled(fitted, features):
    batch = features.iloc[:20].assign(income=np.nan, contract=None, signup_date=pd.NaT)
    out = fitted.transform(batch)
    assert (out["income"] == fitted.fill_values_["income"]).all()
    assert (out["contract"] == fitted.fill_values_["contract"]).all()
    assert (out["signup_date"] == pd.Timestamp(fitted.fill_values_["signup_date"])).all()


def test_missing_columns_are_named_in_one_error(fitted, features):
    with pytest.raises(DataError, match="'income': column is missing") as caught:
        fitted.transform(features.drop(columns=["income", "city"]))
    assert caught.value.columns == ("income", "city")
    assert caught.value.reasons == ("missing_column",)


def test_missing_columns_and_unreadable_values_are_reported_together(fitted, features):
    batch = features.iloc[:3].drop(columns="income").assign(age=["forty", 30, 31])
    with pytest.raises(DataError) as caught:
        fitted.transform(batch)
    assert caught.value.columns == ("income", "age")
    assert caught.value.reasons == ("missing_column", "uncoercible_value")


def test_unreadable_values_at_prediction_time_are_refused_not_guessed(fitted, features):
    batch = features.iloc[:3].copy()
    batch["age"] = ["forty", 30, 31]
    batch["paperless_billing"] = ["maybe", "Yes", "No"]
    batch["total_charges"] = ["lots", "1.0", " "]
    batch["signup_date"] = ["not a date", "2024-01-01", None]
    with pytest.raises(DataError) as caught:
        fitted.transform(batch)
    assert caught.value.columns == ("signup_date", "age", "total_charges", "paperless_billing")
    assert set(caught.value.reasons) == {"uncoercible_value"}
    assert "'forty'" in str(caught.value)


@pytest.mark.parametrize("where", ["fit", "transform"])
def test_infinite_values_are_refused(where):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    bad = pd.DataFrame({"x": [1.0, np.inf, -np.inf, 4.0]})
    act = Cleaner().fit if where == "fit" else Cleaner().fit(df).transform
    with pytest.raises(DataError, match="2 infinite value") as caught:
        act(bad)
    assert caught.value.reasons == ("infinite_value",)


def test_nothing_learned_from_the_test_set(features):
    train, test = features.iloc[:2000], features.iloc[2000:].copy()
    test["income"] = test["income"] * 100  # a very different test set
    cleaner = Cleaner().fit(train)
    before = (cleaner.fill_values_.copy(), cleaner.fences_.copy())
    out = cleaner.transform(test)
    assert (cleaner.fill_values_, cleaner.fences_) == before
    assert out["income"].max() == pytest.approx(cleaner.fences_["income"][1])
    train_income = pd.to_numeric(train["income"]).dropna()
    assert cleaner.fill_values_["income"] == train_income.median()


def test_rows_are_cleaned_independently(fitted, features):
    whole = fitted.transform(features)
    part = fitted.transform(features.iloc[100:110])
    pd.testing.assert_frame_equal(part, whole.iloc[100:110])


def test_arrays_work_with_scikit_learn_names():
    X = np.column_stack([np.arange(10.0), np.arange(10.0) ** 2])
    cleaner = Cleaner(drop_ids=False).fit(X)
    assert list(cleaner.get_feature_names_out()) == ["x0", "x1"]
    assert list(cleaner.get_feature_names_out(["a", "b"])) == ["a", "b"]
    assert not hasattr(cleaner, "feature_names_in_")
    with pytest.raises(DataError, match="X has 3 features, but Cleaner is expecting 2"):
        cleaner.transform(np.zeros((2, 3)))
    named = pd.DataFrame(X, columns=["p", "q"])
    np.testing.assert_array_equal(cleaner.transform(named).to_numpy(), X)
    with pytest.raises(DataError, match="fitted on a DataFrame"):
        Cleaner().fit(named).transform(X)


def test_set_output_clone_and_report(fitted, features):
    pandas_out = clone(fitted).set_output(transform="pandas").fit_transform(features)
    assert list(pandas_out.columns) == list(fitted.get_feature_names_out())
    report = fitted.report()
    assert list(report.columns) == [
        "column",
        "action",
        "kind",
        "reason",
        "repair",
        "fill_value",
        "fences",
        "n_clipped",
    ]
    assert report.set_index("column").loc["country", "action"] == "drop"
    assert report.set_index("column").loc["income", "n_clipped"] >= 0
    assert str(report["n_clipped"].dtype) == "Int64"


def test_unfitted_use_says_to_fit_first():
    with pytest.raises(NotFittedError, match=r"call Cleaner.fit with training data"):
        Cleaner().transform(pd.DataFrame({"a": [1]}))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"drop": "customer_id"}, "The 'drop' parameter of Cleaner must be a list"),
        ({"max_missing": 1.5}, "The 'max_missing' parameter of Cleaner must be a float in"),
        ({"near_constant": 0}, "The 'near_constant' parameter"),
        ({"numeric_impute": "zero"}, "The 'numeric_impute' parameter of Cleaner must be one of"),
        ({"categorical_impute": "median"}, "The 'categorical_impute' parameter"),
        ({"impute_per_column": {"age": "zero"}}, "The 'impute_per_column' parameter"),
        ({"missing_indicator": "age"}, "The 'missing_indicator' parameter"),
        ({"outliers": "mad"}, "The 'outliers' parameter"),
        ({"outliers_per_column": ["age"]}, "The 'outliers_per_column' parameter"),
        ({"iqr_factor": 0}, "The 'iqr_factor' parameter"),
        ({"quantile_range": (0.9, 0.1)}, "The 'quantile_range' parameter of Cleaner must be a"),
        ({"repair_types": 1}, "The 'repair_types' parameter of Cleaner must be a bool"),
        ({"drop": ["nope"]}, "The 'drop' parameter of Cleaner names columns that are not"),
        ({"fill_value": {"nope": 1}}, "The 'fill_value' parameter of Cleaner names columns"),
    ],
)
def test_bad_parameters_are_reported_when_fit_starts(features, params, match):
    cleaner = Cleaner(**params)  # construction never fails: scikit-learn's convention
    with pytest.raises(ConfigurationError, match=match):
        cleaner.fit(features)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (pd.DataFrame({"a": [1.0]}), "too_few_rows"),
        (pd.DataFrame(index=range(3)), "no_columns"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "duplicate_column_names"),
        (pd.DataFrame({0: [1.0, 2.0]}), "non_string_column_names"),
        (np.zeros(3), "not_two_dimensional"),
        (pd.DataFrame({"z": [1j, 2j]}), "unsupported_dtype"),
    ],
)
def test_unusable_frames_are_data_errors(bad, reason):
    with pytest.raises(DataError) as caught:
        Cleaner().fit(bad)
    assert caught.value.reasons == (reason,)


def test_sparse_input_is_refused_with_advice():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(DataError, match=r"densify the matrix with .toarray\(\)"):
        Cleaner().fit(sparse.csr_matrix(np.eye(3)))


def test_datetimes_outside_the_nanosecond_range_are_refused():
    df = pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-09-01"])})
    cleaner = Cleaner().fit(df)
    old = pd.DataFrame({"when": pd.Series(["1500-01-01", "2024-01-01"], dtype="datetime64[s]")})
    with pytest.raises(DataError, match="cannot be read as datetime") as caught:
        cleaner.transform(old)
    assert caught.value.reasons == ("uncoercible_value",)
    with pytest.raises(DataError, match="numbers"):
        cleaner.transform(pd.DataFrame({"when": [1.0, 2.0]}))


def test_time_zones_become_naive_utc():
    stamps = pd.to_datetime(["2024-01-01 12:00", "2024-01-02 12:00", None]).tz_localize(
        "Europe/Paris"
    )
    out = Cleaner().fit_transform(pd.DataFrame({"when": stamps}))
    assert out["when"].iloc[0] == pd.Timestamp("2024-01-01 11:00")


def test_durations_become_seconds():
    df = pd.DataFrame({"wait": pd.to_timedelta([1, 2, 3, None], unit="min")})
    cleaner = Cleaner().fit(df)
    assert cleaner.repairs_ == {"wait": "durations read as seconds"}
    assert cleaner.transform(df)["wait"].tolist() == [60.0, 120.0, 180.0, 120.0]


def test_a_fill_value_is_never_beyond_the_fences():
    values = np.r_[np.linspace(0, 10, 199), 1e9, np.nan]
    cleaner = Cleaner(numeric_impute="mean", outliers="quantile").fit(pd.DataFrame({"v": values}))
    low, high = cleaner.fences_["v"]
    assert low <= cleaner.fill_values_["v"] <= high


@pytest.mark.parametrize("params", [{"outliers": "zscore"}, {"numeric_impute": "mean"}])
def test_huge_values_do_not_overflow_into_missing_values(params):
    df = pd.DataFrame({"a": [1e308, 1e308, np.nan, 1.0, 2.0, 3.0, -1e308]})
    out = Cleaner(**params).fit_transform(df)
    assert np.isfinite(out["a"]).all()


def test_dates_outside_the_nanosecond_range_are_refused_in_fit_too():
    df = pd.DataFrame(
        {"when": pd.Series(["2024-01-01", "3000-01-01", "2024-02-01"], dtype="datetime64[s]")}
    )
    with pytest.raises(DataError, match="cannot be read as datetime"):
        Cleaner().fit(df)


def test_columns_named_in_drop_are_not_read():
    df = pd.DataFrame({"raw": [1.0, np.inf, 2.0], "z": [1j, 2j, 3j], "x": [1.0, 2.0, 3.0]})
    assert list(Cleaner(drop=["raw", "z"]).fit_transform(df).columns) == ["x"]


def test_a_boolean_column_refuses_numbers_other_than_0_and_1(fitted, features):
    batch = features.iloc[:3].assign(paperless_billing=[1, 0, 5])
    with pytest.raises(DataError, match="cannot be read as boolean") as caught:
        fitted.transform(batch)
    assert caught.value.columns == ("paperless_billing",)


@pytest.mark.parametrize(
    "ids",
    [
        np.arange(200),
        np.r_[np.arange(199.0), np.nan],
        [str(i) for i in range(1000, 1200)],
        pd.Series(list(range(200)), dtype=object),
    ],
    ids=["int64", "float-with-gap", "digit-text", "python-ints"],
)
def test_id_columns_are_dropped_whatever_their_storage(ids):
    df = pd.DataFrame({"customer": ids, "x": np.random.default_rng(0).normal(size=200)})
    assert "customer" in Cleaner().fit(df).dropped_


def test_changing_parameters_after_fit_does_not_change_transform():
    df = pd.DataFrame({"c": [" Zed  x", "a", "b"] * 10})
    cleaner = Cleaner().fit(df)
    before = cleaner.transform(df)
    cleaner.set_params(repair_types=False)
    pd.testing.assert_frame_equal(cleaner.transform(df), before)
