"""Generated data with known drift, shared by the drift benchmark and its Evidently peer.

Only the standard library, numpy and pandas are imported here, so the
Evidently environment (older pandas, no mlkit) builds the very same frames.

Every frame has the 20 columns of ``COLUMNS``: 12 numeric (normal, skewed
log-normal, uniform, heavy-tailed Student t, integer Poisson counts, one
with 5 % missing values, ...) and 8 categorical (3 to 40 levels with unequal
shares, text stored as pandas' default string dtype, one ``category`` column,
two with missing values). ``reference(n, seed)`` and ``current(n, seed,
shift)`` draw independent samples from the same distributions, except for
the columns that ``shift`` changes:

- ``None``: nothing changes (every flag is a false positive);
- ``"mean"``: ``MEAN_SHIFT_COLUMN`` (normal) moves by +0.1 of its sd;
- ``"variance"``: ``VARIANCE_SHIFT_COLUMN`` (normal) has its variance x1.2,
  same mean;
- ``"category"``: in ``CATEGORY_SHIFT_COLUMN``, level ``CATEGORY_GAINS`` gains
  5 points of share, taken from level ``CATEGORY_LOSES``;
- ``"all"``: the three at once, on their three columns.

``SHIFTED_COLUMNS[shift]`` names the columns that truly drift. Each column
has its own random stream (seeded by the role, the seed and the column's
position), so a shift changes only its own column: ``current(n, s, "mean")``
and ``current(n, s, None)`` are equal everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

MEAN_SHIFT_COLUMN = "normal_a"
VARIANCE_SHIFT_COLUMN = "normal_b"
CATEGORY_SHIFT_COLUMN = "cat_5"

MEAN_SHIFT_SD = 0.1  # mean shift, in standard deviations of the column
VARIANCE_FACTOR = 1.2  # variance ratio current / reference
CATEGORY_SHARE_POINTS = 0.05  # share moved from CATEGORY_LOSES to CATEGORY_GAINS
CATEGORY_GAINS = "c5_2"
CATEGORY_LOSES = "c5_0"

SHIFTS: tuple[str, ...] = ("mean", "variance", "category", "all")
SHIFTED_COLUMNS: dict[str | None, tuple[str, ...]] = {
    None: (),
    "mean": (MEAN_SHIFT_COLUMN,),
    "variance": (VARIANCE_SHIFT_COLUMN,),
    "category": (CATEGORY_SHIFT_COLUMN,),
    "all": (MEAN_SHIFT_COLUMN, VARIANCE_SHIFT_COLUMN, CATEGORY_SHIFT_COLUMN),
}

_REFERENCE, _CURRENT = 0, 1

# (mean, sd) of the three normal columns
_NORMALS = {
    MEAN_SHIFT_COLUMN: (50.0, 10.0),
    VARIANCE_SHIFT_COLUMN: (0.0, 1.0),
    "normal_c": (-3, 2),
}


def _zipf_shares(k: int, exponent: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, k + 1) ** exponent
    return weights / weights.sum()


# name -> (levels, shares); a None level is a missing value
_CATEGORICALS: dict[str, tuple[list[str | None], np.ndarray]] = {
    "cat_3": (["low", "mid", "high"], np.array([0.6, 0.3, 0.1])),
    CATEGORY_SHIFT_COLUMN: (
        [f"c5_{k}" for k in range(5)],
        np.array([0.35, 0.25, 0.20, 0.12, 0.08]),
    ),
    "cat_8": ([f"c8_{k}" for k in range(8)], _zipf_shares(8, 0.8)),
    "cat_12": ([f"c12_{k}" for k in range(12)], _zipf_shares(12)),
    "cat_20": ([f"c20_{k}" for k in range(20)], _zipf_shares(20, 1.3)),
    "cat_40": ([f"c40_{k}" for k in range(40)], _zipf_shares(40)),
    # 4 % missing, the rest spread unequally over 6 levels
    "cat_missing": (
        [*(f"m_{k}" for k in range(6)), None],
        np.array([0.30, 0.24, 0.18, 0.12, 0.08, 0.04, 0.04]),
    ),
    # stored as pandas' ``category`` dtype
    "cat_dtype": (["red", "green", "blue", "yellow"], np.array([0.4, 0.3, 0.2, 0.1])),
}

NUMERIC_COLUMNS: tuple[str, ...] = (
    *_NORMALS,
    "lognormal",
    "lognormal_wide",
    "uniform",
    "student_t3",
    "exponential",
    "bimodal",
    "poisson_2",
    "poisson_40",
    "normal_missing",
)
CATEGORICAL_COLUMNS: tuple[str, ...] = tuple(_CATEGORICALS)
COLUMNS: tuple[str, ...] = NUMERIC_COLUMNS + CATEGORICAL_COLUMNS


def _numeric(name: str, rng: np.random.Generator, n: int, shift: str | None) -> np.ndarray:
    """One numeric column; ``shift`` changes the designated normal columns only."""
    if name in _NORMALS:
        mean, sd = _NORMALS[name]
        if name == MEAN_SHIFT_COLUMN and shift in ("mean", "all"):
            mean += MEAN_SHIFT_SD * sd
        if name == VARIANCE_SHIFT_COLUMN and shift in ("variance", "all"):
            sd *= VARIANCE_FACTOR**0.5
        return rng.normal(mean, sd, n)
    draw: dict[str, Callable[[], np.ndarray]] = {
        "lognormal": lambda: rng.lognormal(0.0, 0.75, n),
        "lognormal_wide": lambda: rng.lognormal(3.0, 1.2, n),
        "uniform": lambda: rng.uniform(0.0, 100.0, n),
        "student_t3": lambda: rng.standard_t(3, n),
        "exponential": lambda: rng.exponential(5.0, n),
        "bimodal": lambda: np.where(
            rng.random(n) < 0.7, rng.normal(0, 1, n), rng.normal(4, 0.5, n)
        ),
        "poisson_2": lambda: rng.poisson(2.0, n),
        "poisson_40": lambda: rng.poisson(40.0, n),
    }
    if name == "normal_missing":
        values = rng.normal(10.0, 3.0, n)
        values[rng.random(n) < 0.05] = np.nan
        return values
    return draw[name]()


def category_shares(name: str, shift: str | None = None) -> dict[str | None, float]:
    """The true share of each level of a categorical column (``None``: missing)."""
    levels, shares = _CATEGORICALS[name]
    shares = shares.copy()
    if name == CATEGORY_SHIFT_COLUMN and shift in ("category", "all"):
        shares[levels.index(CATEGORY_GAINS)] += CATEGORY_SHARE_POINTS
        shares[levels.index(CATEGORY_LOSES)] -= CATEGORY_SHARE_POINTS
    return dict(zip(levels, shares.tolist(), strict=True))


def _categorical(name: str, rng: np.random.Generator, n: int, shift: str | None) -> pd.Series:
    shares = category_shares(name, shift)
    levels = list(shares)
    cumulative = np.cumsum(list(shares.values()))
    codes = np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right")
    if name == "cat_dtype":
        return pd.Series(pd.Categorical.from_codes(codes, categories=levels))
    # taking from an Index keeps pandas' default text dtype (object, or str in pandas 3)
    return pd.Series(pd.Index(levels).take(codes))


def _frame(role: int, n: int, seed: int, shift: str | None) -> pd.DataFrame:
    if shift not in SHIFTED_COLUMNS:
        raise ValueError(f"shift must be None or one of {SHIFTS}, got {shift!r}")
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    columns: dict[str, object] = {}
    for position, name in enumerate(COLUMNS):
        rng = np.random.default_rng([role, seed, position])
        if name in _CATEGORICALS:
            columns[name] = _categorical(name, rng, n, shift)
        else:
            columns[name] = _numeric(name, rng, n, shift)
    return pd.DataFrame(columns)


def reference(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` rows of the reference distributions (independent of every ``current`` frame)."""
    return _frame(_REFERENCE, n, seed, None)


def current(n: int, seed: int = 0, shift: str | None = None) -> pd.DataFrame:
    """``n`` new rows, drawn with ``shift`` applied (``None``: same distributions)."""
    return _frame(_CURRENT, n, seed, shift)
