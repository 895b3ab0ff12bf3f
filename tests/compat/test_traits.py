"""Traits, Maybe and post_generation together, as factory_boy 3.3 documents and tests them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories as factory
from tests.compat.models import Author, Book, Review


class AuthorFactory(factory.AsyncFactory[Author]):
    name = factory.Sequence(lambda n: f"author{n}")
    email = factory.Sequence(lambda n: f"a{n}@example.org")


class ReviewFactory(factory.AsyncFactory[Review]):
    score = 3


class BookFactory(factory.AsyncFactory[Book]):
    title = "dune"
    author = factory.SubFactory(AuthorFactory)
    reviews = factory.RelatedFactoryList(ReviewFactory, "book", size=2)


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.asyncio
async def test_a_trait_may_hold_a_related_factory(session: AsyncSession) -> None:
    """Trait(review=RelatedFactory(...)) adds the related row only when the trait is on."""

    class ReviewedBookFactory(factory.AsyncFactory[Book]):
        title = "x"
        author = factory.SubFactory(AuthorFactory)

        class Params:
            reviewed = factory.Trait(review=factory.RelatedFactory(ReviewFactory, "book", score=5))

    plain = ReviewedBookFactory.build()
    assert plain.reviews == []
    book = await ReviewedBookFactory.create(session=session, reviewed=True)
    assert [r.score for r in book.reviews] == [5]
    assert await rows(session, Review) == 1


def test_a_trait_sets_the_size_of_a_related_factory_list() -> None:
    """Trait(reviews=0) passes 0 to the RelatedFactoryList, as a call would."""

    class QuietBookFactory(BookFactory):
        class Params:
            unreviewed = factory.Trait(reviews=0)

    assert len(QuietBookFactory.build().reviews) == 2
    assert QuietBookFactory.build(unreviewed=True).reviews == []


def test_a_trait_reaches_into_a_related_factory_list() -> None:
    """Trait(reviews__score=1) reaches the related objects' fields; a call still wins."""

    class HarshBookFactory(BookFactory):
        class Params:
            harsh = factory.Trait(reviews__score=1)

    assert [r.score for r in HarshBookFactory.build(harsh=True).reviews] == [1, 1]
    called = HarshBookFactory.build(harsh=True, reviews__score=2)
    assert [r.score for r in called.reviews] == [2, 2]


def test_an_async_post_generation_hook_does_not_stop_build() -> None:
    """build() calls an async hook with create=False; one that returns early just works."""
    seen: list[bool] = []

    class HookedAuthorFactory(AuthorFactory):
        @factory.post_generation
        async def audit(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> None:
            seen.append(create)
            if not create:
                return
            await asyncio.sleep(0)

    class HookedBookFactory(BookFactory):
        author = factory.SubFactory(HookedAuthorFactory)

    assert HookedBookFactory.build().author.name.startswith("author")
    assert seen == [False]


@pytest.mark.asyncio
async def test_the_async_hook_is_awaited_under_create(session: AsyncSession) -> None:
    """The same hook awaits under create(), with create=True."""
    seen: list[bool] = []

    class HookedAuthorFactory(AuthorFactory):
        @factory.post_generation
        async def audit(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> None:
            if create:
                await asyncio.sleep(0)
            seen.append(create)

    await HookedAuthorFactory.create(session=session)
    assert seen == [True]


def test_a_trait_may_switch_a_post_generation_hook() -> None:
    """Trait(tagged=post_generation(...)) runs that hook only under the trait."""

    def mark(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.name = f"{obj.name}!"

    class MarkedAuthorFactory(AuthorFactory):
        name = "ann"

        class Params:
            loud = factory.Trait(shout=factory.post_generation(mark))

    assert MarkedAuthorFactory.build().name == "ann"
    assert MarkedAuthorFactory.build(loud=True).name == "ann!"


def test_a_post_generation_hook_reads_a_trait_flag() -> None:
    """A hook sees a trait's field values, which the trait set before the object was made."""

    class FlaggedAuthorFactory(AuthorFactory):
        active = True

        class Params:
            retired = factory.Trait(active=False)

        @factory.post_generation
        def suffix(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> None:
            if not obj.active:
                obj.name = "retired"

    assert FlaggedAuthorFactory.build(retired=True).name == "retired"
    assert FlaggedAuthorFactory.build().name != "retired"


def test_cyclic_traits_are_refused_at_class_definition() -> None:
    """Traits that switch each other on in a circle are a CyclicDeclarationError."""
    with pytest.raises(factory.CyclicDeclarationError, match="loud"):

        class CyclicFactory(AuthorFactory):
            class Params:
                loud = factory.Trait(proud=True, name="L")
                proud = factory.Trait(loud=True, email="p@x.org")


def test_maybe_with_post_generation_branches() -> None:
    """Maybe(decider, post_generation(...), SKIP) runs the hook only when the decider is true."""

    def shout(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.name = obj.name.upper()

    class MaybeAuthorFactory(AuthorFactory):
        class Params:
            loud = False

        name = "ann"
        post = factory.Maybe("loud", factory.post_generation(shout), factory.SKIP)

    assert MaybeAuthorFactory.build().name == "ann"
    assert MaybeAuthorFactory.build(loud=True).name == "ANN"


def test_maybe_mixing_a_post_branch_and_a_value_is_refused() -> None:
    """factory_boy refuses a Maybe with one post-generation and one plain branch."""

    def hook(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        return None

    with pytest.raises(factory.FactoryDefinitionError, match="mixes"):

        class MixedFactory(AuthorFactory):
            class Params:
                flag = True

            post = factory.Maybe("flag", factory.post_generation(hook), "value")


def test_maybe_accepts_a_dotted_decider() -> None:
    """Maybe("author.active", ...) reads through the SubFactory object."""

    class StatusBookFactory(factory.AsyncFactory[Book]):
        author = factory.SubFactory(AuthorFactory, active=True)
        title = factory.Maybe("author.active", "by an active author", "by a retired author")

    assert StatusBookFactory.build().title == "by an active author"
    assert StatusBookFactory.build(author__active=False).title == "by a retired author"


def test_a_trait_switched_per_object_keeps_its_nested_overrides() -> None:
    """Trait(author__name="x") switched by an Iterator applies the nested override per object."""

    class AlternatingBookFactory(factory.AsyncFactory[Book]):
        title = "t"
        author = factory.SubFactory(AuthorFactory, email="same@example.org")

        class Params:
            famous = factory.Trait(author__name="famous")

    books = AlternatingBookFactory.build_batch(4, famous=factory.Iterator([True, False]))
    assert [b.author.name == "famous" for b in books] == [True, False, True, False]
    assert {b.author.email for b in books} == {"same@example.org"}
    overridden = AlternatingBookFactory.build(famous=factory.Iterator([True]), author__email="e")
    assert (overridden.author.name, overridden.author.email) == ("famous", "e")


def test_a_trait_switched_per_object_sets_a_related_factory_list() -> None:
    """Trait(reviews=0) and Trait(reviews__score=1) follow a per-object switch."""

    class SwitchedBookFactory(BookFactory):
        class Params:
            quiet = factory.Trait(reviews=0)
            harsh = factory.Trait(reviews__score=1)

    quiet = SwitchedBookFactory.build_batch(2, quiet=factory.Iterator([True, False]))
    assert [len(b.reviews) for b in quiet] == [0, 2]
    harsh = SwitchedBookFactory.build_batch(2, harsh=factory.Iterator([False, True]))
    assert [[r.score for r in b.reviews] for b in harsh] == [[3, 3], [1, 1]]


@pytest.mark.asyncio
async def test_a_trait_switched_per_object_adds_a_related_factory(session: AsyncSession) -> None:
    """Trait(review=RelatedFactory(...)) switched per object adds the row only where it is on."""

    class SometimesReviewedFactory(factory.AsyncFactory[Book]):
        title = "x"
        author = factory.SubFactory(AuthorFactory)

        class Params:
            reviewed = factory.Trait(review=factory.RelatedFactory(ReviewFactory, "book", score=4))

    books = await SometimesReviewedFactory.create_batch(
        3, session=session, reviewed=factory.Iterator([True, False])
    )
    reviewed = (await session.scalars(select(Review.book_id).order_by(Review.book_id))).all()
    assert reviewed == [books[0].id, books[2].id]
