"""Tuning: random search per family, every trial recorded, deadline honoured."""

import time

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from mlkit import Cleaner, FeatureBuilder, Splitter
from mlkit._families import Family, families
from mlkit._scoring import resolve_scoring
from mlkit._tune import tune
from mlkit.datasets import make_churn


def _pipeline(model):
    return Pipeline([("cleaner", Cleaner()), ("features", FeatureBuilder()), ("model", model)])


@pytest.fixture(scope="module")
def data():
    df = make_churn(500, random_state=5)
    X, y = df.drop(columns="churned"), df["churned"]
    return X, y, list(Splitter(n_splits=3).split(X, y))


def _tune(data, family, **kwargs):
    X, y, folds = data
    primary, scorers = resolve_scoring(["roc_auc", "accuracy"], "binary")
    options = {"n_iter": 4, "random_state": 0, "n_jobs": None} | kwargs
    return tune(
        _pipeline, X, y, family=family, folds=folds, scorers=scorers, primary=primary, **options
    )


def _family(name):
    return next(f for f in families("binary") if f.name == name)


def test_every_trial_is_recorded_and_the_standard_configuration_is_trial_0(data):
    result = _tune(data, _family("logistic_regression"))
    assert list(result.trials.index) == [0, 1, 2, 3]
    assert result.trials.loc[0, "params"] == {}
    assert all(set(p) == {"C"} for p in result.trials["params"].iloc[1:])
    assert result.best_score == result.trials["roc_auc_mean"].max()
    assert result.best_score >= result.trials.loc[0, "roc_auc_mean"]
    assert not result.stopped_early
    assert result.trials["failure"].isna().all()


def test_the_same_seed_gives_the_same_trials(data):
    one = _tune(data, _family("decision_tree"))
    two = _tune(data, _family("decision_tree"), n_jobs=2)
    assert one.trials["params"].tolist() == two.trials["params"].tolist()
    np.testing.assert_allclose(one.trials["roc_auc_mean"], two.trials["roc_auc_mean"])
    assert one.best_params == two.best_params


def test_a_past_deadline_runs_no_trial_beyond_the_first_batch(data):
    result = _tune(data, _family("logistic_regression"), n_iter=6, deadline=time.monotonic())
    assert result.stopped_early
    assert result.n_planned == 6


def test_a_family_without_distributions_runs_its_standard_configuration_once(data):
    plain = Family(
        name="plain", task="classification", build=_family("naive_bayes").build, distributions={}
    )
    result = _tune(data, plain)
    assert list(result.trials["params"]) == [{}]
    assert result.best_params == {}


def test_successive_halving_keeps_the_best_third_on_more_rows():
    df = make_churn(1_500, random_state=12)
    X, y = df.drop(columns="churned"), df["churned"]
    folds = list(Splitter(n_splits=3).split(X, y))
    primary, scorers = resolve_scoring(["roc_auc"], "binary")
    result = tune(
        _pipeline,
        X,
        y,
        family=_family("decision_tree"),
        folds=folds,
        scorers=scorers,
        primary=primary,
        n_iter=9,
        random_state=0,
        n_jobs=None,
        halving=True,
    )
    trials = result.trials
    assert trials["rung"].tolist() == [0] * 9 + [1] * 3 + [2]
    assert trials.loc[trials["rung"] == 0, "rows"].unique().tolist() == [500]
    assert trials["rows"].iloc[-1] == 1_000  # the last rung uses every training row
    survivors = set(trials.index[trials["rung"] == 1])
    best_first = trials[trials["rung"] == 0].sort_values("roc_auc_mean", ascending=False)
    assert survivors == set(best_first.index[:3])
    assert result.best_params == trials["params"].iloc[-1]
    assert result.best_score == trials["roc_auc_mean"].iloc[-1]


def _standard_row(data, family):
    """Trial 0 as screening would measure it, on the same folds."""
    from mlkit._screen import cross_evaluate, summarise

    X, y, folds = data
    _, scorers = resolve_scoring(["roc_auc", "accuracy"], "binary")
    results = cross_evaluate([("f", _pipeline(family.build(0, None)))], X, y, folds, scorers, None)
    return summarise(results[0], scorers)


def test_trial_0_is_taken_from_screening_not_fitted_again(data):
    family = _family("decision_tree")
    standard = _standard_row(data, family)
    fresh = _tune(data, family)
    reused = _tune(data, family, standard=standard)
    assert reused.trials.loc[0, "source"] == "screening"
    assert (reused.trials["source"].iloc[1:] == "tuning").all()
    assert reused.trials.loc[0, "roc_auc_mean"] == standard["roc_auc_mean"]
    np.testing.assert_allclose(reused.trials["roc_auc_mean"], fresh.trials["roc_auc_mean"])
    assert reused.best_params == fresh.best_params


def test_with_screening_scores_a_past_deadline_fits_nothing(data):
    family = _family("logistic_regression")
    calls = []
    result = _tune(
        data,
        family,
        n_iter=6,
        standard=_standard_row(data, family),
        deadline=time.monotonic(),
        on_trial=calls.append,
    )
    assert list(result.trials.index) == [0]
    assert result.best_trial == 0
    assert result.stopped_early
    assert calls == []


def test_a_batch_that_would_end_after_the_deadline_does_not_start(data):
    family = _family("logistic_regression")
    result = _tune(
        data,
        family,
        n_iter=6,
        standard=_standard_row(data, family),
        deadline=time.monotonic() + 60,
        fold_cost=100.0,  # estimated: one fold takes longer than the whole window
    )
    assert list(result.trials.index) == [0]


def test_progress_hears_of_every_batch(data):
    calls = []
    _tune(data, _family("naive_bayes"), n_iter=5, n_jobs=2, on_trial=calls.append)
    assert sum(calls) == 5
    assert calls == [2, 2, 1]


def test_halving_with_screening_scores_keeps_trial_0_among_the_finalists():
    df = make_churn(1_500, random_state=12)
    X, y = df.drop(columns="churned"), df["churned"]
    folds = list(Splitter(n_splits=3).split(X, y))
    data = (X, y, folds)
    family = _family("decision_tree")
    result = _tune(data, family, n_iter=10, halving=True, standard=_standard_row(data, family))
    trials = result.trials
    last = trials["rung"].max()
    assert trials.loc[0, "rung"] == last
    assert 0 in trials.index[trials["rung"] == last]
    assert result.best_score == trials.loc[trials["rung"] == last, "roc_auc_mean"].max()


def test_a_halving_rung_is_costed_by_its_share_of_a_whole_fold(data):
    from mlkit._tune import _TrialRunner

    X, y, folds = data
    _, scorers = resolve_scoring(["roc_auc"], "binary")
    half = [(train[: len(train) // 2], test) for train, test in folds]
    run = _TrialRunner(
        _pipeline,
        X,
        y,
        family=_family("naive_bayes"),
        scorers=scorers,
        random_state=0,
        n_jobs=1,
        deadline=time.monotonic() + 1_000,
        full_rows=min(len(train) for train, _ in folds),
        fold_cost=300.0,  # a whole fold's estimate: 3 folds need 1,125 s with the margin
    )
    run.n_run = 1  # trial 0 came from screening, so a batch that does not fit is not started
    assert run.trials([(1, {})], folds, rung=1, n_rows=None) == []
    ran = run.trials([(1, {})], half, rung=0, n_rows=len(half[0][0]))  # about half: ~563 s
    assert [row["trial"] for row in ran] == [1]
