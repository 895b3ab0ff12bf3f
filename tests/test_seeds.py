"""Seeds that survive change: each field draws from its own (seed, factory, field) stream."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import asyncfactories
from asyncfactories import (
    AsyncFactory,
    Faker,
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    Sequence,
    SubFactory,
    _state,
    fuzzy,
    make_factory,
    seed,
)
from asyncfactories._random_source import stream_seed
from asyncfactories.pytest_plugin import derive_test_seed
from asyncfactories.random import get_random_state, reseed_random, set_random_state
from tests.models import Member, Team

Spec = tuple[str, int]
# Fresh declarations for each build: an Iterator's position lives on its object.
KINDS: dict[str, Callable[[int], object]] = {
    "faker": lambda i: Faker(("name", "email", "city", "sentence", "uuid4")[i % 5]),
    "faker_slow": lambda i: Faker(("word", "job")[i % 2], fast=False),
    "faker_unique": lambda i: Faker("first_name", unique=True),
    "fuzzy_int": lambda i: fuzzy.FuzzyInteger(0, 10**6),
    "fuzzy_float": lambda i: fuzzy.FuzzyFloat(0, 1),
    "fuzzy_choice": lambda i: fuzzy.FuzzyChoice(["a", "b", "c", "d"]),
    "fuzzy_text": lambda i: fuzzy.FuzzyText(length=6),
    "sequence": lambda i: Sequence(lambda n: f"s{n}"),
    # Read on demand (getattr is not seen as a dependency), so f0 may be resolved out of order.
    "lazy": lambda i: LazyAttribute(lambda o: getattr(o, "f0", None) if i else "first"),
    "iterator": lambda i: Iterator(["x", "y", "z"]),
    "maybe": lambda i: Maybe(
        fuzzy.FuzzyChoice([True, False]), Faker("color_name"), fuzzy.FuzzyInteger(0, 9)
    ),
    "subfactory": lambda i: SubFactory(_inner(i)),
    # Library draws from a user's function: the field's stream, as the sample domain does.
    "lazy_fuzz": lambda i: LazyFunction(lambda: SHARED_FUZZ.fuzz()),
    "lazy_draw": lambda i: LazyAttribute(lambda o: SHARED_FAKER.draw()),
}
RANDOM_KINDS = (
    "faker",
    "faker_slow",
    "fuzzy_int",
    "fuzzy_float",
    "fuzzy_text",
    "maybe",
    "lazy_fuzz",
    "lazy_draw",
)
SHARED_FUZZ = fuzzy.FuzzyInteger(0, 10**9)
SHARED_FAKER = Faker("name")


def _dict_factory(name: str, fields: dict[str, object]) -> type[AsyncFactory[Any]]:
    # Streams follow the factory's qualified name: one name per role, the same for every copy.
    meta = type("Meta", (), {"model": dict})
    factory: type[AsyncFactory[Any]] = type(name, (AsyncFactory,), {"Meta": meta, **fields})
    return factory


def _inner(i: int) -> type[AsyncFactory[Any]]:
    """A SubFactory target: its fields draw from its own (factory, field) streams."""
    return _dict_factory(f"Inner{i}", {"word": Faker("word"), "score": fuzzy.FuzzyInteger(0, 99)})


def _factory(specs: list[Spec]) -> type[AsyncFactory[Any]]:
    """A factory of dicts with one field per spec, in the specs' order."""
    return _dict_factory("Outer", {f"f{i}": KINDS[kind](i) for kind, i in specs})


def _rows(specs: list[Spec], seed_value: int, size: int = 5) -> list[dict[str, Any]]:
    seed(seed_value)
    rows: list[dict[str, Any]] = _factory(specs).build_batch(size)
    return rows


def _without(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != name} for row in rows]


def _same_fields(
    before: list[dict[str, Any]], after: list[dict[str, Any]], names: set[str]
) -> None:
    for old, new in zip(before, after, strict=True):
        assert {k: old[k] for k in names} == {k: new[k] for k in names}


def _stable(specs: list[Spec], gone: int | None = None) -> set[str]:
    """The fields whose values must not move: all but a removed one (and what read it)."""
    names = {f"f{i}" for _, i in specs if i != gone}
    if gone == 0:
        names -= {f"f{i}" for kind, i in specs if kind == "lazy"}
    return names


@st.composite
def factories(draw: st.DrawFn) -> list[Spec]:
    """Between one and seven fields of any kind, numbered uniquely."""
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=7))
    return [(kind, i) for i, kind in enumerate(kinds)]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    factories(),
    st.sampled_from(RANDOM_KINDS),
    st.integers(min_value=0, max_value=7),
    st.integers(0, 2**32),
)
def test_inserting_a_declaration_anywhere_leaves_every_other_field_unchanged(
    specs: list[Spec], extra: str, position: int, seed_value: int
) -> None:
    """A random-drawing declaration inserted at any position: the other fields keep their values."""
    before = _rows(specs, seed_value)
    changed = [*specs]
    changed.insert(min(position, len(specs)), (extra, 99))
    after = _rows(changed, seed_value)
    _same_fields(before, _without(after, "f99"), _stable(specs))


@SETTINGS
@given(factories(), st.data(), st.integers(0, 2**32))
def test_removing_a_declaration_leaves_every_other_field_unchanged(
    specs: list[Spec], data: st.DataObject, seed_value: int
) -> None:
    """One declaration removed: the others keep their values."""
    gone = data.draw(st.integers(0, len(specs) - 1))
    before = _rows(specs, seed_value)
    after = _rows(specs[:gone] + specs[gone + 1 :], seed_value)
    _same_fields(before, after, _stable(specs, specs[gone][1]))


@SETTINGS
@given(factories(), st.randoms(use_true_random=False), st.integers(0, 2**32))
def test_reordering_the_declarations_leaves_every_value_unchanged(
    specs: list[Spec], shuffler: Any, seed_value: int
) -> None:
    """The same declarations in another order: the same values, field by field."""
    before = _rows(specs, seed_value)
    shuffled = [*specs]
    shuffler.shuffle(shuffled)
    _same_fields(before, _rows(shuffled, seed_value), _stable(specs))


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    """Determinism still holds; the seed still matters."""
    specs = [(kind, i) for i, kind in enumerate(RANDOM_KINDS)]
    assert _rows(specs, 3) == _rows(specs, 3)
    assert _rows(specs, 3) != _rows(specs, 4)


def test_another_factory_used_first_leaves_a_factorys_values_unchanged() -> None:
    """Building something else before (a test that grew a setup step) changes nothing here."""
    from asyncfactories.examples.agents.factories import AgentFactory, UserFactory

    seed(5)
    alone = AgentFactory.build_batch(3)
    seed(5)
    UserFactory.build_batch(7)
    after_users = AgentFactory.build_batch(3)
    assert [a.name for a in after_users] == [a.name for a in alone]
    assert [a.confidence_score for a in after_users] == [a.confidence_score for a in alone]


def test_a_test_added_before_another_leaves_its_data_as_it_was() -> None:
    """The plugin seeds each test from its node id: a new test before it changes nothing."""
    from asyncfactories.examples.agents.factories import AgentFactory

    def run(nodeid: str) -> list[str]:
        _state.reset(derive_test_seed(42, nodeid))
        return [agent.name for agent in AgentFactory.build_batch(3)]

    alone = run("tests/test_x.py::test_b")
    run("tests/test_x.py::test_a")  # the new test, before it
    assert run("tests/test_x.py::test_b") == alone


def test_a_subclass_draws_from_streams_of_its_own() -> None:
    """A subclass is another factory: its fields do not repeat the parent's values."""
    from asyncfactories.examples.agents.factories import UserFactory

    class OtherUserFactory(UserFactory):
        pass

    seed(11)
    parent = [u.email for u in UserFactory.build_batch(3)]
    seed(11)
    child = [u.email for u in OtherUserFactory.build_batch(3)]
    assert parent != child


def test_streams_derive_from_the_seed_factory_and_field_alone() -> None:
    """blake2b of "seed:factory:field": the same in another process, whatever its str hashes."""
    here = stream_seed(9, "app.UserFactory", "email")
    code = (
        "from asyncfactories._random_source import stream_seed;"
        "print(stream_seed(9, 'app.UserFactory', 'email'))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123", "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == here
    assert here != stream_seed(9, "app.UserFactory", "name")
    assert here != stream_seed(10, "app.UserFactory", "email")


def test_random_state_round_trips_cover_every_stream() -> None:
    """factory_boy's get_random_state/set_random_state: the same values follow again."""
    specs = [(kind, i) for i, kind in enumerate(RANDOM_KINDS)]
    factory = _factory(specs)
    reseed_random("my-tests")
    factory.build_batch(2)
    state = get_random_state()
    first = factory.build_batch(3)
    set_random_state(state)
    assert factory.build_batch(3) == first
    reseed_random("my-tests")
    again = factory.build_batch(5)[2:]
    assert again == first


def test_run_slice_leaves_every_stream_as_it_found_it() -> None:
    """A sharded load in the process (run_slice) does not move the streams of later calls."""
    factory = _factory([("faker", 0), ("fuzzy_int", 1)])
    seed(8)
    factory.build_batch(2)
    expected = factory.build_batch(3)
    seed(8)
    factory.build_batch(2)
    with _state.run_slice(1, 2, 99):
        factory.build_batch(4)
    assert factory.build_batch(3) == expected


def test_without_a_seed_values_differ_from_one_reset_to_the_next() -> None:
    """reset() with no seed draws fresh entropy for the streams too."""
    factory = _factory([("fuzzy_int", 0), ("faker", 1)])
    _state.reset()
    first = factory.build_batch(3)
    _state.reset()
    assert factory.build_batch(3) != first
    assert _state.current_seed() is None


def test_autofilled_columns_draw_from_their_own_streams() -> None:
    """A declared field added to an autofilled factory leaves the autofilled columns' values."""

    def make(declare: bool) -> type[AsyncFactory[Member]]:
        class MemberFactory(AsyncFactory[Member]):
            team = SubFactory(make_factory(Team, name=Sequence(lambda n: f"t{n}")))
            if declare:
                nickname = Faker("user_name")

        return MemberFactory

    # reset, not seed: a unique autofilled column counts per column, and restarts only there.
    _state.reset(2)
    plain = [(m.email, m.name) for m in make(False).build_batch(4)]
    _state.reset(2)
    assert [(m.email, m.name) for m in make(True).build_batch(4)] == plain


# -- create_batch and load ---------------------------------------------------------------------


def _member_factory(extra: bool) -> type[AsyncFactory[Member]]:
    """One qualified name for both versions, as one factory edited between two runs."""

    class TeamFactory(AsyncFactory[Team]):
        name = Faker("company", unique=True)

    class MemberFactory(AsyncFactory[Member]):
        if extra:
            nickname = Faker("user_name")
        team = SubFactory(TeamFactory)
        email = Faker("email")
        name = Faker("name")
        age = fuzzy.FuzzyInteger(18, 99)

    return MemberFactory


async def _member_rows(where: AsyncSession | AsyncEngine) -> list[tuple[object, ...]]:
    query = (
        select(Member.email, Member.name, Member.age, Team.name)
        .join(Team, Member.team_id == Team.id)
        .order_by(Member.id)
    )
    if isinstance(where, AsyncSession):
        return [tuple(row) for row in await where.execute(query)]
    async with where.connect() as connection:
        return [tuple(row) for row in await connection.execute(query)]


@pytest.mark.asyncio
async def test_create_batch_rows_keep_their_values_when_a_declaration_is_added(
    session: AsyncSession,
) -> None:
    """create_batch on the database: the same seed writes the same values in the other columns."""
    seed(21)
    await _member_factory(False).create_batch(6, session=session)
    before = await _member_rows(session)
    await session.execute(Member.__table__.delete())
    await session.execute(Team.__table__.delete())  # the same team names come again
    session.expunge_all()
    seed(21)
    await _member_factory(True).create_batch(6, session=session)
    assert await _member_rows(session) == before
    assert len(before) == 6


@pytest.mark.asyncio
async def test_loaded_rows_keep_their_values_when_a_declaration_is_added(
    engine: AsyncEngine,
) -> None:
    """load() in chunks: the same seed writes the same values in the other columns."""
    seed(22)
    await _member_factory(False).load(30, engine=engine, chunk_size=7)
    before = await _member_rows(engine)
    async with engine.begin() as connection:
        await connection.execute(Member.__table__.delete())
        await connection.execute(Team.__table__.delete())
    seed(22)
    await _member_factory(True).load(30, engine=engine, chunk_size=7)
    assert await _member_rows(engine) == before


def test_standalone_draws_still_follow_the_seed() -> None:
    """Outside a factory, Faker and fuzzy draws come from the shared seeded sources."""
    seed(1)
    first = (Faker("name").draw(), fuzzy.FuzzyInteger(0, 10**9).fuzz())
    seed(1)
    assert (Faker("name").draw(), fuzzy.FuzzyInteger(0, 10**9).fuzz()) == first
    assert asyncfactories.seed is seed
