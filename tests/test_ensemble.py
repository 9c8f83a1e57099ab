"""Ensembles over the shortlist, kept only when they beat the best single model beyond noise."""

import numpy as np
import pytest
from sklearn.base import is_classifier, is_regressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from mlkit import Cleaner, FeatureBuilder, Splitter
from mlkit._ensemble import _row, candidate_ensembles, compare_ensembles
from mlkit._families import families
from mlkit._scoring import resolve_scoring
from mlkit.datasets import make_churn


def _members(task, names):
    chosen = {f.name: f for f in families(task)}
    return [(name, chosen[name].build(0, None)) for name in names]


@pytest.mark.parametrize(
    ("task", "names", "expected"),
    [
        (
            "binary",
            ["logistic_regression", "naive_bayes"],
            ["soft_voting", "hard_voting", "stacking", "bagging"],
        ),
        ("binary", ["logistic_regression", "linear_svm"], ["hard_voting", "stacking", "bagging"]),
        ("regression", ["ridge", "decision_tree"], ["averaging", "stacking", "bagging"]),
    ],
)
def test_candidates_by_task(task, names, expected):
    candidates = candidate_ensembles(_members(task, names), task=task, random_state=0)
    assert list(candidates) == expected
    check = is_regressor if task == "regression" else is_classifier
    assert all(check(model) for model in candidates.values())


def test_an_ensemble_is_kept_only_beyond_noise():
    base = np.array([0.80, 0.82, 0.78, 0.81, 0.79])
    clearly = _row("e", base + np.array([0.02, 0.021, 0.019, 0.02, 0.022]), base, is_single=False)
    noisy = _row("n", base + np.array([0.03, -0.02, 0.01, -0.01, 0.0]), base, is_single=False)
    assert clearly["kept"]
    assert clearly["reason"].startswith("beats the best single model beyond noise")
    assert not noisy["kept"]
    assert noisy["reason"].startswith("does not beat")


def test_the_comparison_runs_every_candidate_on_the_same_folds():
    df = make_churn(400, random_state=6)
    X, y = df.drop(columns="churned"), df["churned"]
    primary, scorers = resolve_scoring(["roc_auc"], "binary")
    members = [
        ("logistic_regression", LogisticRegression(max_iter=2_000)),
        ("decision_tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]
    result = compare_ensembles(
        lambda model: Pipeline([("c", Cleaner()), ("f", FeatureBuilder()), ("m", model)]),
        X,
        y,
        single=members[0],
        ensembles=candidate_ensembles(members, task="binary", random_state=0),
        folds=list(Splitter(n_splits=3).split(X, y)),
        scorers=scorers,
        primary=primary,
        n_jobs=None,
    )
    table = result.table
    assert list(table.index) == [
        "logistic_regression",
        "soft_voting",
        "hard_voting",
        "stacking",
        "bagging",
    ]
    assert table.loc["logistic_regression", "reason"] == "the best single model, the bar to beat"
    assert set(result.kept) <= set(table.index[1:])
    assert all(table.loc[name, "kept"] for name in result.kept)
    assert table["score_mean"].drop("hard_voting").between(0.5, 1.0).all()
    assert table.loc["hard_voting", "reason"] == (
        "cannot be scored by roc_auc: it gives no probabilities or decision scores"
    )


def test_an_ensemble_that_failed_to_fit_is_not_kept():
    base = np.array([0.8, 0.8, 0.8])
    row = _row("broken", np.array([0.9, np.nan, 0.9]), base, is_single=False, failed=True)
    assert (row["kept"], row["reason"]) == (False, "failed to fit on some fold")
