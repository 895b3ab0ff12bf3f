"""Fuzzy numbers: FuzzyInteger, FuzzyFloat, FuzzyDecimal, within bounds checked at class definition."""

from __future__ import annotations

import decimal
import math

from asyncfactories._declare.fuzzy import BaseFuzzyAttribute, bounds, whole
from asyncfactories._random_source import current

__all__ = ("FuzzyDecimal", "FuzzyFloat", "FuzzyInteger")


class FuzzyInteger(BaseFuzzyAttribute):
    """An integer in ``[low, high]``, both inclusive; ``FuzzyInteger(high)`` means ``[0, high]``.

    Example:
        >>> FuzzyInteger(3, 3).fuzz()
        3
    """

    __slots__ = ("high", "low", "step")

    def __init__(self, low: int, high: int | None = None, step: int = 1) -> None:
        self.low, self.high = bounds("FuzzyInteger", low, high, (int,), "a whole number")
        whole("FuzzyInteger", "step", step, "step=2")
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
        self.low, self.high = bounds("FuzzyFloat", low, high, (int, float), "a real number")
        whole("FuzzyFloat", "precision", precision, "precision=6")
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
        self.low, self.high = bounds(
            "FuzzyDecimal", low, high, (int, float, decimal.Decimal), "a number"
        )
        whole("FuzzyDecimal", "precision", precision, "precision=2")
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
