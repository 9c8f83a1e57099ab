"""Every example in the public docstrings runs and gives what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import mlkit

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(mlkit.__path__, "mlkit.")
    if info.name != "mlkit.__main__"
)


@pytest.mark.parametrize("name", ["mlkit", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0
