import json

import pytest
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from mlkit import exceptions as ex


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (ex.ConfigurationError, (ex.MlkitError, ValueError)),
        (ex.DataError, (ex.MlkitError, ValueError)),
        (ex.NotFittedError, (ex.MlkitError, SklearnNotFittedError, ValueError, AttributeError)),
        (ex.MissingDependencyError, (ex.MlkitError, ImportError)),
        (ex.ArtifactError, (ex.MlkitError,)),
        (ex.IntegrityError, (ex.ArtifactError,)),
        (ex.UntrustedTypeError, (ex.ArtifactError,)),
        (ex.FormatVersionError, (ex.ArtifactError,)),
        (ex.SignatureError, (ex.ArtifactError,)),
        (ex.IncompatibleRuntimeError, (ex.ArtifactError,)),
        (ex.AcceptanceError, (ex.MlkitError,)),
    ],
)
def test_error_tree(error, bases):
    for base in bases:
        assert issubclass(error, base)


def test_every_error_is_drawn_in_the_module_docstring():
    for name in ex.__all__:
        obj = getattr(ex, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert name in ex.__doc__


def test_data_error_lists_every_failure_and_carries_them():
    failures = [
        ex.DataFailure(
            column="age",
            reason="uncoercible_value",
            message="'abc' is not a number",
            count=2,
            examples=("abc", "x"),
        ),
        ex.DataFailure(column=None, reason="empty_frame", message="the frame has no rows"),
        ex.DataFailure(column="age", reason="infinite_value", message="1 infinite value", count=1),
    ]
    error = ex.DataError.from_failures("The frame", failures)
    assert str(error).splitlines() == [
        "The frame has 3 problem(s):",
        "  - 'age': 'abc' is not a number",
        "  - the frame has no rows",
        "  - 'age': 1 infinite value",
    ]
    assert error.failures == tuple(failures)
    assert error.reasons == ("uncoercible_value", "empty_frame", "infinite_value")
    assert error.columns == ("age",)
    table = error.failure_cases
    assert list(table.columns) == ["column", "reason", "message", "count", "examples"]
    assert table["count"].tolist() == [2, 0, 1]


def test_untrusted_type_error_sorts_the_types():
    error = ex.UntrustedTypeError("untrusted", ["os.system", "builtins.eval"])
    assert error.types == ("builtins.eval", "os.system")


def test_acceptance_error_carries_its_verdict():
    verdict = {"roc_auc": 0.6}
    assert ex.AcceptanceError("failed", verdict).verdict is verdict


def test_data_failure_is_a_frozen_value():
    failure = ex.DataFailure(column="a", reason="r", message="m")
    with pytest.raises(AttributeError):
        failure.reason = "other"  # type: ignore[misc]
    assert json.dumps(failure.examples) == "[]"
