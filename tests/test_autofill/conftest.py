"""The autofill tables, created fresh per test on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import make_engine
from tests.test_autofill.models import AutofillBase, PgOnlyBase


async def _recreate(engine: AsyncEngine, *metadatas: MetaData) -> None:
    async with engine.begin() as connection:
        for metadata in metadatas:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)


@pytest_asyncio.fixture
async def autofill_engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """An engine with the autofill tables (and, on PostgreSQL, the PostgreSQL-only ones)."""
    engine = make_engine(backend)
    metadatas = [AutofillBase.metadata]
    if backend == "postgresql":
        metadatas.append(PgOnlyBase.metadata)
    await _recreate(engine, *metadatas)
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(metadata.drop_all)
        await engine.dispose()


@pytest_asyncio.fixture
async def autofill_session(autofill_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the autofill tables."""
    async with AsyncSession(autofill_engine, expire_on_commit=False) as session:
        yield session
