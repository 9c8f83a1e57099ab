"""Training-only row cleaning: what a transformer cannot do at prediction time."""

from __future__ import annotations

import logging
from typing import Any

import attrs
import pandas as pd

from mlkit._frame_checks import non_string_names, repeated_names, require_frame
from mlkit._html import cards, escape, page
from mlkit._results import HtmlReport
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

__all__ = ["RowCleaning", "clean_rows"]

logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True, eq=False)
class RowCleaning(HtmlReport):
    """The rows kept for training, and how many were dropped and why.

    Attributes
    ----------
    frame : pandas.DataFrame
        The kept rows, in their original order, with their original index.
    target : str or None
        The target column, if one was given.
    n_rows_in : int
        Rows before cleaning.
    n_missing_target : int
        Rows dropped because their target was missing.
    n_duplicate_rows : int
        Rows dropped because they repeated an earlier row exactly.
    """

    frame: pd.DataFrame
    target: str | None
    n_rows_in: int
    n_missing_target: int
    n_duplicate_rows: int

    @property
    def n_rows_out(self) -> int:
        """Rows kept."""
        return len(self.frame)

    def to_dict(self) -> dict[str, Any]:
        """The counts, JSON-safe (without the frame)."""
        return {
            "target": self.target,
            "n_rows_in": self.n_rows_in,
            "n_missing_target": self.n_missing_target,
            "n_duplicate_rows": self.n_duplicate_rows,
            "n_rows_out": self.n_rows_out,
        }

    def to_frame(self) -> pd.DataFrame:
        """The counts as a table: one row per step, with the rows it dropped."""
        return pd.DataFrame(
            {
                "step": ["rows in", "missing target", "duplicate rows", "rows out"],
                "rows": [
                    self.n_rows_in,
                    -self.n_missing_target,
                    -self.n_duplicate_rows,
                    self.n_rows_out,
                ],
            }
        ).set_index("step")

    def _render(self, *, standalone: bool) -> str:
        figures = [
            ("rows in", self.n_rows_in),
            ("without a target", self.n_missing_target),
            ("duplicates", self.n_duplicate_rows),
            ("rows out", self.n_rows_out),
        ]
        title = "Rows kept for training" + (f" ({self.target})" if self.target else "")
        body = f"<h1>{escape(title)}</h1>{cards(figures)}"
        return page(title, body, standalone=standalone)

    def __repr__(self) -> str:
        return (
            f"RowCleaning(n_rows_in={self.n_rows_in}, n_missing_target={self.n_missing_target}, "
            f"n_duplicate_rows={self.n_duplicate_rows}, n_rows_out={self.n_rows_out})"
        )


def clean_rows(
    df: pd.DataFrame, *, target: str | None = None, drop_duplicates: bool = True
) -> RowCleaning:
    """Drop the rows a model must not train on: no target, or an exact repeat.

    This is a training-only step, kept apart from :class:`~mlkit.Cleaner`:
    at prediction time every row gets a prediction, so no row is dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        Training data.
    target : str, optional
        The target column; rows where it is missing are dropped.
    drop_duplicates : bool, default=True
        Drop rows that repeat an earlier row in every column (the first is kept).

    Returns
    -------
    RowCleaning
        The kept rows and the counts.

    Raises
    ------
    ConfigurationError
        When ``target`` is not a column of ``df``.
    DataError
        When ``df`` is not a DataFrame, has bad column names, or no row is left.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlkit import clean_rows
    >>> df = pd.DataFrame({"x": [1, 1, 2, 3], "y": [0, 0, None, 1]})
    >>> result = clean_rows(df, target="y")
    >>> result
    RowCleaning(n_rows_in=4, n_missing_target=1, n_duplicate_rows=1, n_rows_out=2)
    >>> result.frame["x"].tolist()
    [1, 3]
    """
    subject = "The frame given to clean_rows"
    frame = require_frame(df, subject=subject)
    problems = non_string_names(frame) + repeated_names(frame)
    if problems:
        raise DataError.from_failures(subject, problems)
    if target is not None and target not in frame.columns:
        raise ConfigurationError(
            f"The target {target!r} is not a column of the frame; columns are "
            f"{list(frame.columns)!r}."
        )
    keep = frame[target].notna() if target is not None else pd.Series(True, index=frame.index)
    n_missing_target = int((~keep).sum())
    n_duplicates = 0
    if drop_duplicates:
        repeated = _repeated_rows(frame) & keep
        n_duplicates = int(repeated.sum())
        keep &= ~repeated
    kept = frame.loc[keep.to_numpy()]
    if len(frame) and kept.empty:
        raise DataError.from_failures(
            subject,
            [
                DataFailure(
                    column=target,
                    reason="no_rows_left",
                    message=f"no row is left to train on: all {len(frame)} rows lack the target "
                    f"{target!r}; check that the right column is named",
                )
            ],
        )
    logger.info(
        "clean_rows dropped %d row(s) without a target and %d duplicate row(s) of %d",
        n_missing_target,
        n_duplicates,
        len(frame),
    )
    return RowCleaning(
        frame=kept,
        target=target,
        n_rows_in=len(frame),
        n_missing_target=n_missing_target,
        n_duplicate_rows=n_duplicates,
    )


def _repeated_rows(frame: pd.DataFrame) -> pd.Series:
    try:
        return frame.duplicated(keep="first")
    except TypeError:  # unhashable values (lists, dicts) are compared by their text
        return frame.map(repr).duplicated(keep="first")
