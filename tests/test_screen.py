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


def _named(*names):
    by_name = {f.name: f for f in families("binary")}
    return [by_name[name] for name in names]


def test_under_a_deadline_families_run_in_turn_until_their_estimate_no_longer_fits(data):
    import time

    X, y = data
    heard = []
    result = _screen(
        X,
        y,
        _named("logistic_regression", "naive_bayes", "random_forest", "decision_tree"),
        deadline=time.monotonic() + 60,
        fold_costs={"random_forest": 100.0},  # estimated beyond the screening window
        on_result=heard.append,
    )
    assert set(result.leaderboard.index) == {"logistic_regression", "naive_bayes", "decision_tree"}
    assert result.skipped["random_forest"].startswith("time budget: screening it needs about 375")
    assert len(heard) == 3 * 3  # every fold of every family that ran


def test_a_passed_deadline_still_screens_the_first_family(data):
    import time

    X, y = data
    result = _screen(X, y, _named("naive_bayes", "decision_tree"), deadline=time.monotonic())
    assert list(result.leaderboard.index) == ["naive_bayes"]
    assert "time budget" in result.skipped["decision_tree"]


def test_fold_costs_are_extrapolated_from_two_samples(data):
    from mlkit._screen import estimate_fold_costs

    X, y = data
    X = pd.concat([X] * 5, ignore_index=True)  # 3,000 rows: both samples fit
    y = pd.concat([y] * 5, ignore_index=True)
    chosen = _named("naive_bayes", "random_forest")
    curves = estimate_fold_costs(_pipeline, X, y, families=chosen, random_state=0, n_jobs=None)
    assert set(curves) == {"naive_bayes", "random_forest"}
    forest = curves["random_forest"]
    assert forest.rows == 2_500
    assert forest.seconds(2_500) == forest.seconds_at_rows > 0
    assert forest.seconds(100) == forest.seconds_at_rows  # never below the larger sample's
    assert forest.seconds(250_000) == pytest.approx(
        forest.seconds_at_rows + forest.per_row * 247_500
    )


def test_a_family_that_fails_on_the_pilot_sample_gets_no_estimate(data):
    from mlkit._screen import estimate_fold_costs

    X, y = data
    failing = Family(
        name="failing", task="classification", build=lambda rs, nj: _Fragile(), distributions={}
    )
    assert (
        estimate_fold_costs(_pipeline, X, y, families=[failing], random_state=0, n_jobs=None) == {}
    )
