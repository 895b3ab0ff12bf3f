"""Values generated from a column's type: what autofill draws for the columns nobody declared.

:func:`kind_for` turns a SQLAlchemy type into a :class:`Kind`, compiled once
per column as the fast Faker path compiles a provider: ``draw()`` returns one
value from the shared seeded source (:data:`asyncfactories._state.rng`, so
``seed(n)`` reproduces it), ``nth(n)`` the value a unique column gets for the
number ``n``, distinct for every ``n`` below ``capacity``.

Every value fits its column: strings are words of Faker's lorem list within
the length, integers within the type's range, decimals within precision and
scale, datetimes aware exactly when the column has ``timezone=True``.
"""

from __future__ import annotations

import math
import string
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Any

from sqlalchemy import types as sa
from sqlalchemy.dialects import postgresql

from asyncfactories._random_source import DEFAULT_LOCALE, compile_rng, faker_for

__all__ = ("Kind", "kind_for", "label_of")

#: Dates and datetimes fall in a fixed window, so a seeded run gives the same rows on any day.
WINDOW_START = date(2020, 1, 1)
WINDOW_DAYS = 3653
_EPOCH = datetime(2020, 1, 1)
_SPAN_MICROSECONDS = WINDOW_DAYS * 86_400 * 1_000_000
#: Non-unique numbers stay small and readable; the type's range only bounds unique ones.
SMALL_NUMBERS = 10_000
#: Strings are short sentences of words; a longer column still gets at most this many characters.
STRING_CHARS = 50
TEXT_CHARS = 200
_INT_TOPS = ((sa.BigInteger, 2**63 - 1), (sa.SmallInteger, 2**15 - 1), (sa.Integer, 2**31 - 1))
# Version 4, variant RFC 4122: the bits uuid.UUID(int=..., version=4) forces.
_V4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_V4_SET = (0x8000 << 48) | (4 << 76)
_LOW_62 = (1 << 62) - 1
_DIGITS = string.digits + string.ascii_lowercase

Draw = Callable[[], Any]
Nth = Callable[[int], Any]


class Kind:
    """How to make values of one column: ``draw()`` any value, ``nth(n)`` the n-th unique one."""

    __slots__ = ("capacity", "draw", "label", "nth")

    def __init__(self, label: str, draw: Draw, nth: Nth, capacity: int | None = None) -> None:
        self.label = label
        self.draw = draw
        self.nth = nth
        #: How many distinct ``nth`` values exist (``None``: more than any load makes).
        self.capacity = capacity

    def __repr__(self) -> str:
        return f"Kind({self.label})"


_word_list: tuple[str, ...] = ()


def _words() -> tuple[str, ...]:
    """Faker's lorem words (the fast path's own table), read once."""
    global _word_list
    if not _word_list:
        generator: Any = faker_for(DEFAULT_LOCALE)
        found = generator.get_words_list()
        _word_list = tuple(w for w in found if w.isalpha() and w.islower()) or tuple(
            string.ascii_lowercase
        )
    return _word_list


def _pick(values: tuple[Any, ...]) -> Draw:
    n = float(len(values))
    random, floor = compile_rng().random, math.floor
    return lambda: values[floor(random() * n)]


def _below(count: int) -> Callable[[], int]:
    """A uniform integer in ``[0, count)``."""
    n = float(count)
    random, floor = compile_rng().random, math.floor
    return lambda: floor(random() * n)


def text_draw(limit: int) -> Callable[[], str]:
    """Readable words, the first capitalised, at most ``limit`` characters."""
    words = _words()
    if limit < 5:
        short = tuple(w for w in words if len(w) <= limit) or tuple(string.ascii_lowercase)
        return _pick(short)
    n = float(len(words))
    most = float(max(1, min(limit // 6, 30)))
    random, floor, join = compile_rng().random, math.floor, " ".join

    def draw() -> str:
        text = join([words[floor(random() * n)] for _ in repeat(None, 1 + floor(random() * most))])
        if len(text) > limit:
            cut = text.rfind(" ", 0, limit + 1)
            text = text[:cut] if cut > 0 else text[:limit]
        return text[0].upper() + text[1:]

    return draw


def _base36(n: int) -> str:
    digits = []
    while True:
        n, rest = divmod(n, 36)
        digits.append(_DIGITS[rest])
        if not n:
            return "".join(reversed(digits))


def _unique_text(draw: Callable[[], str], length: int | None) -> Nth:
    """Words and the number: ``"Lorem ipsum 12"``; base 36 alone where the length leaves no room.

    Every value with words has a space before its number and the base-36 ones
    have none, so two numbers never give the same string.
    """

    def nth(n: int) -> str:
        suffix = f" {n}"
        if length is None:
            return draw() + suffix
        room = length - len(suffix)
        if room < 1:
            return _base36(n)
        base = draw()
        if len(base) > room:
            cut = base.rfind(" ", 0, room + 1)
            base = base[:cut] if cut > 0 else base[:room]
        return base + suffix

    return nth


def _string_kind(type_: sa.String, label: str) -> Kind:
    length = type_.length
    unbounded = isinstance(type_, sa.Text) and length is None
    limit = TEXT_CHARS if unbounded else min(length or STRING_CHARS, STRING_CHARS)
    draw = text_draw(limit)
    capacity = 36**length if length is not None and length < 12 else None
    return Kind(label, draw, _unique_text(draw, length), capacity)


def _enum_kind(type_: sa.Enum, label: str) -> Kind:
    members: tuple[Any, ...] = (
        tuple(type_.enum_class) if type_.enum_class is not None else tuple(type_.enums)
    )
    return Kind(label, _pick(members), members.__getitem__, len(members))


def _integer_kind(type_: sa.Integer, label: str) -> Kind:
    top = next(t for cls, t in _INT_TOPS if isinstance(type_, cls))
    return Kind(label, _below(min(top, SMALL_NUMBERS - 1) + 1), int, top + 1)


def _float_kind(type_: sa.Float[Any], label: str) -> Kind:
    random = compile_rng().random

    def draw() -> float:
        return round(random() * 1000, 3)

    # float(n) is exact in a 4-byte REAL up to 2**24, far past a million.
    return Kind(label, draw, float, 2**24)


def _numeric_kind(type_: sa.Numeric[Any], label: str) -> Kind:
    precision = type_.precision
    scale = type_.scale if type_.scale is not None else (0 if precision is not None else 2)
    digits = precision if precision is not None else 12
    units = _below(min(10**digits - 1, SMALL_NUMBERS * 10**scale) + 1)
    exponent = -scale

    def draw() -> Any:
        return Decimal(units()).scaleb(exponent)

    def nth(n: int) -> Any:
        return Decimal(n).scaleb(exponent)

    if not type_.asdecimal:
        return Kind(label, lambda: float(draw()), lambda n: float(nth(n)), 10**digits)
    return Kind(label, draw, nth, 10**digits if precision is not None else None)


def _datetime_kind(type_: sa.DateTime, label: str) -> Kind:
    start = _EPOCH.replace(tzinfo=UTC) if type_.timezone else _EPOCH
    micro = _below(_SPAN_MICROSECONDS)

    def draw() -> datetime:
        return start + timedelta(microseconds=micro())

    def nth(n: int) -> datetime:
        return start + timedelta(seconds=n)

    return Kind(label, draw, nth)


def _date_kind(label: str) -> Kind:
    first = WINDOW_START.toordinal()
    day = _below(WINDOW_DAYS)
    return Kind(
        label,
        lambda: date.fromordinal(first + day()),
        lambda n: date.fromordinal(first + n),
        date.max.toordinal() - first,
    )


def _time_kind(type_: sa.Time, label: str) -> Kind:
    zone = UTC if type_.timezone else None
    second = _below(86_400)

    def draw() -> time:
        s = second()
        return time(s // 3600, s // 60 % 60, s % 60, tzinfo=zone)

    def nth(n: int) -> time:
        s, micro = divmod(n, 1_000_000)
        return time(s // 3600, s // 60 % 60, s % 60, micro, tzinfo=zone)

    return Kind(label, draw, nth, 86_400 * 1_000_000)


def _interval_kind(label: str) -> Kind:
    second = _below(30 * 86_400)
    return Kind(label, lambda: timedelta(seconds=second()), lambda n: timedelta(seconds=n))


def _uuid_kind(type_: sa.Uuid[Any], label: str) -> Kind:
    getrandbits = compile_rng().getrandbits
    make = uuid.UUID

    def draw() -> uuid.UUID:
        return make(int=getrandbits(128) & _V4_CLEAR | _V4_SET)

    def nth(n: int) -> uuid.UUID:
        # The number fills the low 62 bits, below the variant and version bits.
        return make(int=(getrandbits(66) << 62 | n) & _V4_CLEAR | _V4_SET)

    if not type_.as_uuid:
        return Kind(label, lambda: str(draw()), lambda n: str(nth(n)), 1 << 62)
    return Kind(label, draw, nth, 1 << 62)


def _json_kind(label: str, shape: type) -> Kind:
    word = _pick(_words())
    number = _below(SMALL_NUMBERS)
    if shape is list:
        count = _below(3)
        return Kind(
            label,
            lambda: [word() for _ in repeat(None, 1 + count())],
            lambda n: [f"{word()} {n}"],
        )
    return Kind(
        label,
        lambda: {"key": word(), "value": number()},
        lambda n: {"key": word(), "value": number(), "n": n},
    )


def _binary_kind(type_: sa.LargeBinary | sa.BINARY | sa.VARBINARY, label: str) -> Kind:
    length = type_.length
    size = min(length or 16, 16)
    randbytes = compile_rng().randbytes
    width = min(size, 8)

    def nth(n: int) -> bytes:
        return n.to_bytes(width, "big") + randbytes(size - width)

    return Kind(label, lambda: randbytes(size), nth, 256**width)


def _array_kind(type_: sa.ARRAY[Any], label: str, item: Kind) -> Kind:
    dimensions = type_.dimensions or 1
    count = _below(3)
    draw_item = item.draw

    def fill(level: int, size: int) -> list[Any]:
        if level == dimensions:
            return [draw_item() for _ in repeat(None, size)]
        return [fill(level + 1, size) for _ in repeat(None, size)]

    def nth(n: int) -> list[Any]:
        value: Any = item.nth(n)
        for _ in range(dimensions):
            value = [value]
        return value  # type: ignore[no-any-return]

    return Kind(label, lambda: fill(1, 1 + count()), nth, item.capacity)


def label_of(type_: sa.TypeEngine[Any]) -> str:
    """The type as a message shows it: ``String(200)``, ``Numeric(10, 2)``, ``Enum(Status)``."""
    name = type(type_).__name__
    if isinstance(type_, sa.Enum):
        inner = (
            type_.enum_class.__name__
            if type_.enum_class is not None
            else ", ".join(repr(e) for e in type_.enums)
        )
        return f"{name}({inner})"
    if isinstance(type_, sa.String | sa.LargeBinary) and type_.length is not None:
        return f"{name}({type_.length})"
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float) and type_.precision:
        scale = "" if type_.scale is None else f", {type_.scale}"
        return f"{name}({type_.precision}{scale})"
    if isinstance(type_, sa.DateTime | sa.Time) and type_.timezone:
        return f"{name}(timezone=True)"
    if isinstance(type_, sa.ARRAY):
        return f"{name}({label_of(type_.item_type)})"
    return name


def kind_for(type_: sa.TypeEngine[Any], json_shape: type = dict) -> Kind | None:
    """How to generate values of ``type_``, or ``None`` when autofill cannot.

    ``json_shape`` is ``list`` for a JSON column mapped as a list (``Mapped[list[str]]``).

    Example:
        >>> kind = kind_for(sa.String(8))
        >>> len(kind.draw()) <= 8 and kind.nth(7) != kind.nth(8)
        True
    """
    label = label_of(type_)
    # Order matters: Enum is a String, Float a Numeric, Interval a TypeDecorator.
    if isinstance(type_, sa.Enum):
        return _enum_kind(type_, label)
    if isinstance(type_, sa.Boolean):
        random = compile_rng().random
        return Kind(label, lambda: random() < 0.5, (False, True).__getitem__, 2)
    if isinstance(type_, sa.Interval | postgresql.INTERVAL):
        return _interval_kind(label)
    if isinstance(type_, sa.String):
        return _string_kind(type_, label)
    if isinstance(type_, sa.Integer):
        return _integer_kind(type_, label)
    if isinstance(type_, sa.Float):
        return _float_kind(type_, label)
    if isinstance(type_, sa.Numeric):
        return _numeric_kind(type_, label)
    if isinstance(type_, sa.DateTime):
        return _datetime_kind(type_, label)
    if isinstance(type_, sa.Date):
        return _date_kind(label)
    if isinstance(type_, sa.Time):
        return _time_kind(type_, label)
    if isinstance(type_, sa.Uuid):
        return _uuid_kind(type_, label)
    if isinstance(type_, sa.JSON):
        return _json_kind(label, json_shape)
    if isinstance(type_, sa.LargeBinary | sa.BINARY | sa.VARBINARY):
        return _binary_kind(type_, label)
    if isinstance(type_, sa.ARRAY):
        item = kind_for(type_.item_type)
        return None if item is None else _array_kind(type_, label, item)
    if isinstance(type_, sa.TypeDecorator):
        inner = kind_for(type_.impl_instance, json_shape)
        if inner is None:
            return None
        return Kind(f"{label}({inner.label})", inner.draw, inner.nth, inner.capacity)
    return None
