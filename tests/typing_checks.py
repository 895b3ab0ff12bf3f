# pyright: reportUnnecessaryTypeIgnoreComment=error
"""Static checks run by mypy and pyright, both strict (not by pytest): typed in the model.

The second half is a user's factories file as it would be written: ``post_generation``
hooks (sync and ``async def``), ``Sequence`` / ``LazyAttribute`` lambdas, a subclass
that turns a SubFactory off with ``None``, and ``register()`` fixtures.
"""

from __future__ import annotations

from typing import Any, TypeVar, assert_type

from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import (
    AsyncFactory,
    Faker,
    LazyAttribute,
    LazyAttributeSequence,
    PostGeneration,
    Sequence,
    StubObject,
    SubFactory,
    make_factory,
    post_generation,
    use_session,
)
from asyncfactories.examples.agents.models import AgentRegistry, Episode
from asyncfactories.pytest_plugin import Fixture, register


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


# -- a user's factories file ----------------------------------------------------------

ObjT = TypeVar("ObjT")


def hook_object(hook: PostGeneration[ObjT, Any]) -> ObjT:
    """The type a hook's ``obj`` has (never called: the checkers read the signature)."""
    raise NotImplementedError


def _module_hook(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:
    obj.description = "module-level hook"


class UserAgentFactory(AsyncFactory[AgentRegistry]):
    name = Sequence(lambda n: f"user{n}")
    class_name = LazyAttribute(lambda o: o.name.replace(" ", "") + "Agent")
    module_path = LazyAttributeSequence(lambda o, n: f"agents.{o.class_name.lower()}{n}")

    # pyright requires the first parameter of a function in a class body to accept the
    # class, so a hook typed with the model is a staticmethod under @post_generation.
    @post_generation
    @staticmethod
    def tags(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.configuration = {"tags": list(extracted or []), "created": create, **kwargs}

    @post_generation
    @staticmethod
    async def audit(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.category = str(extracted or "audited")

    audited = post_generation(_module_hook)


class MypyStyleAgentFactory(AsyncFactory[AgentRegistry]):
    # mypy accepts the model-typed hook as a plain method; pyright does not (see above).
    @post_generation
    def tags(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:  # pyright: ignore[reportGeneralTypeIssues]  # pyright's rule for the first parameter of any function in a class body; the staticmethod form above passes both
        obj.name = "x"


class UserEpisodeFactory(AsyncFactory[Episode]):
    agent = SubFactory(UserAgentFactory)
    title = Faker("sentence")


class LoneEpisodeFactory(UserEpisodeFactory):
    agent = None  # no parent agent
    title = "fixed"  # a plain value where the parent declared one


user_agent_factory, user_agent = register(UserAgentFactory)
_, lone_episode = register(LoneEpisodeFactory, "lone_episode", title="x")


async def user_factories(session: AsyncSession) -> None:
    assert_type(hook_object(UserAgentFactory.tags), AgentRegistry)
    assert_type(hook_object(UserAgentFactory.audit), AgentRegistry)
    assert_type(hook_object(UserAgentFactory.audited), AgentRegistry)
    assert_type(hook_object(MypyStyleAgentFactory.tags), AgentRegistry)
    assert_type(UserAgentFactory.tags, PostGeneration[AgentRegistry, None])
    assert_type(UserAgentFactory.name, Sequence)
    assert_type(UserAgentFactory.class_name, LazyAttribute)
    assert_type(UserEpisodeFactory.agent, SubFactory)
    assert_type(LoneEpisodeFactory.agent, None)
    assert_type(await LoneEpisodeFactory.create(session=session), Episode)
    assert_type(user_agent_factory, Fixture[type[AsyncFactory[AgentRegistry]]])
    assert_type(user_agent, Fixture[AgentRegistry])
    assert_type(lone_episode, Fixture[Episode])
