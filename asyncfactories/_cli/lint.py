"""``asyncfactories lint myapp.factories [more.modules] [--url URL] [--create-tables]``.

Runs :func:`asyncfactories._lint.lint` on a connection of its own, prints the
report (a rich table on a terminal, plain text otherwise) and exits 1 when
any factory or trait failed, 0 otherwise. Nothing stays in the database: the
checks, and the tables ``--create-tables`` makes, are rolled back. As for the
other commands, a mistake ends with one line on stderr, never a traceback,
and a password in the URL never reaches the output.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories._errors import FactoryError
from asyncfactories._lint import LintReport, collect_factories, lint

__all__ = ("LINT_URL", "add_lint_command", "run_lint_command")

#: Without --url or ASYNCFACTORIES_URL: a database that vanishes with the process.
LINT_URL = "sqlite+aiosqlite://"
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_lint_command(commands: Any) -> None:
    """Add the ``lint`` subcommand to the ``asyncfactories`` parser's subparsers."""
    parser = commands.add_parser(
        "lint",
        help="build and create every factory and trait, rolled back; exit 1 if any fails",
    )
    parser.add_argument("modules", nargs="+", help="modules holding factories (package.module)")
    parser.add_argument(
        "--url",
        default=None,
        help=f"database URL (default: env ASYNCFACTORIES_URL, else {LINT_URL}, in memory)",
    )
    parser.add_argument(
        "--create-tables",
        action="store_true",
        help="create the models' tables first (rolled back with everything else)",
    )


def _masked(text: str, url: str) -> str:
    try:
        password = make_url(url).password
    except ArgumentError:
        return text
    return text.replace(str(password), "***") if password else text


def _error(message: str, url: str, code: int) -> int:
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"asyncfactories: error: {_masked(line, url)}", file=sys.stderr)
    return code


def _print(report: LintReport) -> None:
    if sys.stdout.isatty():
        try:  # rich is optional (the [cli] extra): plain text without it
            console_module: Any = importlib.import_module("rich.console")
            table_module: Any = importlib.import_module("rich.table")
        except ImportError:
            pass
        else:
            table = table_module.Table("factory", "trait", "result")
            for result in report:
                outcome = "[green]ok[/]" if result.ok else f"[red]{result.outcome}[/]"
                table.add_row(result.factory, result.trait or "-", outcome)
            console = console_module.Console()
            console.print(table)
            console.print(report.summary())
            return
    print(report.table())


async def _lint(modules: list[str], url: str, create_tables: bool) -> LintReport:
    factories = collect_factories(modules)
    engine = create_async_engine(make_url(url))
    try:
        return await lint(*factories, engine=engine, create_tables=create_tables)
    finally:
        await engine.dispose()


def run_lint_command(args: argparse.Namespace) -> int:
    """Run ``asyncfactories lint``; return the exit code."""
    url = str(args.url or os.environ.get("ASYNCFACTORIES_URL") or LINT_URL)
    try:
        make_url(url)
    except ArgumentError:
        return _error(f"not a database URL: {url!r}", url, EXIT_USAGE)
    sys.path.insert(0, os.getcwd())
    try:
        collect_factories(args.modules)
    except FactoryError as exc:
        return _error(exc.problem, url, EXIT_USAGE)
    try:
        report = asyncio.run(_lint(list(args.modules), url, bool(args.create_tables)))
    except FactoryError as exc:
        return _error(str(exc), url, EXIT_FAILED)
    except (SQLAlchemyError, OSError) as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0]
        return _error(f"cannot lint on {shown}: {reason}", url, EXIT_FAILED)
    except KeyboardInterrupt:
        return _error("interrupted", url, 130)
    _print(report)
    return 0 if report.ok else EXIT_FAILED
