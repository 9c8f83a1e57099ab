"""Built-in demo data: a realistic, messy customer table, generated on demand.

:func:`make_churn` draws a customer table of any size from a fixed seed. It is
deliberately untidy, as real extracts are: skewed amounts with outliers,
missing values in several columns, numbers stored as text, inconsistent
spelling of categories, a high-cardinality city, a constant column, an ID
column, a datetime, duplicate rows and an imbalanced target. The same seed
always gives the same table.

Three targets are available (``task``): a binary churn flag, a three-class
plan change, and a regression target, next year's spend. ``shifted=True``
draws the same table after a change in the customer base, for drift demos.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

from mlkit.exceptions import ConfigurationError

__all__ = ["TARGETS", "make_churn"]

#: The target column :func:`make_churn` adds for each task.
TARGETS: Final[dict[str, str]] = {
    "binary": "churned",
    "multiclass": "plan_change",
    "regression": "next_year_spend",
}

_CONTRACTS = np.array(["Month-to-month", "One year", "Two year"], dtype=object)
_PAYMENTS = np.array(
    ["Electronic check", "Mailed check", "Bank transfer", "Credit card"], dtype=object
)
_N_CITIES: Final = 400
_EPOCH: Final = pd.Timestamp("2025-01-01")


def make_churn(
    n_rows: int = 5_000,
    *,
    task: Literal["binary", "multiclass", "regression"] = "binary",
    shifted: bool = False,
    random_state: int = 0,
) -> pd.DataFrame:
    """Generate the messy customer-churn demo table.

    Parameters
    ----------
    n_rows : int, default=5000
        Number of rows, at least 20.
    task : {"binary", "multiclass", "regression"}, default="binary"
        Which target to add: ``"churned"`` (0/1, about 15 % churn; about 30 % when
        shifted),
        ``"plan_change"`` (``"downgrade"``, ``"none"``, ``"upgrade"``) or
        ``"next_year_spend"`` (a skewed amount). See :data:`TARGETS`.
    shifted : bool, default=False
        Draw the table after a change in the customer base: higher charges,
        more month-to-month contracts, new cities, more missing incomes, more
        support calls and later sign-ups. The target follows the same rules.
    random_state : int, default=0
        Seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        One row per customer, ``n_rows`` rows, features first, target last.

    Examples
    --------
    >>> from mlkit.datasets import make_churn
    >>> df = make_churn(1_000, random_state=0)
    >>> df.shape
    (1000, 15)
    >>> df["churned"].value_counts().sort_index().index.tolist()
    [0, 1]
    """
    _check_arguments(n_rows, task, shifted, random_state)
    rng = np.random.default_rng([random_state, int(shifted)])
    features = _draw_customers(n_rows, shifted, rng)
    target = TARGETS[task]
    features[target] = _draw_target(features, task, rng)
    table = _add_duplicate_rows(features, rng)
    return _make_untidy(table, shifted, rng)


def _check_arguments(n_rows: object, task: object, shifted: object, random_state: object) -> None:
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) or n_rows < 20:
        raise ConfigurationError(
            f"The 'n_rows' parameter of make_churn must be an int in [20, inf). Got {n_rows!r} "
            "instead."
        )
    if task not in TARGETS:
        raise ConfigurationError(
            "The 'task' parameter of make_churn must be one of 'binary', 'multiclass', "
            f"'regression'. Got {task!r} instead."
        )
    if not isinstance(shifted, bool):
        raise ConfigurationError(
            f"The 'shifted' parameter of make_churn must be a bool. Got {shifted!r} instead."
        )
    if (
        isinstance(random_state, bool)
        or not isinstance(random_state, int | np.integer)
        or (random_state < 0)
    ):
        raise ConfigurationError(
            "The 'random_state' parameter of make_churn must be a non-negative int. "
            f"Got {random_state!r} instead."
        )


def _draw_customers(n: int, shifted: bool, rng: np.random.Generator) -> pd.DataFrame:
    first_day = pd.Timestamp("2021-01-01" if shifted else "2018-01-01")
    span_days = (_EPOCH - first_day).days
    signup = first_day + pd.to_timedelta(rng.integers(0, span_days, n), unit="D")
    signup = signup + pd.to_timedelta(rng.integers(0, 24 * 60, n), unit="min")
    tenure = np.asarray((_EPOCH - signup).days // 30, dtype=np.int64)

    contract_share = [0.62, 0.22, 0.16] if shifted else [0.5, 0.27, 0.23]
    contract = rng.choice(_CONTRACTS, size=n, p=contract_share)
    charge_shift = 8.0 if shifted else 0.0
    monthly = np.clip(rng.normal(65.0 + charge_shift, 25.0, n), 18.0, 140.0).round(2)
    income = rng.lognormal(10.6, 0.55, n)
    outliers = rng.random(n) < 0.005
    income[outliers] *= rng.uniform(8, 25, outliers.sum())

    city_weights = 1.0 / np.arange(1, _N_CITIES + 1) ** 0.9
    city_index = rng.choice(_N_CITIES, size=n, p=city_weights / city_weights.sum())
    if shifted:  # the business expanded to new cities
        new_city = rng.random(n) < 0.08
        city_index[new_city] = _N_CITIES + rng.integers(0, 40, new_city.sum())

    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in rng.permutation(n * 3)[:n] + 1],
            "signup_date": pd.DatetimeIndex(signup).as_unit("ns"),
            "age": rng.normal(44, 14, n).clip(18, 90).round(),
            "income": income.round(0),
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": (monthly * tenure * rng.uniform(0.95, 1.05, n)).round(2),
            "contract": contract,
            "payment_method": rng.choice(_PAYMENTS, size=n, p=[0.34, 0.22, 0.22, 0.22]),
            "city": np.char.add("City_", np.char.zfill(city_index.astype(str), 3)).astype(object),
            "paperless_billing": rng.choice(
                np.array(["Yes", "No"], dtype=object), n, p=[0.6, 0.4]
            ),
            "support_calls": rng.poisson(1.8 if shifted else 1.1, n),
            "avg_session_minutes": rng.gamma(1.4, 9.0, n).round(1),
            "country": "US",
        }
    )


def _churn_logit(df: pd.DataFrame) -> np.ndarray:
    month_to_month = (df["contract"] == "Month-to-month").to_numpy(dtype=float)
    two_year = (df["contract"] == "Two year").to_numpy(dtype=float)
    electronic = (df["payment_method"] == "Electronic check").to_numpy(dtype=float)
    return np.asarray(
        -1.9
        + 1.3 * month_to_month
        - 0.9 * two_year
        + 0.45 * electronic
        - 0.035 * df["tenure_months"].to_numpy(dtype=float)
        + 0.02 * (df["monthly_charges"].to_numpy(dtype=float) - 65.0)
        + 0.35 * df["support_calls"].to_numpy(dtype=float)
        - 0.4 * np.log(df["income"].to_numpy(dtype=float) / 40_000.0)
    )


def _draw_target(df: pd.DataFrame, task: str, rng: np.random.Generator) -> np.ndarray:
    logit = _churn_logit(df) + rng.normal(0.0, 0.5, len(df))
    if task == "binary":
        return (rng.random(len(df)) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    if task == "multiclass":
        upgrade_score = 0.015 * (df["income"].to_numpy() / 1_000) - 0.4 * logit - 2.4
        labels = np.full(len(df), "none", dtype=object)
        labels[logit + rng.normal(0, 0.6, len(df)) > 0.4] = "downgrade"
        labels[upgrade_score + rng.normal(0, 0.6, len(df)) > 0.0] = "upgrade"
        return labels
    expected = (
        12
        * df["monthly_charges"].to_numpy()
        * (1.0 / (1.0 + np.exp(logit)))
        * (1.0 + 0.15 * (df["contract"] != "Month-to-month").to_numpy())
    )
    return np.asarray((expected * rng.lognormal(0.0, 0.25, len(df))).round(2))


def _add_duplicate_rows(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Overwrite about 1 % of rows with copies of other rows, as double exports do."""
    n = len(df)
    n_copies = max(1, n // 100)
    targets = rng.choice(n, size=n_copies, replace=False)
    sources = rng.choice(np.setdiff1d(np.arange(n), targets), size=n_copies, replace=False)
    values = df.to_numpy(dtype=object)
    values[targets] = values[sources]
    out = pd.DataFrame(values, columns=df.columns)
    return out.astype(df.dtypes.to_dict())


def _make_untidy(df: pd.DataFrame, shifted: bool, rng: np.random.Generator) -> pd.DataFrame:
    """Add the mess of a real extract: gaps, text numbers and sloppy spelling."""
    n = len(df)
    df = df.copy()
    income_gap = 0.2 if shifted else 0.08
    df.loc[rng.random(n) < income_gap, "income"] = np.nan
    df.loc[rng.random(n) < 0.05, "age"] = np.nan
    df.loc[rng.random(n) < 0.03, "payment_method"] = None
    df.loc[rng.random(n) < 0.02, "avg_session_minutes"] = np.nan

    # Like many billing exports, total charges arrive as text, blank for new customers.
    total = df["total_charges"].map("{:.2f}".format).astype(object)
    total[df["tenure_months"].to_numpy() == 0] = " "
    df["total_charges"] = total

    sloppy = rng.random(n) < 0.04
    contract = df["contract"].astype(object)
    contract[sloppy] = [
        f" {value.lower()}" if i % 2 else f"{value.upper()} "
        for i, value in enumerate(contract[sloppy])
    ]
    df["contract"] = contract
    return df
