"""Fast-path closures for Faker's date_time provider.

Faker re-reads the clock and re-parses its bounds ("-30y", "now", this year's
start) on every call, but the bounds it derives are whole seconds. Here they are
recomputed at most once per wall-clock second, with the same formulas, and each
call only draws a uniform point between them and converts it the way Faker does.
"""

from __future__ import annotations

import math
import platform
import sys
import time
from calendar import timegm
from collections.abc import Callable
from datetime import MAXYEAR, UTC, date, datetime, timedelta, tzinfo
from typing import Any

from faker.providers.date_time import Provider as Dates

from asyncfactories._fastfaker.nodes import ValueBuilder, stock
from asyncfactories._fastfaker.text import accept
from asyncfactories._random_source import compile_rng

__all__ = ("VALUES",)

Value = Callable[[], object]
Bounds = Callable[[], tuple[float, float]]
_EPOCH = datetime(1970, 1, 1)
_HELPERS = (
    "_rand_seconds",
    "_parse_date_time",
    "_parse_date",
    "_parse_start_datetime",
    "_parse_end_datetime",
    "unix_time",
    "date_time",
    "date_time_between",
    "date_time_between_dates",
    "date_between",
    "date_between_dates",
)


def _stock(prov: Any) -> bool:
    return stock(prov, Dates, *_HELPERS)


def _ts(value: date) -> int:
    # faker.providers.date_time.datetime_to_timestamp: naive values count as UTC.
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return timegm(value.timetuple())


def _delta(value: object) -> timedelta | None:
    # Relative bounds ("+2d", "-30y", timedelta) as Faker's _parse_date_string reads them.
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        return None
    try:
        return timedelta(**Dates._parse_date_string(value))
    except (ValueError, OverflowError):
        return None


def _moment(value: object, tz: tzinfo | None) -> Callable[[], int] | None:
    """Mirror ``Dates._parse_date_time(value, tz)`` as a clock-reading closure."""
    if isinstance(value, date):
        fixed = _ts(value)
        return lambda: fixed
    if isinstance(value, int):
        return lambda: value
    if value == "now":
        return lambda: _ts(datetime.now(tz))
    delta = _delta(value)
    return None if delta is None else lambda: _ts(datetime.now(tz) + delta)


def _day(value: object) -> Callable[[], date] | None:
    """Mirror ``Dates._parse_date(value)``."""
    if isinstance(value, datetime):
        return lambda: value.date()
    if isinstance(value, date):
        return lambda: value
    if isinstance(value, int) and not isinstance(value, bool):
        return lambda: date.today() + timedelta(value)
    if value in ("today", "now"):
        return date.today
    delta = _delta(value)
    return None if delta is None else lambda: date.today() + delta


def _epoch_naive(ts: float) -> datetime:
    return _EPOCH + timedelta(0, ts)


# Naive UTC wall time of a timestamp: the value of datetime(1970, 1, 1) +
# timedelta(seconds=ts), which Faker computes, and several times faster from C.
# utcfromtimestamp is deprecated from 3.12 on, where the slower sum is used.
_naive_utc: Callable[[float], datetime] = (
    datetime.utcfromtimestamp if sys.version_info < (3, 12) else _epoch_naive
)


def _local_naive(ts: float) -> datetime:
    # convert_timestamp_to_datetime(ts, local).astimezone(utc) with the tz dropped;
    # before 1970 Faker shifts by the local offset, reproduced here as is.
    if ts >= 0:
        return _naive_utc(ts)
    local = datetime.now().astimezone().tzinfo
    moment = datetime(1970, 1, 1, tzinfo=local) + timedelta(seconds=int(ts))
    return moment.astimezone(UTC).replace(tzinfo=None)


def _in_zone(tz: tzinfo) -> Callable[[float], datetime]:
    # Positional call: fromtimestamp parses keyword arguments noticeably slower.
    fromtimestamp = datetime.fromtimestamp
    return lambda u: fromtimestamp(u, tz)


def _drawer(
    bounds: Bounds,
    convert: Callable[[float], object],
    fast: Callable[[float], object] | None = None,
    *,
    short: bool = False,
    non_negative: bool = False,
) -> Value:
    """Draw ``u`` uniformly between ``bounds()`` (refreshed once a second), then ``convert`` it.

    ``fast`` is an equivalent converter valid for ``u >= 0`` (``non_negative``)
    or everywhere. ``short`` mirrors date_time_between's special cases for
    ranges of at most a second.
    """
    clock, random = time.time, compile_rng().random
    quick = fast or convert
    refresh_at, lo, width, plain = -math.inf, 0.0, 0.0, False

    def unusual() -> object:
        # Empty, sub-second or pre-1970 ranges: rare, so kept off the hot path.
        if short and width <= 1:
            return convert(lo if width == 0 else lo + random())
        if width < 0:
            raise ValueError("empty range for _rand_seconds: start must not be after end")
        return convert(lo + width * random())

    def draw() -> object:
        nonlocal refresh_at, lo, width, plain
        if clock() >= refresh_at:
            refresh_at = math.floor(clock()) + 1
            start, end = bounds()
            lo, width = start, end - start
            plain = width > 1 and not (non_negative and lo < 0)
        if plain:
            return quick(lo + width * random())
        return unusual()

    return draw


def _date_time(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, tzinfo=None, end_datetime=None)
    if args is None or not isinstance(tz := args["tzinfo"], (tzinfo, type(None))):
        return None
    end = args["end_datetime"]
    moment = (lambda: _ts(datetime.now())) if end is None else _moment(end, None)
    if moment is None:
        return None
    bounds: Bounds = lambda: (0, moment())  # noqa: E731
    if tz is None:
        return _drawer(bounds, _epoch_naive, _naive_utc, non_negative=True)
    # Faker adds the seconds to midnight 1970-01-01 *in tz* (wall-clock arithmetic);
    # only for UTC is that the same instant as fromtimestamp.
    base = datetime(1970, 1, 1, tzinfo=tz)
    fast = _in_zone(UTC) if tz is UTC else None
    return _drawer(bounds, lambda u: base + timedelta(0, u), fast)


def _between(prov: Any, kw: dict[str, object], start: object, end: object) -> Value | None:
    args = accept(kw, start_date=start, end_date=end, tzinfo=None)
    if args is None or not isinstance(tz := args["tzinfo"], (tzinfo, type(None))):
        return None
    lo, hi = _moment(args["start_date"], tz), _moment(args["end_date"], tz)
    if lo is None or hi is None:
        return None
    bounds: Bounds = lambda: (lo(), hi())  # noqa: E731
    if tz is None:
        return _drawer(bounds, _epoch_naive, _naive_utc, short=True, non_negative=True)
    # (epoch UTC + seconds).astimezone(tz) is fromtimestamp(seconds, tz).
    return _drawer(bounds, _in_zone(tz), short=True)


def _between_dates(bounds: Bounds, tz: tzinfo | None, as_date: bool = False) -> Value:
    """Mirror ``date_time_between_dates`` (and ``date_between_dates`` when ``as_date``)."""
    if as_date:
        naive_utc = _naive_utc
        return _drawer(
            bounds,
            lambda u: _local_naive(u).date(),
            lambda u: naive_utc(u).date(),
            non_negative=True,
        )
    if tz is None:
        return _drawer(bounds, _local_naive, _naive_utc, non_negative=True)
    return _drawer(bounds, _in_zone(tz))


def _period_start(kind: str, now: date) -> tuple[date, date]:
    """Return the first instant of the century/decade/year/month of ``now``, and of the next."""
    moment = isinstance(now, datetime)
    tz = now.tzinfo if isinstance(now, datetime) else None

    def make(year: int, month: int) -> date:
        return datetime(year, month, 1, tzinfo=tz) if moment else date(year, month, 1)

    if kind in ("century", "decade"):
        size = 100 if kind == "century" else 10
        first = now.year - now.year % size
        return make(first, 1), make(min(first + size, MAXYEAR), 1)
    if isinstance(now, datetime):
        now = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "year":
        return now.replace(month=1, day=1), make(now.year + 1, 1)
    start = now.replace(day=1)
    return start, make(now.year + now.month // 12, now.month % 12 + 1)


def _this(kind: str, dates: bool) -> Callable[[Any, dict[str, object]], Value | None]:
    before, after = ("before_today", "after_today") if dates else ("before_now", "after_now")

    def build(prov: Any, kw: dict[str, object]) -> Value | None:
        extra = {} if dates else {"tzinfo": None}
        args = accept(kw, **{before: True, after: False}, **extra)
        tz = None if args is None else args.get("tzinfo")
        if args is None or not isinstance(tz, (tzinfo, type(None))):
            return None
        past, future = bool(args[before]), bool(args[after])
        now: Callable[[], date] = date.today if dates else lambda: datetime.now(tz)
        if not past and not future:
            return now

        def bounds() -> tuple[float, float]:
            moment = now()
            start, end = _period_start(kind, moment)
            return _ts(start if past else moment), _ts(end if future else moment)

        return _between_dates(bounds, tz, as_date=dates)

    return build


def _date_between(prov: Any, kw: dict[str, object], start: object, end: object) -> Value | None:
    args = accept(kw, start_date=start, end_date=end)
    lo = None if args is None else _day(args["start_date"])
    hi = None if args is None else _day(args["end_date"])
    if lo is None or hi is None:
        return None
    return _between_dates(lambda: (_ts(lo()), _ts(hi())), None, as_date=True)


def _guarded(build: Callable[[Any, dict[str, object]], Value | None]) -> Any:
    return lambda prov, kw: build(prov, kw) if _stock(prov) else None


def _past_future(prov: Any, kw: dict[str, object], name: str, default: str) -> Value | None:
    # past_datetime = between(start_date, "-1s"); future_datetime = between("+1s", end_date).
    args = accept(kw, **{name: default, "tzinfo": None})
    if args is None:
        return None
    if name == "start_date":
        return _between(prov, {**args, "end_date": "-1s"}, None, None)
    return _between(prov, {**args, "start_date": "+1s"}, None, None)


#: The compiled forms of the date providers this module models.
VALUES: dict[object, ValueBuilder] = {}
# On Windows Faker draws whole seconds (randint); that platform keeps the Faker path.
if platform.system() != "Windows":
    VALUES.update(
        {
            Dates.date_time: _guarded(_date_time),
            Dates.date_time_between: _guarded(lambda p, kw: _between(p, kw, "-30y", "now")),
            Dates.past_datetime: _guarded(lambda p, kw: _past_future(p, kw, "start_date", "-30d")),
            Dates.future_datetime: _guarded(lambda p, kw: _past_future(p, kw, "end_date", "+30d")),
            Dates.date_between: _guarded(lambda p, kw: _date_between(p, kw, "-30y", "today")),
        }
    )
    for _kind in ("century", "decade", "year", "month"):
        VALUES[getattr(Dates, f"date_time_this_{_kind}")] = _guarded(_this(_kind, False))
        VALUES[getattr(Dates, f"date_this_{_kind}")] = _guarded(_this(_kind, True))
