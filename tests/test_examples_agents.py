"""The sample domain's invariants (DESIGN.md), under build, create, create_batch and load.

Database checks read the rows back as plain columns (not ORM entities, which
the session would hand back from its identity map unchanged), on SQLite and
PostgreSQL. SQLite returns ``DateTime(timezone=True)`` values naive, so every
moment is compared as naive UTC.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import inspect
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories.examples.agents as agents
from asyncfactories import AsyncFactory
from asyncfactories.examples.agents import (
    DEFAULT_PASSWORD,
    AdminUserFactory,
    AgentExecution,
    AgentExecutionFactory,
    AgentFactory,
    AgentMaturity,
    AgentRegistry,
    AgentRegistryFactory,
    AutonomousAgentFactory,
    CanvasAudit,
    CanvasAuditFactory,
    Episode,
    EpisodeFactory,
    EpisodeSegment,
    EpisodeSegmentFactory,
    EpisodeStatus,
    EpisodeWithSegmentsFactory,
    ExecutionStatus,
    InternAgentFactory,
    MemberUserFactory,
    StudentAgentFactory,
    SupervisedAgentFactory,
    User,
    UserFactory,
    UserRole,
)
from tests.helpers import count

BATCH = 500

MATURITY_VARIANTS = [
    pytest.param(StudentAgentFactory, AgentMaturity.STUDENT, 0.0, 0.5, id="student"),
    pytest.param(InternAgentFactory, AgentMaturity.INTERN, 0.5, 0.7, id="intern"),
    pytest.param(SupervisedAgentFactory, AgentMaturity.SUPERVISED, 0.7, 0.9, id="supervised"),
    pytest.param(AutonomousAgentFactory, AgentMaturity.AUTONOMOUS, 0.9, 1.0, id="autonomous"),
]
RANGES = {
    AgentMaturity.STUDENT: (0.0, 0.5),
    AgentMaturity.INTERN: (0.5, 0.7),
    AgentMaturity.SUPERVISED: (0.7, 0.9),
    AgentMaturity.AUTONOMOUS: (0.9, 1.0),
}
ROLE_VARIANTS = [
    pytest.param(AdminUserFactory, UserRole.ADMIN, id="admin"),
    pytest.param(MemberUserFactory, UserRole.MEMBER, id="member"),
]
EPISODE_TRAITS = [
    pytest.param(name, status, id=name)
    for name, status in [
        ("active", EpisodeStatus.ACTIVE),
        ("completed", EpisodeStatus.COMPLETED),
        ("archived", EpisodeStatus.ARCHIVED),
        ("consolidated", EpisodeStatus.CONSOLIDATED),
    ]
]
EXECUTION_TRAITS = [
    pytest.param(name, status, id=name)
    for name, status in [
        ("running", ExecutionStatus.RUNNING),
        ("completed", ExecutionStatus.COMPLETED),
        ("failed", ExecutionStatus.FAILED),
        ("cancelled", ExecutionStatus.CANCELLED),
    ]
]
EVERY_FACTORY = [
    pytest.param(factory, model, id=factory.__name__)
    for factory, model in [
        (AgentFactory, AgentRegistry),
        (StudentAgentFactory, AgentRegistry),
        (InternAgentFactory, AgentRegistry),
        (SupervisedAgentFactory, AgentRegistry),
        (AutonomousAgentFactory, AgentRegistry),
        (UserFactory, User),
        (AdminUserFactory, User),
        (MemberUserFactory, User),
        (EpisodeFactory, Episode),
        (EpisodeWithSegmentsFactory, Episode),
        (EpisodeSegmentFactory, EpisodeSegment),
        (AgentExecutionFactory, AgentExecution),
        (CanvasAuditFactory, CanvasAudit),
    ]
]
EPISODE_FINISHED = {EpisodeStatus.COMPLETED, EpisodeStatus.ARCHIVED, EpisodeStatus.CONSOLIDATED}
EXECUTION_FINISHED = {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED}


def naive_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` as naive UTC, whether the backend returned it aware or naive."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def assert_episode_times(status: object, started: Any, ended: Any) -> None:
    """A finished episode ends, not before it starts; an active one has no end."""
    if status in EPISODE_FINISHED:
        start, end = naive_utc(started), naive_utc(ended)
        assert start is not None
        assert end is not None, status
        assert end >= start
    else:
        assert status == EpisodeStatus.ACTIVE
        assert ended is None


def assert_execution_times(
    status: object, started: Any, completed: Any, error: Any, duration: Any
) -> None:
    """End time, error message and duration agree with the execution's status."""
    if status in EXECUTION_FINISHED:
        assert completed is not None, status
        start, end = naive_utc(started), naive_utc(completed)
        assert start is not None
        assert end is not None
        assert end >= start
        assert duration == pytest.approx((end - start).total_seconds(), abs=1e-6)
    else:
        assert status == ExecutionStatus.RUNNING
        assert completed is None
        assert duration is None
    if status == ExecutionStatus.FAILED:
        assert error
    else:
        assert error is None


async def execution_rows(session: AsyncSession) -> list[Any]:
    """Every execution's status, times, error and duration as stored."""
    result = await session.execute(
        select(
            AgentExecution.status,
            AgentExecution.started_at,
            AgentExecution.completed_at,
            AgentExecution.error_message,
            AgentExecution.duration_seconds,
        )
    )
    return list(result.all())


async def segment_orders(session: AsyncSession) -> dict[object, list[int]]:
    """Each episode's segment orders as stored, sorted."""
    result = await session.execute(select(EpisodeSegment.episode_id, EpisodeSegment.sequence_order))
    orders: dict[object, list[int]] = defaultdict(list)
    for episode_id, order in result.all():
        orders[episode_id].append(order)
    return {key: sorted(value) for key, value in orders.items()}


# --------------------------------------------------------------------------- the package


def test_agent_factory_and_agent_registry_factory_are_one_class() -> None:
    """``AgentRegistryFactory`` is an alias of ``AgentFactory``, the name users write."""
    assert AgentRegistryFactory is AgentFactory
    assert AgentFactory.__name__ == "AgentFactory"


def test_package_exports_every_model_enum_and_factory() -> None:
    """``asyncfactories.examples.agents`` re-exports its models, enums and factories."""
    assert isinstance(agents.__all__, tuple)
    for name in agents.__all__:
        assert hasattr(agents, name), name
    factories = {n for n in agents.__all__ if n.endswith("Factory")}
    assert len(factories) == 14
    assert {"AgentMaturity", "ExecutionStatus", "Episode", "CanvasAudit", "Base"} <= set(
        agents.__all__
    )


def test_every_example_factory_has_a_docstring() -> None:
    """Each factory of the sample domain says what it makes in one line."""
    for name in agents.__all__:
        obj = getattr(agents, name)
        if inspect.isclass(obj) and issubclass(obj, AsyncFactory):
            assert (obj.__doc__ or "").strip(), name


# --------------------------------------------------------------------------- agents


@pytest.mark.parametrize(("factory", "maturity", "low", "high"), MATURITY_VARIANTS)
def test_maturity_variants_build_agents_in_their_confidence_range(
    factory: Any, maturity: AgentMaturity, low: float, high: float
) -> None:
    """Each maturity factory sets its maturity and draws confidence from its range (build)."""
    for agent in factory.build_batch(BATCH):
        assert agent.maturity is maturity
        assert low <= agent.confidence_score <= high


@pytest.mark.asyncio
@pytest.mark.parametrize(("factory", "maturity", "low", "high"), MATURITY_VARIANTS)
async def test_maturity_variants_create_agents_in_their_confidence_range(
    session: AsyncSession, factory: Any, maturity: AgentMaturity, low: float, high: float
) -> None:
    """Each maturity factory's created agent is stored with its maturity and range."""
    agent = await factory.create(session=session)
    stored = (
        await session.execute(
            select(AgentRegistry.maturity, AgentRegistry.confidence_score).where(
                AgentRegistry.id == agent.id
            )
        )
    ).one()
    assert stored.maturity is maturity
    assert low <= stored.confidence_score <= high


@pytest.mark.asyncio
@pytest.mark.parametrize(("factory", "maturity", "low", "high"), MATURITY_VARIANTS)
async def test_maturity_variants_create_batches_in_their_confidence_range(
    session: AsyncSession, factory: Any, maturity: AgentMaturity, low: float, high: float
) -> None:
    """A batch of 500 of each maturity factory keeps maturity and range in the database."""
    await factory.create_batch(BATCH, session=session)
    rows = (
        await session.execute(select(AgentRegistry.maturity, AgentRegistry.confidence_score))
    ).all()
    assert len(rows) == BATCH
    for stored_maturity, confidence in rows:
        assert stored_maturity is maturity
        assert low <= confidence <= high


@pytest.mark.asyncio
async def test_any_maturity_agents_draw_confidence_from_their_maturity_range(
    session: AsyncSession,
) -> None:
    """The plain AgentFactory mixes maturities, each with its own confidence range."""
    await AgentFactory.create_batch(BATCH, session=session)
    rows = (
        await session.execute(select(AgentRegistry.maturity, AgentRegistry.confidence_score))
    ).all()
    assert {maturity for maturity, _ in rows} == set(AgentMaturity)
    for maturity, confidence in rows:
        low, high = RANGES[maturity]
        assert low <= confidence <= high


# --------------------------------------------------------------------------- users


@pytest.mark.parametrize(("factory", "role"), ROLE_VARIANTS)
def test_role_factories_build_users_with_their_role(factory: Any, role: UserRole) -> None:
    """AdminUserFactory builds admins and MemberUserFactory members."""
    assert {user.role for user in factory.build_batch(BATCH)} == {role}


@pytest.mark.asyncio
@pytest.mark.parametrize(("factory", "role"), ROLE_VARIANTS)
async def test_role_factories_create_users_with_their_role(
    session: AsyncSession, factory: Any, role: UserRole
) -> None:
    """A created user and a batch of 500 are stored with the factory's role."""
    user = await factory.create(session=session)
    assert await session.scalar(select(User.role).where(User.id == user.id)) is role
    await factory.create_batch(BATCH, session=session)
    roles = (await session.scalars(select(User.role))).all()
    assert len(roles) == BATCH + 1
    assert set(roles) == {role}


def test_users_share_a_hash_of_the_default_password() -> None:
    """Every user's ``password_hash`` is a PBKDF2 hash of DEFAULT_PASSWORD, so tests can sign in."""
    algorithm, iterations, salt, digest = UserFactory.build().password_hash.split("$")
    assert algorithm == "pbkdf2_sha256"
    key = hashlib.pbkdf2_hmac("sha256", DEFAULT_PASSWORD.encode(), salt.encode(), int(iterations))
    assert base64.b64encode(key).decode() == digest


@pytest.mark.asyncio
async def test_a_batch_of_500_users_has_500_distinct_emails(session: AsyncSession) -> None:
    """UserFactory's emails never repeat, and each is an email."""
    await UserFactory.create_batch(BATCH, session=session)
    assert await session.scalar(select(func.count(distinct(User.email)))) == BATCH
    for email in (await session.scalars(select(User.email))).all():
        local, _, domain = email.partition("@")
        assert local
        assert "." in domain


# --------------------------------------------------------------------------- episodes


def test_built_episodes_end_only_when_finished_and_never_before_they_start() -> None:
    """Every status appears in a built batch, and each follows the time rule."""
    episodes = EpisodeFactory.build_batch(BATCH)
    assert {episode.status for episode in episodes} == set(EpisodeStatus)
    for episode in episodes:
        assert episode.started_at.tzinfo is not None
        assert_episode_times(episode.status, episode.started_at, episode.ended_at)


@pytest.mark.parametrize(("trait", "status"), EPISODE_TRAITS)
def test_episode_traits_set_the_status_and_its_end_time(trait: str, status: EpisodeStatus) -> None:
    """``EpisodeFactory.build(completed=True)`` and friends pin the status, times follow."""
    for episode in EpisodeFactory.build_batch(50, **{trait: True}):
        assert episode.status is status
        assert_episode_times(episode.status, episode.started_at, episode.ended_at)


@pytest.mark.asyncio
@pytest.mark.parametrize(("trait", "status"), EPISODE_TRAITS)
async def test_created_episodes_follow_the_time_rule_for_each_trait(
    session: AsyncSession, trait: str, status: EpisodeStatus
) -> None:
    """An episode created with a status trait is stored with a matching end time."""
    episode = await EpisodeFactory.create(session=session, **{trait: True})
    stored = (
        await session.execute(
            select(Episode.status, Episode.started_at, Episode.ended_at).where(
                Episode.id == episode.id
            )
        )
    ).one()
    assert stored.status is status
    assert_episode_times(*stored)


@pytest.mark.asyncio
async def test_a_batch_of_500_episodes_follows_the_time_rule(session: AsyncSession) -> None:
    """Stored episodes of every status end only when finished, never before they start."""
    await EpisodeFactory.create_batch(BATCH, session=session)
    rows = (
        await session.execute(select(Episode.status, Episode.started_at, Episode.ended_at))
    ).all()
    assert len(rows) == BATCH
    assert {row.status for row in rows} == set(EpisodeStatus)
    for row in rows:
        assert_episode_times(*row)


def test_built_episodes_record_their_agents_maturity() -> None:
    """``maturity_at_time`` is the maturity of the episode's own agent (build)."""
    for episode in EpisodeFactory.build_batch(BATCH):
        assert episode.maturity_at_time is episode.agent.maturity


@pytest.mark.asyncio
async def test_created_episode_records_its_agents_maturity(session: AsyncSession) -> None:
    """A created episode's ``maturity_at_time`` equals its agent's, also as stored."""
    episode = await EpisodeFactory.create(session=session, agent__maturity=AgentMaturity.INTERN)
    assert episode.maturity_at_time is AgentMaturity.INTERN
    stored = (
        await session.execute(
            select(Episode.maturity_at_time, AgentRegistry.maturity)
            .join(Episode.agent)
            .where(Episode.id == episode.id)
        )
    ).one()
    assert stored[0] is stored[1] is AgentMaturity.INTERN


@pytest.mark.asyncio
async def test_a_batch_of_500_episodes_records_each_agents_maturity(
    session: AsyncSession,
) -> None:
    """Joined back to their agents, 500 stored episodes all carry the agent's maturity."""
    episodes = await EpisodeFactory.create_batch(BATCH, session=session)
    assert all(e.maturity_at_time is e.agent.maturity for e in episodes)
    rows = (
        await session.execute(
            select(Episode.maturity_at_time, AgentRegistry.maturity).join(Episode.agent)
        )
    ).all()
    assert len(rows) == BATCH
    assert {maturity for _, maturity in rows} == set(AgentMaturity)
    assert all(at_time is maturity for at_time, maturity in rows)


@pytest.mark.asyncio
async def test_episode_maturity_follows_a_given_agent(session: AsyncSession) -> None:
    """An episode made for an existing agent records that agent's maturity."""
    agent = await AutonomousAgentFactory.create(session=session)
    episodes = await EpisodeFactory.create_batch(20, session=session, agent=agent)
    assert {e.maturity_at_time for e in episodes} == {AgentMaturity.AUTONOMOUS}


# --------------------------------------------------------------------------- segments


def test_built_episode_with_segments_numbers_them_from_zero() -> None:
    """``build(segments=5)`` gives the episode segments 0..4, each pointing back at it."""
    episode = EpisodeWithSegmentsFactory.build(segments=5)
    assert [s.sequence_order for s in episode.segments] == [0, 1, 2, 3, 4]
    assert all(s.episode is episode for s in episode.segments)


@pytest.mark.asyncio
async def test_episode_with_segments_creates_five_segments_numbered_zero_to_four(
    session: AsyncSession,
) -> None:
    """``create(segments=5)`` stores five segments of the episode, numbered 0..4."""
    episode = await EpisodeWithSegmentsFactory.create(session=session, segments=5)
    stored = (
        await session.scalars(
            select(EpisodeSegment.sequence_order)
            .where(EpisodeSegment.episode_id == episode.id)
            .order_by(EpisodeSegment.sequence_order)
        )
    ).all()
    assert stored == [0, 1, 2, 3, 4]


@pytest.mark.asyncio
async def test_a_batch_of_500_episodes_with_segments_numbers_each_from_zero(
    session: AsyncSession,
) -> None:
    """Every stored episode of the batch has segments 0, 1, 2 without gaps."""
    await EpisodeWithSegmentsFactory.create_batch(BATCH, session=session)
    orders = await segment_orders(session)
    assert len(orders) == BATCH
    assert all(order == [0, 1, 2] for order in orders.values())
    assert await count(session, EpisodeSegment) == 3 * BATCH


@pytest.mark.asyncio
async def test_a_batch_with_a_segment_count_numbers_each_episode_from_zero(
    session: AsyncSession,
) -> None:
    """``create_batch(n, segments=4)`` gives every episode segments 0..3."""
    await EpisodeWithSegmentsFactory.create_batch(50, session=session, segments=4)
    orders = await segment_orders(session)
    assert len(orders) == 50
    assert all(order == [0, 1, 2, 3] for order in orders.values())


@pytest.mark.asyncio
async def test_standalone_segments_are_the_first_of_their_own_episodes(
    session: AsyncSession,
) -> None:
    """Each EpisodeSegmentFactory segment gets a new episode and is its segment 0."""
    await EpisodeSegmentFactory.create_batch(BATCH, session=session)
    orders = await segment_orders(session)
    assert len(orders) == BATCH
    assert all(order == [0] for order in orders.values())


# --------------------------------------------------------------------------- executions


def test_built_executions_follow_the_time_error_and_duration_rules() -> None:
    """Every status appears in a built batch; end time, error and duration match it."""
    executions = AgentExecutionFactory.build_batch(BATCH)
    assert {e.status for e in executions} == set(ExecutionStatus)
    for e in executions:
        assert e.started_at.tzinfo is not None
        assert_execution_times(
            e.status, e.started_at, e.completed_at, e.error_message, e.duration_seconds
        )


def test_built_durations_equal_completed_minus_started_exactly() -> None:
    """``duration_seconds`` is computed from the two moments, not drawn beside them."""
    for e in AgentExecutionFactory.build_batch(100, completed=True):
        assert e.completed_at is not None
        assert e.duration_seconds == (e.completed_at - e.started_at).total_seconds()


@pytest.mark.parametrize(("trait", "status"), EXECUTION_TRAITS)
def test_execution_traits_set_the_status_and_what_follows(
    trait: str, status: ExecutionStatus
) -> None:
    """``AgentExecutionFactory.build(failed=True)`` and friends pin the status."""
    for e in AgentExecutionFactory.build_batch(50, **{trait: True}):
        assert e.status is status
        assert_execution_times(
            e.status, e.started_at, e.completed_at, e.error_message, e.duration_seconds
        )


@pytest.mark.asyncio
@pytest.mark.parametrize(("trait", "status"), EXECUTION_TRAITS)
async def test_created_executions_follow_the_rules_for_each_trait(
    session: AsyncSession, trait: str, status: ExecutionStatus
) -> None:
    """An execution created with a status trait is stored with matching time and error."""
    await AgentExecutionFactory.create(session=session, **{trait: True})
    (row,) = await execution_rows(session)
    assert row.status is status
    assert_execution_times(*row)


@pytest.mark.asyncio
async def test_a_batch_of_500_executions_follows_the_rules(session: AsyncSession) -> None:
    """Stored executions of every status keep the time, error and duration rules."""
    await AgentExecutionFactory.create_batch(BATCH, session=session)
    rows = await execution_rows(session)
    assert len(rows) == BATCH
    assert {row.status for row in rows} == set(ExecutionStatus)
    for row in rows:
        assert_execution_times(*row)


@pytest.mark.asyncio
async def test_a_batch_of_failed_executions_all_have_error_messages(
    session: AsyncSession,
) -> None:
    """``create_batch(n, failed=True)`` stores n failures, each with an error and an end."""
    await AgentExecutionFactory.create_batch(100, session=session, failed=True)
    rows = await execution_rows(session)
    assert len(rows) == 100
    for row in rows:
        assert row.status is ExecutionStatus.FAILED
        assert_execution_times(*row)


# --------------------------------------------------------------------------- foreign keys


@pytest.mark.asyncio
@pytest.mark.parametrize(("factory", "model"), EVERY_FACTORY)
async def test_every_factory_creates_a_batch_of_500(
    session: AsyncSession, factory: Any, model: type
) -> None:
    """Each factory of the sample domain stores a batch of 500 rows of its model."""
    made = await factory.create_batch(BATCH, session=session)
    assert len(made) == BATCH
    assert all(isinstance(obj, model) for obj in made)
    assert await count(session, model) == BATCH


@pytest.mark.asyncio
async def test_segment_episode_agent_and_user_joins_find_every_row(
    session: AsyncSession,
) -> None:
    """Joining 500 segments to their episodes, agents and users loses no row."""
    await EpisodeSegmentFactory.create_batch(BATCH, session=session)
    joined = await session.scalar(
        select(func.count())
        .select_from(EpisodeSegment)
        .join(Episode, EpisodeSegment.episode_id == Episode.id)
        .join(AgentRegistry, Episode.agent_id == AgentRegistry.id)
        .join(User, Episode.user_id == User.id)
    )
    assert joined == BATCH
    assert await count(session, Episode) == BATCH
    assert await count(session, AgentRegistry) == BATCH


@pytest.mark.asyncio
async def test_execution_and_audit_foreign_keys_point_at_real_rows(
    session: AsyncSession,
) -> None:
    """Executions join their agents, audits their agents and users, row for row."""
    await AgentExecutionFactory.create_batch(BATCH, session=session)
    await CanvasAuditFactory.create_batch(BATCH, session=session)
    executions = await session.scalar(
        select(func.count()).select_from(AgentExecution).join(AgentExecution.agent)
    )
    audits = await session.scalar(
        select(func.count()).select_from(CanvasAudit).join(CanvasAudit.agent).join(CanvasAudit.user)
    )
    assert executions == BATCH
    assert audits == BATCH


# --------------------------------------------------------------------------- load


@pytest.mark.asyncio
async def test_loaded_episodes_keep_segment_numbering_and_agent_maturity(
    session: AsyncSession,
) -> None:
    """``load()`` in chunks keeps segments 0..2 per episode and the agent's maturity."""
    assert await EpisodeWithSegmentsFactory.load(BATCH, session=session, chunk_size=200) == BATCH
    orders = await segment_orders(session)
    assert len(orders) == BATCH
    assert all(order == [0, 1, 2] for order in orders.values())
    rows = (
        await session.execute(
            select(Episode.maturity_at_time, AgentRegistry.maturity).join(Episode.agent)
        )
    ).all()
    assert len(rows) == BATCH
    assert all(at_time is maturity for at_time, maturity in rows)
    episodes = (
        await session.execute(select(Episode.status, Episode.started_at, Episode.ended_at))
    ).all()
    for row in episodes:
        assert_episode_times(*row)


@pytest.mark.asyncio
async def test_loaded_executions_follow_the_rules(session: AsyncSession) -> None:
    """``load()`` keeps the execution time, error and duration rules."""
    assert await AgentExecutionFactory.load(BATCH, session=session, chunk_size=200) == BATCH
    rows = await execution_rows(session)
    assert len(rows) == BATCH
    for row in rows:
        assert_execution_times(*row)


@pytest.mark.asyncio
@pytest.mark.parametrize(("factory", "maturity", "low", "high"), MATURITY_VARIANTS)
async def test_loaded_maturity_variants_stay_in_their_confidence_range(
    session: AsyncSession, factory: Any, maturity: AgentMaturity, low: float, high: float
) -> None:
    """``load()`` of each maturity factory keeps its maturity and confidence range."""
    await factory.load(BATCH, session=session)
    rows = (
        await session.execute(select(AgentRegistry.maturity, AgentRegistry.confidence_score))
    ).all()
    assert len(rows) == BATCH
    assert all(m is maturity and low <= c <= high for m, c in rows)
