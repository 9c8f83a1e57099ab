"""Model families and scoring defaults: every family builds, tunes and fits."""

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import ParameterSampler

from mlkit._families import Family, families, skip_reason
from mlkit._scoring import DEFAULT_SCORING, resolve_scoring
from mlkit.exceptions import ConfigurationError

CLASSIFICATION_NAMES = [
    "logistic_regression",
    "k_nearest_neighbours",
    "naive_bayes",
    "linear_svm",
    "decision_tree",
    "random_forest",
    "extra_trees",
    "gradient_boosting",
    "neural_net",
]
REGRESSION_NAMES = [
    "ridge",
    "elastic_net",
    "k_nearest_neighbours",
    "linear_svr",
    "decision_tree",
    "random_forest",
    "extra_trees",
    "gradient_boosting",
    "neural_net",
]


def test_the_issue_s_families_are_all_there():
    assert [f.name for f in families("binary")] == CLASSIFICATION_NAMES
    assert families("multiclass") == families("binary")
    assert [f.name for f in families("regression")] == REGRESSION_NAMES


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_family_builds_samples_its_ranges_and_fits(task):
    if task == "regression":
        X, y = make_regression(n_samples=400, n_features=6, noise=5.0, random_state=0)
        X = X / X.std(axis=0)
        y = (y - y.mean()) / y.std()
    else:
        X, y = make_classification(
            n_samples=400,
            n_features=6,
            n_informative=4,
            n_classes=2 if task == "binary" else 3,
            random_state=0,
        )
    for family in families(task):
        estimator = family.build(0, None)
        assert is_regressor(estimator) if task == "regression" else is_classifier(estimator)
        assert set(family.distributions) <= set(estimator.get_params())
        for params in ParameterSampler(family.distributions, n_iter=3, random_state=0):
            tuned = clone(estimator).set_params(**params)
            assert all(tuned.get_params()[key] == value for key, value in params.items())
        fitted = estimator.fit(X, y)
        assert fitted.predict(X[:5]).shape == (5,)


def test_class_weights_are_balanced_where_the_family_supports_them():
    weighted = {
        f.name for f in families("binary") if f.build(0, None).get_params().get("class_weight")
    }
    assert weighted == {
        "logistic_regression",
        "linear_svm",
        "decision_tree",
        "random_forest",
        "extra_trees",
        "gradient_boosting",
    }


def test_the_same_seed_builds_the_same_model():
    for family in families("binary"):
        assert family.build(3, None).get_params() == family.build(3, None).get_params()


def test_skip_reasons():
    knn = next(f for f in families("binary") if f.name == "k_nearest_neighbours")
    assert skip_reason(knn, n_rows=1_000, smallest_value=-1.0) is None
    assert "too many rows: 20,001 > 20,000" in skip_reason(knn, n_rows=20_001, smallest_value=0.0)
    picky = Family(
        name="counts_only",
        task="classification",
        build=lambda random_state, n_jobs: None,
        distributions={},
        non_negative=True,
    )
    assert skip_reason(picky, n_rows=10, smallest_value=0.0) is None
    assert skip_reason(picky, n_rows=10, smallest_value=-2.5) == (
        "negative feature values (down to -2.5); the model needs >= 0"
    )


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_default_scoring_by_task(task):
    primary, scorers = resolve_scoring(None, task)
    assert primary == DEFAULT_SCORING[task][0]
    assert list(scorers) == list(DEFAULT_SCORING[task])


def test_scoring_given_as_names_callables_and_dicts():
    def hits(estimator, X, y):
        return float(np.mean(estimator.predict(X) == y))

    assert resolve_scoring("accuracy", "binary")[0] == "accuracy"
    primary, scorers = resolve_scoring([hits, "roc_auc"], "binary")
    assert primary == "hits"
    assert scorers["hits"] is hits
    primary, scorers = resolve_scoring({"auc": "roc_auc", "mine": hits}, "binary")
    assert (primary, list(scorers)) == ("auc", ["auc", "mine"])


@pytest.mark.parametrize(
    ("scoring", "match"),
    [
        ("roc-auc", "Unknown scorer 'roc-auc'"),
        ([], "at least one metric"),
        (["r2", "r2"], "more than once: \\['r2'\\]"),
        (3, "must be a scorer name, a callable"),
        ([3], "neither a scorer name nor a callable"),
        ({"x": 3}, "The scorer 'x' in 'scoring' is 3"),
    ],
)
def test_bad_scoring_is_a_configuration_error(scoring, match):
    with pytest.raises(ConfigurationError, match=match):
        resolve_scoring(scoring, "regression")
