import numpy as np
import pandas as pd
import pytest

from mlkit.datasets import TARGETS, make_churn
from mlkit.exceptions import ConfigurationError


def test_same_seed_same_table_other_seed_other_table():
    pd.testing.assert_frame_equal(make_churn(500, random_state=3), make_churn(500, random_state=3))
    assert not make_churn(500, random_state=3).equals(make_churn(500, random_state=4))


@pytest.mark.parametrize("task", sorted(TARGETS))
def test_each_task_adds_its_target_last(task):
    df = make_churn(1_000, task=task)
    assert df.columns[-1] == TARGETS[task]
    assert len(df) == 1_000
    assert df[TARGETS[task]].notna().all()


def test_targets_have_the_promised_shape():
    binary = make_churn(5_000)["churned"]
    assert set(binary.unique()) == {0, 1}
    assert 0.08 < binary.mean() < 0.3  # imbalanced
    classes = make_churn(5_000, task="multiclass")["plan_change"]
    assert set(classes.unique()) == {"downgrade", "none", "upgrade"}
    spend = make_churn(5_000, task="regression")["next_year_spend"]
    assert spend.dtype == np.float64
    assert spend.skew() > 0.3


def test_the_table_is_messy_as_advertised():
    df = make_churn(5_000)
    assert df["customer_id"].is_unique is False  # duplicate rows copy the ID too
    assert df.duplicated().sum() > 0
    assert df["income"].isna().mean() > 0.05
    assert df["age"].isna().any() and df["payment_method"].isna().any()
    assert df["country"].nunique() == 1
    assert df["city"].nunique() > 100
    assert (df["total_charges"] == " ").any()  # numbers stored as text, blank for new customers
    assert pd.to_numeric(df["total_charges"], errors="coerce").notna().mean() > 0.95
    assert df["contract"].nunique() > df["contract"].str.strip().str.lower().nunique()
    assert pd.api.types.is_datetime64_any_dtype(df["signup_date"])
    assert df["income"].skew() > 5


def test_shifted_table_drifts_in_known_directions():
    base, shifted = make_churn(5_000), make_churn(5_000, shifted=True)
    assert shifted["monthly_charges"].mean() > base["monthly_charges"].mean() + 5
    assert shifted["income"].isna().mean() > base["income"].isna().mean() + 0.05
    assert set(shifted["city"]) - set(base["city"])
    assert shifted["signup_date"].min() > base["signup_date"].min()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 5}, r"'n_rows' parameter of make_churn must be an int in \[20, inf\)\. Got 5"),
        ({"n_rows": 100.0}, "'n_rows' parameter"),
        ({"n_rows": True}, "'n_rows' parameter"),
        ({"task": "ranking"}, "'task' parameter of make_churn must be one of"),
        ({"shifted": 1}, "'shifted' parameter"),
        ({"random_state": -1}, "'random_state' parameter"),
        ({"random_state": "0"}, "'random_state' parameter"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        make_churn(**kwargs)
