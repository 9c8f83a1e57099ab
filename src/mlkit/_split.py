"""The Split: a hold-out split's rows, sizes and class balance on each side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from mlkit._associations import as_python, infer_task
from mlkit._html import cards, escape, page, table
from mlkit._profile import Task
from mlkit._results import HtmlReport, json_safe

__all__ = ["Split", "make_split"]

Strategy = Literal["random", "stratified", "group", "time"]


def make_split(
    df: pd.DataFrame, target: str, strategy: Strategy, test: np.ndarray, settings: dict[str, Any]
) -> Split:
    in_test = np.zeros(len(df), dtype=bool)
    in_test[test] = True
    train_index, test_index = np.flatnonzero(~in_test), np.flatnonzero(in_test)
    sides = {"train": df[target].iloc[train_index], "test": df[target].iloc[test_index]}
    task = infer_task(df[target])
    balance = None
    if task != "regression" or strategy == "stratified":
        counts = df[target].value_counts()
        labels = counts.index[counts > 0]  # not the unused categories of a categorical
        balance = {
            side: _shares(y.value_counts().reindex(labels, fill_value=0))
            for side, y in sides.items()
        }
    summary = None
    if task == "regression":
        summary = {
            side: {
                str(k): float(v)
                for k, v in y.astype(np.float64).agg(["mean", "std", "min", "max"]).items()
            }
            for side, y in sides.items()
        }
    return Split(
        strategy=strategy,
        target=target,
        task=task,
        train_index=train_index.astype(np.int64),
        test_index=test_index.astype(np.int64),
        train=df.iloc[train_index],
        test=df.iloc[test_index],
        class_balance=balance,
        target_summary=summary,
        settings=settings,
    )


def _shares(counts: pd.Series) -> dict[Any, tuple[int, float]]:
    total = int(counts.sum())
    return {as_python(label): (int(count), int(count) / total) for label, count in counts.items()}


@attrs.frozen(kw_only=True, eq=False)
class Split(HtmlReport):
    """A hold-out split made by :meth:`Splitter.split <mlkit.Splitter.split>`.

    Attributes
    ----------
    strategy : {"random", "stratified", "group", "time"}
        The strategy used (``"auto"`` resolved).
    target : str
        The target column.
    task : {"binary", "multiclass", "regression"}
        The task the target implies.
    train_index, test_index : numpy.ndarray
        Sorted int64 row positions (``iloc``) of each side; together they
        cover every row once.
    train, test : pandas.DataFrame
        The rows of each side, every column, original index labels kept.
    class_balance : dict or None
        For classes: ``{"train": {label: (count, share)}, "test": {...}}``,
        every class on both sides, most frequent overall first; ``None`` for a
        regression target.
    target_summary : dict or None
        For a regression target: ``mean``, ``std``, ``min`` and ``max`` on
        each side; ``None`` for classes.
    settings : dict
        The splitter settings that made this split.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlkit import Splitter
    >>> df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5], "y": [0, 1] * 5})
    >>> split = Splitter(strategy="time", time="day").split(df, target="y")
    >>> split.test["day"].tolist()
    [5, 5]
    >>> split.class_balance["test"]
    {0: (1, 0.5), 1: (1, 0.5)}
    >>> split
    <mlkit.Split time, target='y' (binary): 8 train rows, 2 test rows>
    """

    strategy: Strategy
    target: str
    task: Task
    train_index: np.ndarray
    test_index: np.ndarray
    train: pd.DataFrame
    test: pd.DataFrame
    class_balance: Mapping[str, Mapping[Any, tuple[int, float]]] | None = None
    target_summary: Mapping[str, Mapping[str, float]] | None = None
    settings: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def n_train(self) -> int:
        """Rows in the training set."""
        return len(self.train_index)

    @property
    def n_test(self) -> int:
        """Rows in the test set."""
        return len(self.test_index)

    @property
    def test_share(self) -> float:
        """Share of all rows in the test set."""
        return self.n_test / (self.n_train + self.n_test)

    @property
    def X_train(self) -> pd.DataFrame:
        """The training rows without the target."""
        return self.train.drop(columns=[self.target])

    @property
    def y_train(self) -> pd.Series:
        """The target of the training rows."""
        return self.train[self.target]

    @property
    def X_test(self) -> pd.DataFrame:
        """The test rows without the target."""
        return self.test.drop(columns=[self.target])

    @property
    def y_test(self) -> pd.Series:
        """The target of the test rows."""
        return self.test[self.target]

    def to_dict(self) -> dict[str, Any]:
        """Return the strategy, sizes, balance and settings as JSON-safe values (no rows).

        Returns
        -------
        dict
            Serialisable with ``json.dumps(..., allow_nan=False)``; the class
            balance becomes ``{side: [{"class", "count", "share"}, ...]}``.
        """
        balance = {
            side: [{"class": k, "count": c, "share": s} for k, (c, s) in counts.items()]
            for side, counts in (self.class_balance or {}).items()
        }
        raw = {
            "strategy": self.strategy,
            "target": self.target,
            "task": self.task,
            "n_rows": self.n_train + self.n_test,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "test_share": self.test_share,
            "class_balance": balance if self.class_balance is not None else None,
            "target_summary": self.target_summary,
            "boundary": self._boundary(),
            "settings": self.settings,
        }
        return json_safe(raw)  # type: ignore[no-any-return]

    def to_frame(self) -> pd.DataFrame:
        """Return the class balance per side and class, or else the target summary per side.

        Returns
        -------
        pandas.DataFrame
            For classes, indexed by ``(side, class)`` with ``count`` and
            ``share``; for regression, indexed by ``side`` with ``n_rows``,
            ``mean``, ``std``, ``min`` and ``max``.
        """
        return self._balance_frame() if self.class_balance is not None else self._summary_frame()

    def _balance_frame(self) -> pd.DataFrame:
        rows = [
            (side, label, count, share)
            for side, counts in (self.class_balance or {}).items()
            for label, (count, share) in counts.items()
        ]
        frame = pd.DataFrame(rows, columns=["side", "class", "count", "share"])
        return frame.set_index(["side", "class"])

    def _summary_frame(self) -> pd.DataFrame:
        sizes = {"train": self.n_train, "test": self.n_test}
        rows = {
            side: {"n_rows": sizes[side], **s} for side, s in (self.target_summary or {}).items()
        }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("side")

    def __repr__(self) -> str:
        return (
            f"<mlkit.Split {self.strategy}, target={self.target!r} ({self.task}): "
            f"{self.n_train} train rows, {self.n_test} test rows>"
        )

    def _boundary(self) -> dict[str, Any] | None:
        """What shows that the strategy held: groups per side, or the times either side."""
        column = self.settings.get(self.strategy)
        if self.strategy not in ("group", "time") or column not in self.train.columns:
            return None
        train, test = self.train[column], self.test[column]
        if self.strategy == "group":
            return {
                "column": column,
                "train_groups": train.nunique(),
                "test_groups": test.nunique(),
            }
        return {"column": column, "train_until": train.max(), "test_from": test.min()}

    def _render(self, *, standalone: bool) -> str:
        figures: list[tuple[str, Any]] = [("strategy", self.strategy), ("task", self.task)]
        figures += [("train rows", self.n_train), ("test rows", self.n_test)]
        figures.append(("test share", f"{self.test_share:.1%}"))
        parts = [f"<h1>Split on {escape(self.target)}</h1>", cards(figures)]
        boundary = self._boundary()
        if boundary is not None:
            facts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in boundary.items())
            parts.append(f'<p class="note">{escape(facts)}</p>')
        for title, present, frame in (
            ("Class balance", self.class_balance, self._balance_frame),
            ("Target summary", self.target_summary, self._summary_frame),
        ):
            if present is not None:
                rows = frame().reset_index()
                parts.append(
                    f"<h2>{title}</h2>" + table(list(rows.columns), rows.itertuples(index=False))
                )
        return page(f"mlkit split on {self.target}", "".join(parts), standalone=standalone)
