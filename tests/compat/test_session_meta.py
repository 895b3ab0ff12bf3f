"""Meta.sqlalchemy_session and Meta.sqlalchemy_session_factory, as factory_boy users set them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_scoped_session,
    async_sessionmaker,
)
from sqlalchemy.orm import Session

from asyncfactories import (
    AsyncFactory,
    FactoryArgumentError,
    FactoryDefinitionError,
    Sequence,
    use_session,
)
from tests.compat.models import Author


class AuthorFactory(AsyncFactory[Author]):
    class Meta:
        abstract = True

    name = Sequence(lambda n: f"author{n}")
    email = Sequence(lambda n: f"a{n}@example.org")


@pytest.mark.asyncio
async def test_a_session_in_meta_is_used(session: AsyncSession) -> None:
    """Meta.sqlalchemy_session = session: create() writes there, with no session argument."""

    class MetaAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = session

    author = await MetaAuthorFactory.create(name="meta")
    assert author in session
    assert await session.scalar(select(Author.name)) == "meta"


@pytest.mark.asyncio
async def test_an_async_scoped_session_in_meta_is_used(engine: AsyncEngine) -> None:
    """An async_scoped_session gives the current task's session, which create() writes to."""
    scoped = async_scoped_session(
        async_sessionmaker(engine, expire_on_commit=False), scopefunc=asyncio.current_task
    )

    class ScopedAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = scoped

    try:
        author = await ScopedAuthorFactory.create(name="scoped")
        assert author in scoped()
        assert await scoped().scalar(select(Author.name)) == "scoped"
    finally:
        await scoped.remove()


@pytest.mark.asyncio
async def test_a_callable_in_meta_is_called_for_the_session(session: AsyncSession) -> None:
    """A zero-argument callable is asked for the session at each create()."""
    calls: list[int] = []

    def current() -> AsyncSession:
        calls.append(1)
        return session

    class CallableAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = current

    await CallableAuthorFactory.create_batch(2)
    await CallableAuthorFactory.create()
    assert len(calls) == 2
    assert len((await session.scalars(select(Author))).all()) == 3


@pytest.mark.asyncio
async def test_the_session_argument_and_use_session_come_before_meta(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """session= wins over use_session, which wins over Meta.sqlalchemy_session."""
    async with AsyncSession(engine) as other, AsyncSession(engine) as bound:

        class MetaAuthorFactory(AuthorFactory):
            class Meta:
                model = Author
                sqlalchemy_session = session

        assert await MetaAuthorFactory.create(session=other) in other
        async with use_session(bound):
            assert await MetaAuthorFactory.create() in bound
        assert await MetaAuthorFactory.create() in session
        await other.rollback()
        await bound.rollback()


@pytest.mark.asyncio
async def test_the_meta_session_is_flushed_not_committed(session: AsyncSession) -> None:
    """The Meta session is the caller's: its rows are flushed, the transaction left open."""

    class MetaAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = session

    await MetaAuthorFactory.create()
    assert session.in_transaction()
    assert len((await session.scalars(select(Author))).all()) == 1
    await session.rollback()
    assert (await session.scalars(select(Author))).all() == []


@pytest.mark.asyncio
async def test_sqlalchemy_session_factory_is_honoured(engine: AsyncEngine) -> None:
    """Meta.sqlalchemy_session_factory makes the session of each create()."""

    class FactoryAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session_factory = async_sessionmaker(engine, expire_on_commit=False)

    author = await FactoryAuthorFactory.create(name="made")
    assert author.id is not None
    async with AsyncSession(engine) as reader:
        assert await reader.scalar(select(Author.name)) == "made"


@pytest.mark.asyncio
async def test_a_subclass_session_replaces_the_inherited_factory(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """A subclass's Meta.sqlalchemy_session wins over a parent's session factory."""

    class FactoryAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session_factory = async_sessionmaker(engine)

    class SessionAuthorFactory(FactoryAuthorFactory):
        class Meta:
            sqlalchemy_session = session

    assert await SessionAuthorFactory.create() in session


def test_both_session_and_session_factory_are_refused() -> None:
    """factory_boy refuses a Meta with both; so do we, at class definition."""
    with pytest.raises(FactoryDefinitionError, match="sqlalchemy_session_factory"):

        class BothFactory(AuthorFactory):
            class Meta:
                model = Author
                sqlalchemy_session = AsyncSession()
                sqlalchemy_session_factory = async_sessionmaker()


def test_a_sync_session_in_meta_is_refused_at_definition() -> None:
    """A synchronous Session cannot be awaited: refused with the fix."""
    with pytest.raises(FactoryDefinitionError, match="synchronous Session"):

        class SyncFactory(AuthorFactory):
            class Meta:
                model = Author
                sqlalchemy_session = Session()


@pytest.mark.asyncio
async def test_a_callable_returning_no_async_session_is_refused() -> None:
    """The callable's result is checked at create()."""

    class WrongFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = lambda: None  # noqa: E731

    with pytest.raises(FactoryArgumentError, match="not an AsyncSession"):
        await WrongFactory.create()


@pytest.mark.asyncio
async def test_a_session_getter_in_session_factory_is_the_callers_session(
    session: AsyncSession,
) -> None:
    """A session getter (`lambda: Session()`) returns the caller's session: flushed, not closed.

    factory_boy suites point it at the test's own scoped session.
    """

    class GetterAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session = None
            sqlalchemy_session_factory = lambda: session  # noqa: E731

    first = await GetterAuthorFactory.create()
    second = await GetterAuthorFactory.create()
    assert first in session
    assert second in session
    assert session.in_transaction()
    await session.rollback()
    assert (await session.scalars(select(Author))).all() == []


@pytest.mark.asyncio
async def test_an_async_sessionmaker_in_session_factory_opens_a_session_per_call(
    engine: AsyncEngine,
) -> None:
    """An async_sessionmaker makes a new session per create(), committed and closed by it."""

    class MakerAuthorFactory(AuthorFactory):
        class Meta:
            model = Author
            sqlalchemy_session_factory = async_sessionmaker(engine, expire_on_commit=False)

    author = await MakerAuthorFactory.create()
    async with AsyncSession(engine) as reader:
        assert await reader.scalar(select(Author.id)) == author.id
