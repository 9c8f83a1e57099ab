"""Sphinx configuration for the mlkit documentation.

Built by ``nox -s docs`` with warnings as errors and nitpicky references:
every cross-reference must resolve. No intersphinx (the build is offline).
"""

from __future__ import annotations

from typing import Any

import attrs

import mlkit

project = "mlkit"
author = "The mlkit developers"
copyright = "the mlkit developers"
release = mlkit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "myst_parser",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- Markdown (MyST) ---------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_substitutions = {"version": release}
myst_heading_anchors = 3

# -- autodoc and napoleon (numpy-style docstrings) ---------------------------
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
# Types are written in the numpydoc sections; the annotations in signatures
# name private aliases and pandas/numpy types that cannot resolve offline.
autodoc_typehints = "none"
autodoc_class_signature = "mixed"

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_preprocess_types = True
napoleon_use_rtype = False
napoleon_use_ivar = False
napoleon_type_aliases = {
    "DataFrame": "pandas.DataFrame",
    "Path": "pathlib.Path",
    "Model": "mlkit.Model",
}

# -- Nitpicky references -----------------------------------------------------
# Without intersphinx (the docs build offline), names documented on other
# sites cannot resolve; each entry below is such a name. Everything of mlkit's
# own must resolve. (Sphinx already lets built-in classes such as int and
# ValueError through.)
nitpick_ignore = [
    # Python's standard library and built-in constants (docs.python.org).
    ("py:class", "pathlib.Path"),
    ("py:class", "datetime.datetime"),
    ("py:obj", "True"),
    ("py:obj", "False"),
    ("py:obj", "None"),
    # pandas, numpy, pandera and scikit-learn, each documented on its own site.
    ("py:class", "pandas.DataFrame"),
    ("py:class", "pandas.Series"),
    ("py:class", "pandas.Timestamp"),
    ("py:class", "numpy.ndarray"),
    ("py:class", "pandera.pandas.DataFrameSchema"),
    ("py:class", "sklearn.exceptions.NotFittedError"),
    ("py:class", "sklearn.pipeline.Pipeline"),
    ("py:class", "sklearn.dummy.DummyClassifier"),
    ("py:class", "sklearn.dummy.DummyRegressor"),
]
nitpick_ignore_regex = [
    # Plain-word types of numpydoc ("sequence of str", "iterable of ..."), which
    # name a protocol, not a class.
    ("py:class", r"sequence|iterable|mapping|callable|array-like|scalar|ignored"),
    # "fitted scikit-learn estimator" and "class label" describe a value, not a class.
    ("py:class", r"fitted scikit-learn estimator|class label"),
    # scikit-learn's "array-like of shape (n_samples, n_features)".
    ("py:class", r"shape \(.*"),
    # Napoleon splits numpydoc tuple descriptions at commas, so the prose of
    # "tuple of (value, count) pairs", "(float, str)" and "default=(0.05, ...)"
    # reaches Sphinx as fragments such as "(value" and "count) pairs".
    ("py:class", r"\(.*|.*\)( pairs)?"),
]

# -- HTML --------------------------------------------------------------------
html_theme = "furo"
html_title = f"mlkit {release}"
html_static_path: list[str] = []


def _show_attrs_factories(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str | None
) -> tuple[str | None, str | None]:
    """Show a default made by an attrs factory as ``dict()``, not as attrs' ``NOTHING``."""
    if signature and what in ("class", "exception") and attrs.has(obj):
        for field in attrs.fields(obj):
            if isinstance(field.default, attrs.Factory):
                factory = getattr(field.default.factory, "__name__", "factory")
                signature = signature.replace(f"{field.name}=NOTHING", f"{field.name}={factory}()")
    return signature, ret


def setup(app: Any) -> None:
    app.connect("autodoc-process-signature", _show_attrs_factories)
