"""The compatibility tests' tables join the shared ones on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.compat.models import Base
from tests.conftest import fresh_tables, make_engine


@pytest_asyncio.fixture
async def engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """The shared test tables plus the compatibility ones, created fresh."""
    async with fresh_tables(make_engine(backend)) as engine:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        try:
            yield engine
        finally:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.drop_all)
