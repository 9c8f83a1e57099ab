"""Error analysis and the shortlist, on screening output and on handmade cases."""

import numpy as np
import pandas as pd
import pytest

from mlkit._errors import analyse_errors
from mlkit._shortlist import shortlist


def test_confusion_matrices_count_true_by_predicted():
    y = pd.Series(["a", "a", "b", "c", "c"])
    result = analyse_errors(y, {"m": np.array(["a", "b", "b", "c", "a"])}, task="multiclass")
    table = result.confusion["m"]
    assert list(table.index) == ["a", "b", "c"]
    assert table.to_numpy().tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert result.residuals == {}


def test_error_correlation_of_classifiers():
    y = pd.Series([0, 1] * 50)
    rng = np.random.default_rng(0)
    wrong = rng.random(100) < 0.3
    same = np.where(wrong, 1 - y, y)
    other = np.where(rng.random(100) < 0.3, 1 - y, y)
    perfect = y.to_numpy()
    corr = analyse_errors(
        y, {"a": same, "b": same.copy(), "c": other, "perfect": perfect}, task="binary"
    ).error_correlation
    assert corr.loc["a", "b"] == pytest.approx(1.0)
    assert abs(corr.loc["a", "c"]) < 0.3
    assert corr.loc["a", "perfect"] == 0.0
    assert np.allclose(np.diag(corr), 1.0)


def test_residuals_by_target_range_show_bias():
    y = pd.Series(np.arange(100.0))
    shrunk = y.to_numpy() * 0.5 + 25  # too high for small targets, too low for large ones
    result = analyse_errors(y, {"shrunk": shrunk, "exact": y.to_numpy()}, task="regression")
    table = result.residuals["shrunk"]
    assert table["rows"].sum() == 100
    assert table["mean_residual"].iloc[0] > 0 > table["mean_residual"].iloc[-1]
    assert result.confusion == {}
    assert result.error_correlation.loc["shrunk", "exact"] == 0.0


@pytest.fixture
def board():
    return pd.DataFrame(
        {"auc_mean": [0.90, 0.895, 0.89, 0.88, 0.87, 0.86, 0.70], "auc_std": [0.02] * 7},
        index=["forest", "trees", "boosting", "logistic", "svm", "mlp", "bayes"],
    )


def test_the_shortlist_prefers_good_models_that_fail_differently(board):
    corr = pd.DataFrame(0.5, index=board.index, columns=board.index)
    corr.loc["forest", "trees"] = corr.loc["trees", "forest"] = 0.95
    choices = shortlist(board, corr, primary="auc")
    admitted = [c.model for c in choices if c.admitted]
    assert admitted == ["forest", "boosting", "logistic", "svm", "mlp"]
    reasons = {c.model: c.reason for c in choices}
    assert reasons["forest"].startswith("best cross-validated auc: 0.9")
    assert "correlate 0.95 with forest's" in reasons["trees"]
    assert reasons["bayes"] == "the shortlist is full (5)"


def test_weak_models_are_not_admitted_unless_needed_to_reach_the_minimum(board):
    corr = pd.DataFrame(0.99, index=board.index, columns=board.index)
    choices = shortlist(board, corr, primary="auc", minimum=3)
    admitted = [c for c in choices if c.admitted]
    assert [c.model for c in admitted] == ["forest", "trees", "boosting"]
    assert admitted[1].reason.startswith("admitted to reach 3 models, next by score (0.895)")
    lone = shortlist(board.iloc[:1], corr.iloc[:1, :1], primary="auc")
    assert [c.model for c in lone] == ["forest"]
    assert shortlist(board.iloc[:0], corr, primary="auc") == []


def test_screening_feeds_the_analysis_and_the_shortlist():
    from sklearn.pipeline import Pipeline

    from mlkit import Cleaner, FeatureBuilder, Splitter
    from mlkit._families import families
    from mlkit._scoring import resolve_scoring
    from mlkit._screen import screen
    from mlkit.datasets import make_churn

    df = make_churn(500, random_state=4)
    X, y = df.drop(columns="churned"), df["churned"]
    primary, scorers = resolve_scoring(None, "binary")
    result = screen(
        lambda model: Pipeline([("c", Cleaner()), ("f", FeatureBuilder()), ("m", model)]),
        X,
        y,
        families=families("binary")[:6],
        folds=list(Splitter(n_splits=3).split(X, y)),
        scorers=scorers,
        primary=primary,
        smallest_value=-5.0,
        random_state=0,
        n_jobs=None,
    )
    # a linear SVM has no predict_proba: its log loss is missing, not an error
    assert np.isnan(result.leaderboard.loc["linear_svm", "neg_log_loss_mean"])
    assert not np.isnan(result.leaderboard.loc["linear_svm", "roc_auc_mean"])
    errors = analyse_errors(y, result.predictions, task="binary")
    assert list(errors.error_correlation.index) == list(result.predictions)
    choices = shortlist(result.leaderboard, errors.error_correlation, primary=primary)
    assert 3 <= sum(c.admitted for c in choices) <= 5
    assert choices[0].model == result.leaderboard.index[0]
