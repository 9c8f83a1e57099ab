"""Hypothesis strategies for messy frames, shared by the fuzz tests."""

from datetime import datetime

import pandas as pd
from hypothesis import strategies as st

N_ROWS = st.integers(min_value=0, max_value=30)

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
scalars = st.one_of(
    st.none(),
    floats,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.text(max_size=8),
    st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1)),
)


BASIC_KINDS = ["float", "int", "bool", "text", "mixed", "datetime", "category", "none"]
MORE_KINDS = ["string", "nullable_int", "aware", "duration", "sloppy_words"]


@st.composite
def columns(draw, n_rows, kinds=tuple(BASIC_KINDS)):
    kind = draw(st.sampled_from(kinds))
    if kind in MORE_KINDS:
        return draw(more_columns(n_rows, kind))
    if kind == "float":
        return pd.Series(draw(st.lists(floats, min_size=n_rows, max_size=n_rows)), dtype="float64")
    if kind == "int":
        values = draw(st.lists(st.integers(-(2**62), 2**62), min_size=n_rows, max_size=n_rows))
        return pd.Series(values, dtype="int64")
    if kind == "bool":
        return pd.Series(
            draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows)), dtype=bool
        )
    if kind == "text":
        values = draw(
            st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=n_rows, max_size=n_rows)
        )
        return pd.Series(values, dtype=object)
    if kind == "mixed":
        return pd.Series(draw(st.lists(scalars, min_size=n_rows, max_size=n_rows)), dtype=object)
    if kind == "datetime":
        stamps = st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1))
        values = draw(st.lists(st.one_of(st.none(), stamps), min_size=n_rows, max_size=n_rows))
        return pd.Series(pd.to_datetime(values))
    if kind == "category":
        values = draw(
            st.lists(st.sampled_from(["a", "b", None]), min_size=n_rows, max_size=n_rows)
        )
        return pd.Series(values, dtype="category")
    return pd.Series([None] * n_rows, dtype=object)


@st.composite
def more_columns(draw, n_rows, kind):
    """Storage a frame from a database or a CSV reader also brings."""
    if kind == "string":
        values = draw(
            st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=n_rows, max_size=n_rows)
        )
        return pd.Series(values, dtype="string")
    if kind == "nullable_int":
        values = draw(
            st.lists(
                st.one_of(st.none(), st.integers(-1000, 1000)), min_size=n_rows, max_size=n_rows
            )
        )
        return pd.Series(values, dtype="Int64")
    if kind == "aware":
        stamps = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))
        values = draw(st.lists(st.one_of(st.none(), stamps), min_size=n_rows, max_size=n_rows))
        return pd.Series(pd.to_datetime(values)).dt.tz_localize(
            "Europe/Paris", ambiguous="NaT", nonexistent="NaT"
        )
    if kind == "duration":
        values = draw(
            st.lists(
                st.one_of(st.none(), st.integers(-(10**6), 10**6)),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
        return pd.Series(pd.to_timedelta(values, unit="s"))
    words = ["Yes", " yes", "NO", "no ", "12", " 3.5", "", "n/a", "2024-01-02"]
    values = draw(
        st.lists(st.one_of(st.none(), st.sampled_from(words)), min_size=n_rows, max_size=n_rows)
    )
    return pd.Series(values, dtype=object)


@st.composite
def frames(draw, kinds=tuple(BASIC_KINDS)):
    n_rows = draw(N_ROWS)
    n_columns = draw(st.integers(min_value=0, max_value=5))
    names = draw(
        st.lists(
            st.one_of(st.text(max_size=6), st.integers(0, 3)),
            min_size=n_columns,
            max_size=n_columns,
        )
    )
    data = [draw(columns(n_rows, kinds)) for _ in names]
    frame = pd.concat(data, axis=1) if data else pd.DataFrame(index=range(n_rows))
    frame.columns = pd.Index(names, dtype=object)
    return frame
