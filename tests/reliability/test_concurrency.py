"""Many tasks creating at once: no shared value, no row in the wrong session, no leaked binding.

The tasks run on PostgreSQL, truly concurrently, one connection each. SQLite
allows one writing transaction at a time: fifty sessions writing at once fail
there with SQLite's own "database is locked", whatever the library does, so
the SQLite side of task isolation (the ContextVar binding, per-session
identity maps) is covered by tests/test_write/test_session.py.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from asyncfactories import use_session
from asyncfactories._write.session import bound_session
from tests.loadfactories import LoadMemberFactory
from tests.models import Member, Team

pytestmark = pytest.mark.asyncio

TASKS = 50
PER_TASK = 200


async def _run_tasks(engine: AsyncEngine, batch: bool) -> list[tuple[AsyncSession, list[Member]]]:
    async def worker() -> tuple[AsyncSession, list[Member]]:
        session = AsyncSession(engine, expire_on_commit=False)
        async with use_session(session):
            if batch:
                made = []
                for _ in range(4):
                    made += await LoadMemberFactory.create_batch(PER_TASK // 4)
                    assert bound_session() is session
                    await session.commit()
            else:
                made = []
                for _ in range(PER_TASK):
                    made.append(await LoadMemberFactory.create())
                    assert bound_session() is session
                    await session.commit()
        assert bound_session() is None
        await session.commit()
        return session, made

    return await asyncio.gather(*(worker() for _ in range(TASKS)))


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize("batch", [False, True], ids=["create", "create_batch"])
async def test_fifty_tasks_never_mix_their_rows(engine: AsyncEngine, batch: bool) -> None:
    """50 tasks x 200 objects: 10,000 distinct names and emails, each object in its own task's session."""
    # A pool as large as the task count, so each task really has a connection of its own
    # (the default pool of 15 made tasks queue for connections, past its 30 s timeout on a
    # slow machine: a timing failure, not the isolation this test is about).
    tasks_engine = create_async_engine(engine.url, pool_size=TASKS, max_overflow=0)
    try:
        await _check_isolation(tasks_engine, batch)
    finally:
        await tasks_engine.dispose()


async def _check_isolation(engine: AsyncEngine, batch: bool) -> None:
    results = await _run_tasks(engine, batch)
    members = [m for _, made in results for m in made]
    assert len({m.email for m in members}) == len({m.name for m in members}) == TASKS * PER_TASK
    assert len({m.team_id for m in members}) == TASKS * PER_TASK
    identities = {id(session): {id(m) for m in made} for session, made in results}
    for session, made in results:
        assert all(m in session for m in made)
        assert {
            id(obj) for obj in session.identity_map.values() if isinstance(obj, Member)
        } == identities[id(session)]
        await session.close()
    async with AsyncSession(engine) as check:
        assert await check.scalar(select(func.count()).select_from(Member)) == TASKS * PER_TASK
        assert await check.scalar(select(func.count()).select_from(Team)) == TASKS * PER_TASK
