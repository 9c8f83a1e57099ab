"""A fitted Cleaner → FeatureBuilder → estimator pipeline round-trips through skops.

The artifact loader trusts only scikit-learn, numpy, scipy and mlkit types;
this test proves the transformers need nothing else.
"""

import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

from mlkit import Cleaner, FeatureBuilder
from mlkit.datasets import make_churn

TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "mlkit.")

EVERY_OPTION = {
    "transform_per_column": {"income": "log", "monthly_charges": "yeo-johnson"},
    "discretise_per_column": {"age": "kmeans", "support_calls": "uniform"},
    "scale_per_column": {"tenure_months": "robust", "avg_session_minutes": "minmax"},
    "encode_per_column": {"payment_method": "ordinal"},
    "pca_groups": {"money": ["total_charges", "paperless_billing"]},
    "ratios": [("total_charges", "tenure_months")],
    "differences": [("age", "tenure_months")],
    "group_aggregates": [("city", "monthly_charges", "mean")],
    "select": "mutual_info",
}


def _round_trip(pipeline, path):
    sio.dump(pipeline, path)
    untrusted = sio.get_untrusted_types(file=path)
    outside = [name for name in untrusted if not name.startswith(TRUSTED_PREFIXES)]
    assert outside == []
    return sio.load(path, trusted=untrusted)


@pytest.mark.parametrize("options", [{}, EVERY_OPTION], ids=["defaults", "every-option"])
def test_classifier_pipeline_round_trips(churn, tmp_path, options):
    X, y = churn.drop(columns="churned"), churn["churned"]
    pipeline = make_pipeline(
        Cleaner(missing_indicator=True),
        FeatureBuilder(**options),
        LogisticRegression(max_iter=2_000),
    ).fit(X, y)
    loaded = _round_trip(pipeline, tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
    assert list(loaded[:-1].get_feature_names_out()) == list(pipeline[:-1].get_feature_names_out())


def test_regressor_pipeline_round_trips(tmp_path):
    df = make_churn(2_000, task="regression", random_state=3)
    X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
    pipeline = make_pipeline(Cleaner(), FeatureBuilder(select="model", select_k=10), Ridge()).fit(
        X, y
    )
    loaded = _round_trip(pipeline, tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))
