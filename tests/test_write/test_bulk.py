"""create_batch: one INSERT round trip per table, atomic, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import (
    AsyncFactory,
    FactoryArgumentError,
    Faker,
    LazyFunction,
    PersistenceError,
    SelfAttribute,
    Sequence,
    SubFactory,
    fuzzy,
)
from asyncfactories.examples.agents.models import (
    AgentMaturity,
    AgentRegistry,
    AgentStatus,
    Episode,
    EpisodeSegment,
    EpisodeStatus,
    SegmentType,
)
from tests.conftest import StatementLog
from tests.helpers import count
from tests.models import Member, Team

pytestmark = pytest.mark.asyncio
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class ChainAgentFactory(AsyncFactory[AgentRegistry]):
    name = Faker("company")
    description = "d"
    category = "ops"
    module_path = "agents.ops"
    class_name = Sequence(lambda n: f"Agent{n}")
    maturity = fuzzy.FuzzyChoice(AgentMaturity)
    confidence_score = fuzzy.FuzzyFloat(0, 1)
    status = AgentStatus.ACTIVE
    configuration = LazyFunction(dict)


class ChainEpisodeFactory(AsyncFactory[Episode]):
    agent = SubFactory(ChainAgentFactory)
    workspace_id = "w"
    title = Faker("sentence")
    summary = "s"
    maturity_at_time = SelfAttribute("agent.maturity")
    status = EpisodeStatus.ACTIVE
    started_at = NOW
    human_intervention_count = 0
    confidence_score = 0.5
    canvas_ids = LazyFunction(list)
    feedback_ids = LazyFunction(list)
    topics = LazyFunction(list)
    entities = LazyFunction(list)


class ChainSegmentFactory(AsyncFactory[EpisodeSegment]):
    episode = SubFactory(ChainEpisodeFactory)
    segment_type = SegmentType.CONVERSATION
    sequence_order = 0
    content = "c"
    content_summary = "s"
    source_type = "chat"


class TeamFactory(AsyncFactory[Team]):
    name = Sequence(lambda n: f"team-{n}")


class MemberFactory(AsyncFactory[Member]):
    team = SubFactory(TeamFactory)
    email = Sequence(lambda n: f"member{n}@example.org")
    name = "m"


async def test_a_batch_of_chains_is_one_insert_per_table(
    session: AsyncSession, sql_log: StatementLog
) -> None:
    """2,000 segments with new episode and agent parents: 3 INSERT round trips."""
    await session.connection()
    sql_log.clear()
    segments = await ChainSegmentFactory.create_batch(2000, session=session)
    assert sql_log.count("INSERT") == 3
    assert len(segments) == 2000
    joined = select(func.count()).select_from(EpisodeSegment).join(Episode).join(AgentRegistry)
    assert await session.scalar(joined) == 2000
    assert await count(session, AgentRegistry) == 2000


async def test_a_large_batch_splits_only_at_the_parameter_limit(
    session: AsyncSession, sql_log: StatementLog
) -> None:
    """10,000 agents read back created_at in as few pages as the bound-parameter limit allows."""
    await session.connection()
    sql_log.clear()
    agents = await ChainAgentFactory.create_batch(10_000, session=session)
    columns = len(AgentRegistry.__table__.columns) - 2  # created_at and updated_at are not sent
    expected_pages = -(-10_000 * columns // 32_000)
    assert sql_log.count("INSERT") <= expected_pages + 1
    assert all(agent.created_at is not None for agent in agents)
    assert await count(session, AgentRegistry) == 10_000


async def test_integer_keys_are_written_back_in_order(session: AsyncSession) -> None:
    """Autoincrement keys come back to the right objects, and children point at them."""
    members = await MemberFactory.create_batch(50, session=session)
    rows = dict((await session.execute(select(Member.email, Member.team_id))).all())
    assert {m.email: m.team.id for m in members} == rows
    assert all(m.team_id == m.team.id for m in members)


async def test_create_batch_zero_sends_nothing(
    session: AsyncSession, sql_log: StatementLog
) -> None:
    """create_batch(0) returns [] without a statement."""
    assert await MemberFactory.create_batch(0, session=session) == []
    assert sql_log.statements == []


async def test_negative_batch_size_is_refused(session: AsyncSession) -> None:
    """A negative size is a FactoryArgumentError naming the fix."""
    with pytest.raises(FactoryArgumentError, match=r"MemberFactory: create_batch\(\) got size=-1"):
        await MemberFactory.create_batch(-1, session=session)


async def test_a_declaration_raising_mid_batch_writes_nothing(session: AsyncSession) -> None:
    """The batch is built before any INSERT: an error at row k leaves no row."""
    await TeamFactory.create(session=session, name="before")
    calls = iter(range(100))

    def flaky() -> str:
        if next(calls) == 7:
            raise RuntimeError("boom")
        return "x"

    with pytest.raises(RuntimeError, match="boom") as info:
        await MemberFactory.create_batch(10, session=session, name=LazyFunction(flaky))
    assert any("MemberFactory.name" in note for note in info.value.__notes__)
    assert await count(session, Member) == 0
    assert await count(session, Team) == 1


async def test_a_unique_violation_rolls_back_the_whole_batch(session: AsyncSession) -> None:
    """A duplicate inside a batch: none of the batch stays, earlier rows do, the session works."""
    earlier = await MemberFactory.create(session=session, email="taken@example.org")
    emails = iter(["a@example.org", "b@example.org", "taken@example.org", "c@example.org"])
    with pytest.raises(PersistenceError) as info:
        await MemberFactory.create_batch(
            4, session=session, email=LazyFunction(lambda: next(emails))
        )
    error = info.value
    assert error.factory == "MemberFactory"
    assert error.field == "email"
    assert error.table == "af_members"
    assert "unique" in str(error)
    assert await count(session, Member) == 1
    assert await count(session, Team) == 1
    assert earlier.email == "taken@example.org"
    again = await MemberFactory.create(session=session)
    assert again.id is not None
    assert await count(session, Member) == 2


async def test_a_foreign_key_violation_rolls_back_the_whole_batch(session: AsyncSession) -> None:
    """A child pointing at no row: none of the batch stays and the error says foreign key."""
    await TeamFactory.create(session=session)

    class LooseMemberFactory(AsyncFactory[Member]):
        team_id = LazyFunction(lambda: 987654)
        email = Sequence(lambda n: f"loose{n}@example.org")
        name = "x"

    with pytest.raises(PersistenceError, match="foreign key") as info:
        await LooseMemberFactory.create_batch(3, session=session)
    assert info.value.factory == "LooseMemberFactory"
    assert await count(session, Member) == 0
    assert await count(session, Team) == 1


async def test_a_check_violation_names_the_constraint(session: AsyncSession) -> None:
    """A CHECK constraint failure names the constraint."""
    with pytest.raises(PersistenceError, match="ck_member_age") as info:
        await MemberFactory.create(session=session, age=-1)
    assert info.value.constraint == "ck_member_age"
    assert await count(session, Member) == 0


async def test_a_single_failed_create_leaves_the_session_usable(session: AsyncSession) -> None:
    """After a refused create(), the session keeps earlier rows and accepts new ones."""
    first = await MemberFactory.create(session=session, email="one@example.org")
    with pytest.raises(PersistenceError):
        await MemberFactory.create(session=session, email="one@example.org", team=first.team)
    await MemberFactory.create(session=session, email="two@example.org", team=first.team)
    assert await count(session, Member) == 2


async def test_batch_objects_get_the_batch_children_in_their_collections(
    session: AsyncSession,
) -> None:
    """Parents made in a batch list the children made with them."""
    team = await TeamFactory.create(session=session)
    members = await MemberFactory.create_batch(3, session=session, team=team)
    assert team.members == members


async def test_nested_overrides_reach_every_level_of_a_batch(session: AsyncSession) -> None:
    """create_batch(episode__agent__name=...) sets the grandparent's field."""
    segments = await ChainSegmentFactory.create_batch(3, session=session, episode__agent__name="x")
    assert {s.episode.agent.name for s in segments} == {"x"}
    names = (await session.scalars(select(AgentRegistry.name))).all()
    assert names == ["x", "x", "x"]
