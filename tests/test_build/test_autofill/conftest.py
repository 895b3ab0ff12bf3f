"""The autofill tables, created fresh per test on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import fresh_tables, make_engine
from tests.test_build.test_autofill.models import AutofillBase, PgOnlyBase


@pytest_asyncio.fixture
async def autofill_engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """An engine with the autofill tables (and, on PostgreSQL, the PostgreSQL-only ones)."""
    metadatas = [AutofillBase.metadata]
    if backend == "postgresql":
        metadatas.append(PgOnlyBase.metadata)
    async with fresh_tables(make_engine(backend), *metadatas) as engine:
        yield engine


@pytest_asyncio.fixture
async def autofill_session(autofill_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the autofill tables."""
    async with AsyncSession(autofill_engine, expire_on_commit=False) as session:
        yield session
