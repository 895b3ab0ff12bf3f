"""pytest-factoryboy's conventions against our plugin, in real pytest runs (pytester)."""

from __future__ import annotations

import pytest

MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from asyncfactories import AsyncFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship()


class AuthorFactory(AsyncFactory[Author]):
    name = Sequence(lambda n: f"author{n}")


class BookFactory(AsyncFactory[Book]):
    title = "dune"
    author = SubFactory(AuthorFactory)
"""

INI = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
factories_metadata = shelf:Base
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A throwaway project with two models, their factories and the ini."""
    pytester.makepyfile(shelf=MODELS)
    pytester.makefile(".ini", pytest=INI)
    pytester.syspathinsert()
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_register_with_nothing_assigned_defines_the_fixtures(project: pytest.Pytester) -> None:
    """register(AuthorFactory) at module level defines author_factory and author there."""
    project.makepyfile(
        test_plain="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import Author, AuthorFactory

        register(AuthorFactory)

        @pytest.mark.asyncio
        async def test_fixtures(author_factory, author):
            assert author_factory is AuthorFactory
            assert isinstance(author, Author)
            assert author.id is not None
        """
    )
    run(project).assert_outcomes(passed=1)


def test_register_in_conftest_serves_every_test_module(project: pytest.Pytester) -> None:
    """A register() in conftest.py defines the fixtures for the directory."""
    project.makeconftest(
        """
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory

        register(AuthorFactory)
        """
    )
    project.makepyfile(
        test_uses="""
        import pytest

        @pytest.mark.asyncio
        async def test_author(author):
            assert author.id is not None
        """
    )
    run(project).assert_outcomes(passed=1)


def test_a_named_registration_has_its_own_defaults(project: pytest.Pytester) -> None:
    """register(F, "other_author", name="x") is a second instance with that default."""
    project.makepyfile(
        test_named="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory

        register(AuthorFactory)
        register(AuthorFactory, "other_author", name="other")

        @pytest.mark.asyncio
        async def test_two(author, other_author, other_author__name):
            assert other_author.name == "other" == other_author__name
            assert author.name != "other"
            assert author.id != other_author.id
        """
    )
    run(project).assert_outcomes(passed=1)


def test_a_field_fixture_is_overridden_or_parametrized(project: pytest.Pytester) -> None:
    """Defining author__name, or parametrizing it, changes the created author."""
    project.makepyfile(
        test_fields="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory

        register(AuthorFactory)

        @pytest.mark.asyncio
        @pytest.mark.parametrize("author__name", ["ann", "bob"])
        async def test_parametrized(author, author__name):
            assert author.name == author__name

        class TestOverridden:
            @pytest.fixture
            def author__name(self):
                return "fixed"

            @pytest.mark.asyncio
            async def test_overridden(self, author):
                assert author.name == "fixed"
        """
    )
    run(project).assert_outcomes(passed=3)


def test_a_subfactory_field_is_the_related_models_fixture(project: pytest.Pytester) -> None:
    """book__author defaults to the author fixture: book.author is the test's author."""
    project.makepyfile(
        test_related="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory, BookFactory

        register(AuthorFactory)
        register(BookFactory)

        @pytest.mark.asyncio
        @pytest.mark.parametrize("author__name", ["shared"])
        async def test_same_author(book, author):
            assert book.author is author
            assert book.author.name == "shared"
        """
    )
    run(project).assert_outcomes(passed=1)


def test_a_subfactory_without_a_registered_fixture_builds_its_own(
    project: pytest.Pytester,
) -> None:
    """With no author fixture, the SubFactory makes the author as usual."""
    project.makepyfile(
        test_alone="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import BookFactory

        register(BookFactory)

        @pytest.mark.asyncio
        async def test_book(book):
            assert book.author.id is not None
        """
    )
    run(project).assert_outcomes(passed=1)


def test_a_pooled_field_is_not_the_related_models_fixture(project: pytest.Pytester) -> None:
    """A Pool's members are the call's own: ``book__author`` is not the ``author`` fixture."""
    project.makepyfile(
        test_pooled="""
        import pytest
        from asyncfactories import Pool
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory, BookFactory

        class PooledBookFactory(BookFactory):
            author = Pool(AuthorFactory, 2)

        register(AuthorFactory)
        register(PooledBookFactory, "pooled_book")

        @pytest.mark.asyncio
        async def test_pool(pooled_book, author, pooled_book_factory):
            assert pooled_book.author is not author
            books = await pooled_book_factory.create_batch(4)
            assert len({b.author_id for b in books}) == 2
        """
    )
    run(project).assert_outcomes(passed=1)


def test_lazy_fixture_reads_another_fixture(project: pytest.Pytester) -> None:
    """LazyFixture("other_author") as a default, and LazyFixture(callable) of fixtures."""
    project.makepyfile(
        test_lazy="""
        import pytest
        from asyncfactories.pytest_plugin import LazyFixture, register
        from shelf import AuthorFactory, BookFactory

        register(AuthorFactory)
        register(AuthorFactory, "other_author", name="other")
        register(BookFactory, "sequel", author=LazyFixture("other_author"))
        register(BookFactory, "titled", title=LazyFixture(lambda author: author.name.upper()))

        @pytest.mark.asyncio
        async def test_lazy(sequel, other_author, titled, author):
            assert sequel.author is other_author
            assert titled.title == author.name.upper()
        """
    )
    run(project).assert_outcomes(passed=1)


def test_register_still_returns_the_fixtures(project: pytest.Pytester) -> None:
    """Assigning the result keeps working: (factory fixture, instance fixture)."""
    project.makepyfile(
        test_assigned="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory

        author_factory, author = register(AuthorFactory)

        @pytest.mark.asyncio
        async def test_assigned(author_factory, author):
            assert author.id is not None
        """
    )
    run(project).assert_outcomes(passed=1)


def test_registered_fixtures_work_under_anyio(project: pytest.Pytester) -> None:
    """Under anyio's plugin (asyncio backend), the instance and field fixtures work the same."""
    project.makepyfile(
        test_anyio_register="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from shelf import AuthorFactory

        register(AuthorFactory)

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        @pytest.mark.parametrize("author__name", ["anyio"])
        async def test_with_anyio(author):
            assert author.name == "anyio"
            assert author.id is not None
        """
    )
    run(project, "-p", "no:asyncio").assert_outcomes(passed=1)
