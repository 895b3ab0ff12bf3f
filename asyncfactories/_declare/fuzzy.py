"""The fuzzy declarations behind :mod:`asyncfactories.fuzzy` (see there): the base, choices, text.

Numbers are in ``fuzzy_numbers``, dates and times in ``fuzzy_dates``.

Random values within bounds, with factory_boy's names and signatures.

Every draw comes from a seeded source (the field's own stream inside a
factory), so ``seed(n)`` reproduces them.
Bounds are checked when the factory class is defined::

    AgentFactory.confidence_score: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.

Example:
    >>> from asyncfactories import fuzzy
    >>> score = fuzzy.FuzzyFloat(0.5, 0.7)
    >>> 0.5 <= score.fuzz() <= 0.7
    True
"""

from __future__ import annotations

import copy
import enum
import random
import string
from collections.abc import Callable, Iterable
from typing import Any, Self

from asyncfactories._declare import Declaration, Row, argument_error, call_repr, is_whole
from asyncfactories._errors import DeclarationValueError
from asyncfactories._random_source import current

__all__ = (
    "BaseFuzzyAttribute",
    "FuzzyAttribute",
    "FuzzyChoice",
    "FuzzyText",
    "bounds",
    "whole",
)


class BaseFuzzyAttribute(Declaration):
    """Base of the fuzzy family: ``fuzz()`` draws one value.

    Values come from ``self._source``, the field's own stream once the resolver
    has bound it; unbound (a standalone ``fuzz()``), from ``current[0]``: the
    stream of the field whose function called it, else the shared ``rng``.
    """

    __slots__ = ("_source",)
    _source: random.Random | None

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        # Set here, not in __init__: subclasses written for factory_boy need not call super().
        self = super().__new__(cls)
        self._source = None
        return self

    def bind(self, source: random.Random) -> Declaration:
        """A copy drawing from ``source``."""
        bound = copy.copy(self)
        bound._source = source
        return bound

    def problem(self) -> tuple[str, str] | None:
        """Return ``(what is wrong, the fix)`` when the arguments cannot work."""
        return None

    def check(self, factory: str, field: str) -> None:
        """Raise :class:`DeclarationValueError` for impossible arguments."""
        found = self.problem()
        if found is not None:
            raise DeclarationValueError(factory, field, f"{self!r} {found[0]}", found[1])

    def fuzz(self) -> Any:
        """Draw one value."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def evaluate(self, row: Row) -> object:
        """Draw one value for the row."""
        return self.fuzz()


def bounds(
    cls_name: str, low: Any, high: Any, accepts: tuple[type, ...], kind: str, **more: Any
) -> tuple[Any, Any]:
    """Check both bounds' types; factory_boy: a single argument is the upper bound, 0 the lower."""
    given = (low,) if high is None else (low, high)
    for label, value in zip(("low", "high"), given, strict=False):
        if not isinstance(value, accepts) or isinstance(value, bool):
            call = call_repr(cls_name, *given, **more)
            raise argument_error(
                cls_name,
                f"{call} got {label}={value!r}, not {kind}",
                f"pass bounds of that kind, e.g. {cls_name}(1, 5)",
            )
    return (0, low) if high is None else (low, high)


def whole(cls_name: str, label: str, value: object, example: str) -> None:
    if not is_whole(value):
        raise argument_error(
            cls_name,
            f"{cls_name}(..., {label}={value!r}) needs a whole number",
            f"pass an int, e.g. {example}",
        )


def _text(cls_name: str, label: str, value: object) -> None:
    if not isinstance(value, str):
        raise argument_error(
            cls_name,
            f"{cls_name}(..., {label}={value!r}) needs a string",
            f'pass a str, e.g. {label}="x"',
        )


class FuzzyAttribute(BaseFuzzyAttribute):
    """The value of ``fuzzer()``, a zero-argument callable.

    Example:
        >>> FuzzyAttribute(lambda: 4).fuzz()
        4
    """

    __slots__ = ("fuzzer",)

    def __init__(self, fuzzer: Callable[[], Any]) -> None:
        if not callable(fuzzer):
            raise argument_error(
                "FuzzyAttribute",
                f"{call_repr('FuzzyAttribute', fuzzer)} needs a callable",
                "pass a zero-argument function, e.g. FuzzyAttribute(lambda: random.random())",
            )
        self.fuzzer = fuzzer

    def problem(self) -> tuple[str, str] | None:
        """A fuzzer must be callable."""
        if not callable(self.fuzzer):
            return "needs a callable", "pass a zero-argument function"
        return None

    def bind(self, source: random.Random) -> Declaration:
        """Itself: the fuzzer is the user's own function, with its own source."""
        return self

    def fuzz(self) -> Any:
        """Call the fuzzer."""
        return self.fuzzer()

    def __repr__(self) -> str:
        return f"FuzzyAttribute({getattr(self.fuzzer, '__name__', self.fuzzer)!r})"


class FuzzyChoice(BaseFuzzyAttribute):
    """One of ``choices`` (a sequence, an iterable consumed lazily, or an Enum class).

    Example:
        >>> FuzzyChoice(["a"]).fuzz()
        'a'
    """

    __slots__ = ("_choices", "choices", "getter")

    def __init__(self, choices: Iterable[Any], getter: Callable[[Any], Any] | None = None) -> None:
        try:
            iter(choices)
        except TypeError:
            raise argument_error(
                "FuzzyChoice",
                f"{call_repr('FuzzyChoice', choices)} needs an iterable of choices, "
                f"got {type(choices).__name__}",
                'pass a list, a tuple, a generator or an Enum class, e.g. FuzzyChoice(["a", "b"])',
            ) from None
        if getter is not None and not callable(getter):
            raise argument_error(
                "FuzzyChoice",
                f"FuzzyChoice(..., getter={getter!r}) needs a callable getter",
                "pass a function of one choice, e.g. getter=lambda c: c.value",
            )
        self.choices = choices
        self.getter = getter
        self._choices: list[Any] | None = None
        if isinstance(choices, (list, tuple, range)) or (
            isinstance(choices, type) and issubclass(choices, enum.Enum)
        ):
            self._choices = list(choices)

    def problem(self) -> tuple[str, str] | None:
        """Refuse an empty sequence (a generator is only read on first use)."""
        if self._choices is not None and not self._choices:
            return "has no choices", "give it at least one value"
        return None

    def fuzz(self) -> Any:
        """Pick one choice."""
        return self._pick("FuzzyChoice", None)

    def evaluate(self, row: Row) -> object:
        """Pick one choice for the row."""
        choices = self._choices
        if not choices:  # first use of a generator, or nothing to choose from
            return self._pick(row.factory_name, row.field)
        value = choices[int((self._source or current[0]).random() * len(choices))]
        return self.getter(value) if self.getter is not None else value

    def _pick(self, factory: str, field: str | None) -> Any:
        choices = self._choices
        if choices is None:
            choices = self._choices = list(self.choices)
        if not choices:
            raise DeclarationValueError(
                factory,
                field,
                f"{self!r} has no choices (its iterable gave nothing)",
                "give it at least one value; a generator is read once, so pass a list",
            )
        value = choices[int((self._source or current[0]).random() * len(choices))]
        return self.getter(value) if self.getter is not None else value

    def __repr__(self) -> str:
        name = getattr(self.choices, "__name__", None)
        return f"FuzzyChoice({name if isinstance(self.choices, type) else self.choices!r})"


def _characters(chars: object) -> tuple[str, ...] | None:
    """``chars`` as a tuple of strings, or None when it is not an iterable of them."""
    if not isinstance(chars, Iterable):
        return None
    drawn = tuple(chars)
    return drawn if all(isinstance(c, str) for c in drawn) else None


class FuzzyText(BaseFuzzyAttribute):
    """``prefix`` + ``length`` random characters from ``chars`` + ``suffix``.

    Example:
        >>> len(FuzzyText().fuzz())
        12
    """

    __slots__ = ("chars", "length", "prefix", "suffix")

    def __init__(
        self,
        prefix: str = "",
        length: int = 12,
        suffix: str = "",
        chars: Iterable[str] = string.ascii_letters,
    ) -> None:
        _text("FuzzyText", "prefix", prefix)
        _text("FuzzyText", "suffix", suffix)
        whole("FuzzyText", "length", length, "length=12")
        # Any iterable of characters, a generator too (read once, as factory_boy does).
        drawn = chars if isinstance(chars, str) else _characters(chars)
        if drawn is None:
            raise argument_error(
                "FuzzyText",
                f"FuzzyText(..., chars={chars!r}) needs characters to draw from",
                "pass a str of characters, e.g. chars=string.ascii_lowercase",
            )
        self.prefix = prefix
        self.length = length
        self.suffix = suffix
        self.chars: str | tuple[str, ...] = drawn

    def problem(self) -> tuple[str, str] | None:
        """A non-negative length and something to draw from."""
        if self.length < 0:
            return "has a negative length", "use a length of 0 or more"
        if not self.chars:
            return "has no characters to draw from", "pass chars, e.g. string.ascii_letters"
        return None

    def fuzz(self) -> str:
        """Draw a string."""
        return (
            self.prefix
            + "".join((self._source or current[0]).choices(self.chars, k=self.length))
            + self.suffix
        )

    def __repr__(self) -> str:
        return f"FuzzyText(prefix={self.prefix!r}, length={self.length})"
