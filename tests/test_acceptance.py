"""The acceptance test: held-back rows, absolute and relative thresholds, a typed failure."""

import json

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from mlkit import Cleaner, FeatureBuilder, Splitter
from mlkit._acceptance import Relative, accept
from mlkit._scoring import resolve_scoring
from mlkit.datasets import make_churn
from mlkit.exceptions import AcceptanceError, ConfigurationError


@pytest.fixture(scope="module")
def fitted():
    split = Splitter().split(make_churn(1_500, random_state=9), target="churned")
    model = make_pipeline(
        Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=2_000, class_weight="balanced")
    )
    model.fit(split.X_train, split.y_train)
    return model, split


def _accept(fitted, thresholds, **kwargs):
    model, split = fitted
    _, scorers = resolve_scoring(["roc_auc", "balanced_accuracy"], "binary")
    options = {"X_train": split.X_train, "y_train": split.y_train, "task": "binary"} | kwargs
    return accept(
        model, split.X_test, split.y_test, scorers=scorers, thresholds=thresholds, **options
    )


def test_a_good_model_passes_absolute_and_relative_thresholds(fitted):
    verdict = _accept(fitted, {"roc_auc": 0.7, "balanced_accuracy": Relative(by=0.1)})
    assert verdict.passed
    assert verdict.baseline == "dummy"
    assert verdict.baseline_metrics["roc_auc"] == pytest.approx(0.5)
    assert verdict.baseline_metrics["balanced_accuracy"] == pytest.approx(0.5)
    relative = verdict.checks[1]
    assert relative.threshold == pytest.approx(0.6)
    assert relative.rule == "at least the baseline's 0.5 + 0.1"
    assert verdict.raise_if_failed() is verdict
    assert list(verdict.to_frame().index) == ["roc_auc", "balanced_accuracy"]
    json.dumps(verdict.to_dict(), allow_nan=False)


def test_a_failed_test_is_a_typed_result_the_caller_can_raise_on(fitted):
    verdict = _accept(fitted, {"roc_auc": 0.99})
    assert not verdict.passed
    with pytest.raises(AcceptanceError, match=r"roc_auc = 0\.\d+, needs at least 0\.99") as caught:
        verdict.raise_if_failed()
    assert caught.value.verdict is verdict


def test_a_previous_model_can_be_the_baseline(fitted):
    model, _ = fitted
    verdict = _accept(fitted, {"roc_auc": Relative(by=0.0)}, baseline=model)
    assert verdict.passed  # as good as itself
    assert verdict.baseline == "Pipeline"


@pytest.mark.parametrize(
    ("thresholds", "kwargs", "match"),
    [
        ({"r2": 0.5}, {}, "not measured: \\['r2'\\]"),
        ({"roc_auc": Relative(0.1)}, {"baseline": None}, "relative to a baseline"),
        ({"roc_auc": 0.5}, {"baseline": "yesterday"}, "must be 'dummy', a fitted model"),
        ({"roc_auc": 0.5}, {"X_train": None}, "pass X_train and y_train"),
    ],
)
def test_bad_acceptance_settings(fitted, thresholds, kwargs, match):
    with pytest.raises(ConfigurationError, match=match):
        _accept(fitted, thresholds, **kwargs)


def test_without_a_baseline_only_absolute_thresholds_apply(fitted):
    verdict = _accept(fitted, {"roc_auc": 0.6}, baseline=None)
    assert verdict.passed
    assert verdict.baseline is None
    assert verdict.baseline_metrics == {}
