"""load(): chunks, commits, COPY round trips, interruption, workers and shards."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import asyncfactories
from asyncfactories import (
    FactoryArgumentError,
    FactoryDefinitionError,
    LazyFunction,
    LoadInterruptedError,
    PersistenceError,
    post_generation,
)
from asyncfactories.examples.agents.models import AgentRegistry, User
from tests.conftest import StatementLog
from tests.helpers import count
from tests.loadfactories import (
    MOMENT,
    ExactUserFactory,
    LoadAgentFactory,
    LoadMemberFactory,
    LoadTeamFactory,
)
from tests.models import Member, Team

pytestmark = pytest.mark.asyncio


async def test_load_zero_sends_nothing(engine: AsyncEngine, sql_log: StatementLog) -> None:
    """load(0) returns 0 without a statement."""
    assert await LoadTeamFactory.load(0, engine=engine) == 0
    assert sql_log.statements == []


async def test_load_commits_every_chunk_including_a_partial_last_one(engine: AsyncEngine) -> None:
    """25 rows in chunks of 10: progress sees 10, 20, 25 and the table has 25 rows."""
    seen: list[int] = []
    assert await LoadTeamFactory.load(25, engine=engine, chunk_size=10, progress=seen.append) == 25
    assert seen == [10, 20, 25]
    assert await count(engine, Team) == 25


async def test_load_writes_subfactory_parents_first(engine: AsyncEngine) -> None:
    """Every member's team is a real row."""
    await LoadMemberFactory.load(300, engine=engine, chunk_size=100)
    async with engine.connect() as connection:
        joined = await connection.scalar(select(func.count()).select_from(Member).join(Team))
    assert joined == 300
    assert await count(engine, Team) == 300


async def test_load_leaves_server_defaults_to_the_database(engine: AsyncEngine) -> None:
    """created_at (server_default=now()) is filled by the database."""
    await LoadAgentFactory.load(50, engine=engine)
    async with engine.connect() as connection:
        missing = await connection.scalar(
            select(func.count())
            .select_from(AgentRegistry)
            .where(AgentRegistry.created_at.is_(None))
        )
    assert missing == 0


async def test_values_round_trip_exactly(engine: AsyncEngine) -> None:
    """UUID, JSON, Enum, NULL, Numeric, text and aware datetimes come back as built (COPY on PostgreSQL)."""
    ExactUserFactory.reset_sequence()
    expected = ExactUserFactory.build_batch(6)
    ExactUserFactory.reset_sequence()
    await ExactUserFactory.load(6, engine=engine)
    async with AsyncSession(engine) as session:
        rows = (await session.scalars(select(User).order_by(User.email))).all()
    fields = (
        "email",
        "first_name",
        "last_name",
        "role",
        "status",
        "specialty",
        "skills",
        "email_verified",
        "onboarding_step",
        "capacity_hours",
        "hourly_cost_rate",
    )
    by_email = {u.email: u for u in expected}
    for row in rows:
        built = by_email[row.email]
        assert {f: getattr(row, f) for f in fields} == {f: getattr(built, f) for f in fields}
        created = (
            row.created_at
            if row.created_at.tzinfo
            else row.created_at.replace(tzinfo=MOMENT.tzinfo)
        )
        assert created == MOMENT
    assert len(rows) == 6


async def test_load_uses_copy_on_postgresql(engine: AsyncEngine, sql_log: StatementLog) -> None:
    """On PostgreSQL no INSERT statement is sent for a table whose keys are known.

    The one INSERT per chunk left is the sequence ledger's upsert (see test_append.py).
    """
    if engine.dialect.name != "postgresql":
        assert await LoadAgentFactory.load(20, engine=engine) == 20
        assert sql_log.count("INSERT") == 2  # the rows, and the ledger
        return
    assert await LoadAgentFactory.load(20, engine=engine) == 20
    assert sql_log.count("INSERT") == 1  # the ledger; the rows went by COPY
    assert await count(engine, AgentRegistry) == 20


async def test_a_declaration_raising_reports_the_committed_rows(engine: AsyncEngine) -> None:
    """Failing in the third chunk: committed == 20, and exactly 20 rows are there."""
    calls = iter(range(10**6))

    def third_chunk_fails() -> str:
        call = next(calls)
        if call == 25:
            raise RuntimeError("boom")
        return f"team-{call}"

    with pytest.raises(LoadInterruptedError) as info:
        await LoadTeamFactory.load(
            50, engine=engine, chunk_size=10, name=LazyFunction(third_chunk_fails)
        )
    assert info.value.committed == 20
    assert info.value.requested == 50
    assert "load() stopped after committing 20 of 50 rows" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert await count(engine, Team) == 20


async def test_a_constraint_violation_leaves_nothing_of_its_chunk(engine: AsyncEngine) -> None:
    """A duplicate in chunk 2: chunk 1 stays, chunk 2 is gone, the cause is a PersistenceError."""
    names = iter([f"n{i}" for i in range(15)] + ["n3"] + [f"m{i}" for i in range(100)])
    with pytest.raises(LoadInterruptedError) as info:
        await LoadTeamFactory.load(
            30, engine=engine, chunk_size=10, name=LazyFunction(lambda: next(names))
        )
    assert info.value.committed == 10
    cause = info.value.__cause__
    assert isinstance(cause, PersistenceError)
    assert cause.factory == "LoadTeamFactory"
    assert cause.table == "af_teams"
    assert await count(engine, Team) == 10


async def test_load_into_a_session_commits_per_chunk(engine: AsyncEngine) -> None:
    """With session=, each chunk is committed and nothing stays in the identity map."""
    async with AsyncSession(engine) as session:
        assert await LoadTeamFactory.load(30, session=session, chunk_size=10) == 30
        assert len(session.identity_map) == 0
    assert await count(engine, Team) == 30


async def test_cancellation_says_how_many_rows_were_committed(durable_engine: AsyncEngine) -> None:
    """A cancelled load raises CancelledError carrying the committed count, which is in the table."""
    started = asyncio.Event()

    def progress(value: int) -> None:
        started.set()

    task = asyncio.create_task(
        LoadTeamFactory.load(10**6, engine=durable_engine, chunk_size=200, progress=progress)
    )
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    committed = info.value.committed  # type: ignore[attr-defined]
    assert committed >= 200
    assert any(f"committed {committed} of 1000000" in note for note in info.value.__notes__)
    assert await count(durable_engine, Team) == committed


async def test_bad_load_arguments_are_refused(engine: AsyncEngine) -> None:
    """Negative n, a zero chunk, both session and engine, bad shards: FactoryArgumentError."""
    with pytest.raises(FactoryArgumentError, match="load\\(\\) got n=-1"):
        await LoadTeamFactory.load(-1, engine=engine)
    with pytest.raises(FactoryArgumentError, match="chunk_size=0"):
        await LoadTeamFactory.load(5, engine=engine, chunk_size=0)
    async with AsyncSession(engine) as session:
        with pytest.raises(FactoryArgumentError, match="both session= and engine="):
            await LoadTeamFactory.load(5, engine=engine, session=session)
    with pytest.raises(FactoryArgumentError, match="shard=\\(2, 2\\)"):
        await LoadTeamFactory.load(5, engine=engine, shard=(2, 2))
    with pytest.raises(FactoryArgumentError, match="needs engine="):
        await LoadTeamFactory.load(5, workers=2)


async def test_load_refuses_post_generation_hooks(engine: AsyncEngine) -> None:
    """A hook would have no object to change: the error names it and the way out."""

    class HookTeamFactory(LoadTeamFactory):
        @post_generation
        def tags(obj: Team, create: bool, extracted: object, **kwargs: object) -> None:
            return None

    with pytest.raises(
        FactoryDefinitionError, match=r"HookTeamFactory\.tags: is a post_generation hook"
    ):
        await HookTeamFactory.load(5, engine=engine)


async def test_shards_load_disjoint_slices(engine: AsyncEngine) -> None:
    """Two shards of 40 rows: 40 rows in all, sequence values and unique emails never meet."""
    first = await LoadMemberFactory.load(40, engine=engine, shard=(0, 2))
    second = await LoadMemberFactory.load(40, engine=engine, shard=(1, 2))
    assert first + second == 40
    async with engine.connect() as connection:
        names = (await connection.scalars(select(Member.name))).all()
        emails = (await connection.scalars(select(Member.email))).all()
    assert len(set(names)) == len(names) == 40
    assert len(set(emails)) == 40


async def test_memory_stays_flat_whatever_n_is(engine: AsyncEngine) -> None:
    """Peak traced memory of load(20,000) is within 20% of load(2,000) at the same chunk size."""

    async def peak(n: int) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            await LoadAgentFactory.load(n, engine=engine, chunk_size=500)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    await peak(500)  # warm caches (Faker, plans) so they do not count
    small = await peak(2_000)
    large = await peak(20_000)
    assert large <= small * 1.2, (small, large)


async def test_workers_load_exact_counts_without_collisions(durable_engine: AsyncEngine) -> None:
    """load(600, workers=2): 600 members, 600 teams, distinct names and emails."""
    seen: list[int] = []
    loaded = await LoadMemberFactory.load(
        600, engine=durable_engine, workers=2, chunk_size=100, progress=seen.append
    )
    assert loaded == 600
    assert seen[-1] == 600
    async with durable_engine.connect() as connection:
        names = (await connection.scalars(select(Member.name))).all()
        emails = (await connection.scalars(select(Member.email))).all()
        teams = await connection.scalar(select(func.count()).select_from(Member).join(Team))
    assert len(names) == len(set(names)) == 600
    assert len(set(emails)) == 600
    assert teams == 600


async def test_a_shard_loaded_in_this_process_leaves_the_run_as_it_found_it(
    engine: AsyncEngine,
) -> None:
    """After load(shard=(1, 2)), the next build_batch makes exactly what it would have made.

    No fixture resets the slice, the seed or the counters here: the load itself must.
    """
    asyncfactories.seed(5)
    LoadTeamFactory.reset_sequence()
    expected = [team.name for team in LoadTeamFactory.build_batch(3)]

    asyncfactories.seed(5)
    LoadTeamFactory.reset_sequence()
    await LoadTeamFactory.load(4, engine=engine, shard=(1, 2))
    after = [team.name for team in LoadTeamFactory.build_batch(3)]

    assert after == expected
    assert after[0].endswith("-0")
