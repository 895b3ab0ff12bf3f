"""Loading into tables that already have rows: sequences and unique values continue.

A new process starts its counters at 0 with empty unique memories; here that
is :func:`fresh_process` (every counter reset), or a real second process.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import LazyFunction, LoadInterruptedError
from asyncfactories._cli.main import main
from asyncfactories._state import all_hierarchies
from asyncfactories._write.append import LEDGER
from asyncfactories.examples.agents.models import User
from tests.helpers import count
from tests.loadfactories import LoadMemberFactory, LoadTeamFactory
from tests.models import Member, Team

ROOT = Path(__file__).resolve().parents[2]


def fresh_process() -> None:
    """Forget every counter and unique value, as a process started anew would."""
    for hierarchy in all_hierarchies():
        hierarchy.reset()


async def distinct(engine: AsyncEngine, *columns: object) -> list[int]:
    """How many distinct values each column holds."""
    async with engine.connect() as connection:
        return [
            int(await connection.scalar(select(func.count(func.distinct(c)))) or 0) for c in columns
        ]


async def ledger(engine: AsyncEngine) -> dict[str, int]:
    """The sequence ledger's rows."""
    async with engine.connect() as connection:
        rows = (await connection.execute(select(LEDGER.c.name, LEDGER.c.next_value))).all()
    return {name: int(value) for name, value in rows}


@pytest.mark.asyncio
async def test_a_second_load_continues_sequences_and_unique_values(engine: AsyncEngine) -> None:
    """Two loads of 250 from fresh counters: 500 distinct names and emails, names continuing."""
    await LoadMemberFactory.load(250, engine=engine, chunk_size=100)
    fresh_process()
    await LoadMemberFactory.load(250, engine=engine, chunk_size=100)
    assert await count(engine, Member) == await count(engine, Team) == 500
    assert await distinct(engine, Member.name, Member.email, Team.name) == [500, 500, 500]
    async with engine.connect() as connection:
        names = set((await connection.scalars(select(Member.name))).all())
        late = (
            await connection.scalars(select(Member.email).where(Member.name == "member-250"))
        ).one()
    assert names == {f"member-{n}" for n in range(500)}  # no gap: the second starts at 250
    assert "+250@" in late  # a unique value carries its sequence number once rows are there


@pytest.mark.asyncio
async def test_a_load_after_create_batch_continues_past_its_rows(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """create_batch(40) never touches the ledger: the row count is what the load continues past."""
    await LoadMemberFactory.create_batch(40, session=session)
    await session.commit()
    fresh_process()
    await LoadMemberFactory.load(60, engine=engine, chunk_size=25)
    assert await distinct(engine, Member.name, Member.email, Team.name) == [100, 100, 100]
    assert (await ledger(engine))["seq:af_members"] >= 100


@pytest.mark.asyncio
async def test_an_empty_table_starts_again_and_forgets_its_ledger(engine: AsyncEngine) -> None:
    """A table emptied since the last load: numbers restart at 0, as for a first load."""
    await LoadTeamFactory.load(30, engine=engine)
    async with engine.begin() as connection:
        await connection.execute(delete(Member))
        await connection.execute(delete(Team))
    fresh_process()
    await LoadTeamFactory.load(5, engine=engine)
    async with engine.connect() as connection:
        names = set((await connection.scalars(select(Team.name))).all())
    assert names == {f"team-{n}" for n in range(5)}
    assert (await ledger(engine))["seq:af_teams"] == 5


@pytest.mark.asyncio
async def test_a_failed_chunk_leaves_the_ledger_where_the_committed_ones_put_it(
    engine: AsyncEngine,
) -> None:
    """Chunk 3 fails: the ledger says 20, and a later load starts there without colliding."""
    calls = iter(range(10**6))

    def third_chunk_fails() -> str:
        call = next(calls)
        if call == 25:
            raise RuntimeError("boom")
        return f"member-x{call}"

    with pytest.raises(LoadInterruptedError) as info:
        await LoadMemberFactory.load(
            50, engine=engine, chunk_size=10, email=LazyFunction(third_chunk_fails)
        )
    assert info.value.committed == 20
    assert (await ledger(engine))["seq:af_members"] == 20
    fresh_process()
    await LoadMemberFactory.load(30, engine=engine, chunk_size=10)
    assert await distinct(engine, Member.name, Member.email) == [50, 50]


@pytest.mark.asyncio
async def test_a_load_through_a_session_appends_too(engine: AsyncEngine) -> None:
    """session= instead of engine=: the ledger is read and raised in the session's transactions."""
    async with AsyncSession(engine) as session:
        await LoadMemberFactory.load(30, session=session, chunk_size=10)
    fresh_process()
    async with AsyncSession(engine) as session:
        await LoadMemberFactory.load(30, session=session, chunk_size=10)
    assert await distinct(engine, Member.name, Member.email) == [60, 60]


_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from sqlalchemy.ext.asyncio import create_async_engine
    from tests.loadfactories import LoadMemberFactory

    async def run():
        engine = create_async_engine(sys.argv[1])
        try:
            print(await LoadMemberFactory.load(int(sys.argv[2]), engine=engine, chunk_size=40))
        finally:
            await engine.dispose()

    asyncio.run(run())
    """
)


def _load_in_a_process(url: str, count: int) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, url, str(count)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.asyncio
async def test_two_processes_one_after_the_other_both_succeed(
    durable_engine: AsyncEngine, durable_url: str
) -> None:
    """Two separate processes load 100 each into one database: 200 distinct values."""
    assert _load_in_a_process(durable_url, 100) == "100"
    assert _load_in_a_process(durable_url, 100) == "100"
    assert await distinct(durable_engine, Member.name, Member.email, Team.name) == [200, 200, 200]


@pytest.mark.asyncio
async def test_workers_append_from_the_parents_reading(durable_engine: AsyncEngine) -> None:
    """Two workers=2 loads, the second after fresh counters: 400 distinct values."""
    for _ in range(2):
        assert (
            await LoadMemberFactory.load(200, engine=durable_engine, workers=2, chunk_size=50)
            == 200
        )
        fresh_process()
    assert await distinct(durable_engine, Member.name, Member.email, Team.name) == [400, 400, 400]


@pytest.mark.asyncio
async def test_a_shard_after_a_load_continues_in_its_residue_class(engine: AsyncEngine) -> None:
    """A shard=(1, 2) load after a plain one: numbers past it, all odd, none repeated."""
    await LoadTeamFactory.load(10, engine=engine)
    fresh_process()
    await LoadTeamFactory.load(10, engine=engine, shard=(1, 2))
    async with engine.connect() as connection:
        names = sorted((await connection.scalars(select(Team.name))).all(), key=len)
    numbers = [int(name.removeprefix("team-")) for name in names]
    assert len(set(numbers)) == 15
    assert all(n % 2 == 1 for n in numbers if n >= 10)


def _users(path: Path) -> tuple[int, int]:
    """Users in the demo file, and their distinct emails."""
    with sqlite3.connect(path) as connection:
        total, emails = connection.execute(
            "select count(*), count(distinct email) from users"
        ).fetchone()
    return int(total), int(emails)


def test_demo_append_adds_a_data_set_and_demo_alone_still_resets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """demo, demo --append, demo: 8, 16, then 8 users again; every email distinct."""
    path = tmp_path / "demo.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert main(["demo", "--count", "8", "--url", url]) == 0
    assert _users(path) == (8, 8)
    assert main(["demo", "--count", "8", "--url", url, "--append"]) == 0
    assert _users(path) == (16, 16)
    out = capsys.readouterr().out
    assert "asyncfactories demo: added to" in out
    assert re.search(r"^  users +8 before +16 after$", out, re.M)
    assert main(["demo", "--count", "8", "--url", url]) == 0
    assert _users(path) == (8, 8)
    assert "reset and filled" in capsys.readouterr().out


def test_the_load_summary_says_the_rows_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two `asyncfactories load` runs: "af_members: 30 before, 60 after", and the parents' table."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'summary.sqlite3'}"
    spec = "tests.loadfactories:LoadMemberFactory"
    assert main(["load", spec, "--count", "30", "--url", url, "--create-tables"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[1:] == ["  af_members: 0 before, 30 after", "  af_teams: 0 before, 30 after"]
    fresh_process()
    assert main(["load", spec, "--count", "30", "--url", url]) == 0
    second = capsys.readouterr().out.splitlines()
    assert second[1:] == ["  af_members: 30 before, 60 after", "  af_teams: 30 before, 60 after"]


@pytest.mark.scale
@pytest.mark.asyncio
async def test_two_loads_of_100_000_with_unique_columns_give_200_000_distinct_values(
    durable_engine: AsyncEngine,
) -> None:
    """The issue's check: 2 x 100,000 members (Sequence name, unique email) from fresh counters."""
    for _ in range(2):
        assert await LoadMemberFactory.load(100_000, engine=durable_engine) == 100_000
        fresh_process()
    assert await distinct(durable_engine, Member.name, Member.email, Team.name) == [200_000] * 3
    assert await count(durable_engine, User) == 0  # nothing else was written
