"""Small helpers the test modules share."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


async def count(where: AsyncSession | AsyncEngine, model: type) -> int:
    """Rows of ``model``'s table, read through a session or a fresh connection of an engine."""
    query = select(func.count()).select_from(model)
    if isinstance(where, AsyncSession):
        return int(await where.scalar(query) or 0)
    async with where.connect() as connection:
        return int(await connection.scalar(query) or 0)
