"""The peer tools as timed case functions: factory_boy (sync), polyfactory and async-factory-boy.

Each is called the way its docs show: ``create()`` x N in ``one``, the
tool's batch call otherwise (``create_batch`` / ``create_batch_async``), on
the top factory of the shape (agents, or segments whose SubFactory / nested
factory makes the episode, its agent and its user). One final ``commit()`` is
inside the timed region for every tool, whatever its own persistence already
did. Faker's unique-email memory is cleared before each case, outside timing.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from benchmarks import peers
from benchmarks.cases import check_async, check_sync
from benchmarks.scenarios import Case, CaseFn, Context, Timed

__all__ = ("CASES",)


def _top(ctx: Context, factories: peers.FactorySet) -> Any:
    return factories.segment if ctx.scenario.shape == "chain" else factories.agent


def _factory_boy(persistence: str | None) -> CaseFn:
    factories = peers.FACTORY_BOY[persistence]

    async def run(ctx: Context) -> Timed:
        top = _top(ctx, factories)
        peers.reset_unique()
        with ctx.backend.fresh_sync() as engine, Session(engine, expire_on_commit=False) as session:
            peers.bind(factories, session)
            start = time.perf_counter()
            if ctx.scenario.shape == "one":
                for _ in range(ctx.n):
                    top.create()
            else:
                top.create_batch(ctx.n)
            session.commit()
            seconds = time.perf_counter() - start
            check_sync(ctx, engine)
        return Timed(seconds)

    return run


async def _run_polyfactory(ctx: Context, *, refresh: bool) -> Timed:
    top = _top(ctx, peers.Polyfactory)
    peers.reset_unique()
    async with ctx.backend.fresh_async() as engine:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            peers.bind(peers.Polyfactory, session, refresh=refresh)
            start = time.perf_counter()
            if ctx.scenario.shape == "one":
                for _ in range(ctx.n):
                    await top.create_async()
            else:
                await top.create_batch_async(ctx.n)
            await session.commit()
            seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


async def pf_async(ctx: Context) -> Timed:
    return await _run_polyfactory(ctx, refresh=True)


async def pf_norefresh(ctx: Context) -> Timed:
    return await _run_polyfactory(ctx, refresh=False)


async def afb_async(ctx: Context) -> Timed:
    top = _top(ctx, peers.AsyncFactoryBoy)
    peers.reset_unique()
    async with ctx.backend.fresh_async() as engine:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            peers.bind(peers.AsyncFactoryBoy, session)
            start = time.perf_counter()
            if ctx.scenario.shape == "one":
                for _ in range(ctx.n):
                    await top.create()
            else:
                await top.create_batch(ctx.n)
            await session.commit()
            seconds = time.perf_counter() - start
        await check_async(ctx, engine)
    return Timed(seconds)


async def fb_build(ctx: Context) -> Timed:
    top = _top(ctx, peers.FACTORY_BOY[None])
    peers.reset_unique()
    start = time.perf_counter()
    made = top.build_batch(ctx.n)
    seconds = time.perf_counter() - start
    assert len(made) == ctx.n
    return Timed(seconds)


async def pf_build(ctx: Context) -> Timed:
    top = _top(ctx, peers.Polyfactory)
    peers.reset_unique()
    start = time.perf_counter()
    made = top.batch(ctx.n)
    seconds = time.perf_counter() - start
    assert len(made) == ctx.n
    return Timed(seconds)


CASES = (
    Case("fb_none", "factory_boy, persistence=None (default)", "peer", _factory_boy(None)),
    Case("fb_flush", "factory_boy, persistence='flush'", "peer", _factory_boy("flush")),
    Case("fb_commit", "factory_boy, persistence='commit'", "peer", _factory_boy("commit")),
    Case("pf_async", "polyfactory create(_batch)_async (stock)", "peer", pf_async),
    Case(
        "pf_norefresh",
        "polyfactory, custom persistence w/o refresh ⁽ᵈ⁾",
        "diag",
        pf_norefresh,
        diagnostic=True,
    ),
    Case("afb_async", "async-factory-boy create / create_batch ⁽ˡ⁾", "peer", afb_async),
    Case("fb_build", "factory_boy build_batch", "gen", fb_build, needs_db=False),
    Case("pf_build", "polyfactory batch (build)", "gen", pf_build, needs_db=False),
)
