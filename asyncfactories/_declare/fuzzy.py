"""The fuzzy declarations behind :mod:`asyncfactories.fuzzy` (see there).

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
import datetime as dt
import decimal
import enum
import math
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
    "FuzzyDate",
    "FuzzyDateTime",
    "FuzzyDecimal",
    "FuzzyFloat",
    "FuzzyInteger",
    "FuzzyNaiveDateTime",
    "FuzzyText",
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


def _bounds(
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


def _whole(cls_name: str, label: str, value: object, example: str) -> None:
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


class FuzzyInteger(BaseFuzzyAttribute):
    """An integer in ``[low, high]``, both inclusive; ``FuzzyInteger(high)`` means ``[0, high]``.

    Example:
        >>> FuzzyInteger(3, 3).fuzz()
        3
    """

    __slots__ = ("high", "low", "step")

    def __init__(self, low: int, high: int | None = None, step: int = 1) -> None:
        self.low, self.high = _bounds("FuzzyInteger", low, high, (int,), "a whole number")
        _whole("FuzzyInteger", "step", step, "step=2")
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
        return (self._source or current[0]).randrange(self.low, self.high + 1, self.step)

    def __repr__(self) -> str:
        step = f", step={self.step}" if self.step != 1 else ""
        return f"FuzzyInteger({self.low}, {self.high}{step})"


class FuzzyFloat(BaseFuzzyAttribute):
    """A float in ``[low, high]`` rounded to ``precision`` significant digits.

    Example:
        >>> 0.5 <= FuzzyFloat(0.5, 0.7).fuzz() <= 0.7
        True
    """

    __slots__ = ("_wide", "high", "low", "precision")

    def __init__(self, low: float, high: float | None = None, precision: int = 15) -> None:
        self.low, self.high = _bounds("FuzzyFloat", low, high, (int, float), "a real number")
        _whole("FuzzyFloat", "precision", precision, "precision=6")
        self.precision = precision
        # A span past the largest float (-1e308, 1e308) overflows Random.uniform.
        self._wide = math.isinf(float(self.high) - float(self.low))

    def problem(self) -> tuple[str, str] | None:
        """Finite bounds in order, at least one significant digit."""
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            return "has an infinite or NaN bound", "give it finite bounds"
        if self.low > self.high:
            return "has low > high", "swap the bounds"
        if self.precision < 1:
            return f"has precision={self.precision}", "keep at least 1 significant digit"
        return None

    def fuzz(self) -> float:
        """Draw a float; rounding never leaves the bounds."""
        low, high = self.low, self.high
        if self._wide:
            # The span overflows: weigh the bounds instead of adding a span.
            u = (self._source or current[0]).random()
            drawn = low * (1 - u) + high * u
        else:
            drawn = (self._source or current[0]).uniform(low, high)
        value = float(f"{drawn:.{self.precision}g}")
        return float(min(max(value, low), high))

    def __repr__(self) -> str:
        return f"FuzzyFloat({self.low}, {self.high})"


class FuzzyDecimal(BaseFuzzyAttribute):
    """A ``Decimal`` in ``[low, high]`` with ``precision`` decimal places (default 2).

    Example:
        >>> FuzzyDecimal(1, 1).fuzz()
        Decimal('1.00')
    """

    __slots__ = ("_quantum", "_rounded", "high", "low", "precision")

    def __init__(
        self,
        low: float | decimal.Decimal,
        high: float | decimal.Decimal | None = None,
        precision: int = 2,
    ) -> None:
        self.low, self.high = _bounds(
            "FuzzyDecimal", low, high, (int, float, decimal.Decimal), "a number"
        )
        _whole("FuzzyDecimal", "precision", precision, "precision=2")
        self.precision = precision
        self._quantum = decimal.Decimal(10) ** -max(precision, 0)
        self._rounded: tuple[decimal.Decimal, decimal.Decimal] | None = None

    def _rounded_bounds(self) -> tuple[decimal.Decimal, decimal.Decimal]:
        # Rounded inwards, so a drawn value never leaves [low, high].
        low = decimal.Decimal(str(self.low)).quantize(self._quantum, decimal.ROUND_CEILING)
        high = decimal.Decimal(str(self.high)).quantize(self._quantum, decimal.ROUND_FLOOR)
        return low, high

    def problem(self) -> tuple[str, str] | None:
        """Finite bounds in order, with a value of ``precision`` places between them."""
        if not all(decimal.Decimal(str(b)).is_finite() for b in (self.low, self.high)):
            return "has an infinite or NaN bound", "give it finite bounds"
        if self.low > self.high:
            return "has low > high", "swap the bounds"
        if self.precision < 0:
            return f"has precision={self.precision}", "use 0 or more decimal places"
        try:
            low, high = self._rounded_bounds()
        except decimal.InvalidOperation:
            return (
                f"has precision={self.precision}, more digits than a Decimal holds here",
                f"use fewer decimal places (at most {decimal.getcontext().prec} digits in all)",
            )
        if low > high:
            return (
                f"has no value with {self.precision} decimal places between its bounds",
                "widen the bounds or raise the precision",
            )
        return None

    def fuzz(self) -> decimal.Decimal:
        """Draw a decimal; rounding never leaves the bounds."""
        if self._rounded is None:
            self._rounded = self._rounded_bounds()
        low, high = self._rounded
        value = decimal.Decimal(
            str((self._source or current[0]).uniform(float(self.low), float(self.high)))
        )
        value = value.quantize(self._quantum)
        return min(max(value, low), high)

    def __repr__(self) -> str:
        return f"FuzzyDecimal({self.low}, {self.high})"


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
        _whole("FuzzyText", "length", length, "length=12")
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


class FuzzyDate(BaseFuzzyAttribute):
    """A date in ``[start_date, end_date]`` (``end_date`` defaults to today).

    Example:
        >>> FuzzyDate(dt.date(2020, 1, 1), dt.date(2020, 1, 1)).fuzz()
        datetime.date(2020, 1, 1)
    """

    __slots__ = ("end_date", "start_date")

    def __init__(self, start_date: dt.date, end_date: dt.date | None = None) -> None:
        for label, value in (("start_date", start_date), ("end_date", end_date)):
            if label == "end_date" and value is None:
                continue
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise argument_error(
                    "FuzzyDate",
                    f"{call_repr('FuzzyDate', start_date, end_date)} got {label}={value!r}, "
                    "not a date",
                    "pass datetime.date objects, e.g. FuzzyDate(date(2020, 1, 1)); "
                    "for datetimes use FuzzyDateTime",
                )
        self.start_date = start_date
        self.end_date = end_date if end_date is not None else dt.date.today()

    def problem(self) -> tuple[str, str] | None:
        """Bounds in order."""
        if self.start_date > self.end_date:
            return "has start_date > end_date", "swap the bounds"
        return None

    def fuzz(self) -> dt.date:
        """Draw a date."""
        ordinal = (self._source or current[0]).randint(
            self.start_date.toordinal(), self.end_date.toordinal()
        )
        return dt.date.fromordinal(ordinal)

    def __repr__(self) -> str:
        return f"FuzzyDate({self.start_date!r}, {self.end_date!r})"


_FORCED = ("year", "month", "day", "hour", "minute", "second", "microsecond")


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
        name = type(self).__name__
        for label, value in (("start_dt", start_dt), ("end_dt", end_dt)):
            if not isinstance(value, dt.datetime) and not (label == "end_dt" and value is None):
                raise argument_error(
                    name,
                    f"{call_repr(name, start_dt, end_dt)} got {label}={value!r}, not a datetime",
                    f"pass datetime.datetime objects, e.g. {name}(datetime(2020, 1, 1"
                    + (", tzinfo=timezone.utc))" if self._aware else "))"),
                )
        forced_args = (
            force_year,
            force_month,
            force_day,
            force_hour,
            force_minute,
            force_second,
            force_microsecond,
        )
        for part, forced_value in zip(_FORCED, forced_args, strict=True):
            if forced_value is not None:
                _whole(name, f"force_{part}", forced_value, f"force_{part}=1")
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
        try:
            self.start_dt.replace(**self._forced)
        except (ValueError, OverflowError) as exc:
            forced = ", ".join(f"force_{k}={v}" for k, v in self._forced.items())
            return f"has {forced}, which no moment has ({exc})", "force values within range"
        return None

    def fuzz(self) -> dt.datetime:
        """Draw a moment."""
        span = (self.end_dt - self.start_dt).total_seconds()
        value = self.start_dt + dt.timedelta(seconds=(self._source or current[0]).uniform(0, span))
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
