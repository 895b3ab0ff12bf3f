"""pytest plugin: a rolled-back session per test, reproducible seeds, ``register()`` fixtures.

Registered automatically through the ``pytest11`` entry point. A test body is
just ``await AgentFactory.create()``::

    # conftest.py / pytest.ini:  factories_metadata = myapp.models:Base
    async def test_agent(factories_session):
        agent = await AgentFactory.create()
        assert agent.id is not None

``--factories-lint myapp.factories`` adds one test per factory of the module:
its build, create and create_batch(3), with each trait, rolled back.

Fixtures:
    factories_engine: the run's AsyncEngine, tables created once.
    factories_session: an AsyncSession inside an outer transaction that is
        rolled back after the test (the test's own commits become savepoints),
        bound for every factory call.
    factories_metadata: the MetaData to create, from ini ``factories_metadata``;
        override it to choose the tables yourself.

Async fixtures run under pytest-asyncio (strict or auto mode) or under anyio's
plugin, whichever runs the test.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any, cast

import pytest
from sqlalchemy import MetaData, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool, StaticPool

from asyncfactories._errors import FactoryArgumentError
from asyncfactories._fixtures import ANYIO_COPIES as _ANYIO_COPIES
from asyncfactories._fixtures import Fixture, LazyFixture, register
from asyncfactories._fixtures import async_fixture as _async_fixture
from asyncfactories._imports import PathNotFound, import_path
from asyncfactories._lint_pytest import add_lint_items, add_lint_option
from asyncfactories._state import reset as reset_run
from asyncfactories._write import serving_test

__all__ = ("Fixture", "LazyFixture", "register")

_DEFAULT_URL = "sqlite+aiosqlite://"
_SEED_KEY = pytest.StashKey[int]()


# -- options ---------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the command-line flags and ini keys."""
    group = parser.getgroup("asyncfactories", "asyncfactories test data")
    group.addoption(
        "--factories-url",
        default=None,
        help="database URL for factories_engine (default: ini factories_url, "
        "env ASYNCFACTORIES_URL, else an in-memory aiosqlite database)",
    )
    group.addoption(
        "--factories-seed",
        type=int,
        default=None,
        help="seed for every factory's random values; a failing test's report prints the one to use",
    )
    parser.addini("factories_url", "database URL for factories_engine", default=None)
    parser.addini(
        "factories_metadata",
        "tables to create once per run: package.module:Base (a declarative base) or :metadata",
        default=None,
    )
    parser.addini("factories_seed", "seed for every factory's random values", default=None)
    add_lint_option(group)  # issue 17: --factories-lint MODULE


def pytest_configure(config: pytest.Config) -> None:
    """Fix the run's seed: the flag, the ini value, the xdist controller's, or a fresh one."""
    chosen = config.getoption("factories_seed")
    if chosen is None and config.getini("factories_seed"):
        chosen = _ini_seed(str(config.getini("factories_seed")))
    worker_input = getattr(config, "workerinput", None)
    if chosen is None and worker_input is not None:
        chosen = worker_input.get("asyncfactories_seed")
    if chosen is None:
        chosen = random.SystemRandom().randrange(1, 1_000_000)
    config.stash[_SEED_KEY] = int(chosen)


def _ini_seed(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise FactoryArgumentError(
            "pytest plugin",
            "factories_seed",
            f"is {raw!r}, not a whole number",
            "set it to an int in the ini file, e.g. factories_seed = 1234",
        ) from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Give every xdist worker the controller's seed."""
    node.workerinput["asyncfactories_seed"] = node.config.stash[_SEED_KEY]


def pytest_report_header(config: pytest.Config) -> str:
    """Print the run's seed in the header."""
    return f"asyncfactories: seed={config.stash[_SEED_KEY]}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Add the seed to a failing test's report, with the flag that reproduces it."""
    report = yield
    if report.failed:
        run_seed = item.config.stash[_SEED_KEY]
        report.sections.append(
            ("asyncfactories", f"seed={run_seed}; reproduce with --factories-seed {run_seed}")
        )
    return report


def derive_test_seed(run_seed: int, nodeid: str) -> int:
    """The seed a test starts from: derived from the run's seed and its node id.

    A test therefore gets the same data whether it runs alone or in the suite.
    """
    digest = hashlib.sha256(f"{run_seed}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@pytest.fixture(autouse=True)
def _factories_seed(request: pytest.FixtureRequest) -> None:
    # pytest leaves FixtureRequest.node unannotated; a function-scoped request's is the test.
    test = cast(pytest.Item, request.node)  # pyright: ignore[reportUnknownMemberType]  # the unannotated property, read once here
    # The one reset point: every test starts the run anew from its own seed.
    reset_run(derive_test_seed(request.config.stash[_SEED_KEY], test.nodeid))


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so they apply to lint tests too
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add a lint test per factory of the ``--factories-lint`` modules (issue 17)."""
    add_lint_items(
        session,
        items,
        make_engine=lambda: _engine_for(_parsed_url(_url(config))),
        seed_for=lambda nodeid: derive_test_seed(config.stash[_SEED_KEY], nodeid),
    )


# -- async fixtures under pytest-asyncio or anyio --------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: Any, request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    """Give anyio the unmarked copy of our async fixtures when it runs the test."""
    plain = _ANYIO_COPIES.get(fixturedef.func)
    if plain is None or "anyio_backend" not in request.fixturenames:
        return (yield)
    original = fixturedef.func
    fixturedef.func = plain
    try:
        return (yield)
    finally:
        fixturedef.func = original


# -- the database ------------------------------------------------------------------


def _url(config: pytest.Config) -> str:
    return str(
        config.getoption("factories_url")
        or config.getini("factories_url")
        or os.environ.get("ASYNCFACTORIES_URL")
        or _DEFAULT_URL
    )


def _parsed_url(raw: str) -> URL:
    try:
        return make_url(raw)
    except ArgumentError:
        shown = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)  # never print a password
        raise FactoryArgumentError(
            "pytest plugin",
            "factories_url",
            f"is {shown!r}, not a database URL",
            "pass --factories-url / factories_url like sqlite+aiosqlite:///test.db "
            "or postgresql+asyncpg://user@host/db",
        ) from None


def _load_metadata(spec: str) -> MetaData:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise FactoryArgumentError(
            "pytest plugin",
            "factories_metadata",
            f"is {spec!r}",
            "write it as package.module:Base or package.module:metadata",
        )
    try:
        target: Any = import_path(module_name, attribute)
    except PathNotFound as exc:
        fix = (
            "check the module path in factories_metadata = package.module:Base"
            if exc.cause is not None
            else "name the declarative base or MetaData defined there"
        )
        raise FactoryArgumentError(
            "pytest plugin", "factories_metadata", f"{spec!r}: {exc.problem}", fix
        ) from None
    metadata = getattr(target, "metadata", target)
    if not isinstance(metadata, MetaData):
        raise FactoryArgumentError(
            "pytest plugin",
            "factories_metadata",
            f"{spec!r} is neither a declarative base nor a MetaData",
            "point it at the declarative base class or its metadata",
        )
    return metadata


@pytest.fixture(scope="session")
def factories_metadata(pytestconfig: pytest.Config) -> MetaData | None:
    """The tables to create once per run (ini ``factories_metadata``); override to choose."""
    spec = pytestconfig.getini("factories_metadata")
    return _load_metadata(str(spec)) if spec else None


def _worker_url(url: URL, worker: str) -> URL:
    return url.set(
        database=f"{url.database or 'postgres'}_{re.sub(r'[^a-z0-9_]', '_', worker.lower())}"
    )


def _run(coroutine: Any) -> Any:
    # Session-wide setup runs on a loop of its own: tests may each have theirs.
    return asyncio.run(coroutine)


async def _admin(url: URL, sql: str) -> None:
    engine = create_async_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(sql)
    finally:
        await engine.dispose()


def _engine_for(url: URL) -> AsyncEngine:
    if url.get_backend_name() == "sqlite":
        memory = url.database in (None, "", ":memory:")
        engine = create_async_engine(url, poolclass=StaticPool if memory else NullPool)
        _sqlite_savepoints(engine)
        return engine
    # Drivers such as asyncpg tie a connection to the loop that opened it, and a
    # test may run on a loop of its own: each test opens its connection.
    return create_async_engine(url, poolclass=NullPool)


def _sqlite_savepoints(engine: AsyncEngine) -> None:
    """SQLAlchemy's documented recipe: let SQLAlchemy, not pysqlite, emit BEGIN."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def factories_engine(
    pytestconfig: pytest.Config, factories_metadata: MetaData | None
) -> Iterator[AsyncEngine]:
    """The run's AsyncEngine, with the ``factories_metadata`` tables created once.

    Under pytest-xdist each worker gets a database of its own on a server
    (created and dropped here); an in-memory SQLite database is per process anyway.
    """
    url = _parsed_url(_url(pytestconfig))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    server = url.get_backend_name() != "sqlite"
    own_database = server and worker is not None
    if own_database:
        assert worker is not None
        url = _worker_url(url, worker)
        _run(_admin(url, f'DROP DATABASE IF EXISTS "{url.database}"'))
        _run(_admin(url, f'CREATE DATABASE "{url.database}"'))
    engine = _engine_for(url)
    if factories_metadata is not None:
        _run(_create_tables(engine, factories_metadata))
    yield engine
    if factories_metadata is not None and server and not own_database:
        _run(_drop_tables(engine, factories_metadata))
    _run(engine.dispose())
    if own_database:
        _run(_admin(url, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


async def _create_tables(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


async def _drop_tables(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)


async def _factories_session(factories_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """An AsyncSession whose work is rolled back after the test, bound for factories.

    The test's own ``commit()`` calls release savepoints inside the outer
    transaction, so even a test that commits leaves nothing behind. Sequences
    restart, so a test makes the same data alone or in the suite.
    """
    async with factories_engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            with serving_test(session):
                yield session
        finally:
            await session.close()
            if transaction.is_active:
                await transaction.rollback()


factories_session = _async_fixture(_factories_session, name="factories_session")
