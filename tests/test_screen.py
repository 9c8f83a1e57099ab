"""Screening: every family on the same folds, into a ranked leaderboard."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline

from mlkit import Cleaner, FeatureBuilder, Splitter
from mlkit._families import Family, families
from mlkit._scoring import resolve_scoring
from mlkit._screen import screen
from mlkit.datasets import make_churn


def _pipeline(model):
    return Pipeline([("cleaner", Cleaner()), ("features", FeatureBuilder()), ("model", model)])


@pytest.fixture(scope="module")
def data():
    df = make_churn(600, random_state=2)
    return df.drop(columns="churned"), df["churned"]


def _screen(X, y, chosen, n_jobs=None, **kwargs):
    primary, scorers = resolve_scoring(["roc_auc", "accuracy"], "binary")
    folds = list(Splitter(n_splits=3).split(X, y))
    options = {"smallest_value": -3.0, "random_state": 0, "n_jobs": n_jobs} | kwargs
    return screen(
        _pipeline,
        X,
        y,
        families=chosen,
        folds=folds,
        scorers=scorers,
        primary=primary,
        **options,
    )


def test_every_family_is_ranked_with_means_stds_and_times(data):
    X, y = data
    result = _screen(X, y, families("binary"))
    board = result.leaderboard
    assert len(board) + len(result.skipped) == 9
    assert list(board.columns[:4]) == [
        "roc_auc_mean",
        "roc_auc_std",
        "accuracy_mean",
        "accuracy_std",
    ]
    assert {"fit_time", "predict_time", "warnings"} <= set(board.columns)
    assert board["roc_auc_mean"].is_monotonic_decreasing
    assert board["roc_auc_mean"].iloc[0] > 0.75
    assert (board["fit_time"] > 0).all()
    for name, predictions in result.predictions.items():
        assert name in board.index
        assert len(predictions) == len(X)
        assert set(np.unique(predictions)) <= {0, 1}


def test_screening_is_deterministic_and_parallel_safe(data):
    X, y = data
    chosen = families("binary")[:3]
    one = _screen(X, y, chosen)
    two = _screen(X, y, chosen, n_jobs=2)
    scores = ["roc_auc_mean", "roc_auc_std", "accuracy_mean"]
    pd.testing.assert_frame_equal(one.leaderboard[scores], two.leaderboard[scores])


def test_families_that_cannot_run_are_skipped_with_the_reason(data):
    X, y = data
    small = Family(
        name="small_only",
        task="classification",
        build=families("binary")[0].build,
        distributions={},
        max_rows=100,
    )
    result = _screen(X, y, [small, families("binary")[0]])
    assert result.skipped == {
        "small_only": "too many rows: 600 > 100 for a model whose cost grows with rows squared"
    }
    assert list(result.leaderboard.index) == ["logistic_regression"]


class _Fragile(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("cannot learn from this")


def test_a_family_that_fails_to_fit_is_recorded_not_fatal(data):
    X, y = data
    fragile = Family(
        name="fragile", task="classification", build=lambda rs, n: _Fragile(), distributions={}
    )
    result = _screen(X, y, [fragile, families("binary")[2]])
    assert result.skipped == {"fragile": "failed to fit: ValueError: cannot learn from this"}
    assert list(result.leaderboard.index) == ["naive_bayes"]


def test_warnings_are_recorded_in_the_leaderboard(data):
    X, y = data
    from sklearn.linear_model import LogisticRegression

    stubborn = Family(
        name="stubborn",
        task="classification",
        build=lambda rs, n: LogisticRegression(max_iter=1),
        distributions={},
    )
    result = _screen(X, y, [stubborn])
    assert "ConvergenceWarning" in result.leaderboard.loc["stubborn", "warnings"]
