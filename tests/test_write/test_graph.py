"""The call's objects as the write path groups them: each keeps the factory that made it.

The save-update cascade can reach a SubFactory's object (an agent's ``episodes``
backref reaches the episode) before the object's own entry in the call; it must
still count as made by its factory, for get_or_create and for error messages.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import PersistenceError, Sequence, SubFactory
from asyncfactories.examples.agents.factories import EpisodeFactory, EpisodeSegmentFactory
from asyncfactories.examples.agents.models import Episode, EpisodeSegment


class SharedEpisodeFactory(EpisodeFactory):
    """Episodes looked up by title before one is written."""

    class Meta:
        get_or_create = ("title",)


class SegmentOfSharedFactory(EpisodeSegmentFactory):
    episode = SubFactory(SharedEpisodeFactory)
    sequence_order = Sequence(lambda n: n)


@pytest.mark.asyncio
async def test_get_or_create_of_a_subfactory_reached_through_a_backref(
    session: AsyncSession,
) -> None:
    """Three segments of the episode titled "same": one episode, not three."""
    segments = await SegmentOfSharedFactory.create_batch(3, session=session, episode__title="same")
    assert await session.scalar(select(func.count()).select_from(Episode)) == 1
    assert len({s.episode_id for s in segments}) == 1
    assert await session.scalar(select(func.count()).select_from(EpisodeSegment)) == 3


@pytest.mark.asyncio
async def test_a_failing_subfactory_row_is_named_after_its_own_factory(
    session: AsyncSession,
) -> None:
    with pytest.raises(PersistenceError) as caught:
        await EpisodeSegmentFactory.create_batch(2, session=session, episode__title=None)
    assert caught.value.factory == "EpisodeFactory"
    assert caught.value.field == "title"
    assert str(caught.value).startswith("EpisodeFactory.title: INSERT into episodes")
