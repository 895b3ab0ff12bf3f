"""The floor, the physical limits, the naive ORM path and asyncfactories, as timed case functions.

Each function sets up outside the timed region (engine, fresh tables, ORM
objects built from the floor's rows), times only the work a user would wait
for (up to and including the final commit), and checks the rows afterwards.
``shape`` (see :mod:`benchmarks.scenarios`) says what the work is.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import JSON, Engine, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories.examples.agents import AgentFactory, EpisodeSegmentFactory, UserFactory
from benchmarks import datagen
from benchmarks.checks import verify_async, verify_sync
from benchmarks.scenarios import Case, Context, Timed

__all__ = ("CASES", "check_async", "check_sync", "top_factory")


def top_factory(ctx: Context) -> type:
    """The factory a scenario calls: agents for ``one``/``batch``, segments for ``chain``."""
    return EpisodeSegmentFactory if ctx.scenario.shape == "chain" else AgentFactory


def _expected(ctx: Context) -> tuple[dict[str, int], int | None]:
    assert ctx.data is not None, "the floor must run first in a repetition"
    return ctx.data.counts(), (ctx.n if ctx.scenario.shape == "chain" else None)


async def check_async(ctx: Context, engine: AsyncEngine) -> None:
    """Row counts (and chain joins) as the floor's rows say, through ``engine``."""
    await verify_async(engine, *_expected(ctx))


def check_sync(ctx: Context, engine: Engine) -> None:
    """Row counts (and chain joins) as the floor's rows say, through a sync ``engine``."""
    verify_sync(engine, *_expected(ctx))


# -- no database ---------------------------------------------------------------


async def floor(ctx: Context) -> Timed:
    start = time.perf_counter()
    data = datagen.generate(ctx.scenario.shape, ctx.n)
    return Timed(time.perf_counter() - start, data)


async def floor_fast(ctx: Context) -> Timed:
    start = time.perf_counter()
    datagen.generate(ctx.scenario.shape, ctx.n, fast=True)
    return Timed(time.perf_counter() - start)


async def orm_construct(ctx: Context) -> Timed:
    assert ctx.data is not None
    start = time.perf_counter()
    datagen.to_objects(ctx.data)
    return Timed(time.perf_counter() - start)


async def af_build(ctx: Context) -> Timed:
    factory = top_factory(ctx)
    UserFactory.reset_sequence()  # forget unique emails, as the peers' Faker does per case
    start = time.perf_counter()
    made = factory.build_batch(ctx.n)
    seconds = time.perf_counter() - start
    assert len(made) == ctx.n
    return Timed(seconds)


# -- limits and references -----------------------------------------------------


async def core_async(ctx: Context) -> Timed:
    """Limit A: Core ``insert(table)`` executemany, one transaction (one per row in ``one``)."""
    assert ctx.data is not None
    tables = [(model.__table__, rows) for model, rows in ctx.data.tables]
    async with ctx.backend.fresh_async() as engine:
        start = time.perf_counter()
        if ctx.scenario.shape == "one":
            ((table, rows),) = tables
            for row in rows:
                async with engine.begin() as connection:
                    await connection.execute(insert(table), row)
        else:
            async with engine.begin() as connection:
                for table, rows in tables:  # parents first
                    await connection.execute(insert(table), rows)
        seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


async def core_sync(ctx: Context) -> Timed:
    """Reference: limit A through the sync drivers factory_boy uses (pysqlite, psycopg)."""
    assert ctx.data is not None
    tables = [(model.__table__, rows) for model, rows in ctx.data.tables]
    with ctx.backend.fresh_sync() as engine:
        start = time.perf_counter()
        if ctx.scenario.shape == "one":
            ((table, rows),) = tables
            for row in rows:
                with engine.begin() as connection:
                    connection.execute(insert(table), row)
        else:
            with engine.begin() as connection:
                for table, rows in tables:
                    connection.execute(insert(table), rows)
        seconds = time.perf_counter() - start
        check_sync(ctx, engine)
    return Timed(seconds)


async def copy_asyncpg(ctx: Context) -> Timed:
    """Limit B: asyncpg ``copy_records_to_table``, one transaction; tuples and JSON timed too."""
    assert ctx.data is not None
    async with ctx.backend.fresh_async() as engine:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            start = time.perf_counter()
            async with driver.transaction():
                for model, rows in ctx.data.tables:
                    table = model.__table__  # type: ignore[attr-defined]
                    columns = list(rows[0])
                    # asyncpg's COPY takes a json column as text: serialise, as a user must.
                    as_json = [isinstance(table.c[c].type, JSON) for c in columns]
                    records = [
                        tuple(
                            json.dumps(row[c]) if j else row[c]
                            for c, j in zip(columns, as_json, strict=True)
                        )
                        for row in rows
                    ]
                    await driver.copy_records_to_table(table.name, records=records, columns=columns)
            seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


async def orm_async(ctx: Context) -> Timed:
    """Naive: pre-built ORM objects, ``add_all`` + one flush + commit (add + commit each in ``one``)."""
    assert ctx.data is not None
    objects = [obj for group in datagen.to_objects(ctx.data) for obj in group]
    async with ctx.backend.fresh_async() as engine:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            start = time.perf_counter()
            if ctx.scenario.shape == "one":
                for obj in objects:
                    session.add(obj)
                    await session.commit()
            else:
                session.add_all(objects)
                await session.flush()
                await session.commit()
            seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


async def rtt_async(ctx: Context) -> Timed:
    """Diagnostic: N ``SELECT 1`` round trips on one connection, async driver."""
    async with ctx.backend.fresh_async() as engine, engine.connect() as connection:
        statement = text("SELECT 1")
        await connection.execute(statement)
        start = time.perf_counter()
        for _ in range(ctx.n):
            await connection.execute(statement)
        return Timed(time.perf_counter() - start)


async def rtt_sync(ctx: Context) -> Timed:
    """Diagnostic: N ``SELECT 1`` round trips on one connection, sync driver."""
    with ctx.backend.fresh_sync() as engine, engine.connect() as connection:
        statement = text("SELECT 1")
        connection.execute(statement)
        start = time.perf_counter()
        for _ in range(ctx.n):
            connection.execute(statement)
        return Timed(time.perf_counter() - start)


# -- asyncfactories ------------------------------------------------------------


async def af_create(ctx: Context) -> Timed:
    """``create()`` x N then commit (``one``), or one ``create_batch(N)`` then commit."""
    factory = top_factory(ctx)
    UserFactory.reset_sequence()  # forget unique emails, as the peers' Faker does per case
    async with ctx.backend.fresh_async() as engine:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            start = time.perf_counter()
            if ctx.scenario.shape == "one":
                for _ in range(ctx.n):
                    await factory.create(session=session)
            else:
                await factory.create_batch(ctx.n, session=session)
            await session.commit()
            seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


CASES = (
    Case("floor", "floor: Faker/random → dicts", "floor", floor, needs_db=False),
    Case(
        "floor_fast",
        "floor through asyncfactories' fast Faker path ⁽ᵈ⁾",
        "gen",
        floor_fast,
        needs_db=False,
    ),
    Case("orm_construct", "ORM construct from dicts", "gen", orm_construct, needs_db=False),
    Case("af_build", "asyncfactories build_batch", "gen", af_build, needs_db=False),
    Case("core_async", "limit A: Core insert, async driver", "limit", core_async),
    Case("copy_asyncpg", "limit B: asyncpg COPY", "limit", copy_asyncpg, pg_only=True),
    Case("core_sync", "Core insert, sync driver ⁽ʳ⁾", "ref", core_sync),
    Case("orm_async", "naive: AsyncSession add_all+flush", "naive", orm_async),
    Case("rtt_async", "async (aiosqlite / asyncpg)", "rtt", rtt_async),
    Case("rtt_sync", "sync (sqlite3 / psycopg)", "rtt", rtt_sync),
    Case("af_create", "asyncfactories create / create_batch", "ours", af_create),
)
