"""The SQLAlchemy half of factory_boy's behaviour (its tests/test_alchemy.py), awaited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import asyncfactories as factory
from tests.compat.models import Author, Entry, Special, Tag


class AuthorFactory(factory.AsyncFactory[Author]):
    id = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"foo{n}")
    email = factory.Sequence(lambda n: f"foo{n}@example.org")


class TagFactory(factory.AsyncFactory[Tag]):
    id = factory.Sequence(lambda n: f"foo{n}")


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.asyncio
async def test_a_sequence_primary_key_is_written(session: AsyncSession) -> None:
    """Id = Sequence(...) sets the primary key; reset_sequence() restarts both fields."""
    AuthorFactory.reset_sequence(1)
    first = await AuthorFactory.create(session=session)
    assert (first.id, first.name) == (2, "foo1")
    AuthorFactory.reset_sequence()
    second = await AuthorFactory.create(session=session)
    assert (second.id, second.name) == (1, "foo0")


@pytest.mark.asyncio
async def test_a_forced_primary_key_leaves_the_sequence_alone(session: AsyncSession) -> None:
    """create(id=10) writes id 10; the other sequences go on counting."""
    AuthorFactory.reset_sequence()
    forced = await AuthorFactory.create(session=session, id=10)
    assert (forced.id, forced.name) == (10, "foo0")
    following = await AuthorFactory.create(session=session)
    assert (following.id, following.name) == (2, "foo1")


@pytest.mark.asyncio
async def test_a_string_primary_key_from_a_sequence(session: AsyncSession) -> None:
    """A non-integer key made by a Sequence, built and created."""
    TagFactory.reset_sequence()
    assert TagFactory.build().id == "foo0"
    assert (await TagFactory.create(session=session)).id == "foo1"
    assert (await TagFactory.create(session=session, id="foo10")).id == "foo10"
    assert await rows(session, Tag) == 2


class EntryFactory(factory.AsyncFactory[Entry]):
    class Meta:
        sqlalchemy_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"slug{n}")
    text = factory.Sequence(lambda n: f"text{n}")


@pytest.mark.asyncio
async def test_get_or_create_returns_the_existing_row(session: AsyncSession) -> None:
    """A second call with the same key field gets the first object."""
    async with factory.use_session(session):
        first = await EntryFactory(slug="same")
        second = await EntryFactory(slug="same")
    assert first is second
    assert await rows(session, Entry) == 1


@pytest.mark.asyncio
async def test_get_or_create_in_a_batch_keeps_one_row_per_key(session: AsyncSession) -> None:
    """create_batch(6, slug=Iterator([...])) over two keys makes two rows."""
    made = await EntryFactory.create_batch(
        6, session=session, slug=factory.Iterator(["main", "alt"])
    )
    assert len(made) == 6
    assert len({id(obj) for obj in made}) == 2
    slugs = (await session.scalars(select(Entry.slug).order_by(Entry.slug))).all()
    assert slugs == ["alt", "main"]


@pytest.mark.asyncio
async def test_get_or_create_needs_a_value_for_each_key(session: AsyncSession) -> None:
    """A key field neither declared nor passed is a FactoryError, as in factory_boy."""

    class KeylessFactory(factory.AsyncFactory[Entry]):
        class Meta:
            sqlalchemy_get_or_create = ("title",)

    with pytest.raises(factory.FactoryError, match="title"):
        await KeylessFactory.create(session=session)


@pytest.mark.asyncio
async def test_a_unique_field_outside_the_keys_still_collides(session: AsyncSession) -> None:
    """Two calls with the same title (unique, not a key) fail on the constraint."""
    await EntryFactory.create(session=session, title="Title")
    with pytest.raises(factory.PersistenceError):
        await EntryFactory.create(session=session, title="Title")


@pytest.mark.asyncio
async def test_no_session_is_a_runtime_error_and_build_still_works() -> None:
    """create() without any session raises a RuntimeError; build() needs none."""

    class NoSessionFactory(factory.AsyncFactory[Tag]):
        class Meta:
            sqlalchemy_session = None

        id = factory.Sequence(lambda n: f"t{n}")

    NoSessionFactory.reset_sequence()
    assert [t.id for t in NoSessionFactory.build_batch(2)] == ["t0", "t1"]
    with pytest.raises(RuntimeError):
        await NoSessionFactory.create()


def test_an_unknown_persistence_is_a_type_error() -> None:
    """sqlalchemy_session_persistence must be flush, commit or None."""
    with pytest.raises(TypeError):

        class BadFactory(AuthorFactory):
            class Meta:
                sqlalchemy_session_persistence = "invalid_persistence_option"


@pytest.mark.asyncio
async def test_commit_persistence_commits_the_meta_session(session: AsyncSession) -> None:
    """sqlalchemy_session_persistence = "commit" commits the Meta session's transaction."""

    class CommittingFactory(AuthorFactory):
        class Meta:
            sqlalchemy_session = session
            sqlalchemy_session_persistence = "commit"

    await CommittingFactory.create()
    assert not session.in_transaction()
    assert await rows(session, Author) == 1


@pytest.mark.asyncio
async def test_a_session_factory_gives_each_create_a_session(engine: AsyncEngine) -> None:
    """sqlalchemy_session_factory = a callable: create() works without a session argument."""

    class SessionGetterFactory(factory.AsyncFactory[Tag]):
        class Meta:
            sqlalchemy_session = None
            sqlalchemy_session_factory = async_sessionmaker(engine, expire_on_commit=False)

        id = factory.Sequence(lambda n: f"g{n}")

    await SessionGetterFactory.create()
    await SessionGetterFactory.create()
    async with AsyncSession(engine) as reader:
        assert await rows(reader, Tag) == 2


@pytest.mark.asyncio
async def test_a_model_field_named_session_does_not_conflict(session: AsyncSession) -> None:
    """factory_boy #775: a column named `session` is declared and overridden like any other."""

    class SpecialFactory(factory.AsyncFactory[Special]):
        session = ""

    async with factory.use_session(session):
        declared = await SpecialFactory()
        overridden = await SpecialFactory(session="x")
    assert (declared.session, overridden.session) == ("", "x")
    assert declared in session
