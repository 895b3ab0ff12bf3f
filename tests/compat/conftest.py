"""The compatibility tests' tables join the shared ones on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.compat.models import Base
from tests.conftest import METADATAS, fresh_tables, make_engine


@pytest_asyncio.fixture
async def engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """The shared test tables plus the compatibility ones, created fresh."""
    async with fresh_tables(make_engine(backend), *METADATAS, Base.metadata) as engine:
        yield engine
