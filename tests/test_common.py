"""scikit-learn's own estimator checks, run on every mlkit transformer.

No check is skipped today. Should one ever be, it goes in ``SKIPPED`` with
its reason, so the list stays visible and reviewed. (scikit-learn itself
skips ``check_array_api_input`` unless ``SCIPY_ARRAY_API`` is set: mlkit's
transformers take DataFrames, not array-API arrays.)
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlkit import Cleaner, FeatureBuilder

SKIPPED: dict[str, str] = {}


def _check_name(check) -> str:
    return getattr(check, "func", check).__name__


@parametrize_with_checks([Cleaner(), FeatureBuilder()])
def test_scikit_learn_compatible(estimator, check):
    if _check_name(check) in SKIPPED:
        pytest.skip(SKIPPED[_check_name(check)])
    check(estimator)
