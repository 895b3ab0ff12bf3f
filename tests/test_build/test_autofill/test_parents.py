"""Required foreign keys get real parents: from the model's factory, else an autofilled one."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import AsyncFactory, AutofillError, Sequence, SubFactory
from asyncfactories._build.autofill import factory_for
from tests.conftest import make_engine
from tests.test_build.test_autofill.models import Author, Book, Loose, Node, Publisher, Review


class PublisherFactory(AsyncFactory[Publisher]):
    """The factory autofill uses for books' publishers."""

    country = "NL"


class BookFactory(AsyncFactory[Book]):
    """Declares nothing: author and publisher come from autofill."""


class ReviewFactory(AsyncFactory[Review]):
    """Stars within the CHECK constraint; the book (and its parents) from autofill."""

    stars = 4


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.asyncio
async def test_a_required_foreign_key_gets_a_parent_per_row(autofill_session: AsyncSession) -> None:
    """Each book gets its own author (autofilled) and publisher (PublisherFactory's); no editor."""
    books = await BookFactory.create_batch(20, session=autofill_session)
    assert len({b.author.id for b in books}) == 20
    assert {b.publisher.country for b in books} == {"NL"}
    assert all(b.author_id == b.author.id and b.editor is None for b in books)
    assert (await count(autofill_session, Author), await count(autofill_session, Publisher)) == (
        20,
        20,
    )


@pytest.mark.asyncio
async def test_a_given_parent_key_or_none_is_kept(autofill_session: AsyncSession) -> None:
    """An author passed as object or as key is used; no other author is made."""
    author = (await BookFactory.create(session=autofill_session)).author
    by_object = await BookFactory.create(session=autofill_session, author=author)
    by_key = await BookFactory.create(session=autofill_session, author_id=author.id)
    assert by_object.author is author
    assert by_key.author_id == author.id
    assert await count(autofill_session, Author) == 1


@pytest.mark.asyncio
async def test_parents_of_parents_are_made_under_create_batch_and_load(
    autofill_engine: AsyncEngine, autofill_session: AsyncSession
) -> None:
    """A review's book gets an author and a publisher too, in batches and in loads."""
    reviews = await ReviewFactory.create_batch(10, session=autofill_session)
    assert all(r.book.author.email and r.book.publisher.country == "NL" for r in reviews)
    await autofill_session.commit()
    assert await ReviewFactory.load(30, engine=autofill_engine, chunk_size=7) == 30
    counts = [await count(autofill_session, m) for m in (Review, Book, Author, Publisher)]
    assert counts == [40, 40, 40, 40]


def test_build_builds_the_parents_in_memory() -> None:
    """build(): the whole chain exists as objects, nothing is written."""
    review = ReviewFactory.build()
    assert review.book.author.email
    assert review.book.publisher.country == "NL"
    assert review.book_id is None


def test_the_last_factory_defined_for_a_model_is_used_and_held_weakly() -> None:
    """A newer root factory takes over while it lives; subclasses never do."""

    class DutchPublisherFactory(PublisherFactory):
        name = "Dutch"

    assert factory_for(Publisher) is PublisherFactory

    class BelgianPublisherFactory(AsyncFactory[Publisher]):
        country = "BE"

    assert factory_for(Publisher) is BelgianPublisherFactory
    assert BookFactory.build().publisher.country == "BE"
    del BelgianPublisherFactory, DutchPublisherFactory
    gc.collect()
    assert factory_for(Publisher) is PublisherFactory
    assert factory_for(Author) is None


def test_a_required_foreign_key_without_a_relationship_says_how_to_declare_it() -> None:
    """No relationship to give the parent through: AutofillError on first use, with the fix."""

    class LooseFactory(AsyncFactory[Loose]):
        pass

    with pytest.raises(AutofillError) as caught:
        LooseFactory.build()
    assert str(caught.value) == (
        "LooseFactory.author_id: is a required foreign key to af_authors, and no relationship "
        "of Loose goes through it for autofill to give a parent; declare it, e.g. "
        '`author_id = SelfAttribute("parent.id")` with `parent = SubFactory(ParentFactory)` '
        "in class Params, or map a relationship()."
    )


@pytest.mark.asyncio
async def test_a_cycle_of_required_parents_is_named(autofill_session: AsyncSession) -> None:
    """A required self-reference: AutofillError naming the cycle, not a RecursionError."""

    class NodeFactory(AsyncFactory[Node]):
        pass

    with pytest.raises(AutofillError, match=r"form a cycle \(af_nodes -> af_nodes\)"):
        NodeFactory.build()
    with pytest.raises(AutofillError, match=r"declare parent \(a SubFactory"):
        await NodeFactory.create(session=autofill_session)


def test_a_parent_model_autofill_cannot_fill_names_the_factory_to_define() -> None:
    """The parent's own autofilled factory fails: the fix is a factory for that model."""

    class Base(DeclarativeBase):
        pass

    class Server(Base):
        __tablename__ = "af_servers"
        id: Mapped[int] = mapped_column(primary_key=True)
        address: Mapped[str] = mapped_column(postgresql.INET)

    class Disk(Base):
        __tablename__ = "af_disks"
        id: Mapped[int] = mapped_column(primary_key=True)
        server_id: Mapped[int] = mapped_column(ForeignKey("af_servers.id"))
        server: Mapped[Server] = relationship()

    class DiskFactory(AsyncFactory[Disk]):
        pass

    with pytest.raises(AutofillError) as caught:
        DiskFactory.build()
    assert caught.value.factory == "ServerAutofillFactory"
    assert caught.value.fix == "define a factory for Server that declares address"

    class ServerFactory(AsyncFactory[Server]):
        address = "192.0.2.1"

    assert DiskFactory.build().server.address == "192.0.2.1"


@pytest.mark.asyncio
async def test_a_factory_defined_before_its_parent_model_still_gets_parents(backend: str) -> None:
    """Autofill never configures the mappers at class definition: the parent may come later."""

    class Base(DeclarativeBase):
        pass

    class Leaf(Base):
        __tablename__ = "af_leaves"
        id: Mapped[int] = mapped_column(primary_key=True)
        colour: Mapped[str] = mapped_column(String(10))
        tree_id: Mapped[int] = mapped_column(ForeignKey("af_trees.id"))
        tree: Mapped[Tree] = relationship("Tree")

    class LeafFactory(AsyncFactory[Leaf]):  # Tree does not exist yet
        pass

    class Tree(Base):
        __tablename__ = "af_trees"
        id: Mapped[int] = mapped_column(primary_key=True)
        species: Mapped[str] = mapped_column(String(20))

    globals()["Tree"] = Tree  # the annotation's name, for the mapper to resolve
    engine = make_engine(backend)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            leaves = await LeafFactory.create_batch(3, session=session)
            assert all(leaf.tree_id == leaf.tree.id and leaf.tree.species for leaf in leaves)
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
    finally:
        del globals()["Tree"]
        await engine.dispose()


def test_a_declared_subfactory_of_the_only_key_to_its_table_needs_no_check_per_row() -> None:
    """A SubFactory making the parent's table: no AutoParent; two keys to one table: one each."""

    class AuthorFactory(AsyncFactory[Author]):
        email = Sequence(lambda n: f"author{n}@example.org")

    class WithPublisherFactory(AsyncFactory[Book]):
        publisher = SubFactory(PublisherFactory)

    class WithAuthorFactory(AsyncFactory[Book]):
        author = SubFactory(AuthorFactory)

    assert [p.keys for p in WithPublisherFactory._options.post.values()] == [("author_id",)]
    assert sorted(p.keys for p in WithAuthorFactory._options.post.values()) == [
        ("author_id",),
        ("publisher_id",),
    ]
    book = WithAuthorFactory.build()
    assert book.author.email.endswith("@example.org")
    assert book.editor is None
    del AuthorFactory, WithAuthorFactory, WithPublisherFactory, book
    gc.collect()  # the registry holds it weakly: other tests see no Author factory
    assert factory_for(Author) is None


def test_a_subfactory_held_in_params_does_not_count_as_the_parent() -> None:
    """A Params SubFactory never reaches the model: the key still gets its parent."""

    class HelperFactory(AsyncFactory[Book]):
        class Params:
            helper = SubFactory(PublisherFactory)

    assert HelperFactory.build().publisher.country == "NL"
