"""Parallel and sharded loads: W processes, or N machines, each with its own slice.

Every slice gets a residue class of every sequence (numbers ``index`` modulo
the number of slices, see :func:`asyncfactories._state.set_slice`), its own
seed stream and its own connection, so Sequence values and unique columns
never collide and no coordination is needed between machines.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import queue as queue_module
import random
import signal
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories._errors import FactoryArgumentError, LoadInterruptedError
from asyncfactories._imports import import_path
from asyncfactories._state import current_seed, run_slice, seed, set_slice
from asyncfactories._write.append import Floors, given_floors
from asyncfactories._write.progress import Reporter

__all__ = ("base_seed", "check_shard", "enter_slice", "in_slice", "load_in_workers", "shares")


def check_shard(name: str, shard: object, workers: object) -> tuple[int, int]:
    """Validate ``shard=(i, N)`` and ``workers=W``; return the shard."""
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise FactoryArgumentError(
            name, None, f"load() got workers={workers!r}", "pass a whole number of 1 or more"
        )
    if shard is None:
        return (0, 1)
    if (
        not isinstance(shard, tuple)
        or len(shard) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in shard)
        or not 0 <= shard[0] < shard[1]
    ):
        raise FactoryArgumentError(
            name,
            None,
            f"load() got shard={shard!r}",
            "pass (index, count) with 0 <= index < count, e.g. (0, 4)",
        )
    return (shard[0], shard[1])


def shares(count: int, parts: int) -> list[int]:
    """Split ``count`` rows into ``parts`` shares that differ by at most one."""
    base, extra = divmod(count, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def _slice_seed(base_seed: int, index: int) -> int:
    return base_seed * 1_000_003 + index


def enter_slice(index: int, slices: int, base_seed: int) -> None:
    """Make this (worker) process hand out slice ``index`` of ``slices``, with its own seed."""
    set_slice(index, slices)
    seed(_slice_seed(base_seed, index))


def in_slice(index: int, slices: int, base_seed: int) -> AbstractContextManager[None]:
    """Hand out slice ``index`` of ``slices`` inside the block; restore the run afterwards."""
    return run_slice(index, slices, _slice_seed(base_seed, index))


def base_seed() -> int:
    """The seed the slices derive theirs from: the last seed() or a fresh one."""
    chosen = current_seed()
    return chosen if chosen is not None else random.SystemRandom().randrange(1, 2**31)


def _import_factory(path: str) -> Any:
    module_name, _, qualname = path.partition(":")
    return import_path(module_name, qualname)


def _worker(
    path: str,
    url: str,
    count: int,
    index: int,
    slices: int,
    seed_value: int,
    chunk_size: int,
    overrides: dict[str, Any],
    floors: Floors | None,
    messages: Any,
    slot: int,
) -> None:
    committed = 0

    def report(value: int) -> None:
        nonlocal committed
        committed = value
        messages.put(("progress", slot, value, None))

    async def run() -> int:
        factory = _import_factory(path)
        engine = create_async_engine(url)
        try:
            result: int = await factory.load(
                count, engine=engine, chunk_size=chunk_size, progress=report, **overrides
            )
            return result
        finally:
            await engine.dispose()

    try:
        enter_slice(index, slices, seed_value)
        given_floors(floors)  # the parent's reading: asyncio.run copies this context
        done = asyncio.run(run())
        messages.put(("done", slot, done, None))
    except LoadInterruptedError as exc:
        where = f"{exc.field}: " if exc.field else ""
        messages.put(("done", slot, exc.committed, where + exc.problem))
    except KeyboardInterrupt:
        messages.put(("done", slot, committed, "interrupted"))
    except BaseException as exc:  # report whatever it was, then let the process end
        messages.put(("done", slot, committed, f"{type(exc).__name__}: {exc}"))


def _stop(processes: list[Any], finished: dict[int, str | None], messages: Any, take: Any) -> None:
    """Interrupt the workers like Ctrl-C would, and collect their last committed counts."""
    for slot, process in enumerate(processes):
        if slot not in finished and process.pid is not None and process.is_alive():
            os.kill(process.pid, signal.SIGINT)
    deadline = time.monotonic() + 10
    while len(finished) < len(processes) and time.monotonic() < deadline:
        try:
            take(*messages.get(True, 0.2))
        except queue_module.Empty:
            if not any(process.is_alive() for process in processes):
                break
    for process in processes:
        if process.is_alive():
            process.terminate()


async def load_in_workers(
    name: str,
    path: str,
    url: str,
    count: int,
    *,
    floors: Floors | None,
    workers: int,
    shard: tuple[int, int],
    chunk_size: int,
    reporter: Reporter | None,
    overrides: Mapping[str, Any],
) -> int:
    """Run ``workers`` processes loading this shard's share; return the rows they committed."""
    try:
        pickle.dumps(dict(overrides))
    except Exception:
        raise FactoryArgumentError(
            name,
            None,
            "load(workers=...) got overrides that cannot be sent to another process",
            "pass plain values, or declare the fields in the factory",
        ) from None
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    shard_index, shard_count = shard
    slices = shard_count * workers
    seed_value = base_seed()
    processes = [
        context.Process(
            target=_worker,
            args=(
                path,
                url,
                share,
                shard_index * workers + slot,
                slices,
                seed_value,
                chunk_size,
                dict(overrides),
                floors,
                messages,
                slot,
            ),
            daemon=True,
        )
        for slot, share in enumerate(shares(count, workers))
    ]
    for process in processes:
        process.start()
    progress = [0] * workers
    finished: dict[int, str | None] = {}
    try:
        while len(finished) < workers:
            try:
                kind, slot, value, error = await asyncio.to_thread(messages.get, True, 0.5)
            except queue_module.Empty:
                for slot, process in enumerate(processes):
                    if slot not in finished and process.exitcode not in (None, 0):
                        finished[slot] = f"worker {slot} exited with code {process.exitcode}"
                continue
            progress[slot] = value
            if reporter is not None:
                reporter.update(sum(progress))
            if kind == "done":
                finished[slot] = error
    except BaseException as exc:
        for process in processes:
            if process.is_alive():
                process.terminate()
        exc.add_note(
            f"asyncfactories: {name}.load() workers committed {sum(progress)} of {count} rows"
        )
        raise
    finally:
        for process in processes:
            process.join(timeout=10)
    total = sum(progress)
    errors = [f"worker {slot}: {error}" for slot, error in sorted(finished.items()) if error]
    if errors:
        raise LoadInterruptedError(name, total, count, "; ".join(errors))
    return total
