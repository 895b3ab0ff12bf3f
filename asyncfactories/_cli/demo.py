"""``asyncfactories demo``: the sample AI-agent platform, filled in one command.

The data set is connected the way a real one is: agents of every maturity,
admins and members, episodes (each with ordered segments) of those agents and
users (shared through ``Pool(objects)``), executions in every status, canvas
audits. Running it again resets the sample tables first, so the result is the
same data set, not a bigger one;
with ``append`` it adds a new data set to the tables as they are, its unique
values continuing past the ones there (see ``_write/append.py``).
"""

from __future__ import annotations

import asyncio
import enum
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Table, Text, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from asyncfactories._build import options_of
from asyncfactories._declare import Pool, RelatedFactoryList
from asyncfactories._state import seed as reseed
from asyncfactories._write import Continuation, reporter
from asyncfactories.examples.agents import factories as f
from asyncfactories.examples.agents import models as m

__all__ = ("Plan", "plan", "run_demo")


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a demo of ``count`` agents makes."""

    agents_per_maturity: int
    admins: int
    members: int
    episodes: int
    executions: int
    audits: int


def _segments_per_episode() -> int:
    declaration = options_of(f.EpisodeWithSegmentsFactory).post["segments"]
    assert isinstance(declaration, RelatedFactoryList)
    assert isinstance(declaration.size, int)
    return declaration.size


def plan(count: int) -> Plan:
    """Scale every table from the number of agents."""
    per_maturity = -(-count // 4) if count else 0
    agents = per_maturity * 4
    admins = max(agents // 10, 1) if agents else 0
    return Plan(
        per_maturity, admins, agents - admins if agents else 0, agents * 2, agents * 2, agents * 2
    )


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(m.Base.metadata.drop_all)
        await connection.run_sync(m.Base.metadata.create_all)


async def _prepare(engine: AsyncEngine, append: bool) -> Continuation | None:
    """Reset the sample tables, or (append) make the missing ones and continue the counters."""
    if not append:
        await _reset(engine)
        return None
    async with engine.begin() as connection:
        await connection.run_sync(m.Base.metadata.create_all)
    return await Continuation.into(engine, list(m.Base.metadata.sorted_tables))


async def _fill(
    engine: AsyncEngine, sizes: Plan, progress: Any, continuation: Continuation | None
) -> None:
    done = 0

    def advance(extra: int) -> None:
        nonlocal done
        done += extra
        progress.update(done)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        agents: list[Any] = []
        for factory in (
            f.StudentAgentFactory,
            f.InternAgentFactory,
            f.SupervisedAgentFactory,
            f.AutonomousAgentFactory,
        ):
            agents += await factory.create_batch(sizes.agents_per_maturity, session=session)
            advance(sizes.agents_per_maturity)
        users: list[Any] = await f.AdminUserFactory.create_batch(sizes.admins, session=session)
        users += await f.MemberUserFactory.create_batch(sizes.members, session=session)
        if continuation is not None:  # the next append continues past these too
            await continuation.record(await session.connection())
        await session.commit()
        advance(sizes.admins + sizes.members)
    if not agents:
        return

    def by_chunk(step: int) -> Any:
        base = done
        return lambda count: progress.update(base + count * step)

    segments = _segments_per_episode()
    await f.EpisodeWithSegmentsFactory.load(
        sizes.episodes,
        engine=engine,
        agent=Pool(agents),
        user=Pool(users),
        progress=by_chunk(1 + segments),
    )
    advance(sizes.episodes * (1 + segments))
    await f.AgentExecutionFactory.load(
        sizes.executions, engine=engine, agent=Pool(agents), progress=by_chunk(1)
    )
    advance(sizes.executions)
    await f.CanvasAuditFactory.load(
        sizes.audits,
        engine=engine,
        agent=Pool(agents),
        user=Pool(users),
        progress=by_chunk(1),
    )
    advance(sizes.audits)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    counts = {}
    async with engine.connect() as connection:
        for table in m.Base.metadata.sorted_tables:
            counts[table.name] = int(
                await connection.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


_SAMPLE_ROWS = 2
_SAMPLE_COLUMNS = 4
_SAMPLE_WIDTH = 28


def _readable(table: Table) -> list[Column[Any]]:
    # Short, human columns: not keys, not JSON or long text, so a row fits on a line.
    return [
        column
        for column in table.columns
        if not column.primary_key
        and not column.foreign_keys
        and not isinstance(column.type, JSON | Text)
    ][:_SAMPLE_COLUMNS]


def _shown(value: object) -> str:
    text = str(value.value if isinstance(value, enum.Enum) else value)
    if isinstance(value, float):
        text = f"{value:.2f}"
    return text if len(text) <= _SAMPLE_WIDTH else text[: _SAMPLE_WIDTH - 1] + "…"


async def _samples(engine: AsyncEngine) -> dict[str, list[str]]:
    """A few rows of each table, one readable line per row."""
    samples: dict[str, list[str]] = {}
    async with engine.connect() as connection:
        for table in m.Base.metadata.sorted_tables:
            columns = _readable(table)
            rows = (await connection.execute(select(*columns).limit(_SAMPLE_ROWS))).all()
            samples[table.name] = [
                ", ".join(f"{c.name}={_shown(v)}" for c, v in zip(columns, row, strict=True))
                for row in rows
            ]
    return samples


async def _demo(
    url: str, count: int, append: bool
) -> tuple[dict[str, int], dict[str, int], dict[str, list[str]], float]:
    engine = create_async_engine(make_url(url))
    sizes = plan(count)
    segments = _segments_per_episode()
    total = (
        sizes.agents_per_maturity * 4
        + sizes.admins
        + sizes.members
        + sizes.episodes * (1 + segments)
        + sizes.executions
        + sizes.audits
    )
    bar = reporter(True, total, "demo")
    assert bar is not None
    started = time.perf_counter()
    try:
        before = await _counts(engine) if append else {}
        await _fill(engine, sizes, bar, await _prepare(engine, append))
        elapsed = time.perf_counter() - started
        return before, await _counts(engine), await _samples(engine), elapsed
    finally:
        bar.close()
        await engine.dispose()


def run_demo(url: str, count: int, seed: int | None, *, append: bool = False) -> int:
    """Reset the sample tables at ``url`` (or, ``append``, add to them), fill them, print a summary.

    Returns the exit code.
    """
    if seed is not None:
        reseed(seed)
    before, counts, samples, elapsed = asyncio.run(_demo(url, count, append))
    shown = make_url(url).render_as_string(hide_password=True)
    total = sum(counts.values())
    made = total - sum(before.values())
    print(f"asyncfactories demo: {'added to' if append else 'reset and filled'} {shown}")
    width = max(len(name) for name in counts)
    for name, rows in counts.items():
        if append:
            print(f"  {name:<{width}}  {before.get(name, 0):>10,} before  {rows:>10,} after")
        else:
            print(f"  {name:<{width}}  {rows:>10,}")
    print(
        f"  {'total':<{width}}  {total:>10,} rows; {made:,} made in {elapsed:.1f}s"
        f" ({made / max(elapsed, 1e-9):,.0f} rows/s)"
        if append
        else f"  {'total':<{width}}  {total:>10,} rows in {elapsed:.1f}s"
        f" ({total / max(elapsed, 1e-9):,.0f} rows/s)"
    )
    print("a sample of what it made:")
    for name, lines in samples.items():
        for line in lines:
            print(f"  {name:<{width}}  {line}")
    print(
        "next: asyncfactories load asyncfactories.examples.agents.factories:AgentFactory"
        f" --count 10000 --url {shown}"
    )
    return 0
