"""ModelSearch end to end on small data: every stage runs and the result says what happened."""

import json

import numpy as np
import pytest

from mlkit import Splitter
from mlkit._search import ModelSearch
from mlkit.datasets import make_churn
from mlkit.exceptions import ConfigurationError

FAST = ["logistic_regression", "naive_bayes", "decision_tree", "k_nearest_neighbours"]


@pytest.fixture(scope="module")
def churn_small():
    df = make_churn(400, random_state=7)
    return df.drop(columns="churned"), df["churned"]


@pytest.fixture(scope="module")
def fitted(churn_small):
    X, y = churn_small
    return ModelSearch(families=FAST, n_iter=3, cv=3).fit(X, y)


def test_every_stage_is_in_the_result(fitted, churn_small):
    X, y = churn_small
    result = fitted.result_
    assert result.task == "binary"
    assert result.primary == "roc_auc"
    assert set(result.leaderboard.index) | set(result.screening.skipped) == set(FAST)
    admitted = [c.model for c in result.shortlist if c.admitted]
    assert set(result.tuning) == set(admitted)
    assert all(len(t.trials) == 3 for t in result.tuning.values())
    assert result.ensembles is not None
    assert result.chosen in set(result.tuning) | set(result.ensembles.table.index)
    assert set(result.timings) == {"screen", "analyse", "tune", "ensemble", "refit", "total"}
    json.dumps(result.to_dict(), allow_nan=False)
    assert fitted.predict(X).shape == (len(X),)
    assert fitted.predict_proba(X).shape == (len(X), 2)
    assert 0.5 < fitted.score(X, y) <= 1.0


def test_the_chosen_model_is_at_least_as_good_as_the_screened_best(fitted):
    result = fitted.result_
    best_screened = result.leaderboard[f"{result.primary}_mean"].iloc[0]
    assert result.chosen_score >= best_screened - 1e-12


def test_same_seed_same_search(churn_small, fitted):
    X, y = churn_small
    again = ModelSearch(families=FAST, n_iter=3, cv=3).fit(X, y)
    assert again.result_.chosen == fitted.result_.chosen
    np.testing.assert_allclose(
        again.result_.leaderboard["roc_auc_mean"], fitted.result_.leaderboard["roc_auc_mean"]
    )


def test_regression_without_ensembles():
    df = make_churn(400, task="regression", random_state=8)
    X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
    search = ModelSearch(
        families=["ridge", "decision_tree"], n_iter=2, cv=Splitter(n_splits=3), ensembles=False
    ).fit(X, y)
    assert search.result_.primary == "neg_root_mean_squared_error"
    assert search.result_.ensembles is None
    assert search.predict(X).shape == (400,)


def test_a_small_time_budget_ends_tuning_early(churn_small):
    X, y = churn_small
    search = ModelSearch(families=FAST, n_iter=50, cv=3, time_budget=0.01).fit(X, y)
    assert any(t.stopped_early for t in search.result_.tuning.values())


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"families": ["boosted_magic"]}, "unknown families \\['boosted_magic'\\]"),
        ({"cv": "five"}, "The 'cv' parameter of ModelSearch must be an int or a Splitter"),
        ({"n_iter": 0}, "The 'n_iter' parameter"),
        ({"halving": "yes"}, "The 'halving' parameter of ModelSearch must be a bool"),
    ],
)
def test_bad_parameters(churn_small, params, match):
    X, y = churn_small
    with pytest.raises(ConfigurationError, match=match):
        ModelSearch(**params).fit(X, y)


def test_a_target_is_required(churn_small):
    X, _ = churn_small
    with pytest.raises(ConfigurationError, match="needs the target"):
        ModelSearch().fit(X, None)


def test_the_result_runs_the_acceptance_test_on_held_back_rows(fitted):
    from mlkit._acceptance import Relative

    test = make_churn(300, random_state=11)
    X_test, y_test = test.drop(columns="churned"), test["churned"]
    verdict = fitted.result_.accept(X_test, y_test, thresholds={"roc_auc": Relative(by=0.05)})
    assert verdict.baseline == "dummy"
    assert verdict.baseline_metrics["roc_auc"] == 0.5
    assert verdict.passed
    failed = fitted.result_.accept(X_test, y_test, thresholds={"roc_auc": 0.999}, baseline=None)
    assert not failed.passed


def test_the_report_shows_every_stage(fitted, tmp_path):
    html = fitted.result_.to_html(tmp_path / "search.html").read_text(encoding="utf-8")
    for heading in [
        "Screening leaderboard",
        "Error analysis",
        "Confusion matrix",
        "Shortlist",
        "Tuning",
        "Ensembles against the best single model",
    ]:
        assert heading in html
    assert "<svg" in html  # the leaderboard's error bars and the error-correlation heatmap
    assert fitted.result_._repr_html_().startswith('<div class="mlkit-report">')


def test_halving_search_runs_and_records_rungs(churn_small):
    X, y = churn_small
    search = ModelSearch(
        families=["decision_tree", "naive_bayes"], n_iter=4, cv=3, halving=True, ensembles=False
    ).fit(X, y)
    assert all("rung" in t.trials.columns for t in search.result_.tuning.values())
