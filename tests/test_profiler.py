import json
import math

import numpy as np
import pandas as pd
import pytest

from mlkit import DataError, Profile, Profiler
from mlkit.exceptions import ConfigurationError


def kinds(profile: Profile, column: str | None = None) -> set[str]:
    alerts = profile.alerts if column is None else profile.alerts_for(column)
    return {alert.kind for alert in alerts}


@pytest.fixture(scope="module")
def churn_profile(churn):
    return Profiler().profile(churn, target="churned")


# --- frame-level figures -------------------------------------------------------------------------


def test_frame_figures_match_pandas(churn, churn_profile):
    p = churn_profile
    assert (p.n_rows, p.n_columns) == churn.shape
    assert p.n_duplicate_rows == churn.duplicated().sum() > 0
    assert p.n_rows_with_missing == churn.isna().any(axis=1).sum()
    assert p.memory_bytes == churn.memory_usage(deep=True).sum()
    assert [c.name for c in p.columns] == list(churn.columns)


def test_missing_and_distinct_counts_match_pandas(churn, churn_profile):
    for column in churn_profile.columns:
        series = churn[column.name]
        assert column.n_missing == series.isna().sum(), column.name
        assert column.missing_share == pytest.approx(series.isna().mean())
        assert column.n_unique == series.nunique(), column.name


@pytest.mark.parametrize("name", ["age", "income", "tenure_months", "monthly_charges"])
def test_numeric_statistics_match_pandas(churn, churn_profile, name):
    stats = churn_profile[name].numeric
    series = churn[name].dropna()
    assert stats.min == series.min()
    assert stats.max == series.max()
    assert stats.mean == pytest.approx(series.mean())
    assert stats.median == pytest.approx(series.median())
    assert stats.std == pytest.approx(series.std())
    assert stats.skewness == pytest.approx(series.skew())
    for q, value in stats.quantiles.items():
        assert value == pytest.approx(series.quantile(q))
    assert stats.n_zeros == (series == 0).sum()
    assert stats.n_infinite == 0


def test_histogram_counts_every_finite_value_once(churn, churn_profile):
    for column in churn_profile.columns:
        if column.histogram is None:
            continue
        hist = column.histogram
        assert len(hist.edges) == len(hist.counts) + 1
        assert list(hist.edges) == sorted(hist.edges)
        assert sum(hist.counts) == len(churn) - column.n_missing - (
            column.numeric.n_infinite if column.numeric else 0
        ) - _unparsed(column)
        if column.numeric is not None and column.dtype != "object":
            expected, _ = np.histogram(churn[column.name].dropna(), bins=hist.edges)
            assert list(hist.counts) == expected.tolist()


def _unparsed(column):
    return 0 if column.dtype != "object" else sum(c for v, c in column.top_values if v == " ")


def test_semantic_types_of_the_demo_table(churn_profile):
    types = {c.name: c.semantic_type for c in churn_profile.columns}
    assert types == {
        "customer_id": "id",
        "signup_date": "datetime",
        "age": "numeric",
        "income": "numeric",
        "tenure_months": "numeric",
        "monthly_charges": "numeric",
        "total_charges": "numeric",  # numbers stored as text
        "contract": "categorical",
        "payment_method": "categorical",
        "city": "categorical",
        "paperless_billing": "boolean",
        "support_calls": "numeric",
        "avg_session_minutes": "numeric",
        "country": "constant",
        "churned": "boolean",
    }


def test_top_values_are_the_most_frequent_first(churn, churn_profile):
    top = churn_profile["contract"].top_values
    expected = churn["contract"].value_counts()
    assert [v for v, _ in top] == expected.index.tolist()[: len(top)]
    assert [c for _, c in top] == expected.tolist()[: len(top)]


def test_datetime_range(churn, churn_profile):
    first, last = churn_profile["signup_date"].datetime_range
    assert pd.Timestamp(first) == churn["signup_date"].min()
    assert pd.Timestamp(last) == churn["signup_date"].max()


# --- alerts --------------------------------------------------------------------------------------


def test_demo_table_alerts(churn_profile):
    assert "id_like" in kinds(churn_profile, "customer_id")
    assert "constant" in kinds(churn_profile, "country")
    assert "high_cardinality" in kinds(churn_profile, "city")
    assert "skewed" in kinds(churn_profile, "income")
    assert "numbers_as_text" in kinds(churn_profile, "total_charges")
    assert "imbalanced_target" in kinds(churn_profile, "churned")
    assert "duplicate_rows" in kinds(churn_profile)
    correlated = [a for a in churn_profile.alerts if a.kind == "correlated"]
    assert ("signup_date", "tenure_months") in [a.columns for a in correlated]
    assert "leakage" not in kinds(churn_profile)


def test_numbers_as_text_names_the_values_that_do_not_parse(churn_profile):
    (alert,) = [
        a for a in churn_profile.alerts_for("total_charges") if a.kind == "numbers_as_text"
    ]
    assert "' '" in alert.message
    assert alert.value == sum(c for v, c in churn_profile["total_charges"].top_values if v == " ")


def test_missing_share_alert_respects_threshold():
    df = pd.DataFrame({"a": [1.0, np.nan, np.nan, 4.0] * 10, "b": range(40)})
    assert "high_missing" in kinds(Profiler(missing_threshold=0.5).profile(df), "a")
    assert "high_missing" not in kinds(Profiler(missing_threshold=0.6).profile(df), "a")


def test_all_missing_and_infinite_values():
    df = pd.DataFrame(
        {"empty": [np.nan] * 6, "x": [1.0, np.inf, -np.inf, 2.0, 3.0, np.nan], "y": list("abcabc")}
    )
    p = Profiler().profile(df)
    assert kinds(p, "empty") == {"all_missing"}
    assert p["empty"].semantic_type == "constant"
    assert "infinite_values" in kinds(p, "x")
    stats = p["x"].numeric
    assert (stats.n_infinite, stats.min, stats.max, stats.mean) == (2, 1.0, 3.0, 2.0)
    assert p["x"].n_unique == df["x"].nunique()
    assert sum(p["x"].histogram.counts) == 3


def test_mixed_type_column_is_profiled_with_an_alert():
    df = pd.DataFrame({"m": [1, "1", 2.5, None, "b", 1] * 5, "n": range(30)})
    p = Profiler().profile(df)
    assert "mixed_types" in kinds(p, "m")
    assert p["m"].n_unique == 4
    assert p.n_duplicate_rows == df.duplicated().sum()


def test_unhashable_values_are_compared_as_text():
    df = pd.DataFrame({"lists": [[1], [1], [2], None] * 5, "n": [1, 1, 2, 3] * 5})
    p = Profiler().profile(df)
    assert p["lists"].n_unique == 2
    assert "mixed_types" in kinds(p, "lists")
    assert p.n_duplicate_rows == 17  # three distinct rows among 20


def test_dates_stored_as_text_take_part_in_correlations_and_associations(churn):
    as_text = churn.assign(signup_date=churn["signup_date"].dt.strftime("%Y-%m-%d %H:%M"))
    p = Profiler().profile(as_text, target="churned")
    assert p["signup_date"].semantic_type == "datetime"
    assert p.correlations["spearman"].loc["signup_date", "tenure_months"] < -0.99
    assert p.target.association["signup_date"][0] > 0.1
    assert p.target.predictive_power["signup_date"] > 0.5


def test_numbers_held_as_python_objects_are_not_called_text():
    p = Profiler().profile(pd.DataFrame({"n": pd.Series([1, 2.5, None, 4] * 5, dtype=object)}))
    assert p["n"].semantic_type == "numeric"
    assert kinds(p, "n") == {"numbers_as_objects"}
    assert "Python objects" in p.alerts[0].message
    assert p["n"].numeric.mean == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("name", "is_id"),
    [
        ("customer_id", True),
        ("id", True),
        ("userId", True),
        ("ID", True),
        ("order number", True),
        ("UUID", True),
        ("ORDER_NUMBER", True),
        ("Customer_Key", True),
        ("OrderNo", True),
        ("paid", False),
        ("valid", False),
        ("grid", False),
        ("amount", False),
    ],
)
def test_id_names(name, is_id):
    values = np.random.default_rng(0).permutation(100_000)[:200]  # unique integers, sparse range
    assert (Profiler().profile(pd.DataFrame({name: values}))[name].semantic_type == "id") is is_id


def test_dates_stored_as_text():
    dates = pd.date_range("2024-01-01", periods=40, freq="D").strftime("%Y-%m-%d").tolist()
    dates[3] = "not a date"
    p = Profiler().profile(pd.DataFrame({"d": dates}))
    assert p["d"].semantic_type == "datetime"
    assert p["d"].datetime_range == ("2024-01-01T00:00:00", "2024-02-09T00:00:00")
    (alert,) = p.alerts_for("d")
    assert alert.kind == "dates_as_text"
    assert "not a date" in alert.message


def test_free_text_and_boolean_words():
    words = [
        "the quick brown fox jumps",
        "over the lazy dog today",
        "a b c d e f",
        "one two three four",
    ]
    df = pd.DataFrame(
        {"note": words * 10, "flag": ["Y", "n"] * 20, "real_bool": [True, False] * 20}
    )
    p = Profiler().profile(df)
    assert p["note"].semantic_type == "text"
    assert p["flag"].semantic_type == "boolean"
    assert p["real_bool"].semantic_type == "boolean"
    assert dict(p["real_bool"].top_values) == {True: 20, False: 20}


def test_integer_row_numbers_are_id_like_but_measurements_are_not():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "row": np.arange(100, 300),
            "account_id": rng.permutation(10_000)[:200] * 7,
            "salary": rng.integers(20_000, 200_000, 200),
        }
    )
    p = Profiler().profile(df)
    assert p["row"].semantic_type == "id"
    assert p["account_id"].semantic_type == "id"
    assert p["salary"].semantic_type == "numeric"


def test_leakage_is_flagged_for_a_feature_that_is_the_target_in_disguise(churn):
    df = churn.assign(
        churn_reason=churn["churned"].map({0: "none", 1: "moved"}),
        cancel_score=churn["churned"] * 10 + np.random.default_rng(1).normal(0, 0.5, len(churn)),
    )
    p = Profiler().profile(df, target="churned")
    leaks = {a.columns[0] for a in p.alerts if a.kind == "leakage"}
    assert leaks == {"churn_reason", "cancel_score"}
    assert p.target.predictive_power["churn_reason"] == 1.0
    assert max(v for k, v in p.target.predictive_power.items() if k not in leaks) < 0.8


def test_predictive_power_ranks_real_signal_above_noise_on_imbalanced_targets(churn_profile):
    power = churn_profile.target.predictive_power
    assert power["contract"] > 0.6  # the strongest driver of churn in the generator
    assert power["contract"] > power["age"] + 0.1  # age plays no part
    assert abs(power["customer_id"] - 0.5) < 0.05  # an identifier predicts nothing


def test_leakage_in_regression():
    rng = np.random.default_rng(0)
    y = rng.normal(size=2_000)
    df = pd.DataFrame({"y": y, "copy": y * 3 + 1, "noise": rng.normal(size=2_000)})
    p = Profiler().profile(df, target="y")
    assert p.target.task == "regression"
    assert {a.columns[0] for a in p.alerts if a.kind == "leakage"} == {"copy"}
    assert p.target.association["copy"] == (pytest.approx(1.0), "spearman")
    assert p.target.association["noise"][0] < 0.1


# --- target --------------------------------------------------------------------------------------


def test_binary_target_profile(churn, churn_profile):
    target = churn_profile.target
    assert (target.name, target.task) == ("churned", "binary")
    counts = churn["churned"].value_counts()
    assert target.class_counts == tuple((int(k), int(v)) for k, v in counts.items())
    assert target.imbalance_ratio == pytest.approx(counts.min() / counts.max())
    assert set(target.association) == set(churn.columns) - {"churned", "customer_id", "country"}
    assert target.association["contract"][1] == "cramers_v"
    assert target.association["tenure_months"][1] == "correlation_ratio"
    assert target.association["tenure_months"][0] > target.association["age"][0]
    assert churn_profile.target_suggestions == ()


@pytest.mark.parametrize(
    ("values", "task"),
    [
        ([0, 1] * 20, "binary"),
        (["yes", "no"] * 20, "binary"),
        ([True, False] * 20, "binary"),
        (["a", "b", "c", "d"] * 10, "multiclass"),
        ([1, 2, 3, 4, 5] * 8, "multiclass"),
        (list(np.linspace(0, 1, 40)), "regression"),
        (list(range(40)), "regression"),
    ],
)
def test_task_inference(values, task):
    df = pd.DataFrame({"x": range(len(values)), "y": values})
    assert Profiler().profile(df, target="y").target.task == task


def test_missing_target_values_are_flagged_and_left_out(churn):
    df = churn.copy()
    df.loc[df.index[:50], "churned"] = np.nan
    p = Profiler().profile(df, target="churned")
    assert "target_missing" in kinds(p, "churned")
    assert sum(count for _, count in p.target.class_counts) == len(df) - 50


def test_suggested_targets_without_a_target(churn):
    p = Profiler().profile(churn)
    assert p.target is None
    assert p.target_suggestions[0].column == "churned"
    assert p.target_suggestions[0].task == "binary"
    assert "its name is typical of a target" in p.target_suggestions[0].reasons
    assert len(p.target_suggestions) <= 3


# --- correlations and sampling --------------------------------------------------------------------


def test_correlations(churn, churn_profile):
    pearson = churn_profile.correlations["pearson"]
    numeric = churn[["age", "income", "monthly_charges"]]
    expected = numeric.corr()
    pd.testing.assert_frame_equal(
        pearson.loc[expected.index, expected.columns], expected, check_names=False
    )
    spearman = churn_profile.correlations["spearman"]
    assert spearman.loc["age", "income"] == pytest.approx(
        numeric.corr("spearman").loc["age", "income"], abs=0.01
    )
    cramers = churn_profile.correlations["cramers_v"]
    assert set(cramers.columns) == {"contract", "payment_method", "city", "paperless_billing"}
    assert np.allclose(np.diag(cramers), 1.0)
    assert ((cramers.to_numpy() >= 0) & (cramers.to_numpy() <= 1)).all()


def test_cramers_v_finds_a_dependent_pair():
    rng = np.random.default_rng(0)
    a = rng.choice(list("abc"), 1_000)
    b = np.where(rng.random(1_000) < 0.95, a, "z")
    p = Profiler().profile(pd.DataFrame({"a": a, "b": b, "c": rng.choice(list("xyz"), 1_000)}))
    v = p.correlations["cramers_v"]
    assert v.loc["a", "b"] > 0.9
    assert v.loc["a", "c"] < 0.1
    assert any(a.kind == "correlated" and a.columns == ("a", "b") for a in p.alerts)


def test_large_frames_sample_for_correlations_and_say_so(churn):
    p = Profiler(sample_size=1_000).profile(churn, target="churned")
    assert p.sample_size == 1_000
    assert p.n_rows == len(churn)
    assert p["age"].n_missing == churn["age"].isna().sum()  # per-column figures use every row
    assert sum(count for _, count in p.target.class_counts) == len(churn)  # so does the balance
    assert Profiler(sample_size=None).profile(churn).sample_size is None


def test_same_seed_same_profile(churn):
    first = Profiler(sample_size=500, random_state=7).profile(churn, target="churned")
    second = Profiler(sample_size=500, random_state=7).profile(churn, target="churned")
    assert first == second
    assert first.to_dict() == second.to_dict()


# --- unusual dtypes ------------------------------------------------------------------------------


def test_pandas_extension_and_special_dtypes():
    df = pd.DataFrame(
        {
            "nullable_int": pd.array([1, None, 3, 4] * 5, dtype="Int64"),
            "category": pd.Categorical(["a", "b", None, "a"] * 5, categories=["a", "b", "unused"]),
            "aware": pd.date_range("2024-01-01", periods=20, freq="h", tz="Europe/Paris"),
            "duration": pd.to_timedelta(np.arange(20), unit="min"),
            "boolean": pd.array([True, None, False, True] * 5, dtype="boolean"),
        }
    )
    p = Profiler().profile(df)
    assert p["nullable_int"].n_missing == 5
    assert p["nullable_int"].numeric.mean == pytest.approx(df["nullable_int"].mean())
    assert p["category"].n_unique == 2
    assert p["category"].semantic_type == "boolean" or p["category"].semantic_type == "categorical"
    assert p["aware"].semantic_type == "datetime"
    assert p["aware"].datetime_range[0] == "2023-12-31T23:00:00"
    assert p["duration"].numeric.max == 19 * 60
    assert p["boolean"].n_missing == 5
    assert p.n_duplicate_rows == df.duplicated().sum()


def test_datetimes_beyond_the_nanosecond_range():
    stamps = np.array(
        ["1500-01-01", "2900-06-01T12:00", "NaT", "2000-01-01"], dtype="datetime64[s]"
    )
    p = Profiler().profile(pd.DataFrame({"when": pd.Series(stamps), "x": [1, 2, 3, 4]}))
    assert p["when"].datetime_range == ("1500-01-01T00:00:00", "2900-06-01T12:00:00")
    assert p["when"].n_missing == 1
    assert sum(p["when"].histogram.counts) == 3


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "reasons"),
    [
        (pd.DataFrame(), ("no_columns", "empty_frame")),
        (pd.DataFrame({"a": []}), ("empty_frame",)),
        (pd.DataFrame(index=range(3)), ("no_columns",)),
        (pd.DataFrame([[1, 2]], columns=[0, "b"]), ("non_string_column_names",)),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), ("duplicate_column_names",)),
        (
            pd.DataFrame(
                [[1, 2, 3]], columns=pd.MultiIndex.from_tuples([("a", 1), ("a", 1), ("b", 2)])
            ),
            ("non_string_column_names", "duplicate_column_names"),
        ),
    ],
)
def test_frames_that_cannot_be_profiled_list_every_problem(frame, reasons):
    with pytest.raises(DataError, match=r"The frame given to Profiler\.profile has") as caught:
        Profiler().profile(frame)
    assert caught.value.reasons == reasons


def test_not_a_frame():
    with pytest.raises(DataError, match="expected a pandas DataFrame, got ndarray") as caught:
        Profiler().profile(np.zeros((3, 2)))  # type: ignore[arg-type]
    assert caught.value.reasons == ("not_a_dataframe",)


@pytest.mark.parametrize("target", ["nope", 3, ""])
def test_target_must_be_a_column(churn, target):
    with pytest.raises(
        ConfigurationError, match=r"'target' argument of Profiler\.profile must be a column"
    ):
        Profiler().profile(churn, target=target)


def test_target_without_values(churn):
    with pytest.raises(DataError, match="the target column has no values") as caught:
        Profiler().profile(churn.assign(y=np.nan), target="y")
    assert caught.value.reasons == ("target_all_missing",)
    assert caught.value.columns == ("y",)


def test_single_row_and_constant_target():
    p = Profiler().profile(pd.DataFrame({"a": [1.5], "b": ["x"], "y": [1]}), target="y")
    assert p.n_rows == 1
    assert math.isnan(p["a"].numeric.std)
    assert p.target.task == "binary"
    assert p.target.imbalance_ratio == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"top_k": 0},
            r"The 'top_k' parameter of Profiler must be an int in \[1, 1000\]\. Got 0 instead\.",
        ),
        (
            {"bins": 2.5},
            r"The 'bins' parameter of Profiler must be an int in \[2, 1000\]\. Got 2.5",
        ),
        (
            {"quantiles": (0.5, 0.25)},
            "'quantiles' parameter of Profiler must be a non-empty, increasing",
        ),
        ({"quantiles": (0.0,)}, "'quantiles' parameter"),
        ({"quantiles": [0.5]}, "'quantiles' parameter"),
        (
            {"sample_size": 10},
            r"'sample_size' parameter of Profiler must be an int in \[100, inf\] or None",
        ),
        ({"missing_threshold": 0}, r"must be a float in \(0, 1\]\. Got 0 instead"),
        ({"skew_threshold": -1.0}, "'skew_threshold' parameter"),
        ({"imbalance_threshold": 1}, "'imbalance_threshold' parameter"),
        ({"correlation_threshold": "high"}, "'correlation_threshold' parameter"),
        ({"leakage_threshold": True}, "'leakage_threshold' parameter"),
        ({"cardinality_threshold": 1}, "'cardinality_threshold' parameter"),
        (
            {"random_state": -3},
            "'random_state' parameter of Profiler must be a non-negative int or None",
        ),
    ],
)
def test_invalid_settings_are_refused_at_construction(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        Profiler(**kwargs)


def test_profiler_is_a_frozen_value():
    profiler = Profiler(bins=10)
    with pytest.raises(AttributeError):
        profiler.bins = 5  # type: ignore[misc]
    assert profiler == Profiler(bins=10)
    assert Profiler(quantiles=(0.1, 0.9), random_state=None).quantiles == (0.1, 0.9)


# --- outputs -------------------------------------------------------------------------------------


def test_to_dict_is_json_safe_and_complete(churn_profile):
    data = churn_profile.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    assert data["n_rows"] == churn_profile.n_rows
    assert {c["name"] for c in data["columns"]} == {c.name for c in churn_profile.columns}
    assert data["target"]["task"] == "binary"
    assert data["correlations"]["pearson"]["columns"] == list(
        churn_profile.correlations["pearson"].columns
    )
    assert data["settings"]["bins"] == 20


def test_to_json_writes_the_same_document(tmp_path, churn_profile):
    path = tmp_path / "profile.json"
    text = churn_profile.to_json(path)
    assert json.loads(path.read_text()) == json.loads(text) == churn_profile.to_dict()


def test_to_dict_turns_non_finite_values_into_none():
    p = Profiler().profile(
        pd.DataFrame({"x": [1.0, np.nan], "t": pd.to_datetime(["2024-01-01", None])})
    )
    data = p.to_dict()
    x = next(c for c in data["columns"] if c["name"] == "x")
    assert x["numeric"]["std"] is None
    json.dumps(data, allow_nan=False)


def test_to_frame_has_one_row_per_column(churn, churn_profile):
    frame = churn_profile.to_frame()
    assert frame.index.tolist() == list(churn.columns)
    assert frame.loc["age", "mean"] == pytest.approx(churn["age"].mean())
    assert frame.loc["city", "alerts"] == "high_cardinality"
    assert frame.loc["contract", "top"] == churn["contract"].value_counts().index[0]


def test_getitem_and_repr(churn_profile):
    assert churn_profile["age"].name == "age"
    with pytest.raises(KeyError, match="No column 'nope' in this profile"):
        churn_profile["nope"]
    text = repr(churn_profile)
    assert text.startswith("<mlkit.Profile 3000 rows x 15 columns, target='churned' (binary)")


def test_html_report_is_self_contained_and_escapes_data(tmp_path):
    hostile = "<script>alert('x')</script>"
    df = pd.DataFrame(
        {
            hostile: ["<b>bold</b>", "$x^2$", "c"] * 10,
            "cost $": [1.0, 2.0, np.nan] * 10,
            "y": [0, 1, 1] * 10,
        }
    )
    path = Profiler().profile(df, target="y").to_html(tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "<svg" in text  # charts are inline
    assert "<link" not in text  # no external assets
    assert 'src="' not in text
    assert 'href="http' not in text


def test_html_report_of_the_demo_table(tmp_path, churn_profile):
    text = churn_profile.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    for heading in [
        "Overview",
        "Alerts",
        "Target: churned",
        "Columns",
        "Distributions",
        "Missing values",
        "Correlations",
    ]:
        assert f"<h2>{heading}</h2>" in text
    assert text.count("<svg") >= len(churn_profile.columns)
    fragment = churn_profile._repr_html_()
    assert fragment.startswith('<div class="mlkit-report">')
    assert "<html" not in fragment


def test_html_report_without_matplotlib_says_so(tmp_path, monkeypatch, churn, caplog):
    import mlkit._lazy as lazy
    from mlkit.exceptions import MissingDependencyError

    def missing():
        raise MissingDependencyError("no matplotlib")

    monkeypatch.setattr(lazy, "matplotlib_figure", missing)
    text = Profiler().profile(churn.head(300)).to_html(tmp_path / "r.html").read_text()
    assert "Charts omitted" in text
    assert "<svg" not in text
    assert "Likely targets" in text
    assert "matplotlib is not installed" in caplog.text


def test_html_report_needs_an_existing_folder(tmp_path, churn_profile):
    with pytest.raises(ConfigurationError, match=r"folder .* does not exist"):
        churn_profile.to_html(tmp_path / "missing" / "r.html")


def test_whole_numbers_get_bins_aligned_to_integers(churn_profile, churn):
    calls = churn_profile["support_calls"].histogram
    assert calls.edges[0] == -0.5
    assert all(b - a == 1.0 for a, b in zip(calls.edges, calls.edges[1:], strict=False))
    expected = churn["support_calls"].value_counts().sort_index()
    assert list(calls.counts) == [int(expected.get(k, 0)) for k in range(len(calls.counts))]
    tenure = churn_profile["tenure_months"].histogram
    widths = {b - a for a, b in zip(tenure.edges, tenure.edges[1:], strict=False)}
    assert widths == {5.0}  # 0..85 in at most 20 bins: five months each
    assert len(tenure.counts) <= 20
