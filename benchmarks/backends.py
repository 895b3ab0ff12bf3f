"""The three databases a benchmark runs on, each handing out engines on fresh tables.

Every DB case gets its own engine on freshly created tables: an SQLite
``:memory:`` database (``StaticPool``, so the one connection *is* the
database), a new SQLite file in a temp dir, or drop_all/create_all on the
PostgreSQL server. Async tools get aiosqlite / asyncpg, sync tools (factory_boy,
the sync-driver reference) get pysqlite / psycopg 3, as users would pair them.
The table DDL runs before the timed region and leaves one pooled connection
open, so the first statement a case times does not pay for connecting.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from asyncfactories.examples.agents.models import Base

__all__ = ("BACKEND_TITLES", "Backend")

BACKEND_TITLES = {
    "sqlite-mem": "SQLite :memory:",
    "sqlite-file": "SQLite file",
    "pg": "PostgreSQL",
}


@dataclass
class Backend:
    """One database kind; ``pg_url`` is the asyncpg URL of the server (pg only)."""

    key: str
    pg_url: str | None = None
    _tmp: Path | None = field(default=None, repr=False)
    _numbers: itertools.count[int] = field(default_factory=itertools.count, repr=False)

    @property
    def title(self) -> str:
        return BACKEND_TITLES[self.key]

    @property
    def is_pg(self) -> bool:
        return self.key == "pg"

    def __post_init__(self) -> None:
        if self.key not in BACKEND_TITLES:
            raise ValueError(f"unknown backend {self.key!r}; pick from {', '.join(BACKEND_TITLES)}")
        if self.is_pg and not self.pg_url:
            raise ValueError("the pg backend needs a server URL")
        if self.key == "sqlite-file":
            self._tmp = Path(tempfile.mkdtemp(prefix="asyncfactories-bench-"))

    def close(self) -> None:
        """Remove the temp dir of the SQLite files."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _urls(self) -> tuple[str, str, Path | None]:
        if self.key == "sqlite-mem":
            return "sqlite+aiosqlite://", "sqlite+pysqlite://", None
        if self.key == "sqlite-file":
            assert self._tmp is not None
            path = self._tmp / f"case-{next(self._numbers)}.sqlite3"
            return f"sqlite+aiosqlite:///{path}", f"sqlite+pysqlite:///{path}", path
        assert self.pg_url is not None
        url = make_url(self.pg_url)
        sync = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(False), sync.render_as_string(False), None

    @asynccontextmanager
    async def fresh_async(self) -> AsyncIterator[AsyncEngine]:
        """An async engine on freshly created tables, disposed (and its file removed) after."""
        async_url, _, path = self._urls()
        kwargs = {"poolclass": StaticPool} if self.key == "sqlite-mem" else {}
        engine = create_async_engine(async_url, **kwargs)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.drop_all)
                await connection.run_sync(Base.metadata.create_all)
            yield engine
        finally:
            await engine.dispose()
            if path is not None:
                path.unlink(missing_ok=True)

    @contextmanager
    def fresh_sync(self) -> Iterator[Engine]:
        """A sync engine on freshly created tables, disposed (and its file removed) after."""
        _, sync_url, path = self._urls()
        kwargs = {"poolclass": StaticPool} if self.key == "sqlite-mem" else {}
        engine = create_engine(sync_url, **kwargs)
        try:
            with engine.begin() as connection:
                Base.metadata.drop_all(connection)
                Base.metadata.create_all(connection)
            yield engine
        finally:
            engine.dispose()
            if path is not None:
                path.unlink(missing_ok=True)
