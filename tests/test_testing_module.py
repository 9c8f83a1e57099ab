"""mlkit.testing: plain assertions a downstream test suite makes about a packaged model."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

import mlkit
import mlkit.testing
from mlkit import Cleaner, FeatureBuilder, Packager
from mlkit.exceptions import ConfigurationError


def _frame(n=600, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "dose": rng.uniform(0, 10, n),
            "weight": rng.normal(70, 10, n),
            "site": "A",  # constant in training: the Cleaner drops it
        }
    )


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("testing")
    X = _frame()
    rng = np.random.default_rng(1)
    labels = (X["dose"] + rng.normal(0, 1, len(X)) > 5).map({True: "yes", False: "no"})
    amount = 3 * X["dose"] - 0.1 * X["weight"] + rng.normal(0, 0.5, len(X))
    classifier = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression()).fit(X, labels)
    regressor = make_pipeline(Cleaner(), FeatureBuilder(), Ridge()).fit(X, amount)
    paths = {
        "classifier": Packager(name="response", version="1.0.0")
        .package(classifier, X, labels, path=folder)
        .path,
        "regressor": Packager(name="amount", version="1.0.0")
        .package(regressor, X, amount, path=folder)
        .path,
    }
    return paths, X


def test_assert_accepts(models):
    paths, X = models
    mlkit.testing.assert_accepts(paths["classifier"], X.head())
    with pytest.raises(AssertionError, match=r"(?s)response 1.0.0 refuses the frame.*'dose'"):
        mlkit.testing.assert_accepts(paths["classifier"], X.drop(columns="dose"))


def test_assert_golden(models, monkeypatch):
    paths, _ = models
    model = mlkit.load(paths["regressor"])
    mlkit.testing.assert_golden(model)
    real = model.pipeline.predict
    monkeypatch.setattr(model.pipeline, "predict", lambda X: real(X) * 1.01)
    with pytest.raises(AssertionError, match="golden example"):
        mlkit.testing.assert_golden(model)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_assert_invariant(models, kind):
    paths, X = models
    model = mlkit.load(paths[kind])
    mlkit.testing.assert_invariant(model, X.head(20), "site", ["A", "B", "C"])
    with pytest.raises(AssertionError, match="predictions change when 'dose'"):
        mlkit.testing.assert_invariant(model, X.head(20), "dose", [1.0, 9.0])


def test_assert_monotonic(models):
    paths, X = models
    classifier = mlkit.load(paths["classifier"])
    mlkit.testing.assert_monotonic(classifier, X.head(20), "dose", [0.0, 2.5, 5.0, 10.0])
    mlkit.testing.assert_monotonic(
        classifier, X.head(20), "dose", [0.0, 5.0], direction="decreasing", output="no"
    )
    with pytest.raises(AssertionError, match="not decreasing in 'dose'"):
        mlkit.testing.assert_monotonic(
            classifier, X.head(20), "dose", [0.0, 5.0], direction="decreasing"
        )
    regressor = mlkit.load(paths["regressor"])
    mlkit.testing.assert_monotonic(
        regressor, X.head(20), "weight", [40.0, 70.0, 100.0], direction="decreasing"
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, X: mlkit.testing.assert_invariant(m, X, "dose", [1.0]), "at least two"),
        (lambda m, X: mlkit.testing.assert_monotonic(m, X, "dose", [2.0, 1.0]), "strictly rising"),
        (
            lambda m, X: mlkit.testing.assert_monotonic(m, X, "dose", [1, 2], direction="up"),
            "'direction'",
        ),
        (
            lambda m, X: mlkit.testing.assert_monotonic(m, X, "dose", [1, 2], output="maybe"),
            "not one of the model's classes",
        ),
        (lambda m, X: mlkit.testing.assert_golden(42), "Expected a loaded mlkit Model"),
    ],
)
def test_misuse_is_a_configuration_error(models, call, match):
    paths, X = models
    with pytest.raises(ConfigurationError, match=match):
        call(mlkit.load(paths["classifier"]), X.head(5))


def test_multiclass_invariance_compares_labels_and_monotonic_needs_a_class(tmp_path):
    X = _frame(seed=3)
    labels = pd.cut(X["dose"], [-1, 3, 7, 11], labels=["low", "mid", "high"]).astype(str)
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression()).fit(X, labels)
    path = Packager(name="bands", version="1.0.0").package(fitted, X, labels, path=tmp_path).path
    mlkit.testing.assert_invariant(path, X.head(10), "site", ["A", "Z"])
    with pytest.raises(AssertionError, match="predictions change"):
        mlkit.testing.assert_invariant(path, X.head(10), "dose", [0.5, 9.5])
    with pytest.raises(ConfigurationError, match="numeric output"):
        mlkit.testing.assert_monotonic(path, X.head(10), "dose", [1.0, 2.0])
    mlkit.testing.assert_monotonic(path, X.head(10), "dose", [1.0, 9.0], output="high")


def test_a_sweep_over_a_column_the_model_does_not_use_is_refused(models):
    paths, X = models
    model = mlkit.load(paths["classifier"])
    with pytest.raises(ConfigurationError, match="'dose_typo' is not one of response's input"):
        mlkit.testing.assert_invariant(model, X.head(5), "dose_typo", [0.0, 1.0])
    with pytest.raises(ConfigurationError, match="'dose_typo' is not one of"):
        mlkit.testing.assert_monotonic(model, X.head(5), "dose_typo", [0.0, 1.0])
    with pytest.raises(ConfigurationError, match="df is empty"):
        mlkit.testing.assert_invariant(model, X.head(0), "dose", [0.0, 1.0])
    with pytest.raises(mlkit.DataError, match="expected a pandas DataFrame"):
        mlkit.testing.assert_invariant(model, None, "dose", [0.0, 1.0])
    mlkit.testing.assert_monotonic(model, X.head(5), "dose", iter([0.0, 5.0]))
