"""Golden examples: training rows with the predictions the model gave when it was packaged.

A runtime whose numpy or scikit-learn computes differently gives different
predictions for the same rows; ``Model.self_test`` finds out.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pandas as pd

from mlkit._html import escape, number, table
from mlkit._results import HtmlReport, json_safe
from mlkit.exceptions import IntegrityError

GOLDEN_ROWS = 24


def sample_rows(X: pd.DataFrame, y: Any, *, classes: list[Any] | None) -> pd.DataFrame:
    """A small sample of ``X``, stratified by class (or by target quartile), seeded."""
    n = min(GOLDEN_ROWS, len(X))
    rng = np.random.default_rng(0)
    if y is None or len(X) <= n:
        return X.iloc[np.sort(rng.choice(len(X), size=n, replace=False))]
    labels = np.asarray(y)
    if classes is None:
        ranks = pd.Series(labels).rank(method="first").to_numpy()
        labels = np.ceil(4 * ranks / len(ranks)).astype(int)
    strata = pd.Series(np.arange(len(X))).groupby(labels, sort=True)
    per_group = max(1, n // strata.ngroups)
    picked: list[int] = []
    for _, positions in strata:
        size = min(per_group, len(positions))
        picked.extend(rng.choice(positions.to_numpy(), size=size, replace=False).tolist())
    return X.iloc[np.sort(np.asarray(picked))]


def predict_rows(pipeline: Any, frame: pd.DataFrame, *, probabilities: bool) -> dict[str, Any]:
    """Predictions (and probabilities) of ``frame`` as JSON-safe lists, as golden.json holds."""
    predicted: dict[str, Any] = {
        "predictions": json_safe(list(pipeline.predict(frame))),
        "probabilities": None,
    }
    if probabilities:
        values = np.asarray(pipeline.predict_proba(frame), dtype=np.float64)
        predicted["probabilities"] = values.tolist()
    return predicted


def encode_frame(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON-safe columns that keep their dtype."""
    return {
        "columns": [
            {
                "name": str(name),
                "dtype": str(frame[name].dtype),
                "values": json_safe(frame[name].tolist()),
            }
            for name in frame.columns
        ]
    }


def decode_frame(data: Any, *, subject: str) -> pd.DataFrame:
    """The frame :func:`encode_frame` wrote."""
    try:
        columns = {item["name"]: _decode_column(item) for item in data["columns"]}
    except (KeyError, TypeError, ValueError) as error:
        raise IntegrityError(
            f"{subject}: the golden examples are malformed ({error!r})."
        ) from None
    return pd.DataFrame(columns)


def _decode_column(item: dict[str, Any]) -> pd.Series:
    dtype, values = str(item["dtype"]), list(item["values"])
    if dtype.startswith("datetime64"):
        # ISO 8601 in any precision or offset (a zone's offset changes with daylight saving).
        parsed = pd.Series(pd.to_datetime(values, format="ISO8601", utc=True))
        target = pd.api.types.pandas_dtype(dtype)
        zone = getattr(target, "tz", None)
        parsed = parsed.dt.tz_convert(zone) if zone is not None else parsed.dt.tz_localize(None)
        return parsed.astype(target)
    if dtype.startswith("timedelta64"):
        return pd.Series(pd.to_timedelta(values), dtype=dtype)
    if dtype in {"str", "object", "category", "string"}:
        return pd.Series(values, dtype=dtype if dtype != "str" else "str")
    series = pd.Series(values, dtype="float64" if None in values else dtype)
    return series.astype(pd.api.types.pandas_dtype(dtype))


@attrs.frozen(kw_only=True, eq=False)
class SelfTest(HtmlReport):
    """The outcome of re-predicting a model's golden examples.

    Attributes
    ----------
    passed : bool
        Whether every prediction matched within the tolerance.
    rows : int
        How many golden examples were predicted.
    tolerance : float
        Largest absolute difference allowed in a probability or a regression value.
    max_difference : float
        Largest absolute difference found (0 for labels that all matched).
    mismatches : pandas.DataFrame
        One row per example that differed: position, expected and got.
    """

    passed: bool
    rows: int
    tolerance: float
    max_difference: float
    mismatches: pd.DataFrame

    def raise_if_failed(self) -> SelfTest:
        """Return ``self`` when it passed, else raise AssertionError describing the mismatches."""
        if not self.passed:
            raise AssertionError(
                f"{len(self.mismatches)} of {self.rows} golden example(s) predicted differently "
                f"than when the model was packaged (largest difference {self.max_difference:.3g}"
                f", tolerance {self.tolerance:g}); this runtime computes differently.\n"
                f"{self.mismatches.head(10).to_string()}"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-safe values."""
        return {
            "passed": self.passed,
            "rows": self.rows,
            "tolerance": self.tolerance,
            "max_difference": json_safe(self.max_difference),
            "mismatches": json_safe(self.mismatches.to_dict(orient="records")),
        }

    def _render(self, *, standalone: bool) -> str:
        verdict = "passed" if self.passed else "FAILED"
        body = (
            f"<h3>Self-test {verdict}</h3><p>{self.rows} golden examples, largest difference "
            f"{number(self.max_difference)}, tolerance {number(self.tolerance)}.</p>"
        )
        if len(self.mismatches):
            body += table(
                [escape(c) for c in self.mismatches.columns],
                self.mismatches.head(20).itertuples(index=False),
            )
        return f'<div class="mlkit-report">{body}</div>'


def compare(expected: dict[str, Any], got: dict[str, Any], *, tolerance: float) -> SelfTest:
    """Compare stored and fresh predictions of the golden examples."""
    rows = len(expected["predictions"])
    bad: dict[int, tuple[Any, Any]] = {}
    worst = 0.0
    for position, (want, have) in enumerate(
        zip(expected["predictions"], got["predictions"], strict=True)
    ):
        if isinstance(want, float) and isinstance(have, float):
            difference = abs(want - have)
            worst = max(worst, difference)
            if difference > tolerance:
                bad[position] = (want, have)
        elif want != have:
            bad[position] = (want, have)
    if expected.get("probabilities") is not None:
        want_p = np.asarray(expected["probabilities"], dtype=np.float64)
        have_p = np.asarray(got["probabilities"], dtype=np.float64)
        gaps = np.abs(want_p - have_p).max(axis=1)
        worst = max(worst, float(gaps.max(initial=0.0)))
        for position in np.flatnonzero(gaps > tolerance).tolist():
            bad.setdefault(position, (want_p[position].tolist(), have_p[position].tolist()))
    mismatches = pd.DataFrame(
        [(p, w, h) for p, (w, h) in sorted(bad.items())], columns=["row", "expected", "got"]
    )
    return SelfTest(
        passed=not bad,
        rows=rows,
        tolerance=tolerance,
        max_difference=worst,
        mismatches=mismatches,
    )
