"""The Splitter: a hold-out split and CV folds that honour one strategy, or say why not."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any, Final, Literal, NoReturn, overload

import attrs
import numpy as np
import pandas as pd

from mlkit._associations import as_python, infer_task
from mlkit._frame_checks import (
    data_error,
    non_string_names,
    repeated_names,
    require_frame,
)
from mlkit._split import Split, Strategy, make_split
from mlkit._validation import Named, number_in, one_of, random_state
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

__all__ = ["Split", "Splitter"]

Fold = tuple[np.ndarray, np.ndarray]

_STRATEGIES: Final = ("auto", "random", "stratified", "group", "time")
_ORDERABLE: Final = frozenset(
    {"integer", "floating", "mixed-integer-float", "decimal", "datetime64", "datetime", "date"}
    | {"timedelta64", "timedelta", "time", "period"}
)
_HOLD_OUT: Final = "The frame given to Splitter.split"
_FOLDS: Final = "The data given to Splitter.split"
_ADVICE: Final = {
    "target": "drop rows without a target first",
    "group": "fill them or drop those rows first: every row needs a group",
    "time": "fill them or drop those rows first: a row without a time cannot be placed "
    "before or after the others",
}


def _refuse(name: str, must: str, value: Any) -> NoReturn:
    raise ConfigurationError(
        f"The {name!r} parameter of Splitter must be {must}. Got {value!r} instead."
    )


def _column(instance: Any, attribute: Named, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        _refuse(attribute.name, "a column name (str) or None", value)


@attrs.frozen(kw_only=True)
class Splitter:
    """Split a frame into train and test rows, or into CV folds, by one strategy.

    ``split(df, target=...)`` returns a hold-out :class:`Split`;
    ``split(X, y, groups)`` and ``get_n_splits`` make up scikit-learn's
    CV-splitter protocol, so a splitter can be passed as ``cv=``. A split that
    cannot honour its strategy raises a :class:`~mlkit.DataError`; the
    splitter never falls back to another strategy.

    Parameters
    ----------
    strategy : {"auto", "random", "stratified", "group", "time"}, default="auto"
        ``"random"`` shuffles rows; ``"stratified"`` keeps each class's share
        equal on both sides; ``"group"`` never puts one group on both sides;
        ``"time"`` puts every train row strictly before every test row.
        ``"auto"`` picks ``"time"`` when ``time`` is set, ``"group"`` when
        ``group`` is set, ``"stratified"`` when the target looks like classes,
        and ``"random"`` otherwise.
    test_size : float, default=0.2
        Share of rows held back for the hold-out test set, in (0, 1). Group and
        time splits come as close to it as whole groups or times allow.
    n_splits : int, default=5
        Number of CV folds, at least 2.
    group : str, optional
        Column holding the groups; required by ``strategy="group"``.
    time : str, optional
        Column holding the times (or any ordered values); required by
        ``strategy="time"``.
    random_state : int or None, default=0
        Seed; the same seed gives the same split. ``None`` draws a new one.

    Examples
    --------
    >>> from mlkit import Splitter
    >>> from mlkit.datasets import make_churn
    >>> df = make_churn(1_000)
    >>> split = Splitter().split(df, target="churned")
    >>> split.strategy, split.n_train, split.n_test
    ('stratified', 800, 200)
    >>> folds = list(Splitter(n_splits=3).split(df, df["churned"]))
    >>> [len(test) for train, test in folds]
    [334, 333, 333]
    >>> Splitter(strategy="group")
    Traceback (most recent call last):
    ...
    mlkit.ConfigurationError: The 'group' parameter of Splitter must be a column name
    when strategy='group'. Got None instead.
    """

    strategy: Literal["auto", "random", "stratified", "group", "time"] = attrs.field(
        default="auto", validator=one_of(*_STRATEGIES)
    )
    test_size: float = attrs.field(default=0.2, validator=number_in(0, 1, closed="neither"))
    n_splits: int = attrs.field(default=5, validator=number_in(2, None, integral=True))
    group: str | None = attrs.field(default=None, validator=_column)
    time: str | None = attrs.field(default=None, validator=_column)
    random_state: int | None = attrs.field(default=0, validator=random_state)

    def __attrs_post_init__(self) -> None:
        for name in ("group", "time"):
            value = getattr(self, name)
            if self.strategy == name and value is None:
                _refuse(name, f"a column name when strategy={name!r}", value)
            if value is not None and self.strategy not in (name, "auto"):
                _refuse(
                    name,
                    f"None when strategy={self.strategy!r} (strategy={name!r} or 'auto' uses it)",
                    value,
                )
        if self.group is not None and self.time is not None:
            _refuse("time", "None when 'group' is set: a split is by group or by time", self.time)

    @overload
    def split(self, df: pd.DataFrame, /, *, target: str) -> Split: ...

    @overload
    def split(self, X: Any, /, y: Any = None, groups: Any = None) -> Iterator[Fold]: ...

    def split(
        self, X: Any, /, y: Any = None, groups: Any = None, *, target: str | None = None
    ) -> Split | Iterator[Fold]:
        """Split a frame once (with ``target``), or yield CV folds (without it).

        Parameters
        ----------
        X : pandas.DataFrame or sequence
            The rows. With ``target``, a DataFrame with unique string column
            names. Without it, anything with one row per sample; it must be a
            DataFrame when the strategy reads its ``time`` column, or its
            ``group`` column and ``groups`` is not given.
        y : sequence, optional
            CV only: the target, needed to stratify (and by ``"auto"`` to
            decide whether to).
        groups : sequence, optional
            CV only: one group per row; when given, it wins over the ``group``
            column.
        target : str, optional
            The target column of ``X``; its presence asks for a hold-out split.

        Returns
        -------
        Split or iterable of (ndarray, ndarray)
            With ``target``, the hold-out :class:`Split`. Without it,
            ``n_splits`` pairs of sorted positional train and test indices.

        Raises
        ------
        ConfigurationError
            When a named column is not in the frame, ``y`` is a column name
            rather than values, ``y`` or ``groups`` does not hold one value per
            row, stratified folds get no ``y``, or both ``target`` and
            ``y``/``groups`` are given.
        DataError
            When the data cannot honour the strategy: a class too small to
            stratify, too few groups or distinct times, too few rows, missing
            targets, groups or times, or times that have no order. The error
            lists each problem with a reason code.
        """
        if target is None:
            if isinstance(y, str):
                raise ConfigurationError(
                    f"Splitter.split got the text {y!r} as y. To split a frame once by its "
                    f"target column, pass it by name: split(df, target={y!r}); for CV folds, "
                    "pass the target values: split(X, y)."
                )
            return iter(self._folds(X, y, groups))
        if y is not None or groups is not None:
            raise ConfigurationError(
                "Splitter.split takes either target= (one hold-out split of a frame) or y and "
                "groups (cross-validation folds), not both. Drop one of them."
            )
        return self._hold_out(X, target)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Return the number of CV folds, ``n_splits`` (the arguments are ignored).

        Parameters
        ----------
        X, y, groups : object, optional
            Accepted for scikit-learn's CV-splitter protocol.

        Returns
        -------
        int
            ``n_splits``.
        """
        return self.n_splits

    def get_metadata_routing(self) -> Any:
        """Ask for ``groups`` in ``split``, for scikit-learn's metadata routing.

        Returns
        -------
        object
            scikit-learn's ``MetadataRequest`` for ``groups``, so that with
            ``sklearn.set_config(enable_metadata_routing=True)``,
            ``cross_validate(..., params={"groups": g}, cv=splitter)`` reaches
            :meth:`split`.
        """
        from sklearn.utils.metadata_routing import MetadataRequest

        request = MetadataRequest(owner=type(self).__name__)
        request.split.add_request(param="groups", alias=True)
        return request

    def _resolve(self, y: pd.Series | None) -> Strategy:
        if self.strategy != "auto":
            return self.strategy
        if self.time is not None:
            return "time"
        if self.group is not None:
            return "group"
        if y is not None and infer_task(y) != "regression":
            return "stratified"
        return "random"

    def _hold_out(self, df: Any, target: Any) -> Split:
        df = require_frame(df, subject="The input to Splitter.split")
        names = non_string_names(df) + repeated_names(df)
        if names:
            raise DataError.from_failures(_HOLD_OUT, names)
        _require_column(df, target, "The 'target' argument of Splitter.split")
        roles = {"target": target, "group": self.group, "time": self.time}
        for role in ("group", "time"):
            if roles[role] is not None:
                _require_column(df, roles[role], f"The {role!r} parameter of Splitter")
        failures = [
            f for r, name in roles.items() if name is not None for f in _missing(df[name], r)
        ]
        failures += _unusable_values(df[target], "target")
        if self.group is not None:
            failures += _unusable_values(df[self.group], "group")
        if failures:
            raise DataError.from_failures(_HOLD_OUT, failures)
        strategy = self._resolve(df[target])
        n_test = _test_rows(len(df), self.test_size)
        rng = np.random.default_rng(self.random_state)
        if strategy == "random":
            test = rng.permutation(len(df))[:n_test]
        elif strategy == "stratified":
            need = "A stratified hold-out split (one member on each side)"
            codes = _class_codes(df[target], 2, need, _HOLD_OUT)
            test = _stratified_test(codes, n_test, rng, target)
        elif strategy == "group":
            codes = _group_codes(df[self.group], 2, "a group hold-out split", _HOLD_OUT)
            test = _group_test(codes, n_test, rng)
        else:
            order, cuts = _time_order(df[self.time], 2, "a time hold-out split", _HOLD_OUT)
            test = order[_snap(cuts, [len(df) - n_test])[0] :]
        return make_split(df, target, strategy, test, attrs.asdict(self))

    def _folds(self, X: Any, y: Any, groups: Any) -> list[Fold]:
        n = _n_rows(X)
        target = _one_column(y, n, "y") if y is not None and np.ndim(y) == 1 else None
        unusable = [] if target is None else _unusable_values(target, "target")
        if groups is not None:
            unusable += _unusable_values(_one_column(groups, n, "groups"), "group")
        if unusable:
            raise DataError.from_failures(_FOLDS, unusable)
        strategy = self._resolve(target)
        rng = np.random.default_rng(self.random_state)
        k = self.n_splits
        if groups is not None and strategy != "group":
            raise ConfigurationError(
                f"Splitter(strategy={self.strategy!r}) resolved to {strategy!r}, which does not "
                "use groups, but groups were given. Set strategy='group' and group=... to keep "
                "groups apart, or do not pass groups."
            )
        if n < k:
            message = f"X has {n} row(s); {k}-fold cross-validation needs at least {k}"
            raise data_error(_FOLDS, None, "too_few_rows", message, n)
        if strategy == "stratified":
            return self._stratified_folds(target, n)
        if strategy == "group":
            need = f"{k}-fold group cross-validation"
            return _group_folds(_group_codes(self._groups(X, groups, n), k, need, _FOLDS), k, rng)
        if strategy == "time":
            frame = require_frame(X, subject=f"X (strategy='time' reads its {self.time!r} column)")
            _require_column(frame, self.time, "The 'time' parameter of Splitter")
            _raise_if_missing(frame[self.time], "time")
            need = f"{k}-fold time-ordered cross-validation"
            return _time_folds(*_time_order(frame[self.time], k + 1, need, _FOLDS), k)
        from sklearn.model_selection import KFold

        return _as_folds(KFold(k, shuffle=True, random_state=self.random_state).split(np.zeros(n)))

    def _stratified_folds(self, y: pd.Series | None, n: int) -> list[Fold]:
        if y is None:
            raise ConfigurationError(
                "The 'y' argument of Splitter.split must hold one class label per row when "
                "strategy='stratified'. Got None or a 2-D array instead; pass the target."
            )
        _raise_if_missing(y, "target")
        need = f"Stratified {self.n_splits}-fold cross-validation"
        codes = _class_codes(y, self.n_splits, need, _FOLDS)
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(self.n_splits, shuffle=True, random_state=self.random_state)
        return _as_folds(folds.split(np.zeros(n), codes))

    def _groups(self, X: Any, groups: Any, n: int) -> pd.Series:
        if groups is not None:
            series = _one_column(groups, n, "groups")
        else:
            subject = f"X given without groups= (strategy='group' reads its {self.group!r} column)"
            frame = require_frame(X, subject=subject)
            _require_column(frame, self.group, "The 'group' parameter of Splitter")
            series = frame[self.group]
        _raise_if_missing(series, "group")
        return series


# --- reading the inputs --------------------------------------------------------------------------


def _require_column(df: pd.DataFrame, name: Any, what: str) -> None:
    if not isinstance(name, str) or name not in df.columns:
        raise ConfigurationError(
            f"{what} must be a column of the frame. Got {name!r}; the columns are "
            f"{list(df.columns)[:20]}."
        )


def _one_column(values: Any, n: int, argument: str) -> pd.Series:
    if np.ndim(values) != 1 or len(values) != n:
        raise ConfigurationError(
            f"The {argument!r} argument of Splitter.split must hold one value per row of X "
            f"({n} rows). Got an array of shape {np.shape(values)} instead."
        )
    return values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))


def _name(series: pd.Series) -> str | None:
    return series.name if isinstance(series.name, str) else None


def _missing(series: pd.Series, role: str) -> list[DataFailure]:
    count = int(series.isna().sum())
    if not count:
        return []
    message = f"{count} row(s) have no {role}; {_ADVICE[role]}"
    return [
        DataFailure(column=_name(series), reason=f"{role}_missing", count=count, message=message)
    ]


def _raise_if_missing(series: pd.Series, role: str) -> None:
    failures = _missing(series, role)
    if failures:
        raise DataError.from_failures(_FOLDS, failures)


def _n_rows(X: Any) -> int:
    """Rows of anything with a length or a shape; a DataError for anything else."""
    try:
        return int(X.shape[0]) if hasattr(X, "shape") else len(X)
    except (TypeError, IndexError):
        raise data_error(
            _FOLDS,
            None,
            "not_a_table",
            f"X must hold one row per sample (a DataFrame, an array or a list); got "
            f"{type(X).__name__}",
        ) from None


def _unusable_values(series: pd.Series, role: str) -> list[DataFailure]:
    """Values a split cannot work with: unhashable labels, infinite targets."""
    try:
        pd.factorize(series)
    except TypeError:
        return [
            DataFailure(
                column=_name(series),
                reason="unhashable_value",
                message=f"the {role} holds values that cannot be compared (lists, dicts, ...); "
                "use numbers or labels",
            )
        ]
    if pd.api.types.is_float_dtype(series.dtype):
        n_infinite = int(np.isinf(series.to_numpy(dtype=np.float64, na_value=np.nan)).sum())
        if n_infinite:
            return [
                DataFailure(
                    column=_name(series),
                    reason="infinite_value",
                    count=n_infinite,
                    message=f"the {role} has {n_infinite} infinite value(s); drop or fix "
                    "those rows",
                )
            ]
    return []


def _test_rows(n: int, test_size: float) -> int:
    n_test = math.ceil(test_size * n - 1e-9)
    if n_test < 1 or n_test >= n:
        message = (
            f"{n} row(s) cannot be split with test_size={test_size}: each side needs at least "
            "one row. Use more rows or another test_size"
        )
        raise data_error(_HOLD_OUT, None, "too_few_rows", message, n)
    return n_test


def _class_codes(y: pd.Series, minimum: int, need: str, subject: str) -> np.ndarray:
    codes, labels = pd.factorize(y)
    counts = np.bincount(codes)
    rare = np.flatnonzero(counts < minimum)
    if rare.size:
        shown = ", ".join(f"{as_python(labels[i])!r} ({counts[i]})" for i in rare[:5])
        message = (
            f"{rare.size} class(es) with fewer than {minimum} members: {shown}. {need} needs at "
            f"least {minimum} per class; merge rare classes, or use strategy='random'"
        )
        examples = tuple(as_python(labels[i]) for i in rare[:5])
        raise data_error(subject, _name(y), "class_too_small", message, int(rare.size), examples)
    return codes


def _group_codes(groups: pd.Series, minimum: int, need: str, subject: str) -> np.ndarray:
    codes, uniques = pd.factorize(groups)
    if len(uniques) < minimum:
        message = (
            f"{len(uniques)} distinct group(s); {need} needs at least {minimum}. Use a finer "
            "group column, fewer folds, or another strategy"
        )
        raise data_error(subject, _name(groups), "too_few_groups", message, len(uniques))
    return codes


def _time_codes(series: pd.Series, subject: str) -> np.ndarray:
    """Integers in the order of the times: equal times share a code."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if isinstance(series.dtype, pd.CategoricalDtype) and series.cat.ordered:
        return series.cat.codes.to_numpy(dtype=np.int64)
    if kind in _ORDERABLE:
        try:
            return np.unique(series.to_numpy(), return_inverse=True)[1].astype(np.int64)
        except TypeError:  # e.g. time-zone aware and naive timestamps together
            pass
    message = (
        f"the time column holds {kind} values ({series.dtype}) that have no time order; "
        "convert it with pandas.to_datetime(...) or to numbers first"
    )
    raise data_error(subject, _name(series), "time_not_orderable", message)


def _time_order(
    series: pd.Series, minimum: int, need: str, subject: str
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions sorted by time, and the sorted positions where the time changes."""
    codes = _time_codes(series, subject)
    order = np.argsort(codes, kind="stable")
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    if cuts.size + 1 < minimum:
        message = (
            f"{cuts.size + 1} distinct time(s); {need} needs at least {minimum}, since equal "
            "times stay on one side. Use a finer time column or fewer folds"
        )
        raise data_error(subject, _name(series), "too_few_times", message, int(cuts.size + 1))
    return order, cuts


# --- the strategies ------------------------------------------------------------------------------


def _stratified_test(
    codes: np.ndarray, n_test: int, rng: np.random.Generator, column: str
) -> np.ndarray:
    """Each class's share of the test rows, rounded by largest remainder (ties at random).

    Every class keeps at least one row on each side; a test size that cannot
    allow that is refused.
    """
    counts = np.bincount(codes)
    n, n_classes = int(counts.sum()), counts.size
    if not n_classes <= n_test <= n - n_classes:
        raise data_error(
            _HOLD_OUT,
            column,
            "class_too_small",
            f"a stratified split of {n} rows into {n - n_test} train and {n_test} test rows "
            f"cannot put each of the {n_classes} classes on both sides; change test_size or "
            "use strategy='random'",
        )
    ideal = counts * n_test / n
    take = np.clip(np.floor(ideal).astype(np.int64), 1, counts - 1)
    order = np.lexsort((rng.random(n_classes), -(ideal - take)))  # most short-changed first
    while take.sum() < n_test:
        grow = next(c for c in order if take[c] < counts[c] - 1)
        take[grow] += 1
        order = np.lexsort((rng.random(n_classes), -(ideal - take)))
    while take.sum() > n_test:
        shrink = next(c for c in order[::-1] if take[c] > 1)
        take[shrink] -= 1
        order = np.lexsort((rng.random(n_classes), -(ideal - take)))
    parts = [rng.permutation(np.flatnonzero(codes == c))[:k] for c, k in enumerate(take)]
    return np.concatenate(parts)


def _group_test(codes: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Whole groups, in random order, added while they bring the test size closer."""
    sizes = np.bincount(codes)
    n, total = int(sizes.sum()), 0
    chosen = np.zeros(sizes.size, dtype=bool)
    for group in rng.permutation(sizes.size):
        grown = total + int(sizes[group])
        if grown < n and abs(grown - n_test) < abs(total - n_test):
            chosen[group], total = True, grown
    if total == 0:  # every group alone overshoots: take the one nearest the target
        chosen[np.argmin(np.abs(sizes - n_test))] = True
    return np.flatnonzero(chosen[codes])


def _group_folds(codes: np.ndarray, n_splits: int, rng: np.random.Generator) -> list[Fold]:
    """Groups in random order, each to the fold with the fewest rows so far."""
    sizes = np.bincount(codes)
    fold_of = np.empty(sizes.size, dtype=np.int64)
    load = np.zeros(n_splits, dtype=np.int64)
    for group in rng.permutation(sizes.size):
        fold = int(np.argmin(load))
        fold_of[group] = fold
        load[fold] += sizes[group]
    row_fold = fold_of[codes]
    return [
        (np.flatnonzero(row_fold != k), np.flatnonzero(row_fold == k)) for k in range(n_splits)
    ]


def _time_folds(order: np.ndarray, cuts: np.ndarray, n_splits: int) -> list[Fold]:
    """Expanding windows as in TimeSeriesSplit, each boundary moved to a change of time."""
    n = order.size
    size = n // (n_splits + 1)
    starts = _snap(cuts, [n - (n_splits - k) * size for k in range(n_splits)])
    ends = [*starts[1:], n]
    return _as_folds((order[:s], order[s:e]) for s, e in zip(starts, ends, strict=True))


def _snap(points: np.ndarray, targets: list[int]) -> list[int]:
    """For each target, the nearest point, keeping the chosen points strictly increasing."""
    chosen: list[int] = []
    low = 0
    for k, target in enumerate(targets):
        high = points.size - len(targets) + k
        near = int(np.searchsorted(points, target))
        candidates = {min(max(i, low), high) for i in (near - 1, near)}
        best = min(candidates, key=lambda i: (abs(int(points[i]) - target), i))
        chosen.append(int(points[best]))
        low = best + 1
    return chosen


def _as_folds(folds: Iterable[tuple[np.ndarray, np.ndarray]]) -> list[Fold]:
    return [
        (np.sort(train).astype(np.int64), np.sort(test).astype(np.int64)) for train, test in folds
    ]
