"""clean_rows: the explicit, training-only row step."""

import pandas as pd
import pytest

from mlkit import clean_rows
from mlkit.exceptions import ConfigurationError, DataError


def test_rows_without_a_target_and_repeated_rows_are_dropped_and_counted(churn):
    messy = pd.concat([churn, churn.iloc[:7]]).reset_index(drop=True)
    messy.loc[[0, 1, 2], "churned"] = None
    result = clean_rows(messy, target="churned")
    with_target = messy[messy["churned"].notna()]
    repeated = int(with_target.duplicated().sum())
    assert repeated > 4  # the 7 copies, less 3 whose originals lost their target, and more
    assert result.to_dict() == {
        "target": "churned",
        "n_rows_in": len(churn) + 7,
        "n_missing_target": 3,
        "n_duplicate_rows": repeated,
        "n_rows_out": len(churn) + 7 - 3 - repeated,
    }
    pd.testing.assert_frame_equal(result.frame, with_target.drop_duplicates())
    assert result.frame["churned"].notna().all()
    assert not result.frame.duplicated().any()


def test_repr_shows_the_counts():
    result = clean_rows(pd.DataFrame({"x": [1, 1]}))
    assert repr(result) == (
        "RowCleaning(n_rows_in=2, n_missing_target=0, n_duplicate_rows=1, n_rows_out=1)"
    )


def test_duplicates_can_be_kept_and_no_target_is_needed():
    df = pd.DataFrame({"x": [1, 1, 2]})
    assert clean_rows(df).n_rows_out == 2
    assert clean_rows(df, drop_duplicates=False).n_rows_out == 3


def test_unhashable_values_are_compared_by_their_text():
    df = pd.DataFrame({"x": [[1], [1], [2]]})
    assert clean_rows(df).n_duplicate_rows == 1


def test_errors():
    with pytest.raises(ConfigurationError, match="The target 'y' is not a column"):
        clean_rows(pd.DataFrame({"x": [1]}), target="y")
    with pytest.raises(DataError, match="no row is left to train on") as caught:
        clean_rows(pd.DataFrame({"x": [1, 2], "y": [None, None]}), target="y")
    assert caught.value.reasons == ("no_rows_left",)
    with pytest.raises(DataError, match="expected a pandas DataFrame"):
        clean_rows([[1, 2]])
    with pytest.raises(DataError, match="column names must be unique"):
        clean_rows(pd.DataFrame([[1, 2]], columns=["a", "a"]))


def test_html_and_table_views(tmp_path):
    result = clean_rows(pd.DataFrame({"x": [1, 1, 2], "y": [0, 0, None]}), target="y")
    assert result.to_frame()["rows"].tolist() == [3, -1, -1, 1]
    assert "Rows kept for training (y)" in result._repr_html_()
    written = result.to_html(tmp_path / "rows.html")
    assert "<html" in written.read_text(encoding="utf-8")
