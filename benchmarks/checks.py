"""After the timed region: did the case really write what it claims to have written?

Every table's row count must equal the floor's (the floor mirrors the
factories, so this also catches a floor that drifted from them), every other
table of the domain must be empty, and for chains every segment must join to
its episode, and that episode to its agent and its user.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncfactories.examples.agents.models import AgentRegistry, Base, Episode, EpisodeSegment, User

__all__ = ("CheckFailed", "verify_async", "verify_sync")

_JOINED = (
    select(func.count())
    .select_from(EpisodeSegment)
    .join(Episode, EpisodeSegment.episode_id == Episode.id)
    .join(AgentRegistry, Episode.agent_id == AgentRegistry.id)
    .join(User, Episode.user_id == User.id)
)


class CheckFailed(AssertionError):
    """A case wrote other rows than it should have."""


def _verify(connection: Connection, expected: dict[str, int], chains: int | None) -> None:
    wrong = {}
    for table in Base.metadata.sorted_tables:
        got = connection.scalar(select(func.count()).select_from(table))
        if got != expected.get(table.name, 0):
            wrong[table.name] = (got, expected.get(table.name, 0))
    if chains is not None:
        joined = connection.scalar(_JOINED)
        if joined != chains:
            wrong["segment→episode→agent+user join"] = (joined, chains)
    if wrong:
        details = ", ".join(
            f"{name}: {got} rows, expected {want}" for name, (got, want) in wrong.items()
        )
        raise CheckFailed(details)


async def verify_async(engine: AsyncEngine, expected: dict[str, int], chains: int | None) -> None:
    """Check the row counts (and the chain join) through a new connection of ``engine``."""
    async with engine.connect() as connection:
        await connection.run_sync(_verify, expected, chains)


def verify_sync(engine: Engine, expected: dict[str, int], chains: int | None) -> None:
    """Check the row counts (and the chain join) through a new connection of ``engine``."""
    with engine.connect() as connection:
        _verify(connection, expected, chains)
