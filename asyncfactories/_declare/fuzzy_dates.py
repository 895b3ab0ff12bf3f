"""Fuzzy dates and times: FuzzyDate, FuzzyDateTime (aware), FuzzyNaiveDateTime."""

from __future__ import annotations

import datetime as dt
from typing import Any

from asyncfactories._declare import argument_error, call_repr
from asyncfactories._declare.fuzzy import BaseFuzzyAttribute, whole
from asyncfactories._random_source import current

__all__ = ("FuzzyDate", "FuzzyDateTime", "FuzzyNaiveDateTime")


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
                whole(name, f"force_{part}", forced_value, f"force_{part}=1")
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
