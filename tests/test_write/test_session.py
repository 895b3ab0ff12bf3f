"""Which session a create uses, and tasks that never see each other's."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from asyncfactories import (
    FactoryArgumentError,
    NoSessionError,
    use_session,
)
from asyncfactories._write.session import bound_session
from tests.loadfactories import LoadMemberFactory as MemberFactory
from tests.loadfactories import LoadTeamFactory as TeamFactory
from tests.models import Member

pytestmark = pytest.mark.asyncio


async def test_use_session_binds_for_the_block_as_async_with(session: AsyncSession) -> None:
    """Inside `async with use_session(s)`, create() needs no session argument."""
    async with use_session(session):
        team = await TeamFactory.create()
    assert team in session
    assert bound_session() is None


async def test_use_session_works_as_a_plain_with(session: AsyncSession) -> None:
    """use_session is also a sync context manager."""
    with use_session(session):
        team = await TeamFactory.create()
    assert team in session


async def test_use_session_blocks_nest_and_restore(engine: AsyncEngine) -> None:
    """An inner binding wins and the outer one comes back after it."""
    async with AsyncSession(engine) as outer, AsyncSession(engine) as inner:
        with use_session(outer):
            with use_session(inner):
                assert bound_session() is inner
            assert bound_session() is outer


async def test_session_argument_beats_the_bound_session(engine: AsyncEngine) -> None:
    """session= wins over use_session."""
    async with AsyncSession(engine) as bound, AsyncSession(engine) as given:
        with use_session(bound):
            team = await TeamFactory.create(session=given)
        assert team in given
        assert team not in bound


async def test_bound_session_beats_meta_session_factory(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """use_session wins over Meta.session_factory."""
    factory_calls: list[int] = []
    makers = async_sessionmaker(engine)

    def make() -> AsyncSession:
        factory_calls.append(1)
        return makers()

    class FactoryTeamFactory(TeamFactory):
        class Meta:
            session_factory = make

    with use_session(session):
        await FactoryTeamFactory.create()
    assert factory_calls == []
    await FactoryTeamFactory.create()
    assert factory_calls == [1]


async def test_no_session_anywhere_says_the_three_ways() -> None:
    """NoSessionError lists session=, use_session and Meta.session_factory."""
    with pytest.raises(NoSessionError) as info:
        await TeamFactory.create()
    message = str(info.value)
    assert message.startswith("LoadTeamFactory: has no session to create in;")
    for way in ("session=", "use_session", "Meta.session_factory"):
        assert way in message


async def test_a_sync_session_is_refused_by_name(engine: AsyncEngine) -> None:
    """Passing a sync Session is a FactoryArgumentError, not an obscure failure."""
    with pytest.raises(FactoryArgumentError, match="session= got Session, not an AsyncSession"):
        await TeamFactory.create(session=Session())  # type: ignore[arg-type]


async def test_use_session_refuses_what_is_not_an_async_session() -> None:
    """use_session(None) fails at once."""
    with pytest.raises(FactoryArgumentError, match="use_session: got NoneType"):
        use_session(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "backend", ["postgresql"]
)  # one in-memory SQLite connection cannot interleave
async def test_concurrent_tasks_create_in_their_own_sessions(engine: AsyncEngine) -> None:
    """20 tasks, each bound to its own session: no object lands in another's session."""

    async def worker(index: int) -> tuple[AsyncSession, list[Member]]:
        session = AsyncSession(engine, expire_on_commit=False)
        async with use_session(session):
            made = []
            for _ in range(10):
                made.append(await MemberFactory.create())
                await asyncio.sleep(0)
            assert bound_session() is session
        await session.commit()
        return session, made

    results = await asyncio.gather(*(worker(i) for i in range(20)))
    emails = [m.email for _, made in results for m in made]
    names = [m.name for _, made in results for m in made]
    assert len(set(emails)) == len(emails) == 200
    assert len(set(names)) == 200
    for session, made in results:
        assert all(m in session for m in made)
        others = [m for s, ms in results if s is not session for m in ms]
        assert not any(m in session for m in others)
        await session.close()
    async with AsyncSession(engine) as check:
        assert await check.scalar(select(func.count()).select_from(Member)) == 200
