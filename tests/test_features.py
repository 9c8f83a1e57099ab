"""FeatureBuilder: each treatment, the defaults, and what it learns from training only."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from mlkit import Cleaner, FeatureBuilder
from mlkit.datasets import make_churn
from mlkit.exceptions import ConfigurationError, DataError, NotFittedError

SKLEARN = tuple(int(part) for part in sklearn.__version__.split(".")[:2])


@pytest.fixture(scope="module")
def cleaned(churn):
    return Cleaner().fit_transform(churn.drop(columns="churned")), churn["churned"]


def test_defaults_build_finite_numeric_features_from_cleaner_output(cleaned):
    X, y = cleaned
    builder = FeatureBuilder().fit(X, y)
    built = builder.transform(X)
    names = list(builder.get_feature_names_out())
    assert built.shape == (len(X), len(names))
    assert np.isfinite(built).all()
    assert builder.column_steps_["city"] == "categorical → target"
    assert builder.column_steps_["contract"] == "categorical → onehot"
    assert builder.column_steps_["income"] == "numeric → standard"
    assert "signup_date" not in names
    assert {"signup_date_month_sin", "contract_Two year", "city"} <= set(names)
    assert builder.selected_features_ == names
    assert builder.feature_scores_ == {}


def test_without_a_target_many_categories_are_one_hot_encoded_with_rare_ones_grouped(cleaned):
    X, _ = cleaned
    builder = FeatureBuilder(max_onehot=5).fit(X)
    assert builder.column_steps_["city"] == "categorical → onehot (rare grouped)"
    city = [name for name in builder.get_feature_names_out() if name.startswith("city_")]
    assert len(city) == 5
    assert "city_infrequent_sklearn" in city


def test_the_default_pipeline_learns_something(churn):
    X, y = churn.drop(columns="churned"), churn["churned"]
    pipeline = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=2_000))
    scores = cross_val_score(pipeline, X, y, cv=3, scoring="roc_auc")
    assert scores.mean() > 0.7


@pytest.mark.parametrize(
    ("scaler", "check"),
    [
        ("standard", lambda v: np.allclose([v.mean(), v.std()], [0, 1])),
        ("minmax", lambda v: np.allclose([v.min(), v.max()], [0, 1])),
        ("robust", lambda v: np.isclose(np.median(v), 0)),
        (None, lambda v: np.allclose(v, np.arange(1.0, 101.0) ** 2)),
    ],
)
def test_scalers(scaler, check):
    df = pd.DataFrame({"x": np.arange(1.0, 101.0) ** 2})
    built = FeatureBuilder(scale=scaler).fit_transform(df)[:, 0]
    assert check(built)


def test_scale_per_column_overrides_the_default():
    df = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0)})
    builder = FeatureBuilder(scale_per_column={"b": "minmax"}).fit(df)
    built = builder.transform(df)
    assert builder.column_steps_ == {"a": "numeric → standard", "b": "numeric → minmax"}
    assert built[:, 1].max() == 1.0


@pytest.fixture
def plans():
    return pd.DataFrame({"plan": ["basic", "pro", "basic", "team"] * 5, "x": np.arange(20.0)})


@pytest.mark.parametrize(
    ("encoding", "unseen_row"),
    [("onehot", [0.0, 0.0, 0.0]), ("ordinal", [-1.0])],
)
def test_unseen_categories_are_ignored_at_prediction_time(plans, encoding, unseen_row):
    builder = FeatureBuilder(encode=encoding).fit(plans)
    built = builder.transform(pd.DataFrame({"plan": ["enterprise"], "x": [3.0]}))
    assert builder.column_steps_["plan"] == f"categorical → {encoding}"
    assert list(builder.get_feature_names_out())[-1] == "x"
    assert list(built[0, :-1]) == unseen_row


def test_target_encoding_is_cross_fitted(plans):
    y = np.random.default_rng(0).integers(0, 2, 20)
    builder = FeatureBuilder(encode_per_column={"plan": "target"})
    train_features = builder.fit_transform(plans, y)
    refitted = builder.transform(plans)
    assert list(builder.get_feature_names_out()) == ["plan", "x"]
    assert not np.allclose(train_features[:, 0], refitted[:, 0])  # fit_transform cross-fits
    with pytest.raises(ConfigurationError, match=r"needs y: call FeatureBuilder.fit\(X, y\)"):
        FeatureBuilder(encode="target").fit(plans)


def test_target_encoding_pulls_rare_categories_toward_the_overall_mean():
    df = pd.DataFrame({"c": ["rare"] * 3 + ["common"] * 97})
    y = np.r_[[0, 0, 0], np.zeros(10), np.ones(87)]  # the rare category never has the label
    builder = FeatureBuilder(encode="target").fit(df, y)
    rare = builder.transform(pd.DataFrame({"c": ["rare"]}))[0, 0]
    assert rare == pytest.approx((3 * 0 + 10 * y.mean()) / (3 + 10))
    auto = FeatureBuilder(encode="target", target_smoothing="auto").fit(df, y)
    assert auto.transform(pd.DataFrame({"c": ["rare"]}))[0, 0] == 0.0


def test_column_steps_describe_inputs_and_derived_columns(cleaned):
    X, y = cleaned
    builder = FeatureBuilder(
        transform_per_column={"income": "log"},
        ratios=[("total_charges", "tenure_months")],
        group_aggregates=[("city", "monthly_charges", "mean")],
    ).fit(X, y)
    steps = builder.column_steps_
    assert list(steps)[: X.shape[1]] == list(X.columns)
    assert steps["signup_date"] == (
        "datetime → year, month, day_of_week, hour with sine/cosine → standard"
    )
    assert steps["income"] == "numeric → log → standard"
    assert steps["total_charges_per_tenure_months"] == (
        "ratio total_charges / tenure_months → standard"
    )
    assert steps["mean_monthly_charges_by_city"] == (
        "mean of monthly_charges within each city → standard"
    )


def test_clashing_output_names_are_made_unique():
    df = pd.DataFrame({"a_b": ["c", "d", "c"], "a": ["b_c", "b_c", "e"]})
    names = list(FeatureBuilder().fit(df).get_feature_names_out())
    assert names == ["a_b_c", "a_b_d", "a_b_c_2", "a_e"]


def test_multiclass_target_encoding_gives_one_column_per_class():
    df = make_churn(1_500, task="multiclass", random_state=1)
    X = Cleaner().fit_transform(df.drop(columns="plan_change"))
    builder = FeatureBuilder().fit(X, df["plan_change"])
    city = [n for n in builder.get_feature_names_out() if n.startswith("city")]
    assert len(city) == df["plan_change"].nunique()


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("log", np.sign([-3.0, 0.0, 8.0]) * np.log1p([3.0, 0.0, 8.0])),
        ("sqrt", [-np.sqrt(3.0), 0.0, np.sqrt(8.0)]),
        ("square", [9.0, 0.0, 64.0]),
    ],
)
def test_simple_transformations(method, expected):
    df = pd.DataFrame({"x": [-3.0, 0.0, 8.0]})
    builder = FeatureBuilder(transform_per_column={"x": method}, scale=None).fit(df)
    np.testing.assert_allclose(builder.transform(df)[:, 0], expected)
    assert builder.column_steps_["x"] == f"numeric → {method}"


@pytest.mark.parametrize("method", ["yeo-johnson", "box-cox"])
def test_power_transforms_reduce_skew(method):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.lognormal(0, 1, 2_000)})
    built = FeatureBuilder(transform_per_column={"x": method}, scale=None).fit_transform(df)
    assert abs(pd.Series(built[:, 0]).skew()) < 0.2 < df["x"].skew()


def test_box_cox_refuses_values_that_are_not_positive():
    df = pd.DataFrame({"x": [0.0, 1.0, 2.0]})
    with pytest.raises(DataError, match="Box-Cox needs values above zero") as caught:
        FeatureBuilder(transform_per_column={"x": "box-cox"}).fit(df)
    assert caught.value.reasons == ("not_positive",)


@pytest.mark.parametrize("strategy", ["uniform", "quantile", "kmeans"])
def test_discretised_columns_become_bin_numbers(strategy):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500)})
    builder = FeatureBuilder(discretise_per_column={"x": strategy}, n_bins=4).fit(df)
    built = builder.transform(df)
    index = list(builder.get_feature_names_out()).index("x")
    assert set(np.unique(built[:, index])) <= {0.0, 1.0, 2.0, 3.0}
    assert builder.column_steps_["x"] == f"numeric → {strategy} bins"
    if strategy == "quantile":
        assert np.bincount(built[:, index].astype(int)).min() >= 120


def test_binning_refuses_missing_values():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0]})
    with pytest.raises(DataError, match="binning needs complete values"):
        FeatureBuilder(discretise_per_column={"x": "uniform"}).fit(df)


def test_datetime_parts_and_cyclical_encodings():
    stamps = pd.to_datetime(["2024-01-15 06:00", "2024-07-01 18:30", "2024-12-31 23:59"])
    df = pd.DataFrame({"when": stamps})
    builder = FeatureBuilder(datetime_parts=("month", "hour"), scale=None).fit(df)
    names = list(builder.get_feature_names_out())
    assert names == [
        "when_month",
        "when_hour",
        "when_month_sin",
        "when_month_cos",
        "when_hour_sin",
        "when_hour_cos",
    ]
    built = builder.transform(df)
    assert built[:, 0].tolist() == [1.0, 7.0, 12.0]
    np.testing.assert_allclose(built[:, 4], np.sin(2 * np.pi * np.array([6, 18, 23]) / 24))
    plain = FeatureBuilder(datetime_parts=("year",), cyclical=False).fit(df)
    assert list(plain.get_feature_names_out()) == ["when_year"]


def test_pca_groups_replace_their_columns_with_components():
    rng = np.random.default_rng(0)
    base = rng.normal(size=300)
    df = pd.DataFrame(
        {
            "a": base,
            "b": base * 2 + rng.normal(scale=0.01, size=300),
            "c": -base,
            "other": rng.normal(size=300),
        }
    )
    builder = FeatureBuilder(pca_groups={"abc": ["a", "b", "c"]}, pca_components=0.99).fit(df)
    assert list(builder.get_feature_names_out()) == ["other", "abc_pc0"]
    assert builder.column_steps_["a"] == "PCA group 'abc'"
    two = FeatureBuilder(pca_groups={"abc": ["a", "b", "c"]}, pca_components=2).fit(df)
    assert list(two.get_feature_names_out()) == ["other", "abc_pc0", "abc_pc1"]


def test_ratios_differences_and_group_aggregates_are_learned_in_fit():
    train = pd.DataFrame(
        {
            "spend": [10.0, 20.0, 30.0, 40.0],
            "months": [1.0, 2.0, 0.0, 4.0],
            "customer": ["a", "a", "b", "b"],
        }
    )
    builder = FeatureBuilder(
        ratios=[("spend", "months")],
        differences=[("spend", "months")],
        group_aggregates=[("customer", "spend", "mean"), ("customer", "spend", "count")],
        scale=None,
        encode="ordinal",
    ).fit(train)
    names = list(builder.get_feature_names_out())
    assert names[:5] == [
        "spend",
        "months",
        "spend_per_months",
        "spend_minus_months",
        "mean_spend_by_customer",
    ]
    later = pd.DataFrame({"spend": [50.0, 8.0], "months": [0.0, 2.0], "customer": ["b", "new"]})
    built = pd.DataFrame(builder.transform(later), columns=names)
    assert built["spend_per_months"].tolist() == [10.0, 4.0]  # 0 months: the training median
    assert built["spend_minus_months"].tolist() == [50.0, 6.0]
    assert built["mean_spend_by_customer"].tolist() == [35.0, 25.0]  # unseen: overall mean
    assert built["count_spend_by_customer"].tolist() == [2.0, 4.0]


@pytest.mark.parametrize("method", ["variance", "mutual_info", "f_test", "model"])
def test_feature_selection_reports_scores_and_what_it_kept(cleaned, method):
    X, y = cleaned
    builder = FeatureBuilder(select=method, select_k=8).fit(X, y)
    built = builder.transform(X)
    assert built.shape[1] == len(builder.selected_features_)
    assert list(builder.get_feature_names_out()) == builder.selected_features_
    assert set(builder.selected_features_) <= set(builder.feature_scores_)
    if method != "variance":
        assert len(builder.selected_features_) == 8
        best = sorted(builder.feature_scores_, key=builder.feature_scores_.get)[-8:]
        assert set(best) == set(builder.selected_features_)


def test_variance_selection_drops_constant_features():
    df = pd.DataFrame({"flat": [1.0] * 6, "x": np.arange(6.0)})
    builder = FeatureBuilder(select="variance", scale=None).fit(df)
    assert builder.selected_features_ == ["x"]
    assert builder.feature_scores_["flat"] == 0.0


def test_a_share_of_features_can_be_selected(cleaned):
    X, y = cleaned
    n_all = len(FeatureBuilder().fit(X, y).get_feature_names_out())
    builder = FeatureBuilder(select="f_test", select_k=0.25).fit(X, y)
    assert len(builder.selected_features_) == round(0.25 * n_all)


def test_supervised_selection_needs_a_target(cleaned):
    X, _ = cleaned
    with pytest.raises(ConfigurationError, match="select='model' needs y"):
        FeatureBuilder(select="model").fit(X)


def test_nothing_is_learned_from_the_test_set(cleaned):
    X, y = cleaned
    train, test = X.iloc[:2000], X.iloc[2000:].assign(income=lambda d: d["income"] * 10)
    builder = FeatureBuilder().fit(train, y.iloc[:2000])
    index = list(builder.get_feature_names_out()).index("income")
    built = builder.transform(test)[:, index]
    expected = (test["income"] - train["income"].mean()) / train["income"].std(ddof=0)
    np.testing.assert_allclose(built, expected)


def test_frames_are_matched_by_name_and_missing_columns_are_named(cleaned):
    X, y = cleaned
    builder = FeatureBuilder().fit(X, y)
    expected = builder.transform(X.iloc[:30])
    reordered = X.iloc[:30, ::-1].assign(extra="ignored")
    np.testing.assert_array_equal(builder.transform(reordered), expected)
    with pytest.raises(DataError, match="'income': column is missing") as caught:
        builder.transform(X.drop(columns=["income"]))
    assert caught.value.reasons == ("missing_column",)


def test_set_output_pandas_names_the_columns(cleaned):
    X, y = cleaned
    out = FeatureBuilder().set_output(transform="pandas").fit(X, y).transform(X.iloc[:5])
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(X.index[:5])
    assert "contract_One year" in out.columns


def test_clone_and_unfitted_use():
    builder = FeatureBuilder(ratios=[("a", "b")], select="f_test")
    assert clone(builder).get_params() == builder.get_params()
    with pytest.raises(NotFittedError, match="This FeatureBuilder is not fitted yet"):
        builder.transform(pd.DataFrame({"a": [1.0]}))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"scale": "zscore"}, "The 'scale' parameter of FeatureBuilder must be one of"),
        ({"encode": "hash"}, "The 'encode' parameter"),
        ({"max_onehot": 1}, "The 'max_onehot' parameter"),
        ({"target_smoothing": -1}, r"The 'target_smoothing' parameter .* or 'auto'"),
        ({"transform_per_column": {"income": "exp"}}, "The 'transform_per_column' parameter"),
        ({"discretise_per_column": {"income": "tree"}}, "The 'discretise_per_column'"),
        ({"n_bins": 1}, "The 'n_bins' parameter"),
        ({"datetime_parts": ("week",)}, "The 'datetime_parts' parameter"),
        ({"pca_groups": {"g": "income"}}, "The 'pca_groups' parameter"),
        ({"ratios": [("income",)]}, r"The 'ratios' parameter .* \(str, str\) tuples"),
        ({"group_aggregates": [("city", "income", "mode")]}, "with the last one of"),
        ({"select": "lasso"}, "The 'select' parameter"),
        ({"select_k": 0}, "The 'select_k' parameter"),
        ({"ratios": [("income", "nope")]}, "The 'ratios' parameter of FeatureBuilder names"),
        ({"pca_groups": {"g": ["nope"]}}, "The 'pca_groups' parameter of FeatureBuilder names"),
    ],
)
def test_bad_parameters_are_reported_when_fit_starts(cleaned, params, match):
    X, y = cleaned
    with pytest.raises(ConfigurationError, match=match):
        FeatureBuilder(**params).fit(X, y)


def test_derived_names_that_clash_are_refused():
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0], "a_per_b": [0.0, 1.0]})
    with pytest.raises(ConfigurationError, match=r"clash with existing columns: \['a_per_b'\]"):
        FeatureBuilder(ratios=[("a", "b")]).fit(df)


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ([1.0, np.inf, 2.0], "infinite_value"),
        ([1.0, 1e200, 2.0], "too_large"),
        ([np.nan, np.nan, np.nan], "no_values"),
    ],
)
def test_numbers_that_cannot_be_scaled_are_refused(column, reason):
    with pytest.raises(DataError) as caught:
        FeatureBuilder().fit(pd.DataFrame({"x": column}))
    assert caught.value.reasons == (reason,)


@pytest.mark.parametrize(
    ("y", "reason"),
    [([0, 1], "length_mismatch"), ([0, None, 1], "missing_target")],
)
def test_a_bad_target_is_refused(y, reason):
    with pytest.raises(DataError) as caught:
        FeatureBuilder().fit(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), y)
    assert caught.value.reasons == (reason,)


def test_mixed_labels_are_encoded_as_text():
    df = pd.DataFrame({"c": pd.Series(["a", 1, 2.5, None, "a"], dtype=object)})
    builder = FeatureBuilder().fit(df)
    assert list(builder.get_feature_names_out()) == ["c_1", "c_2.5", "c_a", "c_nan"]
    assert builder.transform(df).sum(axis=1).tolist() == [1.0] * 5


def test_an_integer_regression_target_is_target_encoded_as_continuous():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"city": rng.choice([f"c{i}" for i in range(40)], 300)})
    y = rng.integers(0, 100, 300)  # many whole numbers: regression, as the Profiler says
    names = list(FeatureBuilder().fit(df, y).get_feature_names_out())
    assert names == ["city"]


def test_rare_classes_do_not_break_target_encoding():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"city": rng.choice([f"c{i}" for i in range(40)], 300)})
    y = np.r_[np.zeros(297), [1, 1, 2]]  # two classes with fewer rows than folds
    if SKLEARN < (1, 9):  # folds can only be given as a count there: scikit-learn warns
        with pytest.warns(UserWarning, match="least populated class"):
            built = FeatureBuilder().fit_transform(df, y)
    else:
        built = FeatureBuilder().fit_transform(df, y)
    assert built.shape == (300, 3)


def test_target_encoding_needs_as_many_rows_as_folds():
    with pytest.raises(DataError, match="needs at least 5 rows") as caught:
        FeatureBuilder(encode="target").fit(pd.DataFrame({"c": list("abab")}), [0, 1, 0, 1])
    assert caught.value.reasons == ("too_few_rows",)


@pytest.mark.parametrize(
    ("labels_at_fit", "labels_later", "expected"),
    [
        (pd.Series(["a", None, "b", "a"], dtype=object), [np.nan], "c_nan"),
        (pd.Series(["a", np.nan, "b", "a"], dtype=object), [None], "c_nan"),
        (pd.Series(["a", pd.NA, "b", "a"], dtype="string"), [None], "c_nan"),
        (pd.Series([1, 2, "x", 1], dtype=object), [1.0], "c_1"),
    ],
)
def test_labels_are_read_the_same_way_whatever_their_storage(
    labels_at_fit, labels_later, expected
):
    builder = FeatureBuilder(encode="onehot").fit(pd.DataFrame({"c": labels_at_fit}))
    names = list(builder.get_feature_names_out())
    row = builder.transform(pd.DataFrame({"c": labels_later}))[0]
    assert names[int(np.argmax(row))] == expected
    assert row.sum() == 1.0


def test_group_keys_do_not_depend_on_storage():
    train = pd.DataFrame({"g": [0, 0, 1, 1], "v": [1.0, 3.0, 10.0, 20.0]})
    builder = FeatureBuilder(group_aggregates=[("g", "v", "mean")], scale=None).fit(train)
    later = pd.DataFrame({"g": [0.0, 1.0], "v": [5.0, 5.0]})
    built = builder.transform(later)
    assert built[:, -1].tolist() == [2.0, 15.0]


def test_ratio_fill_uses_finite_ratios_only():
    df = pd.DataFrame({"a": [1.0, 1, 1, 5, 6, 7], "b": [0.0, 0, 0, 0, 1, 2]})
    builder = FeatureBuilder(ratios=[("a", "b")], scale=None).fit(df)
    assert builder.transform(df)[:, -1].tolist() == [4.75, 4.75, 4.75, 4.75, 6.0, 3.5]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"ratios": [("plan", "x")]}, "The 'ratios' parameter of FeatureBuilder computes with"),
        ({"pca_groups": {"g": ["x", "when"]}}, "The 'pca_groups' parameter .* computes with"),
        ({"transform_per_column": {"plan": "log"}}, "The 'transform_per_column' parameter"),
        ({"scale_per_column": {"plan": "minmax"}}, "sets column 'plan', which holds labels"),
        ({"encode_per_column": {"x": "ordinal"}}, "sets column 'x', which holds numbers"),
        (
            {"pca_groups": {"g": ["x", "y"]}, "scale_per_column": {"x": "robust"}},
            "sets column 'x', which holds a PCA group",
        ),
        ({"pca_components": 1.5}, "The 'pca_components' parameter .* an int >= 1 or a float"),
        ({"select": "f_test", "select_k": 2.0}, "The 'select_k' parameter"),
    ],
)
def test_options_that_cannot_apply_are_refused(params, match):
    df = pd.DataFrame(
        {
            "x": np.arange(10.0),
            "y": np.arange(10.0) ** 2,
            "plan": list("abababcabc"),
            "when": pd.date_range("2024-01-01", periods=10),
        }
    )
    with pytest.raises(ConfigurationError, match=match):
        FeatureBuilder(**params).fit(df, np.arange(10) % 2)


def test_a_numpy_integer_select_k_is_a_count(cleaned):
    X, y = cleaned
    builder = FeatureBuilder(select="f_test", select_k=np.int64(3)).fit(X, y)
    assert len(builder.selected_features_) == 3


def test_pca_refuses_missing_values():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 5.0]})
    with pytest.raises(DataError, match="PCA needs complete values"):
        FeatureBuilder(pca_groups={"ab": ["a", "b"]}).fit(df)


def test_values_the_learned_steps_cannot_use_are_listed_in_one_error():
    rng = np.random.default_rng(0)
    train = pd.DataFrame(
        {
            "x": rng.normal(size=50),
            "binned": rng.normal(size=50),
            "positive": rng.uniform(1, 2, 50),
            "when": pd.date_range("2024-01-01", periods=50),
        }
    )
    builder = FeatureBuilder(
        discretise_per_column={"binned": "quantile"}, transform_per_column={"positive": "box-cox"}
    ).fit(train)
    later = pd.DataFrame(
        {
            "x": ["abc", "1", "2"],
            "binned": [np.nan, 0.0, 1.0],
            "positive": [-1.0, np.inf, 1.0],
            "when": ["2024-01-01", "x", None],
        }
    )
    with pytest.raises(DataError) as caught:
        builder.transform(later)
    pairs = {(f.column, f.reason) for f in caught.value.failures}
    assert pairs == {
        ("x", "uncoercible_value"),
        ("binned", "missing_value"),
        ("positive", "infinite_value"),
        ("positive", "not_positive"),
        ("when", "uncoercible_value"),
    }
    assert caught.value.columns == ("x", "binned", "positive", "when")


def test_missing_columns_and_empty_frames_at_prediction_time(cleaned):
    X, y = cleaned
    builder = FeatureBuilder().fit(X, y)
    assert builder.transform(X.iloc[:0]).shape == (0, len(builder.get_feature_names_out()))
    all_missing = X.iloc[:3].assign(signup_date=None, contract=np.nan)
    assert builder.transform(all_missing).shape[0] == 3


def test_a_two_column_target_is_refused():
    with pytest.raises(DataError, match="y must be one column") as caught:
        FeatureBuilder().fit(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), np.zeros((3, 2)))
    assert caught.value.reasons == ("not_one_column",)
