"""The data contract rejects what a model cannot compute, and nothing else."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from mlkit import Profiler
from mlkit.exceptions import ConfigurationError, DataError


@pytest.fixture(scope="module")
def schema(churn):
    return Profiler().profile(churn, target="churned").to_schema()


@pytest.fixture
def rows(churn):
    return churn.drop(columns="churned").head(20).copy()


def test_contract_covers_every_feature_but_not_the_target(schema, churn):
    assert set(schema.columns) == set(churn.columns) - {"churned"}
    assert not schema.strict
    assert not schema.ordered


def test_training_data_passes(schema, churn):
    validated = schema.validate(churn.drop(columns="churned"), lazy=True)
    assert validated.shape == (len(churn), len(churn.columns) - 1)


def test_the_merely_unusual_passes(schema, rows):
    rows.loc[rows.index[0], "contract"] = "Lifetime"  # unseen category
    rows.loc[rows.index[1], "monthly_charges"] = 10_000.0  # far outside the training range
    rows.loc[rows.index[2], "tenure_months"] = np.nan  # missing where training had none
    rows["extra"] = 1  # extra column
    shuffled = rows[list(reversed(rows.columns))]  # another order
    validated = schema.validate(shuffled, lazy=True)
    assert validated.loc[rows.index[0], "contract"] == "Lifetime"


def test_numbers_arriving_as_text_are_coerced(schema, rows):
    rows["age"] = rows["age"].astype(str).replace("nan", None)
    validated = schema.validate(rows, lazy=True)
    assert validated["age"].dtype == np.float64


def test_what_cannot_be_computed_is_rejected_all_at_once(schema, rows):
    rows = rows.drop(columns="city")
    rows["age"] = rows["age"].astype(object)
    rows["signup_date"] = rows["signup_date"].astype(object)
    rows.loc[rows.index[0], "age"] = "forty"
    rows.loc[rows.index[1], "income"] = np.inf
    rows.loc[rows.index[2], "signup_date"] = "not a date"
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        schema.validate(rows, lazy=True)
    failures = caught.value.failure_cases
    cases = set(
        zip(failures["column"].astype(str), failures["failure_case"].astype(str), strict=True)
    )
    assert ("age", "forty") in cases
    assert ("income", "inf") in cases
    assert ("signup_date", "not a date") in cases
    assert "city" in set(failures["failure_case"].astype(str))  # the missing column


def test_contract_for_chosen_columns(churn):
    profile = Profiler().profile(churn, target="churned")
    assert list(profile.to_schema(columns=["age", "city"]).columns) == ["age", "city"]
    assert "churned" in profile.to_schema(include_target=True).columns
    with pytest.raises(
        ConfigurationError, match=r"columns \['nope'\]: the profile has no such columns"
    ):
        profile.to_schema(columns=["age", "nope"])


def test_contract_dtypes_by_kind():
    df = pd.DataFrame(
        {
            "flag": [True, False] * 3,
            "when": pd.date_range("2024-01-01", periods=6),
            "wait": pd.to_timedelta(range(6), unit="s"),
            "label": pd.Categorical(list("abcabc")),
            "count": range(6),
        }
    )
    schema = Profiler().profile(df).to_schema()
    assert str(schema.columns["flag"].dtype) == "boolean"
    assert str(schema.columns["when"].dtype).startswith("datetime64")
    assert str(schema.columns["wait"].dtype).startswith("timedelta64")
    assert schema.columns["label"].dtype is None
    assert str(schema.columns["count"].dtype) == "float64"
    new = pd.DataFrame(
        {
            "flag": [None, True],
            "when": ["2025-01-01", None],
            "wait": ["5s", None],
            "label": ["z", None],
            "count": ["7", None],
        }
    )
    validated = schema.validate(new, lazy=True)
    assert validated["count"].tolist()[0] == 7.0
    assert validated["when"].iloc[0] == pd.Timestamp("2025-01-01")


def test_profile_validate_raises_one_mlkit_error_by_column(churn, rows):
    profile = Profiler().profile(churn, target="churned")
    rows = rows.drop(columns=["city", "contract"]).astype({"age": object, "signup_date": object})
    rows.loc[rows.index[0], "age"] = "forty"
    rows.loc[rows.index[1], "age"] = "fifty"
    rows.loc[rows.index[1], "income"] = np.inf
    rows.loc[rows.index[2], "income"] = -np.inf
    rows.loc[rows.index[3], "signup_date"] = "not a date"
    with pytest.raises(
        DataError, match=r"The frame given to Profile\.validate has 5 problem"
    ) as caught:
        profile.validate(rows)
    error = caught.value
    by_column = {(f.column, f.reason): f for f in error.failures}
    assert set(by_column) == {
        ("city", "missing_column"),
        ("contract", "missing_column"),
        ("age", "uncoercible_value"),
        ("income", "infinite_value"),
        ("signup_date", "uncoercible_value"),
    }
    assert by_column["age", "uncoercible_value"].count == 2
    assert by_column["age", "uncoercible_value"].examples == ("forty", "fifty")
    assert by_column["income", "infinite_value"].count == 2
    assert "TypeError" not in str(error)


def test_profile_validate_returns_the_coerced_frame(churn, rows):
    profile = Profiler().profile(churn, target="churned")
    rows["age"] = rows["age"].map(lambda v: None if pd.isna(v) else f"{v:.0f}")
    validated = profile.validate(rows)
    assert validated["age"].dtype == np.float64
    assert validated.index.equals(rows.index)


def test_profile_validate_refuses_what_is_not_a_frame(churn):
    profile = Profiler().profile(churn.head(100))
    with pytest.raises(DataError, match="expected a pandas DataFrame, got list"):
        profile.validate([1, 2])  # type: ignore[arg-type]


def test_infinity_check_leaves_unparseable_text_to_the_coercion_failure(schema, rows):
    rows["age"] = rows["age"].astype(object)
    rows.loc[rows.index[0], "age"] = "forty"
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        schema.validate(rows, lazy=True)
    assert "TypeError" not in caught.value.failure_cases["failure_case"].astype(str).str.cat()


def test_profile_validate_refuses_repeated_column_names(churn):
    profile = Profiler().profile(churn[["age", "income"]])
    frame = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["age", "age", "income"])
    with pytest.raises(DataError, match=r"repeated: \['age'\]") as caught:
        profile.validate(frame)
    assert caught.value.reasons == ("duplicate_column_names",)
