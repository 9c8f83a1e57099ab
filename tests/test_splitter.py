import json

import attrs
import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import RandomizedSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from mlkit import ConfigurationError, DataError, MlkitError, Split, Splitter
from mlkit.datasets import make_churn

FEATURES = ["age", "tenure_months", "monthly_charges", "support_calls"]
HOLD_OUT = {
    "random": {"strategy": "random"},
    "stratified": {"strategy": "stratified"},
    "group": {"strategy": "group", "group": "city"},
    "time": {"strategy": "time", "time": "signup_date"},
}


def check_hold_out(split: Split, df: pd.DataFrame) -> None:
    """Invariants every hold-out split keeps, whatever its strategy."""
    train, test = split.train_index, split.test_index
    assert train.dtype == test.dtype == np.int64
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(df)))
    assert split.n_train >= 1 and split.n_test >= 1
    pd.testing.assert_frame_equal(split.train, df.iloc[train])
    pd.testing.assert_frame_equal(split.test, df.iloc[test])
    assert split.strategy != "auto"
    column = split.settings["group"] or split.settings["time"]
    if split.strategy == "group":
        assert not set(split.train[column]) & set(split.test[column])
    if split.strategy == "time":
        times = (
            df[column].cat.codes
            if isinstance(df[column].dtype, pd.CategoricalDtype)
            else df[column]
        )
        assert times.iloc[train].max() < times.iloc[test].min()
    if split.strategy == "stratified":
        check_stratified_shares(split, df)


def check_stratified_shares(split: Split, df: pd.DataFrame) -> None:
    """Each class's test count is its proportional share of the test set, rounded."""
    n = len(df)
    for label, count in df[split.target].value_counts().items():
        expected = count * split.n_test / n
        assert abs(split.class_balance["test"][label][0] - expected) < 1, label


def check_folds(folds, n: int, n_splits: int, *, covering: bool) -> None:
    assert len(folds) == n_splits
    for train, test in folds:
        assert train.dtype == test.dtype == np.int64
        assert np.intersect1d(train, test).size == 0
        assert train.size and test.size
        assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
        if covering:
            assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
    if covering:
        assert np.array_equal(np.sort(np.concatenate([test for _, test in folds])), np.arange(n))


# --- hold-out splits -----------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(HOLD_OUT))
def test_hold_out_invariants_on_the_demo_table(churn, strategy):
    split = Splitter(**HOLD_OUT[strategy]).split(churn, target="churned")
    check_hold_out(split, churn)
    assert split.strategy == strategy
    assert split.test_share == pytest.approx(0.2, abs=0.02)
    assert split.X_train.columns.tolist() == [c for c in churn.columns if c != "churned"]
    pd.testing.assert_series_equal(split.y_test, churn["churned"].iloc[split.test_index])
    assert len(split.X_test) == len(split.y_test) == split.n_test
    assert len(split.X_train) == len(split.y_train) == split.n_train


def test_default_is_a_stratified_80_20_split_with_a_fixed_seed(churn):
    splitter = Splitter()
    assert (splitter.test_size, splitter.random_state, splitter.n_splits) == (0.2, 0, 5)
    split = splitter.split(churn, target="churned")
    assert (split.strategy, split.n_train, split.n_test) == ("stratified", 2400, 600)
    train, test = split.class_balance["train"], split.class_balance["test"]
    assert train[1][1] == pytest.approx(test[1][1], abs=0.01)
    assert train[0][0] + test[0][0] == (churn["churned"] == 0).sum()


@pytest.mark.parametrize(
    ("kwargs", "target", "expected"),
    [
        ({}, "churned", "stratified"),
        ({}, "next_year_spend", "random"),
        ({"group": "city"}, "churned", "group"),
        ({"time": "signup_date"}, "next_year_spend", "time"),
    ],
)
def test_auto_picks_the_strategy_the_configuration_and_target_imply(kwargs, target, expected):
    task = "regression" if target == "next_year_spend" else "binary"
    df = make_churn(500, task=task)
    assert Splitter(**kwargs).split(df, target=target).strategy == expected


def test_multiclass_stratification_keeps_every_share(churn):
    df = make_churn(1_000, task="multiclass")
    split = Splitter().split(df, target="plan_change")
    check_hold_out(split, df)
    assert split.task == "multiclass"
    assert list(split.class_balance["test"]) == df["plan_change"].value_counts().index.tolist()


def test_a_categorical_target_reports_only_the_classes_it_holds():
    df = pd.DataFrame({"y": pd.Categorical(["a", "b"] * 5, categories=["a", "b", "z"])})
    split = Splitter().split(df, target="y")
    assert split.class_balance["test"] == {"a": (1, 0.5), "b": (1, 0.5)}


def test_rounding_of_stratified_shares_on_a_small_frame():
    df = pd.DataFrame({"x": range(11), "y": list("aaaaabbbbcc")})
    split = Splitter(test_size=0.3).split(df, target="y")
    assert split.n_test == 4
    check_stratified_shares(split, df)
    assert sum(count for count, _ in split.class_balance["test"].values()) == 4


@pytest.mark.parametrize("strategy", ["random", "stratified"])
def test_same_seed_same_split_other_seed_other_split(churn, strategy):
    first = Splitter(strategy=strategy).split(churn, target="churned")
    again = Splitter(strategy=strategy).split(churn, target="churned")
    other = Splitter(strategy=strategy, random_state=1).split(churn, target="churned")
    assert np.array_equal(first.test_index, again.test_index)
    assert not np.array_equal(first.test_index, other.test_index)


def test_group_split_is_seeded_and_close_to_the_test_size(churn):
    first = Splitter(group="city").split(churn, target="churned")
    other = Splitter(group="city", random_state=7).split(churn, target="churned")
    assert not np.array_equal(first.test_index, other.test_index)
    assert abs(other.n_test - 600) <= churn["city"].value_counts().max()


def test_time_split_orders_by_the_column_not_by_the_rows(churn):
    shuffled = churn.sample(frac=1.0, random_state=3)
    split = Splitter(time="signup_date").split(shuffled, target="churned")
    check_hold_out(split, shuffled)
    latest = shuffled["signup_date"].sort_values().iloc[-split.n_test :]
    assert set(split.test.index) == set(latest.index)
    assert split.train.index.tolist() == shuffled.index[split.train_index].tolist()


def test_time_ties_at_the_boundary_stay_on_one_side():
    df = pd.DataFrame({"t": [1, 2, 2, 2, 2, 3, 3, 3, 4, 5], "y": range(10)})
    split = Splitter(time="t", test_size=0.4).split(df, target="y")
    assert sorted(split.test["t"]) == [4, 5] or sorted(split.test["t"]) == [3, 3, 3, 4, 5]
    assert split.train["t"].max() < split.test["t"].min()
    single_boundary = Splitter(time="t", test_size=0.8).split(df.head(5), target="y")
    assert single_boundary.test["t"].tolist() == [2, 2, 2, 2]


@pytest.mark.parametrize(
    "values",
    [
        pd.date_range("2024-01-01", periods=8, freq="D", tz="Europe/Paris"),
        pd.Categorical(list("abcdefgh"), categories=list("hgfedcba"), ordered=True),
        pd.period_range("2024-01", periods=8, freq="M"),
        pd.to_timedelta(range(8), unit="h"),
        [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5],
    ],
    ids=["tz-aware", "ordered-categorical", "period", "timedelta", "float"],
)
def test_time_columns_of_every_ordered_kind(values):
    df = pd.DataFrame({"t": values, "y": [0, 1] * 4})
    split = Splitter(time="t", test_size=0.25).split(df, target="y")
    check_hold_out(split, df)
    assert split.n_test == 2


def test_original_index_labels_are_kept():
    df = pd.DataFrame({"x": range(10), "y": [0, 1] * 5}, index=[f"r{i}" for i in range(10)])
    split = Splitter(strategy="random").split(df, target="y")
    assert split.test.index.tolist() == [f"r{i}" for i in split.test_index]


def test_regression_split_summarises_the_target():
    df = make_churn(400, task="regression")
    split = Splitter().split(df, target="next_year_spend")
    assert (split.task, split.class_balance) == ("regression", None)
    summary = split.target_summary["test"]
    assert summary["mean"] == pytest.approx(split.y_test.mean())
    assert summary["std"] == pytest.approx(split.y_test.std())
    assert (summary["min"], summary["max"]) == (split.y_test.min(), split.y_test.max())


def test_stratifying_a_regression_like_target_reports_balance_and_summary():
    df = pd.DataFrame({"x": range(60), "y": np.repeat(np.arange(12), 5).astype(float)})
    split = Splitter(strategy="stratified").split(df, target="y")
    assert split.task == "regression"
    assert split.class_balance is not None and split.target_summary is not None
    assert all(count == 1 for count, _ in split.class_balance["test"].values())


# --- hold-out errors -----------------------------------------------------------------------------


def test_a_class_with_one_member_cannot_be_stratified():
    df = pd.DataFrame({"x": range(10), "y": ["a"] * 5 + ["b"] * 4 + ["rare"]})
    with pytest.raises(DataError, match=r"'rare' \(1\).*strategy='random'") as caught:
        Splitter().split(df, target="y")
    assert caught.value.reasons == ("class_too_small",)
    assert caught.value.failures[0].examples == ("rare",)
    assert caught.value.columns == ("y",)
    assert Splitter(strategy="random").split(df, target="y").n_test == 2


def test_one_group_cannot_be_split():
    df = pd.DataFrame({"g": ["only"] * 6, "y": [0, 1] * 3})
    with pytest.raises(DataError, match="1 distinct group") as caught:
        Splitter(group="g").split(df, target="y")
    assert caught.value.reasons == ("too_few_groups",)


def test_group_split_when_every_group_overshoots_the_test_size():
    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "y": [0, 1] * 5})
    split = Splitter(group="g", test_size=0.1).split(df, target="y")
    assert (split.n_train, split.n_test) == (5, 5)
    check_hold_out(split, df)


def test_missing_targets_groups_and_times_are_listed_together():
    df = pd.DataFrame(
        {
            "t": [pd.Timestamp("2024-01-01"), pd.NaT, pd.NaT, pd.Timestamp("2024-01-04")],
            "y": [0, 1, None, 1],
        }
    )
    with pytest.raises(DataError, match="drop rows without a target first") as caught:
        Splitter(time="t").split(df, target="y")
    assert caught.value.reasons == ("target_missing", "time_missing")
    assert [f.count for f in caught.value.failures] == [1, 2]
    df = pd.DataFrame({"g": ["a", None, "b", "c"], "y": [0, 1, 0, 1]})
    with pytest.raises(DataError, match=r"1 row\(s\) have no group") as caught:
        Splitter(group="g").split(df, target="y")
    assert caught.value.reasons == ("group_missing",)


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["2024-01-02", "2024-01-01", "2024-01-03", "2024-01-04"], "string"),
        ([1, "a", 2, "b"], "mixed-integer"),
        (pd.Categorical(["a", "b", "a", "b"]), "categorical"),
        ([1 + 1j, 2j, 3j, 4j], "complex"),
        (
            [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02", tz="UTC")] * 2,
            "datetime",
        ),
    ],
)
def test_a_time_column_without_an_order_is_refused(values, kind):
    df = pd.DataFrame({"t": pd.Series(values, dtype=None), "y": [0, 1, 0, 1]})
    with pytest.raises(DataError, match=rf"holds {kind} values .*pandas.to_datetime") as caught:
        Splitter(time="t").split(df, target="y")
    assert caught.value.reasons == ("time_not_orderable",)


def test_a_time_column_with_one_value_is_refused():
    df = pd.DataFrame({"t": [5] * 6, "y": [0, 1] * 3})
    with pytest.raises(DataError, match=r"1 distinct time\(s\); a time hold-out split needs"):
        Splitter(time="t").split(df, target="y")


@pytest.mark.parametrize("n_rows", [0, 1])
def test_too_few_rows(n_rows):
    df = pd.DataFrame({"x": range(n_rows), "y": [0] * n_rows})
    with pytest.raises(DataError, match="each side needs at least one row") as caught:
        Splitter(strategy="random").split(df, target="y")
    assert caught.value.reasons == ("too_few_rows",)


def test_test_size_that_leaves_no_training_row():
    df = pd.DataFrame({"x": range(4), "y": [0, 1] * 2})
    with pytest.raises(DataError, match=r"test_size=0\.9"):
        Splitter(strategy="random", test_size=0.9).split(df, target="y")


@pytest.mark.parametrize(
    ("kwargs", "target", "message"),
    [
        ({}, "nope", r"The 'target' argument of Splitter.split must be a column .* Got 'nope'"),
        ({}, None, "The 'target' argument"),
        ({"group": "nope"}, "y", r"The 'group' parameter of Splitter must be a column"),
        ({"time": "nope"}, "y", r"The 'time' parameter of Splitter must be a column"),
    ],
)
def test_columns_that_are_not_in_the_frame(kwargs, target, message):
    df = pd.DataFrame({"x": range(10), "y": [0, 1] * 5})
    with pytest.raises(ConfigurationError, match=message):
        Splitter(**kwargs).split(df, target=target or 3)


def test_frames_that_cannot_be_split():
    with pytest.raises(DataError, match="expected a pandas DataFrame, got list"):
        Splitter().split([[1, 2]], target="y")
    df = pd.DataFrame([[1, 2, 3]], columns=["y", "y", 0])
    with pytest.raises(DataError, match="has 2 problem") as caught:
        Splitter().split(df, target="y")
    assert caught.value.reasons == ("non_string_column_names", "duplicate_column_names")


def test_target_and_cv_arguments_do_not_mix(churn):
    with pytest.raises(ConfigurationError, match=r"either target= .* not both"):
        Splitter().split(churn, churn["churned"], target="churned")


# --- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "shuffle"}, "The 'strategy' parameter of Splitter must be one of 'auto'"),
        ({"test_size": 1.0}, r"The 'test_size' parameter of Splitter must be a float in \(0, 1\)"),
        ({"test_size": 0}, "Got 0 instead"),
        ({"n_splits": 1}, r"The 'n_splits' parameter of Splitter must be an int in \[2, inf\]"),
        ({"n_splits": 2.5}, "Got 2.5 instead"),
        ({"random_state": -1}, "must be a non-negative int or None"),
        ({"group": 3}, "The 'group' parameter of Splitter must be a column name .str. or None"),
        ({"strategy": "group"}, "must be a column name when strategy='group'. Got None"),
        ({"strategy": "time"}, "must be a column name when strategy='time'. Got None"),
        (
            {"strategy": "random", "group": "g"},
            r"The 'group' parameter .* must be None when strategy='random' .* Got 'g'",
        ),
        ({"strategy": "stratified", "time": "t"}, "The 'time' parameter .* must be None when"),
        ({"group": "g", "time": "t"}, "by group or by time. Got 't' instead"),
    ],
)
def test_invalid_settings_are_refused_at_construction(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        Splitter(**kwargs)


def test_splitter_is_a_frozen_value():
    splitter = Splitter()
    with pytest.raises(AttributeError):
        splitter.test_size = 0.5
    assert attrs.evolve(splitter, n_splits=3).n_splits == 3
    assert Splitter() == Splitter()


# --- cross-validation folds ----------------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(HOLD_OUT))
def test_cv_fold_invariants(churn, strategy):
    splitter = Splitter(**HOLD_OUT[strategy])
    folds = list(splitter.split(churn, churn["churned"]))
    check_folds(folds, len(churn), splitter.get_n_splits(), covering=strategy != "time")
    for train, test in folds:
        if strategy == "group":
            assert not set(churn["city"].iloc[train]) & set(churn["city"].iloc[test])
        if strategy == "time":
            times = churn["signup_date"]
            assert times.iloc[train].max() < times.iloc[test].min()
        if strategy == "stratified":
            share = churn["churned"].iloc[test].mean()
            assert share == pytest.approx(churn["churned"].mean(), abs=0.01)


def test_time_folds_are_expanding_windows_like_time_series_split():
    df = pd.DataFrame({"t": np.arange(12)[::-1], "x": 0})
    folds = list(Splitter(time="t", n_splits=3).split(df))
    test_times = [sorted(df["t"].iloc[test]) for _, test in folds]
    assert test_times == [[3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert [len(train) for train, _ in folds] == [3, 6, 9]


def test_time_folds_keep_ties_together():
    df = pd.DataFrame({"t": [1, 1, 1, 2, 2, 2, 2, 3, 4, 4, 5, 5]})
    folds = list(Splitter(time="t", n_splits=3).split(df))
    for train, test in folds:
        assert df["t"].iloc[train].max() < df["t"].iloc[test].min()
    ends = [df["t"].iloc[test].max() for _, test in folds]
    assert ends == sorted(ends) and len(set(ends)) == 3


def test_cv_folds_are_seeded(churn):
    def folds(**kwargs):
        return [test for _, test in Splitter(**kwargs).split(churn, churn["churned"])]

    for kwargs in ({"strategy": "random"}, {"strategy": "stratified"}, {"group": "city"}):
        first, again = folds(**kwargs), folds(**kwargs)
        other = folds(**kwargs, random_state=1)
        assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
        assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_cv_auto_without_y_or_with_a_2d_y_is_random():
    X = np.zeros((10, 2))
    folds = list(Splitter(n_splits=2).split(X))
    check_folds(folds, 10, 2, covering=True)
    y = np.zeros((10, 2))
    assert len(list(Splitter(n_splits=2).split(X, y))) == 2
    with pytest.raises(ConfigurationError, match=r"The 'y' argument .* one class label per row"):
        Splitter(strategy="stratified", n_splits=2).split(X, y)


def test_explicit_groups_win_over_the_group_column(churn):
    groups = churn["contract"].to_numpy()
    folds = list(Splitter(group="city", n_splits=3).split(churn, groups=groups))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])


def test_groups_given_to_a_strategy_that_ignores_them_are_refused(churn):
    with pytest.raises(ConfigurationError, match="resolved to 'stratified', which does not use"):
        Splitter().split(churn, churn["churned"], groups=churn["city"])


def test_cv_errors_name_the_problem():
    X = pd.DataFrame({"g": list("aabbc") * 2, "t": [1, 2] * 5})
    y = ["a"] * 8 + ["b"] * 2
    with pytest.raises(DataError, match=r"'b' \(2\)\. Stratified 5-fold") as caught:
        Splitter().split(X, y)
    assert caught.value.columns == ()
    with pytest.raises(DataError, match=r"3 distinct group\(s\); 5-fold group cross-validation"):
        Splitter(group="g").split(X)
    with pytest.raises(
        DataError, match=r"2 distinct time\(s\); 5-fold time-ordered .* at least 6"
    ):
        Splitter(time="t").split(X)
    with pytest.raises(DataError, match=r"X has 3 row\(s\); 5-fold cross-validation"):
        Splitter(strategy="random").split(np.zeros((3, 1)))
    with pytest.raises(DataError, match="drop rows without a target first"):
        Splitter(strategy="stratified").split(X, [0, 1, None] + [0] * 7)
    with pytest.raises(DataError, match=r"1 row\(s\) have no group"):
        Splitter(group="g", n_splits=2).split(X, groups=["a", None] + ["b", "c"] * 4)


def test_cv_needs_the_columns_it_reads():
    X = np.zeros((10, 2))
    with pytest.raises(DataError, match=r"expected a pandas DataFrame, got ndarray") as caught:
        Splitter(time="t").split(X)
    assert "reads its 't' column" in str(caught.value)
    with pytest.raises(DataError, match="strategy='group' reads its 'g' column"):
        Splitter(group="g").split(X)
    with pytest.raises(ConfigurationError, match=r"The 'group' parameter .* must be a column"):
        Splitter(group="g").split(pd.DataFrame(X))
    with pytest.raises(DataError, match=r"1 row\(s\) have no time"):
        Splitter(time="t").split(pd.DataFrame({"t": [1.0, None] + [2.0] * 8}))


@pytest.mark.parametrize(("argument", "values"), [("y", [0, 1]), ("groups", [[0, 1]] * 10)])
def test_cv_arguments_need_one_value_per_row(argument, values):
    splitter = Splitter(group="g") if argument == "groups" else Splitter()
    with pytest.raises(ConfigurationError, match=rf"The '{argument}' argument .* \(10 rows\)"):
        splitter.split(np.zeros((10, 1)), **{argument: values})


# --- as scikit-learn's cv= -----------------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(HOLD_OUT))
def test_cross_validate_uses_exactly_our_folds(churn, strategy):
    splitter = Splitter(**HOLD_OUT[strategy], n_splits=3)
    model = make_pipeline(
        FunctionTransformer(lambda X: X[FEATURES].fillna(0)), LogisticRegression(max_iter=500)
    )
    result = cross_validate(model, churn, churn["churned"], cv=splitter, return_indices=True)
    ours = list(splitter.split(churn, churn["churned"]))
    assert len(result["test_score"]) == 3
    for theirs, (_, test) in zip(result["indices"]["test"], ours, strict=True):
        assert np.array_equal(theirs, test)


def test_cross_val_score_with_groups_given_to_sklearn(churn):
    X, y = churn[FEATURES].fillna(0).to_numpy(), churn["churned"]
    scores = cross_val_score(
        LogisticRegression(max_iter=500),
        X,
        y,
        groups=churn["city"],
        cv=Splitter(strategy="group", group="city", n_splits=4),
    )
    assert scores.shape == (4,) and np.all(scores > 0.5)


def test_groups_reach_the_splitter_through_metadata_routing(churn):
    X, y = churn[FEATURES].fillna(0).to_numpy(), churn["churned"]
    groups = churn["city"].to_numpy()
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            LogisticRegression(max_iter=500),
            X,
            y,
            params={"groups": groups},
            cv=Splitter(group="city", n_splits=3),
            return_indices=True,
        )
    tests = result["indices"]["test"]
    assert not set(groups[tests[0]]) & set(groups[tests[1]])


@pytest.mark.parametrize("kwargs", [{"group": "city"}, {"time": "signup_date"}, {}])
def test_randomized_search_accepts_a_splitter(churn, kwargs):
    model = make_pipeline(FunctionTransformer(lambda X: X[FEATURES].fillna(0)), Ridge())
    search = RandomizedSearchCV(
        model,
        {"ridge__alpha": [0.1, 1.0, 10.0]},
        n_iter=2,
        cv=Splitter(**kwargs, n_splits=3),
        random_state=0,
    )
    search.fit(churn, churn["tenure_months"].astype(float))
    assert search.n_splits_ == 3
    assert np.isfinite(search.best_score_)


# --- random small frames -------------------------------------------------------------------------


@st.composite
def small_frames(draw):
    n = draw(st.integers(0, 25))
    label = draw(st.sampled_from([st.sampled_from("abc"), st.integers(0, 2), st.floats(0, 9)]))
    df = pd.DataFrame(
        {
            "y": pd.Series(draw(st.lists(label, min_size=n, max_size=n)), dtype=object),
            "g": draw(st.lists(st.sampled_from("pqrs"), min_size=n, max_size=n)),
            "t": draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)),
            "x": np.arange(n, dtype=float),
        }
    )
    for column, missing in (("y", None), ("t", np.nan)):  # now and then, one missing value
        if n and draw(st.integers(0, 4)) == 0:
            df[column] = df[column].astype(object if column == "y" else float)
            df.loc[draw(st.integers(0, n - 1)), column] = missing
    return df


@given(
    df=small_frames(),
    strategy=st.sampled_from(["auto", "random", "stratified", "group", "time"]),
    test_size=st.sampled_from([0.1, 0.25, 0.5, 0.75]),
    seed=st.integers(0, 3),
)
def test_small_frames_split_correctly_or_raise_an_mlkit_error(df, strategy, test_size, seed):
    splitter = Splitter(
        strategy=strategy,
        test_size=test_size,
        n_splits=2,
        random_state=seed,
        group="g" if strategy == "group" else None,
        time="t" if strategy == "time" else None,
    )
    try:
        split = splitter.split(df, target="y")
    except MlkitError:
        pass
    else:
        check_hold_out(split, df)
        json.dumps(split.to_dict(), allow_nan=False)
    try:
        folds = list(splitter.split(df, df["y"]))
    except MlkitError:
        return
    check_folds(folds, len(df), 2, covering=splitter.strategy != "time")


# --- outputs -------------------------------------------------------------------------------------


def test_to_dict_is_json_safe_and_has_no_rows(churn):
    split = Splitter(group="city").split(churn, target="churned")
    data = split.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["n_train"] + data["n_test"] == data["n_rows"] == len(churn)
    assert data["strategy"] == "group" and data["settings"]["group"] == "city"
    assert data["class_balance"]["test"][0]["class"] == 0
    groups = data["boundary"]["train_groups"] + data["boundary"]["test_groups"]
    assert groups == churn["city"].nunique()
    assert "train" not in data and "train_index" not in data


def test_to_dict_of_a_regression_split_with_a_single_test_row():
    df = pd.DataFrame({"t": range(5), "y": [1.5, 2.25, 3.0, 4.5, 7.75]})
    data = Splitter(time="t").split(df, target="y").to_dict()
    assert data["target_summary"]["test"] == {"mean": 7.75, "std": None, "min": 7.75, "max": 7.75}
    assert data["class_balance"] is None
    assert data["boundary"] == {"column": "t", "train_until": 3, "test_from": 4}
    json.dumps(data, allow_nan=False)


def test_to_frame(churn):
    frame = Splitter().split(churn, target="churned").to_frame()
    assert frame.index.names == ["side", "class"]
    assert (
        frame.loc[("test", 1), "count"] + frame.loc[("train", 1), "count"]
        == churn["churned"].sum()
    )
    assert frame.groupby(level="side")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    regression = make_churn(300, task="regression")
    frame = Splitter().split(regression, target="next_year_spend").to_frame()
    assert frame.index.tolist() == ["train", "test"]
    assert frame.columns.tolist() == ["n_rows", "mean", "std", "min", "max"]


def test_html_report_is_self_contained_and_escapes_data(tmp_path):
    df = pd.DataFrame({"<b>t</b>": range(10), "<i>y</i>": ["<script>x</script>", "ok"] * 5})
    split = Splitter(time="<b>t</b>").split(df, target="<i>y</i>")
    text = split.to_html(tmp_path / "split.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<i>y</i>" not in text and "Class balance" in text and "train until" in text
    fragment = split._repr_html_()
    assert "<html" not in fragment and "mlkit-report" in fragment


def test_html_report_of_a_regression_split(tmp_path):
    split = Splitter().split(make_churn(300, task="regression"), target="next_year_spend")
    assert "Target summary" in split._repr_html_()
    with pytest.raises(ConfigurationError, match=r"folder .* does not exist"):
        split.to_html(tmp_path / "missing" / "split.html")


def test_repr(churn):
    split = Splitter().split(churn, target="churned")
    assert repr(split) == (
        "<mlkit.Split stratified, target='churned' (binary): 2400 train rows, 600 test rows>"
    )
    assert repr(Splitter()).startswith("Splitter(strategy='auto', test_size=0.2")


def test_a_target_name_passed_as_y_is_refused_with_the_fix(churn):
    with pytest.raises(
        ConfigurationError, match=r"pass it by name: split\(df, target='churned'\)"
    ):
        Splitter().split(churn, "churned")


@pytest.mark.parametrize(("n_major", "test_size"), [(10, 0.5), (1_000, 0.2), (30, 0.1)])
def test_stratified_hold_out_keeps_every_class_on_both_sides(n_major, test_size):
    df = pd.DataFrame({"x": range(n_major + 2), "y": [0] * n_major + [1] * 2})
    split = Splitter(test_size=test_size).split(df, target="y")
    assert split.y_train.nunique() == 2
    assert split.y_test.nunique() == 2


def test_a_stratified_hold_out_that_cannot_keep_every_class_is_refused():
    df = pd.DataFrame({"x": range(12), "y": [0] * 10 + [1] * 2})
    with pytest.raises(DataError, match="cannot put each of the 2 classes on both sides"):
        Splitter(test_size=0.9).split(df, target="y")


@pytest.mark.parametrize(
    ("frame", "kwargs", "reason"),
    [
        (pd.DataFrame({"x": range(4), "y": [[1], [2], [1], [2]]}), {}, "unhashable_value"),
        (
            pd.DataFrame({"x": range(4), "g": [[1], [2], [1], [2]], "y": [0, 1, 0, 1]}),
            {"group": "g"},
            "unhashable_value",
        ),
        (
            pd.DataFrame({"x": range(20), "y": np.r_[np.arange(19.0) * 1.1, np.inf]}),
            {},
            "infinite_value",
        ),
    ],
)
def test_targets_and_groups_a_split_cannot_use_are_refused(frame, kwargs, reason):
    with pytest.raises(DataError) as caught:
        Splitter(**kwargs).split(frame, target="y")
    assert caught.value.reasons == (reason,)


@pytest.mark.parametrize("X", [None, 5])
def test_cv_input_without_rows_is_refused(X):
    with pytest.raises(DataError, match="X must hold one row per sample"):
        Splitter().split(X)
