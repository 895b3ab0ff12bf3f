"""Fast-path closures for Faker's non-string providers: uuid4, py* numbers, random_element(s)."""

from __future__ import annotations

import itertools
import math
import sys
import uuid
from collections.abc import Callable, Sequence
from itertools import repeat as _repeat
from typing import Any, cast

from faker.providers import BaseProvider
from faker.providers.misc import Provider as Misc
from faker.providers.python import Provider as Python

from asyncfactories._fastfaker.nodes import (
    ValueBuilder,
    draw_list,
    draw_one,
    element_table,
    stock,
)
from asyncfactories._fastfaker.text import accept, weighting
from asyncfactories._random_source import compile_rng

__all__ = ("VALUES",)

Value = Callable[[], object]
_DIG = sys.float_info.dig
# Version 4, variant RFC 4122: the bits uuid.UUID(int=..., version=4) forces.
_V4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_V4_SET = (0x8000 << 48) | (4 << 76)
_UUID_NEW = object.__new__
_SET = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _stock(prov: Any, *names: str) -> bool:
    return stock(prov, BaseProvider, *names)


def _uuid4(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, cast_to=str)
    if args is None:
        return None
    getrandbits = compile_rng().getrandbits
    cast_to = args["cast_to"]
    if cast_to is str:
        join = "".join

        def text() -> str:
            # Two-byte hex groups, minus the dashes that str(UUID) does not have:
            # cheaper than slicing a 32-digit hex string five times.
            h = (getrandbits(128) & _V4_CLEAR | _V4_SET).to_bytes(16, "big").hex("-", 2)
            return join(h.replace("-", "", 1).rsplit("-", 2))

        return text

    def make() -> uuid.UUID:
        # Skips UUID.__init__'s argument parsing; the slots are those it would set.
        value = _UUID_NEW(uuid.UUID)
        _SET(value, "int", getrandbits(128) & _V4_CLEAR | _V4_SET)
        _SET(value, "is_safe", _UNKNOWN)
        return value

    if cast_to is None:
        return make
    if not callable(cast_to):
        return None
    return lambda: cast_to(make())


def randint_closure(low: int, high: int, step: int = 1) -> Callable[[], int] | None:
    """Return a closure equivalent to ``rng.randrange(low, high + 1, step)``."""
    if step == 0:
        return None
    n = len(range(low, high + 1, step))
    if n <= 0:
        return None
    if n >= 1 << 32:
        randrange = compile_rng().randrange
        return lambda: low + step * randrange(n)
    # floor(random() * n), as random.choices does; its bias is below 2**-21 for
    # these sizes, far under any sampling noise.
    nf = float(n)
    random, floor = compile_rng().random, math.floor
    if step != 1:
        return lambda: low + step * floor(random() * nf)
    if low:
        return lambda: low + floor(random() * nf)
    return lambda: floor(random() * nf)


def _pyint(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, min_value=0, max_value=9999, step=1)
    served_by = getattr(getattr(prov.generator, "random_int", None), "__func__", None)
    if args is None or served_by is not BaseProvider.random_int:
        return None
    if not all(_is_int(v) for v in args.values()):
        return None
    return randint_closure(args["min_value"], args["max_value"], args["step"])  # type: ignore[arg-type]


def _pybool(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, truth_probability=50) if _stock(prov, "random_int") else None
    p = None if args is None else args["truth_probability"]
    if not _is_int(p) or not 0 <= p <= 100:  # type: ignore[operator]
        return None
    random = compile_rng().random
    # random_int(1, 100) <= p happens with probability p / 100.
    threshold = p / 100  # type: ignore[operator]
    return lambda: random() < threshold


def _pyfloat(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(
        kw, left_digits=None, right_digits=None, positive=None, min_value=None, max_value=None
    )
    if args is None or not _stock(prov, "random_int", "random_number", "random_element"):
        return None
    if type(prov)._safe_random_int is not Python._safe_random_int:
        return None
    left, right = args["left_digits"], args["right_digits"]
    positive, lo, hi = args["positive"], args["min_value"], args["max_value"]
    if not all(v is None or _is_int(v) for v in (left, right)):
        return None
    if not all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in (lo, hi)
    ):
        return None
    if positive is not None and not isinstance(positive, bool):
        return None
    return _pyfloat_closure(left, right, positive, lo, hi)  # type: ignore[arg-type]


def _pyfloat_closure(
    left: int | None, right: int | None, positive: bool | None, lo: float | None, hi: float | None
) -> Value | None:
    """Mirror ``Python.pyfloat``; ``None`` for the argument mixes where Faker raises."""
    if (left is not None and left < 0) or (right is not None and right < 0) or left == right == 0:
        return None
    if lo is not None and hi is not None and lo >= hi:
        return None
    if positive and ((lo is not None and lo <= 0) or (hi is not None and hi <= 0)):
        return None
    for bound in (hi, lo):
        if left is not None and bound and math.ceil(math.log10(abs(bound))) > left:
            return None
    if left is None and right is None:
        # Faker draws right_digits per call, and left_digits follows from it.
        needed = max(1, math.ceil(math.log10(max(abs(hi or 1), abs(lo or 1)))))
        draw_right = randint_closure(1, _DIG - needed)
        by_right = {
            r: _pyfloat_fixed(max(1, _DIG - r), r, positive, lo, hi) for r in range(1, _DIG)
        }
        if draw_right is None or any(d is None for d in by_right.values()):
            return None
        return lambda: by_right[draw_right()]()  # type: ignore[misc]
    if left is None:
        assert right is not None
        left = max(1, _DIG - right)
    elif right is None:
        right = max(1, _DIG - left)
    if left + right > _DIG:
        return None
    return _pyfloat_fixed(left, right, positive, lo, hi)


def _pyfloat_fixed(
    left: int, right: int, positive: bool | None, lo: float | None, hi: float | None
) -> Callable[[], float] | None:
    """Mirror ``pyfloat`` once left and right digit counts are known."""
    random, floor = compile_rng().random, math.floor
    bounded = lo is not None or hi is not None
    signs: tuple[str, ...] = ("+", "-") if positive is None else ("+",) if positive else ("-",)
    if bounded:
        # _safe_random_int with both bounds known (left_digits fills a missing one).
        a = -(10**left) if lo is None else lo + (1 if lo < 0 else 0)
        b = 10**left if hi is None else hi + (1 if hi < 0 else 0)
        if positive:
            a = max(a, 0)
        first, last = (int(a), int(a)) if a == b else (int(a), int(b - 1))
        if last < first:
            last += 1
        if last < first:
            return None
        offset, span = first, float(last - first + 1)
    else:
        offset, span = 0, float(10**left)
    n_signs = float(len(signs))
    scale = float(10**right)
    whole = float(10**left)  # exact: left_digits <= sys.float_info.dig
    tick = float(f"0.{'0' * (right - 1)}1") if right else 1.0
    upper, lower = whole - tick, -(whole + tick) if right else -(whole + 1)
    low = 0 if (positive and lo is None) else lo
    zero_to_tick = bool(positive)

    def draw() -> float:
        sign = "" if bounded else signs[floor(random() * n_signs)]
        result = float(f"{sign}{offset + floor(random() * span)}.{floor(random() * scale)}")
        if zero_to_tick and result == 0:
            result = tick
        if result > upper:
            result = upper
        elif result < lower:
            result = lower
        # Faker pulls out-of-range values back inside with some random variance.
        if hi is not None and result > hi:
            over = result - hi
            result -= over + random() * (hi - low if low is not None else over)
        if low is not None and result < low:
            under = low - result
            result += under + random() * (hi - low if hi is not None else under)
        return result

    return draw


def _random_element(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, elements=("a", "b", "c"))
    if args is None or not _stock(prov, "random_elements"):
        return None
    table = element_table(args["elements"], weighting(prov))
    return None if table is None else draw_one(*table)


def _random_elements(prov: Any, kw: dict[str, object]) -> Value | None:
    args = accept(kw, elements=("a", "b", "c"), length=None, unique=False, use_weighting=None)
    if args is None or not _stock(prov, "random_elements"):
        return None
    use = weighting(prov) if args["use_weighting"] is None else bool(args["use_weighting"])
    table = element_table(args["elements"], use)
    length = args["length"]
    if table is None or not (length is None or (_is_int(length) and cast(int, length) >= 0)):
        return None
    values, weights = table
    population = list(values)
    fixed = cast("int | None", length)
    count = randint_closure(1, len(population)) if fixed is None else None
    if args["unique"]:
        # Faker samples a weighted dict without replacement by repeated renormalised
        # draws, and hands anything but a sequence to random.sample (which rejects
        # it): both stay with Faker.
        if weights is not None or not isinstance(args["elements"], Sequence):
            return None
        if fixed is not None and fixed > len(population):
            return None
        sample = compile_rng().sample
        if count is not None:
            return lambda: sample(population, count())
        return lambda: sample(population, fixed)  # type: ignore[arg-type]
    if weights is not None:
        choices, cum = compile_rng().choices, list(itertools.accumulate(weights))
        if count is not None:
            return lambda: choices(population, cum_weights=cum, k=count())
        return lambda: choices(population, cum_weights=cum, k=fixed)  # type: ignore[arg-type]
    if count is None:
        return draw_list(population, cast(int, fixed))
    n = float(len(population))
    random, floor = compile_rng().random, math.floor
    return lambda: [population[floor(random() * n)] for _ in _repeat(None, count())]


#: The compiled forms of the value providers this module models.
VALUES: dict[object, ValueBuilder] = {
    Misc.uuid4: _uuid4,
    Python.pyint: _pyint,
    Python.pybool: _pybool,
    Python.pyfloat: _pyfloat,
    Python.random_element: _random_element,
    Python.random_elements: _random_elements,
}
