"""Hypothesis-generated frames: the Profiler answers or raises an mlkit error, nothing else."""

import json

import numpy as np
from _strategies import frames
from hypothesis import given
from hypothesis import strategies as st

from mlkit import Profiler
from mlkit.exceptions import MlkitError


@given(frames(), st.data())
def test_profile_answers_or_raises_an_mlkit_error(df, data):
    target = None
    string_names = [c for c in df.columns if isinstance(c, str)]
    if string_names and data.draw(st.booleans()):
        target = data.draw(st.sampled_from(string_names))
    try:
        profile = Profiler().profile(df, target=target)
    except MlkitError:
        return
    assert profile.n_rows == len(df)
    assert profile.n_duplicate_rows == df.duplicated().sum()
    assert profile.n_rows_with_missing == df.isna().any(axis=1).sum()
    for column in profile.columns:
        series = df[column.name]
        assert column.n_missing == series.isna().sum()
        if column.histogram is not None:
            assert sum(column.histogram.counts) <= len(df)
    json.dumps(profile.to_dict(), allow_nan=False)
    profile.to_frame()
    assert isinstance(profile._repr_html_(), str) if len(df.columns) <= 2 else True


@given(frames())
def test_contract_accepts_the_frame_it_was_built_from(df):
    try:
        profile = Profiler().profile(df)
    except MlkitError:
        return
    finite = df.apply(
        lambda s: s.replace([np.inf, -np.inf], np.nan) if s.dtype == "float64" else s
    )
    validated = profile.to_schema().validate(finite, lazy=True)
    assert list(validated.columns) == list(df.columns)
