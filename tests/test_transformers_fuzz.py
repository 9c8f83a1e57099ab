"""Hypothesis-generated frames: Cleaner and FeatureBuilder answer or raise an mlkit error."""

import numpy as np
import pandas as pd
from _strategies import BASIC_KINDS, MORE_KINDS, frames
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone

from mlkit import Cleaner, FeatureBuilder
from mlkit.exceptions import MlkitError


def _finite_numbers(out: pd.DataFrame) -> None:
    assert not out.isna().any().any()
    numeric = out.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy(dtype=float)).all()


CLEANERS = st.sampled_from(
    [
        Cleaner(),
        Cleaner(numeric_impute="mean", outliers="zscore", missing_indicator=True),
        Cleaner(
            numeric_impute="most_frequent", outliers="quantile", categorical_impute="constant"
        ),
        Cleaner(repair_types=False, outliers=None, drop_ids=False, near_constant=1.0),
    ]
)


ANY_FRAME = frames(kinds=tuple(BASIC_KINDS + MORE_KINDS))


@given(CLEANERS, ANY_FRAME, ANY_FRAME)
def test_cleaner_answers_or_raises_an_mlkit_error(configured, train, later):
    cleaner = clone(configured)
    try:
        out = cleaner.fit_transform(train)
    except MlkitError:
        return
    _finite_numbers(out)
    assert list(out.columns) == list(cleaner.get_feature_names_out())
    assert out.index.equals(train.index)
    again = later.copy()
    for name in cleaner.kinds_:  # give the later frame every kept column, with new values
        if name not in again.columns:
            again[name] = (
                train[name].iloc[: len(again)].to_numpy() if len(train) >= len(again) else None
            )
    try:
        cleaner.transform(again)
    except MlkitError:
        return


@given(ANY_FRAME, st.booleans())
def test_cleaner_then_feature_builder_answer_or_raise_an_mlkit_error(train, with_target):
    y = np.arange(len(train)) % 2 if with_target else None
    try:
        cleaned = Cleaner().fit_transform(train)
        built = FeatureBuilder().fit_transform(cleaned, y)
    except MlkitError:
        return
    assert built.shape[0] == len(train)
    assert np.isfinite(built).all()


@given(ANY_FRAME, ANY_FRAME)
def test_feature_builder_alone_answers_or_raises_an_mlkit_error(train, later):
    builder = FeatureBuilder()
    try:
        built = builder.fit_transform(train)
    except MlkitError:
        return
    assert built.shape[0] == len(train)
    np.testing.assert_array_equal(builder.transform(train), built)  # no y: nothing cross-fitted
    try:
        builder.transform(later)
    except MlkitError:
        return


@given(CLEANERS, ANY_FRAME)
def test_cleaner_transform_of_the_training_frame_is_its_fit_transform(configured, train):
    cleaner = clone(configured)
    try:
        out = cleaner.fit_transform(train)
    except MlkitError:
        return
    pd.testing.assert_frame_equal(cleaner.transform(train), out)
