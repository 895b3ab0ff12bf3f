"""Static checks run by mypy (not by pytest): the public API is typed in the model."""

from __future__ import annotations

from typing import Any, assert_type

from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import (
    AsyncFactory,
    Faker,
    Sequence,
    StubObject,
    SubFactory,
    make_factory,
    use_session,
)
from asyncfactories.examples.agents.models import AgentRegistry, Episode


class AgentFactory(AsyncFactory[AgentRegistry]):
    name = Faker("company")
    class_name = Sequence(lambda n: f"Agent{n}")


class EpisodeFactory(AsyncFactory[Episode]):
    agent = SubFactory(AgentFactory)


async def typed(session: AsyncSession) -> None:
    assert_type(await AgentFactory.create(session=session), AgentRegistry)
    assert_type(await AgentFactory.create_batch(3, session=session), list[AgentRegistry])
    assert_type(AgentFactory.build(), AgentRegistry)
    assert_type(AgentFactory.build_batch(2), list[AgentRegistry])
    assert_type(AgentFactory.attributes(), dict[str, Any])
    assert_type(await EpisodeFactory.create(session=session, agent__name="x"), Episode)
    assert_type(await AgentFactory(session=session, name="x"), AgentRegistry)
    assert_type(await EpisodeFactory(agent__name="x"), Episode)
    assert_type(AgentFactory.stub(), StubObject)
    assert_type(AgentFactory.stub_batch(2), list[StubObject])
    assert_type(AgentFactory.generate("build"), AgentRegistry)
    assert_type(await AgentFactory.generate("create"), AgentRegistry)
    assert_type(AgentFactory.generate("stub"), StubObject)
    assert_type(await AgentFactory.generate_batch("create", 2), list[AgentRegistry])
    assert_type(AgentFactory.simple_generate(False), AgentRegistry)
    assert_type(await AgentFactory.simple_generate(True), AgentRegistry)
    assert_type(AgentFactory.simple_generate_batch(False, 2), list[AgentRegistry])
    assert_type(make_factory(AgentRegistry), type[AsyncFactory[Any]])
    async with use_session(session) as bound:
        assert_type(bound, AsyncSession)
