"""Wall time of ``Cleaner`` + ``FeatureBuilder`` against a hand-written scikit-learn pipeline.

mlkit's side is ``make_pipeline(mlkit.Cleaner(), mlkit.FeatureBuilder())`` with
defaults. The baseline is the ``ColumnTransformer`` an engineer would write by
hand for the benchmark frame to do the same work, built from scikit-learn's
own steps plus two small transformers defined here (``TukeyClip``, whose
fences are learned in ``fit``, and ``DatetimeParts``):

==========================  ==================================================
columns                     steps (mlkit's defaults do the same)
==========================  ==================================================
10 numeric                  median imputation, clip to 3 IQR beyond the
                            quartiles, standardise
``flag_0``, ``flag_1``      most-frequent imputation, bool / "no"-"yes" as
                            0 / 1, standardise
``timestamp``               median imputation, FeatureBuilder's default parts
                            (year, month, day of week, hour) with sine and
                            cosine of the periodic ones; standardise
3 categories (<= 15 values) most-frequent imputation, one-hot (unknown ignored)
3 categories (> 15 values)  most-frequent imputation, target encoding
                            cross-fitted on 5 shuffled stratified folds,
                            smoothing 10 (FeatureBuilder's default)
``row_id``                  dropped
==========================  ==================================================

Both produce the same 48 columns in the same order; ``measure`` checks the
names and compares the values on a sample of rows. What remains different is
work only mlkit does in ``fit``: it infers each column's kind, looks for ID
columns, constant and duplicate columns, numbers, dates and yes/no words
stored as text and category spellings that differ in case or whitespace; the
baseline is told all of that by whoever wrote it.

``fit`` is timed as ``fit_transform(df, y)`` of a fresh pipeline (mlkit's
``FeatureBuilder`` computes its training features once, as scikit-learn's
``ColumnTransformer`` does); ``transform`` as ``transform(df)`` of the fitted
pipeline on the same rows. Both sides run in this process, interleaved, after
a warm-up on a 2,000-row slice, and each timed call records the growth of the
process's peak resident size (Linux only; see ``_common.rss_growth``).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from _common import rss_growth
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler, TargetEncoder

import mlkit

# Goals of the issue "Cleaner + FeatureBuilder"; ratios mlkit / baseline in one run.
GOAL_FIT_RATIO = 2.0  # fit_transform time, at most
GOAL_TRANSFORM_RATIO = 1.5  # transform time, at most

NUMERIC = [f"normal_{i}" for i in range(5)] + [f"skewed_{i}" for i in range(3)]
NUMERIC += ["count_0", "count_1"]
FLAGS = {"flag_0": [False, True], "flag_1": ["no", "yes"]}
ONEHOT = ["category_0", "category_1", "category_2"]  # 3, 5 and 12 levels
TARGET = ["category_3", "category_4", "category_5"]  # 40, 200 and 5,000 levels
DATETIME = "timestamp"
# The parts FeatureBuilder extracts by default, under pandas' names for them.
PARTS = tuple(mlkit.FeatureBuilder().get_params()["datetime_parts"])
SMOOTHING = mlkit.FeatureBuilder().get_params()["target_smoothing"]
_PERIOD = {"month": 12, "day": 31, "dayofweek": 7, "day_of_week": 7, "hour": 24, "minute": 60}
_PERIOD |= {"dayofyear": 366, "day_of_year": 366}
PERIODS = {part: _PERIOD[part] for part in PARTS if part in _PERIOD}
CV_FOLDS = 5
WARM_ROWS = 2_000
SAMPLE_ROWS = 20_000  # rows of each output compared between the two sides


# ----------------------------------------------------------------------------- the data


def binary_target(df: pd.DataFrame, *, seed: int = 0) -> np.ndarray:
    """A 0/1 target: a noisy threshold of a few columns (about 46% ones).

    It depends on two numeric columns and on ``category_3``, so that target
    encoding has something to find; the noise has its own fixed seed.
    """
    rng = np.random.default_rng([seed, 1])
    normal = (df["normal_1"] - 100.0) / 11.0
    skewed = np.log(df["skewed_0"].to_numpy()) - 3.0
    level = df["category_3"].str.removeprefix("cat3_").astype("float64") % 3 - 1.0
    score = normal.fillna(0.0).to_numpy() + skewed + 0.5 * level.fillna(0.0).to_numpy()
    return (score + rng.normal(0.0, 1.0, len(df)) > 0.2).astype(np.int64)


# ----------------------------------------------------------------------------- the baseline


class TukeyClip(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Clip each column to ``factor`` interquartile ranges beyond its quartiles."""

    def __init__(self, factor: float = 3.0) -> None:
        self.factor = factor

    def fit(self, X: Any, y: Any = None) -> TukeyClip:
        values = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = values.shape[1]
        q1, q3 = np.nanpercentile(values, [25, 75], axis=0)
        self.low_ = q1 - self.factor * (q3 - q1)
        self.high_ = q3 + self.factor * (q3 - q1)
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.clip(np.asarray(X, dtype=np.float64), self.low_, self.high_)


class DatetimeParts(TransformerMixin, BaseEstimator):
    """Fill missing stamps with the median; output parts and sine/cosine of periodic ones."""

    def fit(self, X: pd.DataFrame, y: Any = None) -> DatetimeParts:
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.fills_ = {name: X[name].median() for name in X.columns}
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        columns = []
        for name in self.feature_names_in_:
            stamps = X[name].fillna(self.fills_[name]).dt
            parts = {part: getattr(stamps, part).to_numpy(np.float64) for part in PARTS}
            columns += parts.values()
            for part, period in PERIODS.items():
                angle = 2 * np.pi * parts[part] / period
                columns += [np.sin(angle), np.cos(angle)]
        return np.column_stack(columns)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = []
        for name in self.feature_names_in_:
            names += [f"{name}_{part}" for part in PARTS]
            for part in PERIODS:
                names += [f"{name}_{part}_sin", f"{name}_{part}_cos"]
        return np.asarray(names, dtype=object)


def baseline_pipeline(*, random_state: int = 0) -> ColumnTransformer:
    """The hand-written scikit-learn equivalent of mlkit's defaults on the benchmark frame."""
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state)
    return ColumnTransformer(
        [
            (
                "numeric",
                # Fences from the observed values (as mlkit's), so clip before imputing.
                make_pipeline(TukeyClip(3.0), SimpleImputer(strategy="median"), StandardScaler()),
                NUMERIC,
            ),
            (
                "flags",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OrdinalEncoder(categories=list(FLAGS.values())),
                    StandardScaler(),
                ),
                list(FLAGS),
            ),
            ("datetime", make_pipeline(DatetimeParts(), StandardScaler()), [DATETIME]),
            (
                "onehot",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                ONEHOT,
            ),
            (
                "target",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    TargetEncoder(smooth=SMOOTHING, cv=folds),
                ),
                TARGET,
            ),
        ],
        remainder="drop",
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )


def mlkit_pipeline() -> Any:
    """mlkit's side: ``Cleaner`` then ``FeatureBuilder``, both with defaults."""
    return make_pipeline(mlkit.Cleaner(), mlkit.FeatureBuilder())


def output_blocks(n_columns: int) -> dict[str, int]:
    """Output columns per kind of work, in the order both sides produce them."""
    sizes = {
        "numeric (imputed, clipped, scaled)": len(NUMERIC),
        "flags (0/1, scaled)": len(FLAGS),
        "datetime parts (scaled)": len(PARTS) + 2 * len(PERIODS),
        "one-hot": 0,
        "target-encoded": len(TARGET),
    }
    sizes["one-hot"] = n_columns - sum(sizes.values())  # one per level seen in fit
    return sizes


# ----------------------------------------------------------------------------- timing


def _timed(call: Callable[[], Any]) -> tuple[Any, float, int | None]:
    """Result, seconds and peak RSS growth of one ``call()`` (garbage collected before)."""
    gc.collect()
    with rss_growth() as memory:
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return result, seconds, memory["growth_bytes"]


def _summary(seconds: list[float], growth: list[int | None]) -> dict[str, Any]:
    known = [g for g in growth if g is not None]
    return {
        "runs_s": seconds,
        "best_s": min(seconds),
        "median_s": statistics.median(seconds),
        "rss_growth_bytes": growth,
        "rss_growth_median_bytes": statistics.median(known) if known else None,
    }


def compare(
    names: tuple[list[str], list[str]],
    outputs: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict[str, Any]:
    """Names and largest absolute differences per block of columns, on sampled rows."""
    mlkit_names, baseline_names = names
    record: dict[str, Any] = {
        "n_columns": {"mlkit": len(mlkit_names), "baseline": len(baseline_names)},
        "same_names": mlkit_names == baseline_names,
        "sample_rows": None,
        "max_abs_diff": {},
    }
    if len(mlkit_names) != len(baseline_names):
        return record
    sizes = output_blocks(len(mlkit_names))
    for call, (ours, theirs) in outputs.items():
        record["sample_rows"] = len(ours)
        start, diffs = 0, {}
        for block, size in sizes.items():
            part = slice(start, start + size)
            diffs[block] = float(np.max(np.abs(ours[:, part] - theirs[:, part]), initial=0.0))
            start += size
        record["max_abs_diff"][call] = diffs
    return record


def _warm_up(df: pd.DataFrame, y: np.ndarray) -> None:
    """Run both sides once on a small slice, so lazy imports are not timed."""
    warm, warm_y = df.head(WARM_ROWS), y[:WARM_ROWS]
    for pipeline in (mlkit_pipeline(), baseline_pipeline()):
        pipeline.fit_transform(warm, warm_y)
        pipeline.transform(warm)


def measure(df: pd.DataFrame, repeat: int, *, seed: int = 0) -> dict[str, Any]:
    """Time ``repeat`` fits and transforms of each side, interleaved; compare outputs."""
    y = binary_target(df, seed=seed)
    _warm_up(df, y)
    sample = np.sort(np.random.default_rng(seed).choice(len(df), SAMPLE_ROWS, replace=False))
    sides: dict[str, Callable[[], Any]] = {"mlkit": mlkit_pipeline, "baseline": baseline_pipeline}
    runs: dict[str, dict[str, list[Any]]] = {
        side: {key: [] for key in ("fit_s", "fit_rss", "transform_s", "transform_rss")}
        for side in sides
    }
    kept: dict[str, dict[str, np.ndarray]] = {side: {} for side in sides}
    names: dict[str, list[str]] = {}
    for _ in range(repeat):
        for side, build in sides.items():
            pipeline = build()
            built, seconds, growth = _timed(lambda p=pipeline: p.fit_transform(df, y))
            runs[side]["fit_s"].append(seconds)
            runs[side]["fit_rss"].append(growth)
            kept[side]["fit_transform"] = built[sample]
            del built
            built, seconds, growth = _timed(lambda p=pipeline: p.transform(df))
            runs[side]["transform_s"].append(seconds)
            runs[side]["transform_rss"].append(growth)
            kept[side]["transform"] = built[sample]
            del built
            names[side] = list(pipeline.get_feature_names_out())
            if side == "mlkit":  # what the defaults chose, to check against the baseline
                choices = {"dropped": pipeline[0].dropped_, "steps": pipeline[1].column_steps_}
    result: dict[str, Any] = {
        "repeat": repeat,
        "target_mean": float(y.mean()),
        "mlkit_choices": choices,
    }
    for side in sides:
        result[side] = {
            "fit": _summary(runs[side]["fit_s"], runs[side]["fit_rss"]),
            "transform": _summary(runs[side]["transform_s"], runs[side]["transform_rss"]),
        }
    for call in ("fit", "transform"):
        for stat in ("best", "median"):
            result[f"{call}_ratio_{stat}"] = (
                result["mlkit"][call][f"{stat}_s"] / result["baseline"][call][f"{stat}_s"]
            )
    result["equivalence"] = compare(
        (names["mlkit"], names["baseline"]),
        {call: (kept["mlkit"][call], kept["baseline"][call]) for call in kept["mlkit"]},
    )
    return result
