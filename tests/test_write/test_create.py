"""create(): one object and its parents in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from asyncfactories import (
    AsyncFactory,
    LazyFunction,
    Sequence,
    SubFactory,
    post_generation,
)
from tests.helpers import count
from tests.loadfactories import LoadMemberFactory as MemberFactory
from tests.loadfactories import LoadTeamFactory as TeamFactory
from tests.models import Badge, Member, Team

pytestmark = pytest.mark.asyncio


async def test_create_inserts_the_row_and_its_subfactory_parent(session: AsyncSession) -> None:
    """The object and its parent get keys and are rows in the database."""
    member = await MemberFactory.create(session=session)
    assert member.id is not None
    assert member.team.id is not None
    assert member.team_id == member.team.id
    assert await count(session, Member) == 1
    assert await count(session, Team) == 1


async def test_create_applies_python_column_defaults(session: AsyncSession) -> None:
    """Column defaults (Member.age=30, Team.level=1) are on the returned object."""
    member = await MemberFactory.create(session=session)
    assert member.age == 30
    assert member.team.level == 1
    assert member.nickname is None


async def test_server_defaults_read_without_a_lazy_load(session: AsyncSession) -> None:
    """A server-default column is read back, so reading it needs no await."""
    team = await TeamFactory.create(session=session)
    assert team.created_at is not None  # would raise MissingGreenlet if left expired


async def test_created_collections_are_loaded_and_follow_new_children(
    session: AsyncSession,
) -> None:
    """team.members reads without a lazy load and shows members created later."""
    team = await TeamFactory.create(session=session)
    assert team.members == []
    member = await MemberFactory.create(session=session, team=team)
    assert team.members == [member]


async def test_created_objects_are_persistent_in_the_session(session: AsyncSession) -> None:
    """Changing a created object and flushing updates its row."""
    team = await TeamFactory.create(session=session)
    team.name = "renamed"
    await session.flush()
    assert await session.scalar(select(Team.name).where(Team.id == team.id)) == "renamed"


async def test_persistence_commit_commits_the_rows(engine: AsyncEngine) -> None:
    """Meta.persistence = 'commit' makes the rows visible to a new session."""

    class CommittedTeamFactory(TeamFactory):
        class Meta:
            persistence = "commit"

    async with AsyncSession(engine, expire_on_commit=False) as first:
        await CommittedTeamFactory.create(session=first, name="committed")
    async with AsyncSession(engine) as second:
        assert await second.scalar(select(Team.name)) == "committed"


async def test_default_persistence_leaves_the_transaction_open(engine: AsyncEngine) -> None:
    """With the default ('flush'), rolling back the session removes the rows."""
    async with AsyncSession(engine, expire_on_commit=False) as first:
        await TeamFactory.create(session=first)
        assert await count(first, Team) == 1
        await first.rollback()
        assert await count(first, Team) == 0


async def test_session_factory_sessions_are_committed_and_closed(engine: AsyncEngine) -> None:
    """A session the factory opened itself is committed and closed by it."""
    sessions = async_sessionmaker(engine)  # expire_on_commit left True on purpose

    class OwnTeamFactory(TeamFactory):
        class Meta:
            session_factory = sessions

    team = await OwnTeamFactory.create(name="own")
    assert team.name == "own"  # still readable after the factory's commit
    async with AsyncSession(engine) as check:
        assert await check.scalar(select(Team.name)) == "own"


async def test_factory_boy_meta_names_are_accepted(engine: AsyncEngine) -> None:
    """sqlalchemy_session_factory / _persistence / _get_or_create are aliases."""

    class AliasedTeamFactory(TeamFactory):
        class Meta:
            sqlalchemy_session_factory = async_sessionmaker(engine, expire_on_commit=False)
            sqlalchemy_session_persistence = "commit"
            sqlalchemy_get_or_create = ("name",)

    first = await AliasedTeamFactory.create(name="same")
    second = await AliasedTeamFactory.create(name="same")
    assert first.id == second.id


async def test_get_or_create_returns_a_row_the_factory_did_not_make(session: AsyncSession) -> None:
    """get_or_create finds rows inserted by other code, and inserts nothing."""

    class GetTeamFactory(TeamFactory):
        class Meta:
            get_or_create = ("name",)

    existing = Team(name="existing")
    session.add(existing)
    await session.flush()
    found = await GetTeamFactory.create(session=session, name="existing")
    assert found is existing
    assert await count(session, Team) == 1
    fresh = await GetTeamFactory.create(session=session, name="fresh")
    assert fresh is not existing
    assert await count(session, Team) == 2


async def test_get_or_create_reuses_twins_within_one_batch(session: AsyncSession) -> None:
    """Rows of one batch with the same key become one row."""

    class GetTeamFactory(TeamFactory):
        class Meta:
            get_or_create = ("name",)

    teams = await GetTeamFactory.create_batch(4, session=session, name="shared")
    assert len({id(team) for team in teams}) == 1
    assert await count(session, Team) == 1


async def test_get_or_create_on_a_parent_reuses_it_for_children(session: AsyncSession) -> None:
    """A SubFactory with get_or_create points every child at the one existing parent."""

    class GetTeamFactory(TeamFactory):
        class Meta:
            get_or_create = ("name",)

    class ClubMemberFactory(MemberFactory):
        team = SubFactory(GetTeamFactory, name="club")

    members = await ClubMemberFactory.create_batch(3, session=session)
    assert {m.team_id for m in members} == {members[0].team.id}
    assert await count(session, Team) == 1


async def test_async_declarations_are_awaited_under_create(session: AsyncSession) -> None:
    """An async def LazyFunction is awaited by create()."""

    async def pick_name() -> str:
        return "awaited"

    class AsyncTeamFactory(TeamFactory):
        name = LazyFunction(pick_name)

    assert (await AsyncTeamFactory.create(session=session)).name == "awaited"


async def test_post_generation_runs_after_the_row_exists(session: AsyncSession) -> None:
    """Under create, hooks see a persisted object and create=True; async hooks are awaited."""
    seen: list[tuple[bool, int | None]] = []

    class HookTeamFactory(TeamFactory):
        @post_generation
        async def audit(obj: Team, create: bool, extracted: object, **kwargs: object) -> None:
            seen.append((create, await session.scalar(select(Team.id).where(Team.id == obj.id))))

    team = await HookTeamFactory.create(session=session)
    assert seen == [(True, team.id)]


async def test_post_generation_changes_are_flushed(session: AsyncSession) -> None:
    """A hook that changes the object has its change written."""

    class NickMemberFactory(MemberFactory):
        @post_generation
        def nick(obj: Member, create: bool, extracted: str | None, **kwargs: object) -> None:
            obj.nickname = extracted or "nick"

    member = await NickMemberFactory.create(session=session, nick="zed")
    session.expire(member, ["nickname"])
    assert await session.scalar(select(Member.nickname).where(Member.id == member.id)) == "zed"


async def test_a_transient_parent_passed_in_is_inserted_too(session: AsyncSession) -> None:
    """An object built (not created) and passed as a parent is inserted with the batch."""
    team = TeamFactory.build(name="built")
    member = await MemberFactory.create(session=session, team=team)
    assert team.id is not None
    assert member.team_id == team.id
    assert await count(session, Team) == 1


async def test_a_pending_parent_passed_in_is_flushed_first(session: AsyncSession) -> None:
    """An object added to the session but not flushed gets its key before the child."""
    team = Team(name="pending")
    session.add(team)
    member = await MemberFactory.create(session=session, team=team)
    assert member.team_id == team.id is not None


async def test_model_validators_still_run(session: AsyncSession) -> None:
    """@validates on a column sees every value the factory sets, built or created."""

    class BadgeFactory(AsyncFactory[Badge]):
        label = Sequence(lambda n: f"badge-{n}")

    assert BadgeFactory.build(label="new").label == "NEW"
    badges = await BadgeFactory.create_batch(3, session=session)
    stored = (await session.scalars(select(Badge.label).order_by(Badge.id))).all()
    assert stored == [b.label for b in badges]
    assert all(label.isupper() for label in stored)
