"""Faults during a batch or a load: nothing half-written stays, and the error says so.

Killed connections (``pg_terminate_backend`` from a second connection) need a
server, so those cases run on PostgreSQL only.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from asyncfactories import LazyFunction, LoadInterruptedError, PersistenceError
from tests.conftest import postgres_url
from tests.helpers import count
from tests.loadfactories import LoadMemberFactory, LoadTeamFactory
from tests.models import Member, Team

pytestmark = pytest.mark.asyncio


async def test_a_child_row_failing_takes_its_batch_parents_with_it(session: AsyncSession) -> None:
    """A duplicate email in the member table: none of the batch's new teams stays either."""
    await LoadMemberFactory.create(session=session, email="dup@example.org")
    emails = iter([f"m{i}@example.org" for i in range(5)] + ["dup@example.org"])
    with pytest.raises(PersistenceError) as info:
        await LoadMemberFactory.create_batch(
            6, session=session, email=LazyFunction(lambda: next(emails))
        )
    assert (info.value.factory, info.value.field) == ("LoadMemberFactory", "email")
    assert await session.scalar(select(func.count()).select_from(Team)) == 1
    assert await session.scalar(select(func.count()).select_from(Member)) == 1


async def test_cancelling_a_batch_leaves_no_row_and_a_usable_session(engine: AsyncEngine) -> None:
    """A task cancelled while its batch awaits a declaration writes nothing."""
    started = asyncio.Event()

    async def slow_name() -> str:
        started.set()
        await asyncio.sleep(3600)
        return "never"

    async with AsyncSession(engine, expire_on_commit=False) as session:
        kept = await LoadTeamFactory.create(session=session)
        task = asyncio.create_task(
            LoadTeamFactory.create_batch(10, session=session, name=LazyFunction(slow_name))
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await session.scalar(select(func.count()).select_from(Team)) == 1
        assert (await LoadTeamFactory.create(session=session)).id != kept.id
        await session.commit()
    assert await count(engine, Team) == 2


async def _kill_from_outside(engine: AsyncEngine, victim: int) -> None:
    async with engine.connect() as killer:
        await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_killed_connection_mid_batch_is_a_clear_error_and_writes_nothing(
    engine: AsyncEngine,
) -> None:
    """The server connection dies at row 50 of 100: PersistenceError, no row of the batch, session says it is unusable."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await LoadTeamFactory.create(session=session)
        await session.commit()
        victim = int(await session.scalar(text("SELECT pg_backend_pid()")) or 0)
        calls = iter(range(1000))

        async def name() -> str:
            call = next(calls)
            if call == 50:
                await _kill_from_outside(engine, victim)
            return f"killed-{call}"

        with pytest.raises(PersistenceError) as info:
            await LoadTeamFactory.create_batch(100, session=session, name=LazyFunction(name))
        error = info.value
        assert error.factory == "LoadTeamFactory"
        assert "lost the database connection" in str(error)
        assert "roll the session back" in str(error)
        await session.rollback()
    assert await count(engine, Team) == 1


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_killed_connection_mid_load_reports_the_exact_committed_count(
    engine: AsyncEngine,
) -> None:
    """The connection dies in chunk 4 of a load: committed == 300 and exactly 300 rows are there."""
    url = postgres_url()
    name_it = {"application_name": "asyncfactories_victim"}  # psycopg takes libpq's keywords
    engine_for_load = create_async_engine(
        url, connect_args=name_it if "+psycopg" in url else {"server_settings": name_it}
    )
    calls = iter(range(10**6))
    pids: list[int] = []

    async def name() -> str:
        call = next(calls)
        if call == 350:
            async with engine.connect() as killer:
                await killer.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = 'asyncfactories_victim'"
                    )
                )
            pids.append(call)
        return f"load-{call}"

    try:
        with pytest.raises(LoadInterruptedError) as info:
            await LoadTeamFactory.load(
                1000, engine=engine_for_load, chunk_size=100, name=LazyFunction(name)
            )
    finally:
        await engine_for_load.dispose()
    assert pids == [350]
    assert info.value.committed == 300
    assert await count(engine, Team) == 300
