"""One create or load call, whole: its session, its transaction, its slice.

This is where the transaction policy lives. ``create_objects`` is create /
create_batch: resolve the session, build inside a savepoint, write, run the
post hooks inside the same savepoint, commit when the session is ours or
``Meta.sqlalchemy_session_persistence = "commit"``. ``load_objects`` is
load(): pick the share of a shard, hand it to worker processes or stream it
here (each chunk its own transaction, see :mod:`load`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from asyncfactories._build import Builder, FactoryOptions
from asyncfactories._errors import FactoryArgumentError, LoadInterruptedError
from asyncfactories._write.append import read_floors, tables_of
from asyncfactories._write.create import persist
from asyncfactories._write.gc import gc_paused
from asyncfactories._write.graph import discard, is_one_row
from asyncfactories._write.load import check_load_arguments, load_rows
from asyncfactories._write.progress import reporter
from asyncfactories._write.session import (
    SessionLike,
    bind_session,
    resolve_session,
    session_or_field,
    unbind_session,
)
from asyncfactories._write.sql import atomic
from asyncfactories._write.workers import base_seed, check_shard, in_slice, load_in_workers, shares

__all__ = ("create_objects", "load_objects")


async def create_objects(
    options: FactoryOptions, size: int, session: SessionLike | None, overrides: dict[str, Any]
) -> list[Any]:
    """Build ``size`` objects and write them in one atomic step; return them."""
    if size == 0:
        return []
    session, overrides = session_or_field(options, session, overrides)
    target, owned = resolve_session(options, session)
    token = bind_session(target)  # a factory called in a hook or declaration sees it
    try:
        if target.new:
            # Objects the caller added but did not flush may be passed as
            # parents; give them their keys before the batch reads them.
            await target.flush()
        builder = Builder(create=True)
        with gc_paused(), target.no_autoflush:
            # The savepoint opens before the build: opening it flushes the
            # session, which must not see this call's half-linked objects.
            one_row = size == 1 and is_one_row(options, overrides)
            async with atomic(target, single_statement=one_row) as protected:
                try:
                    made: list[Any] = await builder.build(options, overrides, size)
                    replaced = await persist(
                        target,
                        builder.created,
                        options.name,
                        protected=protected,
                        finish=builder.finish,
                    )
                    if replaced:
                        made = [replaced.get(id(obj), obj) for obj in made]
                    if builder.hooks:
                        # Inside the savepoint: a hook that raises takes the batch with it.
                        await builder.run_hooks(replaced)
                        await target.flush()
                except BaseException:
                    # Before the rollback, while the parents' collections are loaded.
                    discard(builder.created)
                    raise
        if owned:
            target.sync_session.expire_on_commit = False
        if owned or options.persistence == "commit":
            await target.commit()
    finally:
        unbind_session(token)
        if owned:
            await target.close()
    return made


async def load_objects(
    options: FactoryOptions,
    path: str,
    n: int,
    *,
    session: SessionLike | None,
    engine: AsyncEngine | None,
    chunk_size: int,
    progress: bool | Callable[[int], object] | None,
    workers: int,
    shard: tuple[int, int] | None,
    overrides: dict[str, Any],
) -> int:
    """Load ``n`` rows (this shard's share of them); return how many were committed.

    ``path`` is ``module:qualname`` of the factory, for worker processes to import.
    """
    check_load_arguments(options, n, chunk_size)
    session, overrides = session_or_field(options, session, overrides)
    index, shard_count = check_shard(options.name, shard, workers)
    share = shares(n, shard_count)[index]
    report = reporter(progress, share, f"{options.name}.load")
    if workers > 1:
        if not isinstance(engine, AsyncEngine):
            raise FactoryArgumentError(
                options.name,
                None,
                "load(workers=...) needs engine=",
                "pass engine=create_async_engine(url): each worker opens its own connections",
            )
        if "<locals>" in path:
            raise FactoryArgumentError(
                options.name,
                None,
                "load(workers=...) needs a factory other processes can import",
                "define the factory at module level",
            )
        try:
            # Read once, here: every worker continues from the same numbers.
            try:
                floors = await read_floors(engine, tables_of(options)) if share else None
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                raise LoadInterruptedError(options.name, 0, share, reason) from exc
            return await load_in_workers(
                options.name,
                path,
                engine.url.render_as_string(hide_password=False),
                share,
                floors=floors,
                workers=workers,
                shard=(index, shard_count),
                chunk_size=chunk_size,
                reporter=report,
                overrides=overrides,
            )
        finally:
            if report is not None:
                report.close()
    # A shard in this process: the run is restored afterwards, so later
    # calls make what they would have made without this load.
    scope = in_slice(index, shard_count, base_seed()) if shard_count > 1 else nullcontext()
    with scope:
        return await load_rows(
            options,
            share,
            session=session,
            engine=engine,
            chunk_size=chunk_size,
            reporter=report,
            overrides=overrides,
        )
