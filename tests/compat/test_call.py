"""Calling the factory class is factory_boy's create(): ``await AuthorFactory(name="x")``."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import AsyncFactory, FactoryDefinitionError, Sequence, use_session
from tests.compat.models import Author


class AuthorFactory(AsyncFactory[Author]):
    name = Sequence(lambda n: f"author{n}")
    email = Sequence(lambda n: f"a{n}@example.org")


@pytest.mark.asyncio
async def test_awaiting_the_call_creates_a_row(session: AsyncSession) -> None:
    """Await Factory(**fields) inserts the object, as Factory.create(**fields) does."""
    async with use_session(session):
        author = await AuthorFactory(name="called")
    assert isinstance(author, Author)
    assert author.id is not None
    assert await session.scalar(select(Author.name)) == "called"


@pytest.mark.asyncio
async def test_the_call_takes_the_session_argument(session: AsyncSession) -> None:
    """session= passes through the call like through create()."""
    author = await AuthorFactory(session=session)
    assert author in session


def test_calling_an_abstract_factory_is_refused() -> None:
    """An abstract factory has nothing to create, as with create()."""

    class AbstractFactory(AsyncFactory[Author]):
        class Meta:
            abstract = True

    with pytest.raises(FactoryDefinitionError, match="abstract"):
        AbstractFactory()
