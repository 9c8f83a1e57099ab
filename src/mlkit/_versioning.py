"""Versions: the model's own (PEP 440) and the runtime's, and whether they can load each other.

The compatibility policy for a saved model, applied per runtime dependency:

- the same major and minor version loads silently;
- a different minor version loads with a warning naming both versions
  (``strict=True`` makes it an error), because scikit-learn and numpy only
  promise to read their own saved state within a release series;
- a different major version is an error.
"""

from __future__ import annotations

import functools
import re
import sys
import warnings
from importlib import metadata
from typing import Any

from mlkit.exceptions import ConfigurationError, IncompatibleRuntimeError, RuntimeMismatchWarning

# The runtime a saved model depends on: distribution names as pip knows them.
RUNTIME = ("mlkit", "numpy", "pandas", "scikit-learn", "scipy", "skops", "pandera", "attrs")

# PEP 440, Appendix B: the canonical public form, plus an optional local label.
CANONICAL_VERSION = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?(\+[a-z0-9]+(\.[a-z0-9]+)*)?$"
)
_RELEASE = re.compile(r"^(\d+)(?:\.(\d+))?")


def check_model_version(version: object) -> str:
    """Return ``version`` when it is a canonical PEP 440 version, else raise.

    Raises
    ------
    ConfigurationError
        Naming the value and showing accepted forms.
    """
    if not isinstance(version, str) or not CANONICAL_VERSION.match(version):
        raise ConfigurationError(
            "The 'version' parameter of Packager must be a PEP 440 version in canonical "
            f"form, such as '1.2.0', '2.0.0rc1' or '1.0.post1'. Got {version!r} instead."
        )
    return version


_PARTS = re.compile(
    r"^(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)(?:(?P<phase>a|b|rc)(?P<pre>\d+))?"
    r"(?:\.post(?P<post>\d+))?(?:\.dev(?P<dev>\d+))?(?:\+.*)?$"
)
_PHASES = {"a": 0, "b": 1, "rc": 2}
_LAST = 1 << 62  # sorts after any real number in a version


def version_key(version: str) -> tuple[Any, ...]:
    """A sort key for a canonical PEP 440 version: ``1.0.dev1 < 1.0a1 < 1.0 < 1.0.post1``.

    Examples
    --------
    >>> sorted(["1.0.post1", "1.0", "1.0rc1", "1.0.dev2", "1!0.1"], key=version_key)
    ['1.0.dev2', '1.0rc1', '1.0', '1.0.post1', '1!0.1']
    """
    parts = _PARTS.match(check_model_version(version))
    assert parts is not None  # a canonical version always matches
    release = [int(n) for n in parts["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    dev = int(parts["dev"]) if parts["dev"] else _LAST
    if parts["phase"]:
        pre = (_PHASES[parts["phase"]], int(parts["pre"]))
    else:
        pre = (-1, 0) if parts["dev"] and not parts["post"] else (3, 0)
    post = int(parts["post"]) if parts["post"] else -1
    return (int(parts["epoch"] or 0), tuple(release), pre, post, dev)


def installed_versions() -> dict[str, str]:
    """The versions of Python and of every runtime dependency installed here."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: looking up distribution metadata costs milliseconds."""
    versions = [("python", ".".join(map(str, sys.version_info[:3])))]
    versions += [(name, _installed(name)) for name in RUNTIME]
    return tuple(versions)


def _installed(name: str) -> str:
    if name == "mlkit":
        from mlkit import __version__

        return __version__
    return metadata.version(name)


def _major_minor(version: str) -> tuple[int, int]:
    match = _RELEASE.match(version)
    if match is None:
        return (-1, -1)
    return int(match.group(1)), int(match.group(2) or 0)


def check_runtime(saved: dict[str, str], *, strict: bool, subject: str) -> None:
    """Compare the runtime an artifact was built with to the one installed here.

    Parameters
    ----------
    saved : dict of str to str
        Distribution name to the version the artifact was built with.
    strict : bool
        Make a minor-version difference an error instead of a warning.
    subject : str
        How messages name the artifact.

    Raises
    ------
    IncompatibleRuntimeError
        When a major version differs, or a minor one does and ``strict`` is set.
    """
    here = installed_versions()
    majors, minors = [], []
    for name in RUNTIME:
        if name == "mlkit" or name not in saved:
            continue
        built, installed = str(saved[name]), here[name]
        built_at, installed_at = _major_minor(built), _major_minor(installed)
        if built_at[0] != installed_at[0]:
            majors.append(f"{name} {built} (installed: {installed})")
        elif built_at[1] != installed_at[1]:
            minors.append(f"{name} {built} (installed: {installed})")
    if majors:
        raise IncompatibleRuntimeError(
            f"{subject} was built with {', '.join(majors)}: a different major version "
            "cannot load it safely. Install the versions it was built with (the model's "
            "wheel pins them), or package the model again with this runtime."
        )
    if minors:
        message = (
            f"{subject} was built with {', '.join(minors)}: a different minor version "
            "may compute differently. Install the versions it was built with, or run "
            "Model.self_test() to check its predictions here."
        )
        if strict:
            raise IncompatibleRuntimeError(message + " (strict=True makes this an error.)")
        warnings.warn(message, RuntimeMismatchWarning, stacklevel=3)


def requirements(saved: dict[str, str]) -> list[str]:
    """Pins for the runtime that loads an artifact without a warning.

    scikit-learn must keep its minor version (its saved state is only read
    within a release series); every other dependency keeps its major version
    and is at least as new as the one the model was built with.
    """
    pins = []
    for name in RUNTIME:
        version = saved.get(name)
        if version is None:
            continue
        major, minor = _major_minor(version)
        if name == "scikit-learn":
            pins.append(f"{name}>={major}.{minor},<{major}.{minor + 1}")
        elif name == "mlkit" or major > 0:
            lower = version if name == "mlkit" else f"{major}.{minor}"
            pins.append(f"{name}>={lower},<{major + 1}")
        else:
            pins.append(f"{name}>={major}.{minor},<{major}.{minor + 1}")
    return pins
