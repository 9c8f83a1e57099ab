"""The compatibility policy between the runtime an artifact was built with and this one."""

import warnings

import pytest

from mlkit._versioning import check_model_version, check_runtime, installed_versions, requirements
from mlkit.exceptions import ConfigurationError, IncompatibleRuntimeError, RuntimeMismatchWarning


def _shift(version, *, major=0, minor=0):
    parts = version.split(".")
    return f"{int(parts[0]) + major}.{int(parts[1]) + minor}.0"


def test_the_same_runtime_loads_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_runtime(installed_versions(), strict=True, subject="A")


@pytest.mark.parametrize("name", ["scikit-learn", "numpy", "pandas", "scipy"])
def test_another_minor_version_warns_naming_both(name):
    saved = installed_versions()
    here = saved[name]
    saved[name] = _shift(here, minor=1)
    with pytest.warns(
        RuntimeMismatchWarning, match=rf"{name} {saved[name]} \(installed: {here}\)"
    ):
        check_runtime(saved, strict=False, subject="A")
    with pytest.raises(IncompatibleRuntimeError, match="strict=True"):
        check_runtime(saved, strict=True, subject="A")


@pytest.mark.parametrize("name", ["scikit-learn", "numpy", "pandas"])
def test_another_major_version_is_an_error(name):
    saved = installed_versions()
    saved[name] = _shift(saved[name], major=1)
    with pytest.raises(IncompatibleRuntimeError, match=f"{name} .*different major version"):
        check_runtime(saved, strict=False, subject="A")


def test_mlkit_and_python_versions_are_not_compared():
    saved = installed_versions()
    saved["mlkit"] = "9.9.9"
    saved["python"] = "3.99.0"
    check_runtime(saved, strict=True, subject="A")


def test_unparseable_versions_count_as_different():
    saved = installed_versions()
    saved["scipy"] = "unknown"
    with pytest.raises(IncompatibleRuntimeError, match="scipy unknown"):
        check_runtime(saved, strict=False, subject="A")


def test_requirements_pin_a_runtime_that_loads_without_warning():
    pins = requirements(
        {
            "python": "3.11.7",
            "mlkit": "0.1.0",
            "numpy": "2.4.6",
            "scikit-learn": "1.9.1",
            "skops": "0.16.0",
            "pandas": "3.1.1",
        }
    )
    assert pins == [
        "mlkit>=0.1.0,<1",
        "numpy>=2.4,<3",
        "pandas>=3.1,<4",
        "scikit-learn>=1.9,<1.10",
        "skops>=0.16,<0.17",
    ]


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "0.1a1", "2.0rc3", "1.0.post2.dev1", "3!1.0"])
def test_canonical_versions_pass(version):
    assert check_model_version(version) == version


@pytest.mark.parametrize("version", ["", "01.0", "1.0-1", "1.0.0-rc1", "v1.0", "1.0 ", None, 1])
def test_other_versions_are_refused(version):
    with pytest.raises(ConfigurationError, match="PEP 440"):
        check_model_version(version)
