"""Fidelity defects the two-way oracle cannot express: round trips, hooks, transactions, load()."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import (
    LazyAttribute,
    PersistenceError,
    SelfAttribute,
    Sequence,
    SubFactory,
    post_generation,
)
from tests.conftest import StatementLog, make_engine
from tests.fidelity import factories as f
from tests.fidelity import models as m
from tests.fidelity.oracle import drop, fresh

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """Fresh fidelity tables on ``backend``."""
    engine = make_engine(backend)
    await fresh(engine)
    try:
        yield engine
    finally:
        await drop(engine)
        await engine.dispose()


@pytest.fixture
def inserts(engine: AsyncEngine) -> AsyncIterator[StatementLog]:
    """Every statement the engine sends."""
    log = StatementLog()
    event.listen(engine.sync_engine, "before_cursor_execute", log)
    yield log
    event.remove(engine.sync_engine, "before_cursor_execute", log)


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_integer_key_chains_are_one_insert_per_table(
    engine: AsyncEngine, inserts: StatementLog
) -> None:
    """2,000 posts with their authors, integer autoincrement keys: two INSERTs, on SQLite too."""
    async with AsyncSession(engine) as session:
        inserts.clear()
        posts = await f.PostFactory.create_batch(2_000, session=session)
        assert inserts.count("INSERT") == 2
        assert len({p.author_id for p in posts}) == 2_000
        joined = await session.scalar(
            select(func.count()).select_from(m.Post).join(m.Author, m.Post.author_id == m.Author.id)
        )
        assert joined == 2_000


async def test_a_self_referential_batch_is_one_insert_per_level(
    engine: AsyncEngine, inserts: StatementLog
) -> None:
    """Three levels of nodes: three INSERTs, each child pointing at its written parent."""
    async with AsyncSession(engine) as session:
        inserts.clear()
        leaves = await f.NodeFactory.create_batch(100, session=session, levels=2)
        assert inserts.count("INSERT") == 3
        for leaf in leaves:
            assert leaf.parent is not None
            assert leaf.parent_id == leaf.parent.id
            assert leaf.parent.parent is not None
            assert leaf.parent.parent_id == leaf.parent.parent.id
        stored = await session.scalar(
            select(func.count()).select_from(m.Node).where(m.Node.parent_id.is_not(None))
        )
        assert stored == 200


class TaggedPostFactory(f.PostFactory):
    """factory_boy's many-to-many recipe: the hook extends the collection."""

    @post_generation
    def tags(obj: m.Post, create: bool, extracted: Any, **kwargs: Any) -> None:  # type: ignore[misc]
        if create and extracted:
            obj.tags.extend(extracted)


async def test_a_hook_may_extend_a_collection_under_create_batch(engine: AsyncEngine) -> None:
    """The many-to-many recipe works in a batch and writes the association rows."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        tags = await f.TagFactory.create_batch(2, session=session)
        posts = await TaggedPostFactory.create_batch(3, session=session, tags=tags)
        assert all(p.tags == tags for p in posts)
        links = await session.scalar(select(func.count()).select_from(m.post_tags))
        assert links == 6


_calls: list[object] = []


class FailingHookFactory(f.PostFactory):
    """A hook that raises at the third row."""

    @post_generation
    def check(obj: m.Post, create: bool, extracted: Any, **kwargs: Any) -> None:  # type: ignore[misc]
        _calls.append(obj)
        if len(_calls) % 3 == 0:
            raise ValueError("third row refused")


async def test_a_hook_that_raises_leaves_nothing_of_its_batch(engine: AsyncEngine) -> None:
    """Rows, session state and parents' collections are as before the batch."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        before = await f.PostFactory.create(session=session)
        _calls.clear()
        with pytest.raises(ValueError, match="third row refused"):
            await FailingHookFactory.create_batch(3, session=session)
        assert await _count(session, m.Post) == 1
        assert await _count(session, m.Author) == 1
        assert set(session.identity_map.values()) >= {before}
        assert all(isinstance(o, m.Post | m.Author) for o in session.identity_map.values())
        assert len([o for o in session.identity_map.values() if isinstance(o, m.Post)]) == 1
        await f.PostFactory.create_batch(2, session=session)
        assert await _count(session, m.Post) == 3


async def test_a_failed_batch_keeps_the_callers_outer_transaction(engine: AsyncEngine) -> None:
    """A session joined to the caller's transaction (SQLAlchemy's default mode) keeps its work."""
    async with engine.connect() as connection:
        await connection.begin()
        await connection.execute(insert(m.Author).values(id=1, label="outer work"))
        session = AsyncSession(bind=connection, expire_on_commit=False)
        with pytest.raises(PersistenceError):
            await f.AuthorFactory.create_batch(2, session=session, id=Sequence(lambda n: 1))
        assert await _count(session, m.Author) == 1
        await session.close()
        await connection.rollback()


async def test_objects_are_transient_after_rollback_and_can_be_created_again(
    engine: AsyncEngine,
) -> None:
    """After rollback the objects are transient (as after an ORM flush) and a new batch works."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        first = await f.PostFactory.create_batch(3, session=session)
        await session.rollback()
        assert all(inspect(p).transient for p in first)
        again = await f.PostFactory.create_batch(3, session=session)
        await session.commit()
        assert all(inspect(p).persistent for p in again)
        assert await _count(session, m.Post) == 3


async def test_load_fills_expression_and_context_defaults(engine: AsyncEngine) -> None:
    """load() (COPY on PostgreSQL) leaves no SQL-expression or context-sensitive default NULL."""
    await f.DefaultsFactory.load(50, engine=engine)
    await f.KeyedDefaultsFactory.load(50, engine=engine)
    async with AsyncSession(engine) as session:
        rows = (await session.scalars(select(m.Defaults))).all()
        keyed = (await session.scalars(select(m.KeyedDefaults))).all()
    assert len(rows) == len(keyed) == 50
    assert all(r.expression is not None for r in [*rows, *keyed])
    assert all(r.context == f"ctx-{r.label}" for r in [*rows, *keyed])
    assert all(r.scalar == 7 for r in [*rows, *keyed])
    assert all(r.server == "srv" for r in rows)


class KeyReadingPostFactory(f.PostFactory):
    """Fields that read the SubFactory parent's database-generated key."""

    label = LazyAttribute(lambda o: f"post-of-{o.author.id}")
    title_key = SelfAttribute("author.id")

    class Params:
        title_key = None


async def test_a_field_reading_a_parents_generated_key_gets_it(
    engine: AsyncEngine, inserts: StatementLog
) -> None:
    """The parent is written before the declarations that read it, still one INSERT per table."""
    async with AsyncSession(engine) as session:
        inserts.clear()
        posts = await KeyReadingPostFactory.create_batch(5, session=session)
        assert inserts.count("INSERT") == 2
        assert all(p.label == f"post-of-{p.author.id}" for p in posts)
        stored = (await session.scalars(select(m.Post.label))).all()
        assert sorted(stored) == sorted(f"post-of-{p.author_id}" for p in posts)


async def test_load_gives_deferred_fields_their_parents_keys(engine: AsyncEngine) -> None:
    """load() writes a parent before resolving the fields that read its key."""
    await KeyReadingPostFactory.load(30, engine=engine, chunk_size=10)
    async with AsyncSession(engine) as session:
        rows = (await session.execute(select(m.Post.label, m.Post.author_id))).all()
    assert len(rows) == 30
    assert all(label == f"post-of-{author_id}" for label, author_id in rows)


async def test_load_with_a_persistent_parent_keeps_no_loaded_row_alive(engine: AsyncEngine) -> None:
    """load(n, author=existing): the rows point at the author; its collection does not hold them."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        author = await f.AuthorFactory.create(session=session)
        await session.commit()
        assert author.posts == []
        await f.PostFactory.load(300, session=session, chunk_size=100, author=author)
        assert "posts" not in author.__dict__  # expired: the next read loads the 300 rows
        assert len(inspect(author).attrs.posts.history.added) == 0
        loaded = await session.run_sync(lambda _: list(author.posts))
        assert len(loaded) == 300


class UniquePostFactory(f.PostFactory):
    """get_or_create keyed on a relationship and a column."""

    class Meta:
        get_or_create = ("author", "label")

    label = "same"


class HookedUniqueAuthorFactory(f.AuthorFactory):
    """get_or_create with a hook that records what it ran on."""

    class Meta:
        get_or_create = ("label",)

    label = "the one"

    @post_generation
    def seen(obj: m.Author, create: bool, extracted: Any, **kwargs: Any) -> None:  # type: ignore[misc]
        _calls.append(obj)


class UniqueManagerFactory(f.ManagerFactory):
    """get_or_create on a mapper the ORM flush writes (inheritance)."""

    class Meta:
        get_or_create = ("label",)

    label = "boss"


async def test_get_or_create_keyed_on_a_relationship_reuses_the_row(engine: AsyncEngine) -> None:
    """("author", "label") matches on the author's key: one row per (author, label)."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        author = await f.AuthorFactory.create(session=session)
        first = await UniquePostFactory.create(session=session, author=author)
        again = await UniquePostFactory.create_batch(3, session=session, author=author)
        assert all(p is first for p in again)
        assert await _count(session, m.Post) == 1


async def test_get_or_create_hooks_run_on_the_object_returned(engine: AsyncEngine) -> None:
    """The post_generation hook sees the existing row, not a discarded duplicate."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        first = await HookedUniqueAuthorFactory.create(session=session)
        _calls.clear()
        again = await HookedUniqueAuthorFactory.create(session=session)
        assert again is first
        assert _calls == [first]


async def test_get_or_create_works_on_the_orm_flush_path(engine: AsyncEngine) -> None:
    """A single-table-inheritance factory with get_or_create reuses its row."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        boss = await UniqueManagerFactory.create(session=session)
        again = await UniqueManagerFactory.create_batch(2, session=session)
        assert all(e is boss for e in again)
        assert await _count(session, m.Employee) == 1


async def test_load_honours_get_or_create(engine: AsyncEngine) -> None:
    """load() of posts whose author is get_or_create writes one author."""
    await f.AuthorFactory.load(1, engine=engine, label="shared")  # exists before the load

    class SharedAuthorFactory(f.AuthorFactory):
        class Meta:
            get_or_create = ("label",)

        label = "shared"

    await f.PostFactory.load(
        40, engine=engine, chunk_size=10, author=SubFactory(SharedAuthorFactory)
    )
    async with AsyncSession(engine) as session:
        assert await _count(session, m.Author) == 1
        authors = set((await session.scalars(select(m.Post.author_id))).all())
        assert len(authors) == 1


async def test_inherited_models_get_readable_collections(engine: AsyncEngine) -> None:
    """A joined-inheritance row (written by the ORM flush) lists its children without SQL."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        car = await f.CarFactory.create(session=session)
        cars = await f.CarFactory.create_batch(2, session=session)
        assert car.garages == []
        assert all(c.garages == [] for c in cars)
        garage = await f.GarageFactory.create(session=session, car=car)
        assert car.garages == [garage]
