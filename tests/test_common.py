"""scikit-learn's own estimator checks, run on every mlkit transformer.

Every check runs on scikit-learn 1.6 and later. A check that is skipped is
listed in ``SKIPPED`` with its reason, so the list stays visible and reviewed.
(scikit-learn itself skips ``check_array_api_input`` unless
``SCIPY_ARRAY_API`` is set: mlkit's transformers take DataFrames, not
array-API arrays.)
"""

import pytest
import sklearn
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlkit import Cleaner, DriftMonitor, FeatureBuilder

_OLD_CHECKS = (
    "scikit-learn < 1.6 indexes a transformer's output as an array, and the Cleaner "
    "returns a DataFrame; the check runs and passes on scikit-learn 1.6 and later"
)
SKIPPED: dict[tuple[str, str], str] = {}
if tuple(int(part) for part in sklearn.__version__.split(".")[:2]) < (1, 6):
    SKIPPED = {
        ("Cleaner", "check_methods_sample_order_invariance"): _OLD_CHECKS,
        ("Cleaner", "check_fit_idempotent"): _OLD_CHECKS,
    }


def _check_name(check) -> str:
    return getattr(check, "func", check).__name__


@parametrize_with_checks([Cleaner(), FeatureBuilder(), DriftMonitor()])
def test_scikit_learn_compatible(estimator, check):
    key = (type(estimator).__name__, _check_name(check))
    if key in SKIPPED:
        pytest.skip(SKIPPED[key])
    check(estimator)
