"""Shared fixtures: the same test runs on SQLite (aiosqlite) and on PostgreSQL (asyncpg).

PostgreSQL comes from ``ASYNCFACTORIES_TEST_PG_URL`` (``.ci/pg.sh start`` sets
it). Without it the PostgreSQL half of each test is skipped locally, and fails
under CI (``CI=true``), where a missing server must not pass unnoticed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import StaticPool

from asyncfactories.examples.agents.models import Base as AgentsBase
from tests.models import Base as TestBase

pytest_plugins = ("pytester",)

BACKENDS = ("sqlite", "postgresql")
METADATAS: tuple[MetaData, ...] = (AgentsBase.metadata, TestBase.metadata)


def postgres_url() -> str:
    """The test server's URL, or skip (fail under CI) when there is none."""
    url = os.environ.get("ASYNCFACTORIES_TEST_PG_URL")
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail("CI must test PostgreSQL: ASYNCFACTORIES_TEST_PG_URL is not set (see .ci/run)")
    pytest.skip('no PostgreSQL server: run `eval "$(bash .ci/pg.sh start)"` to test it')


def make_engine(backend: str) -> AsyncEngine:
    """A fresh engine for ``backend``; SQLite is one shared in-memory database."""
    if backend == "postgresql":
        return create_async_engine(postgres_url())
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)

    @event.listens_for(engine.sync_engine, "connect")
    def _foreign_keys(dbapi_connection: object, _: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each database test runs once per backend."""
    name: str = request.param
    if name == "postgresql":
        postgres_url()
    return name


@asynccontextmanager
async def fresh_tables(engine: AsyncEngine, *metadatas: MetaData) -> AsyncIterator[AsyncEngine]:
    """Create the tables of ``metadatas`` (default: the shared test tables) anew on ``engine``.

    They are dropped afterwards and the engine disposed of: the one place test
    modules with tables of their own get them from.
    """
    metadatas = metadatas or METADATAS
    async with engine.begin() as connection:
        for metadata in metadatas:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(metadata.drop_all)
        await engine.dispose()


@pytest_asyncio.fixture
async def engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """An engine with every test table created fresh, dropped afterwards."""
    async with fresh_tables(make_engine(backend)) as engine:
        yield engine


@pytest.fixture(params=("sqlite-file", "postgresql"))
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database that outlives one connection: a SQLite file, or the PostgreSQL server.

    For tests where connections are cancelled, killed or opened by other processes,
    which an in-memory SQLite database (one shared connection) cannot survive.
    """
    if request.param == "postgresql":
        return postgres_url()
    return f"sqlite+aiosqlite:///{tmp_path / 'durable.sqlite3'}"


@pytest_asyncio.fixture
async def durable_engine(durable_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``durable_url`` with every test table created fresh."""
    async with fresh_tables(create_async_engine(durable_url)) as engine:
        yield engine


@pytest_asyncio.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database (objects stay readable after commit)."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


class StatementLog:
    """Counts the SQL statements an engine sends, by their first word."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, bool]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        self.statements.append((statement.split(None, 1)[0].upper(), executemany))

    def count(self, verb: str) -> int:
        """How many statements started with ``verb``."""
        return sum(1 for word, _ in self.statements if word == verb)

    def clear(self) -> None:
        """Forget what was counted so far."""
        self.statements.clear()


@pytest.fixture
def sql_log(engine: AsyncEngine) -> Iterator[StatementLog]:
    """Records every statement the test's engine executes."""
    log = StatementLog()
    event.listen(engine.sync_engine, "before_cursor_execute", log)
    yield log
    event.remove(engine.sync_engine, "before_cursor_execute", log)
