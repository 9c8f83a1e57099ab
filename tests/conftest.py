"""Shared fixtures; hypothesis runs derandomized so every run tests the same cases."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from mlkit.datasets import make_churn

settings.register_profile(
    "mlkit",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("MLKIT_HYPOTHESIS_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("mlkit")


@pytest.fixture(scope="session")
def churn() -> pd.DataFrame:
    """The built-in binary churn table, 3,000 rows (never mutate it)."""
    return make_churn(3_000, random_state=0)
