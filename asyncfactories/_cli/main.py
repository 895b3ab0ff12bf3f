"""The ``asyncfactories`` command: ``demo``, ``load`` and ``lint``.

Every failure the user can cause (an unknown module, a bad count, an
unreachable database) ends with one line on stderr and a non-zero exit code,
never a traceback; a password in a URL never reaches the output.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories._build import options_of
from asyncfactories._cli.demo import run_demo
from asyncfactories._cli.lint import add_lint_command, run_lint_command
from asyncfactories._errors import FactoryError, LoadInterruptedError
from asyncfactories._factory import AsyncFactory
from asyncfactories._imports import PathNotFound, import_path
from asyncfactories._state import seed as reseed
from asyncfactories._write import count_rows, reporter

__all__ = ("DEMO_URL", "CliError", "main", "mask")

DEMO_URL = "sqlite+aiosqlite:///asyncfactories-demo.sqlite3"
EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A failure to report in one line, with the exit code to end with."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def mask(text: str, url: str | None) -> str:
    """Hide the password of ``url`` wherever it appears in ``text``."""
    if not url:
        return text
    try:
        parsed = make_url(url)
    except ArgumentError:
        return text
    password = parsed.password
    if password:
        text = text.replace(str(password), "***")
    return text


def shown(url: str) -> str:
    """The URL as it may be printed: password masked."""
    return make_url(url).render_as_string(hide_password=True)


def parse_url(raw: str) -> URL:
    """Parse a URL or fail with one line."""
    try:
        return make_url(raw)
    except ArgumentError:
        raise CliError(f"not a database URL: {mask(raw, raw)!r}", EXIT_USAGE) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncfactories", description="Realistic test data for SQLAlchemy, fast."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="fill a database with the sample AI-agent platform")
    demo.add_argument("--url", default=None, help=f"database URL (default: {DEMO_URL})")
    demo.add_argument(
        "--count", type=int, default=1000, help="agents to make; the rest scales with it"
    )
    demo.add_argument("--seed", type=int, default=None, help="seed for reproducible data")
    demo.add_argument(
        "--append",
        action="store_true",
        help="add a new data set to the existing one instead of resetting the tables",
    )
    load = commands.add_parser("load", help="stream N rows of a factory into a database")
    load.add_argument("factory", help="the factory, as package.module:FactoryName")
    load.add_argument("--count", type=int, required=True, help="rows to load")
    load.add_argument(
        "--url",
        default=None,
        help="database URL (default: env ASYNCFACTORIES_URL, else the demo file)",
    )
    load.add_argument("--chunk-size", type=int, default=10_000, help="rows per transaction")
    load.add_argument("--workers", type=int, default=1, help="worker processes")
    load.add_argument("--shard", default=None, help="i/N: load the i-th of N disjoint shares")
    load.add_argument("--seed", type=int, default=None, help="seed for reproducible data")
    load.add_argument(
        "--create-tables", action="store_true", help="create the model's tables first"
    )
    add_lint_command(commands)  # issue 17: asyncfactories lint
    return parser


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _fail(message: str, code: int) -> NoReturn:
    print(f"asyncfactories: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _metadata_of(factory: type) -> MetaData:
    mapper = options_of(factory).mapper
    table = mapper.local_table if mapper is not None else None
    if not isinstance(table, Table):
        raise CliError(f"{factory.__name__} makes no table rows; drop --create-tables", EXIT_USAGE)
    return table.metadata


def import_factory(spec: str) -> Any:
    """Import ``package.module:FactoryName``, or fail with one line."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise CliError(f"{spec!r} is not package.module:FactoryName", EXIT_USAGE)
    sys.path.insert(0, os.getcwd())
    try:
        target = import_path(module_name, attribute)
    except PathNotFound as exc:
        if exc.cause is not None:
            raise CliError(
                f"cannot import module {module_name!r}: {exc.cause}", EXIT_USAGE
            ) from None
        raise CliError(exc.problem, EXIT_USAGE) from None
    if not isinstance(target, type) or not issubclass(target, AsyncFactory):
        raise CliError(f"{spec!r} is not an AsyncFactory subclass", EXIT_USAGE)
    return target


def _shard(raw: str | None) -> tuple[int, int] | None:
    if raw is None:
        return None
    index, sep, count = raw.partition("/")
    try:
        shard = (int(index), int(count))
    except ValueError:
        raise CliError(f"--shard {raw!r} is not i/N, e.g. 0/4", EXIT_USAGE) from None
    if not sep or not 0 <= shard[0] < shard[1]:
        raise CliError(f"--shard {raw!r} needs 0 <= i < N, e.g. 0/4", EXIT_USAGE)
    return shard


async def _load(
    args: argparse.Namespace, url: str
) -> tuple[int, float, list[tuple[str, int, int]]]:
    factory = import_factory(args.factory)
    shard = _shard(args.shard)
    if args.count < 0:
        raise CliError("--count must be 0 or more", EXIT_USAGE)
    if args.chunk_size < 1 or args.workers < 1:
        raise CliError("--chunk-size and --workers must be 1 or more", EXIT_USAGE)
    if args.seed is not None:
        reseed(args.seed)
    engine = create_async_engine(parse_url(url))
    committed = [0]

    def progress(value: int) -> None:
        committed[0] = value
        bar.update(value)

    bar = _bar(args.count, factory.__name__)
    started = time.perf_counter()
    try:
        await _check_reachable(engine, url)
        if args.create_tables:
            async with engine.begin() as connection:
                await connection.run_sync(_metadata_of(factory).create_all)
        before = await count_rows(engine, options_of(factory))
        loaded: int = await factory.load(
            args.count,
            engine=engine,
            chunk_size=args.chunk_size,
            workers=args.workers,
            shard=shard,
            progress=progress,
        )
        after = await count_rows(engine, options_of(factory))
    except (KeyboardInterrupt, asyncio.CancelledError) as exc:
        raise CliError(
            f"interrupted: {getattr(exc, 'committed', committed[0])} rows were committed",
            EXIT_INTERRUPTED,
        ) from None
    finally:
        bar.close()
        await engine.dispose()
    return loaded, time.perf_counter() - started, _changed(factory, before, after)


def _changed(
    factory: Any, before: dict[str, int], after: dict[str, int]
) -> list[tuple[str, int, int]]:
    """``(table, rows before, rows after)``: the factory's own table, then any other that grew."""
    mapper = options_of(factory).mapper
    own = getattr(mapper.local_table, "fullname", None) if mapper is not None else None
    return [
        (name, before.get(name, 0), rows)
        for name, rows in sorted(after.items(), key=lambda item: item[0] != own)
        if name == own or rows != before.get(name, 0)
    ]


async def _check_reachable(engine: Any, url: str) -> None:
    try:
        async with engine.connect():
            pass
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise CliError(f"cannot reach the database at {shown(url)}: {reason}") from None


def _bar(total: int, label: str) -> Any:
    made = reporter(True, total, label)
    assert made is not None
    return made


def _run_load(args: argparse.Namespace) -> int:
    url = args.url or os.environ.get("ASYNCFACTORIES_URL") or DEMO_URL
    loaded, elapsed, tables = asyncio.run(_load(args, url))
    rate = loaded / elapsed if elapsed > 0 else 0.0
    print(
        f"loaded {loaded:,} rows of {args.factory} into {shown(url)} in {elapsed:.1f}s ({rate:,.0f} rows/s)"
    )
    for name, before, after in tables:
        print(f"  {name}: {before:,} before, {after:,} after")
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    url = args.url or DEMO_URL
    if args.count < 0:
        raise CliError("--count must be 0 or more", EXIT_USAGE)
    return run_demo(url, args.count, args.seed, append=args.append)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "lint":  # issue 17: reports its own errors
        return run_lint_command(args)
    url = getattr(args, "url", None) or os.environ.get("ASYNCFACTORIES_URL") or DEMO_URL
    try:
        if args.command == "demo":
            return _run_demo(args)
        return _run_load(args)
    except CliError as exc:
        _fail(mask(str(exc), url), exc.code)
    except LoadInterruptedError as exc:
        where = f"{exc.factory}.{exc.field}" if exc.field else exc.factory
        _fail(mask(_one_line(f"stopped: {where}: {exc.problem}"), url), EXIT_FAILED)
    except FactoryError as exc:
        _fail(mask(_one_line(str(exc)), url), EXIT_FAILED)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except (SQLAlchemyError, OSError) as exc:
        _fail(mask(str(exc).splitlines()[0], url), EXIT_FAILED)
