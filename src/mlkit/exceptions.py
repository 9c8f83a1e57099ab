"""Errors raised by mlkit on purpose.

Every error mlkit raises deliberately derives from :class:`MlkitError`, so a
caller can catch them all at once, or catch one kind of failure::

    MlkitError
    ├── ConfigurationError          (also ValueError) a parameter or argument is wrong
    ├── DataError                   (also ValueError) the data is wrong; carries failures
    ├── NotFittedError              (also sklearn's NotFittedError) used before fit
    ├── MissingDependencyError      (also ImportError) an optional extra is not installed
    ├── ArtifactError               an artifact cannot be trusted or used
    │   ├── IntegrityError          a member is missing, altered, unlisted or unsafe
    │   ├── UntrustedTypeError      the model names a type outside the allow-list
    │   ├── FormatVersionError      the file format version is unknown
    │   ├── SignatureError          the signature is missing or does not match
    │   └── IncompatibleRuntimeError  the runtime cannot load what was saved
    └── AcceptanceError             a model failed its acceptance test

    RuntimeMismatchWarning          (a UserWarning) an artifact was built with another
                                    minor version of a dependency

Messages say what was wrong, where, and what to do next. Errors about a
caller's configuration are kept apart from errors about their data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pandas as pd
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "AcceptanceError",
    "ArtifactError",
    "ConfigurationError",
    "DataError",
    "DataFailure",
    "FormatVersionError",
    "IncompatibleRuntimeError",
    "IntegrityError",
    "MissingDependencyError",
    "MlkitError",
    "NotFittedError",
    "RuntimeMismatchWarning",
    "SignatureError",
    "UntrustedTypeError",
]


class MlkitError(Exception):
    """Base class of every error mlkit raises on purpose."""


class ConfigurationError(MlkitError, ValueError):
    """A parameter or an argument given to mlkit is not valid.

    The message names the parameter, what it must be, and what it got.
    """


@attrs.frozen(kw_only=True)
class DataFailure:
    """One problem found in a frame.

    Parameters
    ----------
    column : str or None
        The column where the problem is, or ``None`` for the frame as a whole.
    reason : str
        A stable reason code that code can branch on, e.g. ``"missing_column"``.
    message : str
        What is wrong, in words.
    count : int
        How many values or rows are affected (0 when it does not apply).
    examples : tuple
        A few offending values, for the error report.
    """

    column: str | None
    reason: str
    message: str
    count: int = 0
    examples: tuple[Any, ...] = ()


class DataError(MlkitError, ValueError):
    """The data given to mlkit cannot be used as it is.

    The error carries every problem found, by column, so that one error can
    report them all.

    Parameters
    ----------
    message : str
        A summary of what is wrong and what to do.
    failures : iterable of DataFailure
        The problems found; at least one.

    Attributes
    ----------
    failures : tuple of DataFailure
        The problems found.
    """

    def __init__(self, message: str, failures: Iterable[DataFailure]) -> None:
        super().__init__(message)
        self.failures: tuple[DataFailure, ...] = tuple(failures)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The distinct reason codes, in the order first found."""
        return tuple(dict.fromkeys(failure.reason for failure in self.failures))

    @property
    def columns(self) -> tuple[str, ...]:
        """The distinct columns with a problem, in the order first found."""
        return tuple(dict.fromkeys(f.column for f in self.failures if f.column is not None))

    @property
    def failure_cases(self) -> pd.DataFrame:
        """The failures as a table, one row per problem."""
        return pd.DataFrame(
            [attrs.asdict(failure) for failure in self.failures],
            columns=["column", "reason", "message", "count", "examples"],
        )

    @classmethod
    def from_failures(cls, subject: str, failures: Sequence[DataFailure]) -> DataError:
        """Build one error whose message lists every failure.

        Parameters
        ----------
        subject : str
            What was being checked, e.g. ``"The frame given to Profiler.profile"``.
        failures : sequence of DataFailure
            The problems found.

        Returns
        -------
        DataError
            An error naming each problem on its own line.
        """
        lines = [f"{subject} has {len(failures)} problem(s):"]
        lines += [
            f"  - {f.column!r}: {f.message}" if f.column is not None else f"  - {f.message}"
            for f in failures
        ]
        return cls("\n".join(lines), failures)


class NotFittedError(MlkitError, _SklearnNotFittedError):  # type: ignore[misc]
    """An estimator was used before ``fit``; call ``fit`` first."""


class MissingDependencyError(MlkitError, ImportError):
    """An optional dependency that a feature needs is not installed."""


class ArtifactError(MlkitError):
    """An artifact cannot be trusted or used."""


class IntegrityError(ArtifactError):
    """An artifact member is missing, altered, unlisted, oversized or unsafe."""


class UntrustedTypeError(ArtifactError):
    """A saved model names types outside mlkit's allow-list.

    Attributes
    ----------
    types : tuple of str
        The untrusted types, sorted.
    """

    def __init__(self, message: str, types: Iterable[str]) -> None:
        super().__init__(message)
        self.types: tuple[str, ...] = tuple(sorted(types))


class FormatVersionError(ArtifactError):
    """The artifact's file format version is not one this mlkit can read."""


class SignatureError(ArtifactError):
    """The artifact's signature is missing or does not match the key."""


class IncompatibleRuntimeError(ArtifactError):
    """The installed runtime cannot safely load what the artifact saved."""


class RuntimeMismatchWarning(UserWarning):
    """An artifact was built with another minor version of a runtime dependency.

    The model loads, but may compute slightly differently; ``Model.self_test()``
    checks its predictions. ``mlkit.load(..., strict=True)`` turns this warning
    into an :class:`IncompatibleRuntimeError`.
    """


class AcceptanceError(MlkitError):
    """A model did not pass its acceptance test.

    Attributes
    ----------
    verdict : object
        The acceptance verdict, with every metric and its threshold.
    """

    def __init__(self, message: str, verdict: object = None) -> None:
        super().__init__(message)
        self.verdict = verdict
