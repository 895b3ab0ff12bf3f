"""load(): stream rows in chunks, one transaction each, with flat memory.

Every chunk is built by the same resolver as create_batch (so every invariant
of a factory holds), written table by table (COPY on PostgreSQL, through
asyncpg or psycopg 3; executemany elsewhere), committed, and dropped: nothing
is attached to a session and nothing outlives its chunk. Interrupted, load()
says how many rows were committed; the chunk that failed leaves nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from asyncfactories._build import Builder, FactoryOptions
from asyncfactories._errors import (
    FactoryArgumentError,
    FactoryDefinitionError,
    FactoryError,
    LoadInterruptedError,
)
from asyncfactories._write.adapter import forget_collection
from asyncfactories._write.append import Continuation
from asyncfactories._write.copy import copy_group, copy_supported
from asyncfactories._write.create import skip_existing
from asyncfactories._write.gc import gc_paused
from asyncfactories._write.graph import Group, fill_foreign_keys, needs_orm, order_groups
from asyncfactories._write.progress import Reporter
from asyncfactories._write.rows import insert_group
from asyncfactories._write.session import resolve_session
from asyncfactories._write.sql import max_parameters

__all__ = ("DEFAULT_CHUNK_SIZE", "check_load_arguments", "load_rows")

DEFAULT_CHUNK_SIZE = 10_000


def check_load_arguments(options: FactoryOptions, count: object, chunk_size: object) -> None:
    """Refuse counts and chunk sizes that cannot work, before any work starts."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise FactoryArgumentError(
            options.name, None, f"load() got n={count!r}", "pass a whole number of 0 or more"
        )
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise FactoryArgumentError(
            options.name,
            None,
            f"load() got chunk_size={chunk_size!r}",
            "pass a whole number of 1 or more",
        )
    if options.hooks.create is not None or options.hooks.after_postgeneration is not None:
        raise FactoryDefinitionError(
            options.name,
            "_create" if options.hooks.create is not None else "_after_postgeneration",
            "is overridden, and load() streams rows without objects for the hook",
            "use create_batch() for this factory",
        )
    hooks = [name for name, post in options.post.items() if post.runs_after_persist]
    if hooks:
        raise FactoryDefinitionError(
            options.name,
            hooks[0],
            "is a post_generation hook, and load() keeps no objects for it to change",
            "make related rows with RelatedFactory, or use create_batch()",
        )


@asynccontextmanager
async def _chunk_transaction(
    engine: AsyncEngine | None, session: AsyncSession | None, on_commit: Callable[[], None]
) -> AsyncIterator[AsyncConnection]:
    """One chunk's transaction; ``on_commit`` runs as soon as the COMMIT returned.

    Counting there, not after the block, keeps the committed count exact when
    an interruption lands while the connection is being closed.
    """
    if engine is not None:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            try:
                yield connection
            except BaseException as exc:
                await _roll_back(transaction.rollback(), connection.invalidate, exc)
                raise
            await _commit_uninterrupted(transaction.commit(), on_commit)
        return
    assert session is not None
    try:
        yield await session.connection()
    except BaseException as exc:
        await _roll_back(session.rollback(), session.invalidate, exc)
        raise
    await _commit_uninterrupted(session.commit(), on_commit)


async def _roll_back(
    rollback: Coroutine[Any, Any, None],
    invalidate: Callable[[], Coroutine[Any, Any, None]],
    exc: BaseException,
) -> None:
    """Roll the failed chunk back; if the connection cannot, close it, which rolls back too.

    A connection the server dropped cannot roll back, nor can a psycopg one
    interrupted (Ctrl-C) while it was starting a COPY ("another command is
    already in progress"). Either way nothing of the chunk is committed, and
    the interruption or the error that stopped the chunk is what the caller sees.
    """
    try:
        await rollback
    except (SQLAlchemyError, OSError) as failed:
        exc.add_note(
            f"asyncfactories: the chunk's ROLLBACK failed ({type(failed).__name__}); "
            "its connection was closed instead, which rolls it back"
        )
        await invalidate()


async def _commit_uninterrupted(
    commit: Coroutine[Any, Any, None], on_commit: Callable[[], None]
) -> None:
    """Await a COMMIT that a cancellation (Ctrl-C) may not cut short.

    A cancelled await would not stop the driver's COMMIT, only our knowing
    whether it happened; so the COMMIT finishes, is counted, and then the
    cancellation goes on.
    """
    task = asyncio.ensure_future(commit)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        if not task.cancelled() and task.exception() is None:
            on_commit()
        raise
    on_commit()


async def _write_chunk(connection: AsyncConnection, builder: Builder, caller: str) -> list[Group]:
    groups = order_groups(builder.created)
    if needs_orm(groups):
        async with AsyncSession(bind=connection) as orm:
            for group in groups:  # table by table: deferred fields see their parents' keys
                await builder.finish(group.objects)
                orm.add_all(group.objects)
                await orm.flush()
        return groups
    limit = max_parameters(connection)
    use_copy = copy_supported(connection)
    replaced: dict[int, Any] = {}
    for group in groups:
        if any(o is not None and o.get_or_create for o in group.factories):
            await builder.finish(group.objects)
            fill_foreign_keys(group.plan, group.objects, replaced)
            await skip_existing(connection, group, replaced, limit)
        elif replaced:
            fill_foreign_keys(group.plan, group.objects, replaced)
        # A self-referential group waits for each level's keys inside insert_group.
        if use_copy and not (group.plan.self_parents and builder.deferred):
            await builder.finish(group.objects)
            if await copy_group(connection, group, caller):
                continue
        await insert_group(
            connection,
            group,
            caller,
            limit,
            read_back=False,
            replaced=replaced,
            finish=builder.finish,
        )
    return groups


def _release_parents(groups: list[Group]) -> None:
    """Let persistent parents passed in forget the chunk's objects their collections gathered."""
    seen: set[tuple[int, str]] = set()
    for group in groups:
        plan = group.plan
        for key, back in plan.backrefs.items():
            for obj in group.objects:
                parent = obj.__dict__.get(key)
                if parent is None or (id(parent), back) in seen:
                    continue
                seen.add((id(parent), back))
                if instance_state(parent).key is not None:  # not a row of this chunk
                    forget_collection(parent, back)


def _settle_members(pools: dict[int, Any]) -> None:
    """Pool members the chunk wrote are rows now: later chunks point at them, not write them again."""
    for _, shared in pools.values():
        for obj in shared.members:
            if hasattr(obj, "_sa_instance_state") and instance_state(obj).key is None:
                make_transient_to_detached(obj)


async def _build_chunk(
    options: FactoryOptions,
    overrides: Mapping[str, Any],
    size: int,
    continuation: Continuation,
    engine: AsyncEngine | None,
    session: AsyncSession | None,
    pools: dict[int, Any],
) -> Builder:
    """Build one chunk; again if it drew on a counter that had to continue past earlier rows."""
    while True:
        builder = Builder(create=True, pools=pools)
        before = continuation.mark()
        pooled = set(pools)
        await builder.build(options, overrides, size)
        if not await continuation.settle(before, engine, session):
            return builder
        _release_parents(order_groups(builder.created))
        for key in set(pools) - pooled:  # members drawn before the counters moved: remake them
            del pools[key]


async def load_rows(
    options: FactoryOptions,
    count: int,
    *,
    session: AsyncSession | None,
    engine: AsyncEngine | None,
    chunk_size: int,
    reporter: Reporter | None,
    overrides: Mapping[str, Any],
) -> int:
    """Load ``count`` objects of ``options``' factory; return how many were committed."""
    owned = False
    if engine is None:
        session, owned = resolve_session(options, session)
    elif session is not None:
        raise FactoryArgumentError(
            options.name, None, "load() got both session= and engine=", "pass one of them"
        )
    elif not isinstance(engine, AsyncEngine):
        raise FactoryArgumentError(
            options.name,
            None,
            f"engine= got {type(engine).__name__}, not an AsyncEngine",
            "pass an engine from sqlalchemy.ext.asyncio.create_async_engine",
        )
    committed = 0

    def count_chunk() -> None:
        nonlocal committed
        committed += size

    pools: dict[int, Any] = {}  # one Pool's members for the whole load
    try:
        # Sequences and unique values continue past what the tables already hold.
        continuation = await Continuation.begin(options, engine, session) if count else None
        while committed < count:
            assert continuation is not None
            size = min(chunk_size, count - committed)
            with gc_paused():
                builder = await _build_chunk(
                    options, overrides, size, continuation, engine, session, pools
                )
                async with _chunk_transaction(engine, session, count_chunk) as connection:
                    groups = await _write_chunk(connection, builder, options.name)
                    await continuation.record(connection)
                    # Before the commit: its flush must not see the chunk in a parent's collection.
                    _release_parents(groups)
            _settle_members(pools)
            del builder
            if reporter is not None:
                reporter.update(committed)
    except (asyncio.CancelledError, KeyboardInterrupt) as exc:
        exc.add_note(f"asyncfactories: {options.name}.load() committed {committed} of {count} rows")
        exc.committed = committed  # type: ignore[union-attr]
        raise
    except Exception as exc:
        reason = str(exc) if isinstance(exc, FactoryError) else f"{type(exc).__name__}: {exc}"
        raise LoadInterruptedError(options.name, committed, count, reason) from exc
    finally:
        if owned and session is not None:
            await session.close()
        if reporter is not None:
            reporter.close()
    return committed
