"""Parameter validation shared by mlkit's configuration objects.

Validators are small callables in the attrs style ``(instance, attribute, value)``
that raise :class:`~mlkit.exceptions.ConfigurationError` with one message shape:
*"The 'bins' parameter of Profiler must be an int in [2, 1000]. Got 1 instead."*
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

import attrs

from mlkit.exceptions import ConfigurationError


class Named(Protocol):
    """What a validator needs of the attribute it checks: its name."""

    @property
    def name(self) -> str:
        """The parameter's name."""
        ...


Validator = Callable[[Any, Named, Any], None]


@attrs.frozen
class _Parameter:
    name: str


def check_parameters(estimator: Any, constraints: Mapping[str, Validator]) -> None:
    """Validate an estimator's parameters when ``fit`` starts, as attrs does for configs.

    Parameters
    ----------
    estimator : object
        The estimator; each constrained parameter is read from its attribute.
    constraints : mapping of str to validator
        The validator of each parameter.

    Raises
    ------
    ConfigurationError
        For the first parameter that fails its validator.
    """
    for name, validate in constraints.items():
        validate(estimator, _Parameter(name), getattr(estimator, name))


def _fail(instance: Any, attribute: Named, must: str, value: Any) -> None:
    owner = type(instance).__name__
    raise ConfigurationError(
        f"The {attribute.name!r} parameter of {owner} must be {must}. Got {value!r} instead."
    )


def _is_real(value: Any, *, integral: bool) -> bool:
    if isinstance(value, bool):
        return False
    kind = numbers.Integral if integral else numbers.Real
    return isinstance(value, kind)


def number_in(
    low: float | None,
    high: float | None,
    *,
    integral: bool = False,
    closed: str = "both",
    optional: bool = False,
) -> Validator:
    """Validate a number within an interval.

    Parameters
    ----------
    low, high : float or None
        The bounds; ``None`` means unbounded on that side.
    integral : bool
        Whether the value must be an integer.
    closed : {"both", "left", "right", "neither"}
        Which bounds belong to the interval.
    optional : bool
        Whether ``None`` is also accepted.

    Returns
    -------
    callable
        An attrs validator.
    """
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    must = f"{'an int' if integral else 'a float'} in {interval}" + (
        " or None" if optional else ""
    )

    def validate(instance: Any, attribute: Named, value: Any) -> None:
        if value is None and optional:
            return
        if not _is_real(value, integral=integral):
            _fail(instance, attribute, must, value)
        too_low = low is not None and (value < low if left == "[" else value <= low)
        too_high = high is not None and (value > high if right == "]" else value >= high)
        if too_low or too_high:
            _fail(instance, attribute, must, value)

    return validate


def random_state(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a seed: a non-negative int, or None for a fresh seed each call."""
    if value is None:
        return
    if not _is_real(value, integral=True) or value < 0:
        _fail(instance, attribute, "a non-negative int or None", value)


def floats_in_unit_interval(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a non-empty, strictly increasing tuple of floats in (0, 1)."""
    must = "a non-empty, increasing tuple of floats in (0, 1)"
    if not isinstance(value, tuple) or not value:
        _fail(instance, attribute, must, value)
    if not all(_is_real(q, integral=False) and 0 < q < 1 for q in value):
        _fail(instance, attribute, must, value)
    if any(b <= a for a, b in itertools.pairwise(value)):
        _fail(instance, attribute, must, value)


def one_of(*choices: Any) -> Validator:
    """Validate a value that must be one of ``choices`` (compared with ``==``)."""
    must = "one of " + ", ".join(repr(choice) for choice in choices)

    def validate(instance: Any, attribute: Named, value: Any) -> None:
        if not any(value == choice and type(value) is type(choice) for choice in choices):
            _fail(instance, attribute, must, value)

    return validate


def column_names(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a collection of column names (strings); a lone string is refused."""
    must = "a list or tuple of column names (str)"
    if isinstance(value, str) or not isinstance(value, Collection):
        _fail(instance, attribute, must, value)
    if not all(isinstance(name, str) for name in value):
        _fail(instance, attribute, must, value)


def per_column(choices: Collection[Any]) -> Validator:
    """Validate ``None`` or a mapping from column name to one of ``choices``."""
    must = "None or a dict mapping column names to one of " + ", ".join(
        repr(choice) for choice in choices
    )

    def validate(instance: Any, attribute: Named, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, Mapping):
            _fail(instance, attribute, must, value)
        for name, choice in value.items():
            if not isinstance(name, str) or choice not in choices:
                _fail(instance, attribute, must, value)

    return validate


def boolean(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a bool."""
    if not isinstance(value, bool):
        _fail(instance, attribute, "a bool", value)


def subset_of(choices: Collection[str]) -> Validator:
    """Validate a tuple or list whose items are all among ``choices``."""
    must = f"a tuple drawn from {tuple(choices)!r}"

    def validate(instance: Any, attribute: Named, value: Any) -> None:
        if isinstance(value, str) or not isinstance(value, Collection):
            _fail(instance, attribute, must, value)
        if not all(item in choices for item in value):
            _fail(instance, attribute, must, value)

    return validate


def string_tuples(size: int, last_choices: Collection[str] | None = None) -> Validator:
    """Validate a list of ``size``-tuples of str, the last item optionally among choices."""
    extra = f" with the last one of {tuple(last_choices)!r}" if last_choices else ""
    must = f"a list of ({', '.join(['str'] * size)}) tuples{extra}"

    def validate(instance: Any, attribute: Named, value: Any) -> None:
        ok = (
            isinstance(value, Collection)
            and not isinstance(value, str)
            and all(
                isinstance(item, tuple | list)
                and len(item) == size
                and all(isinstance(part, str) for part in item)
                and (last_choices is None or item[-1] in last_choices)
                for item in value
            )
        )
        if not ok:
            _fail(instance, attribute, must, value)

    return validate


def count_or_share(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a count (an int >= 1) or a share (a float in (0, 1))."""
    must = "an int >= 1 or a float in (0, 1)"
    if _is_real(value, integral=True):
        if value < 1:
            _fail(instance, attribute, must, value)
    elif not _is_real(value, integral=False) or not 0 < value < 1:
        _fail(instance, attribute, must, value)


def number_or_auto(instance: Any, attribute: Named, value: Any) -> None:
    """Validate a non-negative number or the word ``"auto"``."""
    if isinstance(value, str) and value == "auto":
        return
    if not _is_real(value, integral=False) or not value >= 0:
        _fail(instance, attribute, "a float in [0, inf] or 'auto'", value)
