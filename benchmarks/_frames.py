"""The wide mixed-type frame that the profiling and cleaning benchmarks share.

Only numpy and pandas are used, so peers in their own environments (with
older pandas and numpy) can rebuild the very same frame from the same seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def mixed_frame(n_rows: int = 1_000_000, *, seed: int = 0) -> pd.DataFrame:
    """Return an ``n_rows`` x 20 frame: 10 numeric, 6 categorical, 2 boolean, 1 datetime, 1 ID."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(5):
        values = rng.normal(100 * i, 10 + i, n_rows)
        values[rng.random(n_rows) < 0.05 * (i % 3)] = np.nan
        columns[f"normal_{i}"] = values
    for i in range(3):
        columns[f"skewed_{i}"] = rng.lognormal(3 + i, 1.0, n_rows)
    columns["count_0"] = rng.poisson(2.0, n_rows)
    columns["count_1"] = rng.integers(0, 1_000, n_rows)
    for i, cardinality in enumerate([3, 5, 12, 40, 200, 5_000]):
        labels = np.array([f"cat{i}_{k}" for k in range(cardinality)], dtype=object)
        values = labels[rng.zipf(1.3, n_rows) % cardinality]
        if i % 2:
            values[rng.random(n_rows) < 0.03] = None
        columns[f"category_{i}"] = values
    columns["flag_0"] = rng.random(n_rows) < 0.3
    columns["flag_1"] = np.where(rng.random(n_rows) < 0.5, "yes", "no").astype(object)
    start = np.datetime64("2020-01-01T00:00:00", "s").astype(np.int64)
    seconds = start + rng.integers(0, 4 * 365 * 86_400, n_rows)
    columns["timestamp"] = pd.to_datetime(seconds, unit="s")
    columns["row_id"] = np.arange(n_rows) + 10_000_000
    return pd.DataFrame(columns)
