"""Properties that hold for any factory definition and any overrides (hypothesis)."""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import AsyncFactory, LazyFunction, Sequence, fuzzy, seed
from tests.conftest import fresh_tables, make_engine
from tests.loadfactories import LoadMemberFactory
from tests.models import Member, Team

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Record(dict[str, Any]):
    """A model that takes any keyword argument."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(kwargs)


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).filter(
    lambda n: n not in ("n", "o") and not hasattr(AsyncFactory, n)  # `load = ...` is refused
)
ints = st.integers(min_value=-(10**6), max_value=10**6)


@st.composite
def declarations(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["plain", "sequence", "lazy", "int", "float", "text", "choice"]))
    if kind == "plain":
        return draw(ints)
    if kind == "sequence":
        offset = draw(ints)
        return Sequence(lambda n: n + offset)
    if kind == "lazy":
        value = draw(ints)
        return LazyFunction(lambda: value)
    if kind == "int":
        low, high = sorted(draw(st.tuples(ints, ints)))
        return fuzzy.FuzzyInteger(low, high)
    if kind == "float":
        low, high = sorted(draw(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))))
        return fuzzy.FuzzyFloat(low, high)
    if kind == "text":
        return fuzzy.FuzzyText(length=draw(st.integers(0, 20)))
    return fuzzy.FuzzyChoice(draw(st.lists(ints, min_size=1, max_size=5)))


def make(fields: dict[str, object]) -> type[AsyncFactory[Record]]:
    return type(
        "RandomFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": Record}), **fields}
    )


@PROPERTY
@given(fields=st.dictionaries(names, declarations(), min_size=1, max_size=8), data=st.data())
def test_attributes_are_the_declared_fields_and_overrides_win(
    fields: dict[str, object], data: st.DataObject
) -> None:
    """attributes() returns exactly the declared names (plus overrides); an override's value always wins."""
    factory = make(fields)
    chosen = data.draw(st.lists(st.sampled_from(sorted(fields)), unique=True))
    extra = data.draw(st.dictionaries(names.filter(lambda n: n not in fields), ints, max_size=3))
    overrides = {name: data.draw(ints) for name in chosen} | extra
    attributes = factory.attributes(**overrides)
    assert set(attributes) == set(fields) | set(extra)
    for name, value in overrides.items():
        assert attributes[name] == value


@PROPERTY
@given(
    fields=st.dictionaries(names, declarations(), min_size=1, max_size=8),
    value=st.integers(0, 2**32),
)
def test_the_same_seed_gives_the_same_data(fields: dict[str, object], value: int) -> None:
    """seed(n) before the same calls reproduces every value."""
    factory = make(fields)
    seed(value)
    factory.reset_sequence()
    first = factory.build_batch(5)
    seed(value)
    factory.reset_sequence()
    assert factory.build_batch(5) == first


@PROPERTY
@given(
    ints_bounds=st.tuples(ints, ints).map(sorted),
    float_bounds=st.tuples(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9)).map(sorted),
    decimal_bounds=st.tuples(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6)).map(
        sorted
    ),
    days=st.tuples(st.integers(1, 700_000), st.integers(1, 700_000)).map(sorted),
)
def test_fuzzy_values_stay_inside_their_bounds(
    ints_bounds: list[int], float_bounds: list[float], decimal_bounds: list[int], days: list[int]
) -> None:
    """FuzzyInteger, FuzzyFloat, FuzzyDecimal and FuzzyDate never leave [low, high]."""
    for _ in range(20):
        assert ints_bounds[0] <= fuzzy.FuzzyInteger(*ints_bounds).fuzz() <= ints_bounds[1]
        assert float_bounds[0] <= fuzzy.FuzzyFloat(*float_bounds).fuzz() <= float_bounds[1]
        number = fuzzy.FuzzyDecimal(*decimal_bounds).fuzz()
        assert decimal.Decimal(decimal_bounds[0]) <= number <= decimal.Decimal(decimal_bounds[1])
        start, end = dt.date.fromordinal(days[0]), dt.date.fromordinal(days[1])
        assert start <= fuzzy.FuzzyDate(start, end).fuzz() <= end


@settings(max_examples=15, deadline=None)
@given(size=st.integers(0, 300))
def test_create_batch_persists_exactly_n_rows_per_table(size: int) -> None:
    """create_batch(n) of a child with a SubFactory parent: n rows in each table."""

    async def run() -> tuple[int, int]:
        async with fresh_tables(make_engine("sqlite")) as engine, AsyncSession(engine) as session:
            await LoadMemberFactory.create_batch(size, session=session)
            members = await session.scalar(select(func.count()).select_from(Member))
            teams = await session.scalar(select(func.count()).select_from(Team))
            return int(members or 0), int(teams or 0)

    assert asyncio.run(run()) == (size, size)
