"""What a factory_boy class body may hold: ``_x`` declarations, property setters, ``author__name``."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories as factory
from tests.compat.models import Author, Book, Review


class AuthorFactory(factory.AsyncFactory[Author]):
    name = factory.Sequence(lambda n: f"author{n}")
    email = factory.Sequence(lambda n: f"a{n}@example.org")


class BookFactory(factory.AsyncFactory[Book]):
    title = "dune"
    author = factory.SubFactory(AuthorFactory)


class ReviewFactory(factory.AsyncFactory[Review]):
    book = factory.SubFactory(BookFactory)


def test_a_private_name_holding_a_declaration_is_a_parameter_like_field() -> None:
    """factory_boy keeps `_x = Declaration` and passes it to the model; a plain `_x` value is ignored."""

    class PrivateFactory(AuthorFactory):
        class Meta:
            exclude = ("_base",)

        _base = factory.LazyFunction(lambda: "priv")
        _plain = "ignored"
        name = factory.LazyAttribute(lambda o: f"{o._base}-name")

    author = PrivateFactory.build()
    assert author.name == "priv-name"
    assert "_plain" not in PrivateFactory._options.fields
    assert "_base" in PrivateFactory._options.fields


def test_a_private_declaration_reaches_the_model() -> None:
    """Not excluded, a `_x` declaration is passed to the model (it is a field there)."""

    class Thing:
        def __init__(self, _secret: str) -> None:
            self.secret = _secret

    class ThingFactory(factory.AsyncFactory[Thing]):
        class Meta:
            model = Thing

        _secret = factory.LazyFunction(lambda: "s3")

    assert ThingFactory.build().secret == "s3"


@pytest.mark.asyncio
async def test_a_property_setter_of_the_model_is_a_field(session: AsyncSession) -> None:
    """SQLAlchemy's constructor sets a plain @property setter; so may a declaration."""

    class DisplayAuthorFactory(AuthorFactory):
        name = "unused"
        display = "ANN LEE"

    assert DisplayAuthorFactory.build().name == "ann lee"
    author = await DisplayAuthorFactory.create(session=session)
    assert author.name == "ann lee"
    assert await session.scalar(select(Author.name)) == "ann lee"


@pytest.mark.asyncio
async def test_class_body_double_underscore_overrides_a_subfactory_field(
    session: AsyncSession,
) -> None:
    """`author__name = "x"` in the body sets the SubFactory's field; a call still overrides it."""

    class NamedBookFactory(BookFactory):
        author__name = "body"

    assert NamedBookFactory.build().author.name == "body"
    assert NamedBookFactory.build(author__name="call").author.name == "call"
    book = await NamedBookFactory.create(session=session)
    assert await session.scalar(select(Author.name).where(Author.id == book.author_id)) == "body"


def test_class_body_double_underscore_reaches_two_levels_and_is_inherited() -> None:
    """`book__author__name` reaches through two SubFactories; subclasses inherit it."""

    class DeepReviewFactory(ReviewFactory):
        book__author__name = "deep"

    class ChildReviewFactory(DeepReviewFactory):
        pass

    assert ChildReviewFactory.build().book.author.name == "deep"


def test_class_body_double_underscore_into_a_non_subfactory_is_refused() -> None:
    """Reaching into a plain field is a definition error naming the fix."""
    with pytest.raises(factory.FactoryDefinitionError, match="not a SubFactory"):

        class BadBookFactory(BookFactory):
            title__upper = "x"
