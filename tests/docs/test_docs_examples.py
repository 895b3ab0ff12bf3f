"""Every code block of the documentation site runs, as the page shows it.

One test per page and backend runs the page's blocks in order (see
:mod:`tests.docs.snippets` for what each kind of block does): Python blocks
in one namespace per page, where ``engine`` and ``session`` are given as the
pages say (an engine on a fresh database with the sample domain's tables, and
``AsyncSession(engine, expire_on_commit=False)``); titled blocks as files of a
project directory that is also the working directory and on ``sys.path``;
``bash`` blocks in that directory, with ``$DATABASE_URL`` the same database.
SQLite pages use a database file; PostgreSQL pages get a database of their
own on the test server (``ASYNCFACTORIES_TEST_PG_URL``), dropped afterwards.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import os
import re
import subprocess
import sys
import types
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

import asyncfactories
from asyncfactories._counter import all_hierarchies
from asyncfactories.examples.agents.models import Base as AgentsBase
from tests.conftest import postgres_url
from tests.docs.snippets import Block, Page, match_lines, read_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))

#: Every block the tests do not run, as (page, reason): few, and each with its reason.
NOT_RUN: list[tuple[str, str]] = []

_SUBPROCESS_ENV_DROPPED = (
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "ASYNCFACTORIES_URL",
)


def _name(page: Path) -> str:
    return page.relative_to(DOCS).with_suffix("").as_posix()


def _cases() -> Iterator[object]:
    for page in PAGES:
        for backend in read_page(page).backends:
            yield pytest.param(page, backend, id=f"{_name(page)}-{backend}")


# -- the database a page runs against --------------------------------------------------


@contextlib.asynccontextmanager
async def _database(backend: str, page: Page, project: Path) -> AsyncIterator[str]:
    """A fresh database for one page run: a SQLite file, or a PostgreSQL database of its own.

    Args:
        backend: ``sqlite`` or ``postgresql``.
        page: the page, whose ``driver=`` option picks the PostgreSQL driver.
        project: the page's directory, where a SQLite file goes.

    Yields:
        The database URL.
    """
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{project / 'docs.sqlite3'}"
        return
    server = make_url(postgres_url())
    name = f"docs_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(
        server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        driver = page.options.get("driver", "asyncpg")
        yield server.set(drivername=f"postgresql+{driver}", database=name).render_as_string(
            hide_password=False
        )
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


# -- running blocks ----------------------------------------------------------------------


async def _run_python(block: Block, namespace: dict[str, object]) -> str:
    """Run a Python block in the page's namespace; return what it printed.

    The code is compiled under the Markdown file's name with its line numbers,
    so a traceback points at the page. With ``raises=Name`` the block must
    raise an exception of that class (or a subclass), shown as Python shows
    the last line of a traceback.
    """
    code = compile(
        "\n" * (block.line - 1) + block.source,
        str(block.path),
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
    )
    printed = io.StringIO()
    expected = block.options.get("raises")
    try:
        with contextlib.redirect_stdout(printed):
            result = eval(code, namespace)
            if inspect.isawaitable(result):
                await result
    except Exception as exc:
        if expected is None or expected not in {k.__name__ for k in type(exc).__mro__}:
            raise
        return printed.getvalue() + f"{type(exc).__name__}: {exc}\n"
    if expected is not None:
        pytest.fail(f"{block.where}: the block should raise {expected}, and it did not")
    return printed.getvalue()


def _subprocess_env(project: Path, url: str) -> dict[str, str]:
    """The environment of a page's shell commands: this checkout, and the page's database."""
    env = {k: v for k, v in os.environ.items() if k not in _SUBPROCESS_ENV_DROPPED}
    bin_dir = project.parent / f"{project.name}-bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("python", "python3"):
        link = bin_dir / name
        if not link.exists():
            link.symlink_to(sys.executable)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(project), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env["DATABASE_URL"] = url
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "100"
    # This checkout's own test tooling, which no page's project uses: hypothesis alone
    # costs seconds of start-up per run, and pytest-benchmark warns under xdist.
    env["PYTEST_ADDOPTS"] = "-p no:hypothesispytest -p no:benchmark -p no:cacheprovider"
    return env


def _run_bash(block: Block, project: Path, env: dict[str, str]) -> str:
    """Run a bash block in the project directory; return its output (stdout, then stderr)."""
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.source],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    expected = int(block.options.get("exit", "0"))
    if result.returncode != expected:
        pytest.fail(
            f"{block.where}: exit code {result.returncode}, the page expects {expected}\n{output}"
        )
    return output


def _write_file(block: Block, project: Path) -> None:
    assert block.title is not None
    target = project / block.title
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.source, encoding="utf-8")


@contextlib.contextmanager
def _page_module(name: str, project: Path) -> Iterator[types.ModuleType]:
    """A module to run the page's Python in, importable under ``name`` while the page runs.

    The page's own modules (its titled files) are forgotten afterwards, so the
    next page's ``models.py`` is not this one's.
    """
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        yield module
    finally:
        del sys.modules[name]
        for key, loaded in list(sys.modules.items()):
            origin = getattr(loaded, "__file__", None) or ""
            if origin.startswith(str(project)):
                del sys.modules[key]


async def run_page(page: Page, backend: str, project: Path) -> None:
    """Run every block of ``page`` meant for ``backend``, in order.

    Args:
        page: the parsed page.
        backend: ``sqlite`` or ``postgresql``.
        project: an empty directory: the page's files, its working directory.
    """
    for hierarchy in all_hierarchies():  # sequences start at 0, as in a fresh process
        hierarchy.reset()
    async with _database(backend, page, project) as url:
        engine: AsyncEngine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(AgentsBase.metadata.create_all)
            async with AsyncSession(engine, expire_on_commit=False) as session:
                name = "docs_" + re.sub(r"\W", "_", _name(page.path))
                with _page_module(name, project) as module:
                    module.__dict__.update(engine=engine, session=session)
                    await _run_blocks(page, backend, project, url, module.__dict__)
        finally:
            asyncfactories.set_fast_path(True)
            await engine.dispose()


async def _run_blocks(
    page: Page, backend: str, project: Path, url: str, namespace: dict[str, object]
) -> None:
    env = _subprocess_env(project, url)
    output: str | None = None
    for block in page.blocks:
        if block.not_run is not None or backend not in block.backends(page.backends):
            continue
        if block.title is not None:
            _write_file(block, project)
        elif block.language == "python":
            output = await _run_python(block, namespace)
        elif block.language == "bash":
            output = _run_bash(block, project, env)
        elif block.language == "text" and "output" in block.options:
            if output is None:
                pytest.fail(f"{block.where}: an output block with no block before it to check")
            problem = match_lines(block.source, output)
            if problem is not None:
                pytest.fail(f"{block.where}: {problem}")


# -- the tests ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "backend"), list(_cases()))
async def test_page_examples_run(
    path: Path, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every block of the page runs on the backend as written, and its outputs are as shown."""
    if backend == "postgresql":
        postgres_url()  # skip locally without a server; under CI a missing server fails
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    await run_page(read_page(path), backend, project)


def test_every_block_is_run_or_says_why_not() -> None:
    """A block is Python or bash (run), a file (titled), output (text), or marked not-run."""
    unknown = [
        block.where
        for page in PAGES
        for block in read_page(page).blocks
        if block.not_run is None
        and block.title is None
        and block.language not in ("python", "bash", "text")
    ]
    assert unknown == [], "blocks neither run, a file, output nor marked <!-- not-run: why -->"


def test_blocks_not_run_are_few_and_listed() -> None:
    """The blocks left out are exactly the ones listed in NOT_RUN, each with its reason."""
    found = [
        (_name(page), block.not_run)
        for page in PAGES
        for block in read_page(page).blocks
        if block.not_run is not None
    ]
    assert found == NOT_RUN


def test_every_page_is_in_the_nav_or_deliberately_out() -> None:
    """mkdocs.yml's nav lists every page but those kept out of it on purpose."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())

    def listed(entries: object) -> Iterator[str]:
        if isinstance(entries, str):
            yield entries
        elif isinstance(entries, list):
            for entry in entries:
                yield from listed(entry)
        elif isinstance(entries, dict):
            for value in entries.values():
                yield from listed(value)

    in_nav = {entry for entry in listed(config["nav"]) if entry.endswith(".md")}
    kept_out = {pattern.strip("/") for pattern in config.get("not_in_nav", "").split()}
    pages = {page.relative_to(DOCS).as_posix() for page in PAGES}
    assert pages - kept_out == in_nav
