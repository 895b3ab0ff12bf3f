"""Pool: a few parents made once per call (or per load) and shared by its rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import (
    AsyncFactory,
    FactoryArgumentError,
    FactoryDefinitionError,
    LazyAttribute,
    PersistenceError,
    Pool,
    SelfAttribute,
    Trait,
    seed,
)
from asyncfactories.examples.agents.factories import (
    AgentFactory,
    EpisodeFactory,
    EpisodeSegmentFactory,
    UserFactory,
)
from asyncfactories.examples.agents.models import AgentRegistry, Episode, EpisodeSegment, User
from tests.conftest import StatementLog
from tests.helpers import count


class PooledEpisodeFactory(EpisodeFactory):
    """Episodes of five shared agents, declared in the class body."""

    agent = Pool(AgentFactory, 5)
    title = LazyAttribute(lambda o: f"about {o.agent.name}")


@pytest.mark.asyncio
async def test_a_batch_of_1000_over_a_pool_of_10_writes_10_parents_in_one_insert(
    engine: AsyncEngine, session: AsyncSession, sql_log: StatementLog
) -> None:
    """The issue's figure: 10 agents in one INSERT, every episode pointing at one of them."""
    sql_log.clear()
    episodes = await EpisodeFactory.create_batch(
        1000, session=session, agent=Pool(AgentFactory, 10)
    )
    assert sql_log.count("INSERT") == 3  # agents, users, episodes: one each
    assert await count(session, AgentRegistry) == 10
    uses = dict(
        (
            await session.execute(select(Episode.agent_id, func.count()).group_by(Episode.agent_id))
        ).all()
    )
    agent_ids = set(await session.scalars(select(AgentRegistry.id)))
    assert set(uses) == agent_ids  # every parent used, every row on one of them
    assert sorted(uses.values()) == [100] * 10  # cycle: evenly spread
    assert {e.agent_id for e in episodes} == agent_ids


@pytest.mark.asyncio
async def test_random_pick_uses_every_member_in_a_random_order(session: AsyncSession) -> None:
    episodes = await EpisodeFactory.create_batch(
        30, session=session, agent=Pool(AgentFactory, 10, pick="random")
    )
    uses = Counter(e.agent_id for e in episodes)
    assert len(uses) == 10
    assert set(uses.values()) == {3}  # each member once per round
    rounds = {tuple(e.agent_id for e in episodes[i : i + 10]) for i in (0, 10, 20)}
    assert len(rounds) > 1  # each round is shuffled afresh


@pytest.mark.asyncio
async def test_overrides_reach_the_pooled_factory(session: AsyncSession) -> None:
    """Keyword defaults on the Pool, and ``agent__field`` overrides of the call."""
    episodes = await EpisodeFactory.create_batch(
        6, session=session, agent=Pool(AgentFactory, 2, category="finance"), agent__status="ACTIVE"
    )
    agents = {e.agent for e in episodes}
    assert len(agents) == 2
    assert {(a.category, str(a.status)) for a in agents} == {("finance", "ACTIVE")}


@pytest.mark.asyncio
async def test_a_pool_at_depth_shares_grandparents(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """``episode__agent=Pool(...)``: 20 segments, 20 episodes, 4 agents."""
    segments = await EpisodeSegmentFactory.create_batch(
        20, session=session, episode__agent=Pool(AgentFactory, 4)
    )
    assert await count(session, EpisodeSegment) == 20
    assert await count(session, Episode) == 20
    assert await count(session, AgentRegistry) == 4
    assert len({s.episode.agent_id for s in segments}) == 4


@pytest.mark.asyncio
async def test_existing_objects_are_shared_and_not_written_again(
    engine: AsyncEngine, session: AsyncSession, sql_log: StatementLog
) -> None:
    agents = await AgentFactory.create_batch(3, session=session)
    sql_log.clear()
    episodes = await EpisodeFactory.create_batch(9, session=session, agent=Pool(agents))
    assert sql_log.count("INSERT") == 2  # users and episodes; no agent
    assert await count(session, AgentRegistry) == 3
    assert [e.agent for e in episodes[:3]] == agents
    assert Counter(e.agent_id for e in episodes) == {a.id: 3 for a in agents}


@pytest.mark.asyncio
async def test_a_declared_pool_is_made_afresh_for_each_call(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    """Two create_batch calls, two pools of five; fields reading the member see it."""
    first = await PooledEpisodeFactory.create_batch(10, session=session)
    second = await PooledEpisodeFactory.create_batch(10, session=session)
    assert len({e.agent_id for e in first}) == 5
    assert not {e.agent_id for e in first} & {e.agent_id for e in second}
    assert await count(session, AgentRegistry) == 10
    assert all(e.title == f"about {e.agent.name}" for e in first + second)


@pytest.mark.asyncio
async def test_fields_reading_the_member_see_its_key(session: AsyncSession) -> None:
    """Under create, a field reading ``agent.id`` waits for the pooled agent's row."""

    class KeyedFactory(EpisodeFactory):
        agent = Pool(AgentFactory, 2)
        summary = LazyAttribute(lambda o: str(o.agent.id))
        workspace_id = SelfAttribute("agent.name")

    episodes = await KeyedFactory.create_batch(4, session=session)
    assert [e.summary for e in episodes] == [str(e.agent_id) for e in episodes]
    assert [e.workspace_id for e in episodes] == [e.agent.name for e in episodes]
    assert all(e.agent_id is not None for e in episodes)


def test_build_batch_shares_the_members_in_memory() -> None:
    episodes = EpisodeFactory.build_batch(7, agent=Pool(AgentFactory, 3))
    assert len({id(e.agent) for e in episodes}) == 3
    assert episodes[0].agent is episodes[3].agent is episodes[6].agent


def test_a_trait_can_reach_into_a_pooled_factory() -> None:
    class TraitedFactory(EpisodeFactory):
        class Params:
            finance = Trait(agent__category="finance")

        agent = Pool(AgentFactory, 2)

    episodes = TraitedFactory.build_batch(4, finance=True)
    assert {e.agent.category for e in episodes} == {"finance"}
    assert len({id(e.agent) for e in episodes}) == 2


@pytest.mark.asyncio
async def test_a_failing_batch_leaves_no_member(engine: AsyncEngine, session: AsyncSession) -> None:
    """Members join the batch: the batch's failure takes them with it."""
    with pytest.raises(PersistenceError):
        await EpisodeFactory.create_batch(
            5, session=session, agent=Pool(AgentFactory, 2), title=None
        )
    assert await count(engine, AgentRegistry) == 0
    assert await count(engine, Episode) == 0


@pytest.mark.asyncio
async def test_load_makes_the_pool_once_across_its_chunks(engine: AsyncEngine) -> None:
    written = await EpisodeFactory.load(
        2_500,
        engine=engine,
        chunk_size=1_000,
        agent=Pool(AgentFactory, 10),
        user=Pool(UserFactory, 3),
    )
    assert written == 2_500
    assert await count(engine, AgentRegistry) == 10
    assert await count(engine, User) == 3
    async with engine.connect() as connection:
        used = await connection.scalar(select(func.count(func.distinct(Episode.agent_id))))
    assert used == 10


@pytest.mark.asyncio
async def test_load_shares_existing_objects(engine: AsyncEngine, session: AsyncSession) -> None:
    agents = await AgentFactory.create_batch(2, session=session)
    await session.commit()
    await EpisodeFactory.load(100, engine=engine, chunk_size=30, agent=Pool(agents))
    assert await count(engine, AgentRegistry) == 2
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(Episode.agent_id, func.count()).group_by(Episode.agent_id)
            )
        ).all()
    assert dict(rows) == {agents[0].id: 50, agents[1].id: 50}


@pytest.mark.asyncio
async def test_each_load_worker_makes_its_own_pool(durable_engine: AsyncEngine) -> None:
    written = await EpisodeFactory.load(
        400, engine=durable_engine, workers=2, chunk_size=100, agent=Pool(AgentFactory, 5)
    )
    assert written == 400
    assert await count(durable_engine, AgentRegistry) == 10  # five per worker
    async with durable_engine.connect() as connection:
        used = await connection.scalar(select(func.count(func.distinct(Episode.agent_id))))
    assert used == 10


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: Pool(AgentFactory), "needs a size of 1 or more"),
        (lambda: Pool(AgentFactory, 0), "needs a size of 1 or more"),
        (lambda: Pool(AgentFactory, "10"), "needs a size of 1 or more"),
        (lambda: Pool(AgentFactory, 3, pick="round-robin"), "is not a way to pick"),
        (lambda: Pool([]), "needs a factory or a non-empty list"),
        (lambda: Pool(42), "needs a factory or a non-empty list"),
        (lambda: Pool([AgentRegistry()], size=2), "takes no size or field defaults"),
        (lambda: Pool(AgentFactory.build(), 2), "needs a factory or a non-empty list"),
    ],
)
def test_a_pool_it_cannot_use_is_refused_with_the_fix(make: Any, says: str) -> None:
    with pytest.raises(FactoryDefinitionError, match=says) as caught:
        make()
    assert caught.value.fix


def test_a_pool_declared_in_a_class_body_names_the_factory_and_field() -> None:
    with pytest.raises(FactoryDefinitionError) as caught:

        class BadFactory(AsyncFactory[Episode]):
            agent = Pool(AgentFactory, size=-1)

    assert caught.value.factory == "BadFactory"
    assert caught.value.field == "agent"


def test_a_pooled_factory_without_the_field_is_refused() -> None:
    with pytest.raises(FactoryDefinitionError, match="nmae"):
        EpisodeFactory.build(agent=Pool(AgentFactory, 2, nmae="x"))


def test_overrides_cannot_reach_into_given_objects() -> None:
    agents = AgentFactory.build_batch(2)
    with pytest.raises(FactoryArgumentError, match="shares given objects") as caught:
        EpisodeFactory.build(agent=Pool(agents), agent__name="x")
    assert caught.value.factory == "EpisodeFactory"
    assert caught.value.field == "agent__name"


@pytest.mark.asyncio
async def test_a_second_load_makes_its_own_pool_past_the_first(durable_engine: AsyncEngine) -> None:
    """Appending: the second load's pooled users (unique emails) continue past the first's."""
    for _ in range(2):
        await EpisodeFactory.load(
            50, engine=durable_engine, chunk_size=20, user=Pool(UserFactory, 3)
        )
    assert await count(durable_engine, User) == 6
    async with durable_engine.connect() as connection:
        emails = set(await connection.scalars(select(User.email)))
    assert len(emails) == 6


def test_random_picks_come_from_the_fields_own_stream() -> None:
    """Same seed, same order; another field given a value leaves the picks as they were."""

    def picks(**overrides: Any) -> list[str]:
        seed(7)
        pool = Pool(AgentFactory, 4, pick="random")
        return [e.agent.name for e in EpisodeFactory.build_batch(12, agent=pool, **overrides)]

    first = picks()
    assert picks() == first
    assert picks(title="fixed", workspace_id="ws-1") == first
    assert len(set(first)) == 4
    assert first[:4] != first[4:8] or first[4:8] != first[8:]  # rounds are shuffled
