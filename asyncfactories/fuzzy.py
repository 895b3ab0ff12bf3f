"""Random values within bounds, with factory_boy's names and signatures.

Every draw comes from the one seedable source, so ``seed(n)`` reproduces them.
Bounds are checked when the factory class is defined::

    AgentFactory.confidence_score: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.

Example:
    >>> from asyncfactories import fuzzy
    >>> score = fuzzy.FuzzyFloat(0.5, 0.7)
    >>> 0.5 <= score.fuzz() <= 0.7
    True
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import string
from collections.abc import Callable, Iterable
from typing import Any

from asyncfactories._declarations import Declaration, Row
from asyncfactories._errors import FactoryDefinitionError, FactoryError
from asyncfactories._random import rng

__all__ = (
    "BaseFuzzyAttribute",
    "FuzzyAttribute",
    "FuzzyChoice",
    "FuzzyDate",
    "FuzzyDateTime",
    "FuzzyDecimal",
    "FuzzyFloat",
    "FuzzyInteger",
    "FuzzyNaiveDateTime",
    "FuzzyText",
)


class BaseFuzzyAttribute(Declaration):
    """Base of the fuzzy family: ``fuzz()`` draws one value."""

    __slots__ = ()

    def problem(self) -> tuple[str, str] | None:
        """Return ``(what is wrong, the fix)`` when the arguments cannot work."""
        return None

    def check(self, factory: str, field: str) -> None:
        """Raise :class:`FactoryDefinitionError` for impossible arguments."""
        found = self.problem()
        if found is not None:
            raise FactoryDefinitionError(factory, field, f"{self!r} {found[0]}", found[1])

    def fuzz(self) -> Any:
        """Draw one value."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def evaluate(self, row: Row) -> object:
        """Draw one value for the row."""
        return self.fuzz()


def _bounds(cls_name: str, low: Any, high: Any) -> tuple[Any, Any]:
    # factory_boy: a single argument is the upper bound, the lower one is 0.
    return (0, low) if high is None else (low, high)


class FuzzyAttribute(BaseFuzzyAttribute):
    """The value of ``fuzzer()``, a zero-argument callable.

    Example:
        >>> FuzzyAttribute(lambda: 4).fuzz()
        4
    """

    __slots__ = ("fuzzer",)

    def __init__(self, fuzzer: Callable[[], Any]) -> None:
        self.fuzzer = fuzzer

    def problem(self) -> tuple[str, str] | None:
        """A fuzzer must be callable."""
        if not callable(self.fuzzer):
            return "needs a callable", "pass a zero-argument function"
        return None

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
        choices = self._choices
        if choices is None:
            choices = self._choices = list(self.choices)
            if not choices:
                raise FactoryError(
                    "FuzzyChoice", None, "has no choices", "give it at least one value"
                )
        value = choices[int(rng.random() * len(choices))]
        return self.getter(value) if self.getter is not None else value

    def __repr__(self) -> str:
        name = getattr(self.choices, "__name__", None)
        return f"FuzzyChoice({name if isinstance(self.choices, type) else self.choices!r})"


class FuzzyInteger(BaseFuzzyAttribute):
    """An integer in ``[low, high]``, both inclusive; ``FuzzyInteger(high)`` means ``[0, high]``.

    Example:
        >>> FuzzyInteger(3, 3).fuzz()
        3
    """

    __slots__ = ("high", "low", "step")

    def __init__(self, low: int, high: int | None = None, step: int = 1) -> None:
        self.low, self.high = _bounds("FuzzyInteger", low, high)
        self.step = step

    def problem(self) -> tuple[str, str] | None:
        """Bounds in order, a positive step."""
        if self.low > self.high:
            return "has low > high", "swap the bounds"
        if self.step < 1:
            return "has a step below 1", "use a positive step"
        return None

    def fuzz(self) -> int:
        """Draw an integer."""
        return rng.randrange(self.low, self.high + 1, self.step)

    def __repr__(self) -> str:
        step = f", step={self.step}" if self.step != 1 else ""
        return f"FuzzyInteger({self.low}, {self.high}{step})"


class FuzzyFloat(BaseFuzzyAttribute):
    """A float in ``[low, high]`` rounded to ``precision`` significant digits.

    Example:
        >>> 0.5 <= FuzzyFloat(0.5, 0.7).fuzz() <= 0.7
        True
    """

    __slots__ = ("high", "low", "precision")

    def __init__(self, low: float, high: float | None = None, precision: int = 15) -> None:
        self.low, self.high = _bounds("FuzzyFloat", low, high)
        self.precision = precision

    def problem(self) -> tuple[str, str] | None:
        """Bounds in order."""
        if self.low > self.high:
            return "has low > high", "swap the bounds"
        return None

    def fuzz(self) -> float:
        """Draw a float; rounding never leaves the bounds."""
        value = float(f"{rng.uniform(self.low, self.high):.{self.precision}g}")
        return float(min(max(value, self.low), self.high))

    def __repr__(self) -> str:
        return f"FuzzyFloat({self.low}, {self.high})"


class FuzzyDecimal(BaseFuzzyAttribute):
    """A ``Decimal`` in ``[low, high]`` with ``precision`` decimal places (default 2).

    Example:
        >>> FuzzyDecimal(1, 1).fuzz()
        Decimal('1.00')
    """

    __slots__ = ("_quantum", "high", "low", "precision")

    def __init__(
        self,
        low: float | decimal.Decimal,
        high: float | decimal.Decimal | None = None,
        precision: int = 2,
    ) -> None:
        self.low, self.high = _bounds("FuzzyDecimal", low, high)
        self.precision = precision
        self._quantum = decimal.Decimal(10) ** -precision

    def problem(self) -> tuple[str, str] | None:
        """Bounds in order."""
        if self.low > self.high:
            return "has low > high", "swap the bounds"
        return None

    def fuzz(self) -> decimal.Decimal:
        """Draw a decimal."""
        value = decimal.Decimal(str(rng.uniform(float(self.low), float(self.high))))
        value = value.quantize(self._quantum)
        return min(
            max(value, decimal.Decimal(self.low).quantize(self._quantum)),
            decimal.Decimal(self.high),
        )

    def __repr__(self) -> str:
        return f"FuzzyDecimal({self.low}, {self.high})"


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
        self.prefix = prefix
        self.length = length
        self.suffix = suffix
        # Any iterable of characters, a generator too (read once, as factory_boy does).
        self.chars: str | tuple[str, ...] = chars if isinstance(chars, str) else tuple(chars)

    def problem(self) -> tuple[str, str] | None:
        """A non-negative length and something to draw from."""
        if self.length < 0:
            return "has a negative length", "use a length of 0 or more"
        if not self.chars:
            return "has no characters to draw from", "pass chars, e.g. string.ascii_letters"
        return None

    def fuzz(self) -> str:
        """Draw a string."""
        return self.prefix + "".join(rng.choices(self.chars, k=self.length)) + self.suffix

    def __repr__(self) -> str:
        return f"FuzzyText(prefix={self.prefix!r}, length={self.length})"


class FuzzyDate(BaseFuzzyAttribute):
    """A date in ``[start_date, end_date]`` (``end_date`` defaults to today).

    Example:
        >>> FuzzyDate(dt.date(2020, 1, 1), dt.date(2020, 1, 1)).fuzz()
        datetime.date(2020, 1, 1)
    """

    __slots__ = ("end_date", "start_date")

    def __init__(self, start_date: dt.date, end_date: dt.date | None = None) -> None:
        self.start_date = start_date
        self.end_date = end_date if end_date is not None else dt.date.today()

    def problem(self) -> tuple[str, str] | None:
        """Bounds in order."""
        if self.start_date > self.end_date:
            return "has start_date > end_date", "swap the bounds"
        return None

    def fuzz(self) -> dt.date:
        """Draw a date."""
        ordinal = rng.randint(self.start_date.toordinal(), self.end_date.toordinal())
        return dt.date.fromordinal(ordinal)

    def __repr__(self) -> str:
        return f"FuzzyDate({self.start_date!r}, {self.end_date!r})"


class _FuzzyMoment(BaseFuzzyAttribute):
    __slots__ = ("_forced", "end_dt", "start_dt")
    _aware: bool = True

    def __init__(
        self,
        start_dt: dt.datetime,
        end_dt: dt.datetime | None = None,
        force_year: int | None = None,
        force_month: int | None = None,
        force_day: int | None = None,
        force_hour: int | None = None,
        force_minute: int | None = None,
        force_second: int | None = None,
        force_microsecond: int | None = None,
    ) -> None:
        self.start_dt = start_dt
        if end_dt is None:
            end_dt = dt.datetime.now(dt.UTC) if self._aware else dt.datetime.now()
        self.end_dt = end_dt
        forced = {
            "year": force_year,
            "month": force_month,
            "day": force_day,
            "hour": force_hour,
            "minute": force_minute,
            "second": force_second,
            "microsecond": force_microsecond,
        }
        self._forced: dict[str, Any] = {k: v for k, v in forced.items() if v is not None}

    def problem(self) -> tuple[str, str] | None:
        """Bounds of the right kind (aware or naive) and in order."""
        for name in ("start_dt", "end_dt"):
            value = getattr(self, name)
            aware = value.tzinfo is not None and value.utcoffset() is not None
            if aware != self._aware:
                kind = "a naive" if self._aware else "an aware"
                fix = (
                    "give it a tzinfo, e.g. datetime(..., tzinfo=timezone.utc)"
                    if self._aware
                    else "drop the tzinfo, or use FuzzyDateTime"
                )
                return f"has {kind} {name}", fix
        if self.start_dt > self.end_dt:
            return "has start_dt > end_dt", "swap the bounds"
        return None

    def fuzz(self) -> dt.datetime:
        """Draw a moment."""
        span = (self.end_dt - self.start_dt).total_seconds()
        value = self.start_dt + dt.timedelta(seconds=rng.uniform(0, span))
        return value.replace(**self._forced) if self._forced else value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.start_dt!r}, {self.end_dt!r})"


class FuzzyDateTime(_FuzzyMoment):
    """A timezone-aware datetime in ``[start_dt, end_dt]``; naive bounds are refused.

    Example:
        >>> start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        >>> FuzzyDateTime(start, start).fuzz() == start
        True
    """

    __slots__ = ()


class FuzzyNaiveDateTime(_FuzzyMoment):
    """A naive datetime in ``[start_dt, end_dt]``; aware bounds are refused.

    Example:
        >>> start = dt.datetime(2024, 1, 1)
        >>> FuzzyNaiveDateTime(start, start).fuzz() == start
        True
    """

    __slots__ = ()
    _aware = False
