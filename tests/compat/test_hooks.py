"""factory_boy's overridable classmethods: _create, _build, _adjust_kwargs, _after_postgeneration, _setup_next_sequence."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import AsyncFactory, FactoryError, Sequence, SubFactory, post_generation
from tests.compat.models import Author, Book


class AuthorFactory(AsyncFactory[Author]):
    name = Sequence(lambda n: f"author{n}")
    email = Sequence(lambda n: f"a{n}@example.org")


class BookFactory(AsyncFactory[Book]):
    title = Sequence(lambda n: f"book{n}")
    author = SubFactory(AuthorFactory)


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.asyncio
async def test_a_sync_create_hook_gets_the_model_class_and_the_kwargs(
    session: AsyncSession,
) -> None:
    """_create(model_class, **kwargs) is called with the model and the resolved fields."""
    seen: list[tuple[type, dict[str, Any]]] = []

    class HookedAuthorFactory(AuthorFactory):
        @classmethod
        def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append((model_class, dict(kwargs)))
            return model_class(*args, **kwargs)

    author = await HookedAuthorFactory.create(session=session, name="ann")
    assert seen == [(Author, {"name": "ann", "email": author.email})]
    assert author.id is not None
    assert await rows(session, Author) == 1


@pytest.mark.asyncio
async def test_an_async_create_hook_is_awaited_and_writes_its_own_row(
    session: AsyncSession,
) -> None:
    """An async def _create that adds and flushes itself gets its object used as is."""

    class SelfWritingAuthorFactory(AuthorFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            obj = model_class(*args, **kwargs)
            obj.name = obj.name.upper()
            session.add(obj)
            await session.flush()
            return obj

    author = await SelfWritingAuthorFactory.create(session=session, name="bob")
    assert author.name == "BOB"
    assert await session.scalar(select(Author.name)) == "BOB"
    assert await rows(session, Author) == 1


@pytest.mark.asyncio
async def test_create_batch_goes_through_the_hook_once_per_object(session: AsyncSession) -> None:
    """A factory with its own _create leaves the bulk path: one hook call per object."""
    calls: list[str] = []

    class CountingAuthorFactory(AuthorFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(kwargs["name"])
            return await super()._create(model_class, *args, **kwargs)

    authors = await CountingAuthorFactory.create_batch(3, session=session)
    assert calls == [a.name for a in authors]
    assert len(calls) == 3
    assert all(a.id is not None for a in authors)
    assert await rows(session, Author) == 3


@pytest.mark.asyncio
async def test_super_create_adds_and_flushes_so_the_key_is_known_inside_the_hook(
    session: AsyncSession,
) -> None:
    """Awaiting super()._create(...) returns the object with its primary key, as factory_boy's flush does."""
    ids: list[int | None] = []

    class IdAuthorFactory(AuthorFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            obj = await super()._create(model_class, *args, **kwargs)
            ids.append(obj.id)
            return obj

    author = await IdAuthorFactory.create(session=session)
    assert ids == [author.id]
    assert author.id is not None


@pytest.mark.asyncio
async def test_a_hooked_subfactory_parent_is_written_before_its_child(
    session: AsyncSession,
) -> None:
    """The child of a parent made by its own _create points at the parent's row."""

    class HookedAuthorFactory(AuthorFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            return await super()._create(model_class, *args, **kwargs)

    class HookedBookFactory(BookFactory):
        author = SubFactory(HookedAuthorFactory)

    books = await HookedBookFactory.create_batch(2, session=session)
    assert [b.author_id for b in books] == [b.author.id for b in books]
    assert await rows(session, Author) == 2
    assert await rows(session, Book) == 2


@pytest.mark.asyncio
async def test_a_hooked_child_of_a_bulk_parent_gets_the_parent_row(
    session: AsyncSession,
) -> None:
    """A child whose factory writes it itself sees its SubFactory parent already written."""

    class SelfWritingBookFactory(BookFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            obj = model_class(*args, **kwargs)
            session.add(obj)
            await session.flush()
            return obj

    book = await SelfWritingBookFactory.create(session=session)
    assert book.author.id is not None
    assert book.author_id == book.author.id
    assert await rows(session, Author) == 1


def test_build_goes_through_the_build_hook() -> None:
    """_build(model_class, **kwargs) makes the object of build()."""

    class BuiltAuthorFactory(AuthorFactory):
        @classmethod
        def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            obj = model_class(*args, **kwargs)
            obj.name = "built"
            return obj

    assert BuiltAuthorFactory.build(name="x").name == "built"


@pytest.mark.asyncio
async def test_create_does_not_use_the_build_hook(session: AsyncSession) -> None:
    """As in factory_boy, create() goes through _create, never _build."""

    class BuiltAuthorFactory(AuthorFactory):
        @classmethod
        def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("create() called _build")

    author = await BuiltAuthorFactory.create(session=session, name="x")
    assert author.name == "x"


@pytest.mark.asyncio
async def test_adjust_kwargs_changes_the_fields_under_build_and_create(
    session: AsyncSession,
) -> None:
    """_adjust_kwargs(**kwargs) returns the kwargs the model gets."""

    class AdjustedAuthorFactory(AuthorFactory):
        @classmethod
        def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
            kwargs["name"] = kwargs["name"].title()
            return kwargs

    assert AdjustedAuthorFactory.build(name="ann lee").name == "Ann Lee"
    created = await AdjustedAuthorFactory.create(session=session, name="bo ko")
    assert created.name == "Bo Ko"
    assert await session.scalar(select(Author.name)) == "Bo Ko"


@pytest.mark.asyncio
async def test_after_postgeneration_gets_the_results_of_the_post_declarations(
    session: AsyncSession,
) -> None:
    """_after_postgeneration(instance, create, results) runs last, with each hook's result."""
    seen: list[tuple[str, bool, dict[str, Any]]] = []

    class ResultsAuthorFactory(AuthorFactory):
        @post_generation
        def nickname(obj: Author, create: bool, extracted: Any, **kwargs: Any) -> str:
            return f"nick-{extracted}"

        @classmethod
        def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
            seen.append((instance.name, create, dict(results)))

    ResultsAuthorFactory.build(name="built", nickname="b")
    await ResultsAuthorFactory.create(session=session, name="made", nickname="m")
    assert seen == [
        ("built", False, {"nickname": "nick-b"}),
        ("made", True, {"nickname": "nick-m"}),
    ]


@pytest.mark.asyncio
async def test_after_postgeneration_runs_without_post_declarations(session: AsyncSession) -> None:
    """factory_boy calls it for every object, with empty results when nothing is declared."""
    seen: list[Any] = []

    class PlainAuthorFactory(AuthorFactory):
        @classmethod
        def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
            seen.append((create, results))

    await PlainAuthorFactory.create_batch(2, session=session)
    assert seen == [(True, {}), (True, {})]


def test_setup_next_sequence_gives_the_first_number() -> None:
    """Sequence numbering starts at _setup_next_sequence(), and restarts there on reset."""

    class From100AuthorFactory(AsyncFactory[Author]):
        name = Sequence(lambda n: f"author{n}")

        @classmethod
        def _setup_next_sequence(cls) -> int:
            return 100

    assert [a.name for a in From100AuthorFactory.build_batch(2)] == ["author100", "author101"]
    From100AuthorFactory.reset_sequence()
    assert From100AuthorFactory.build().name == "author100"
    From100AuthorFactory.reset_sequence(5)
    assert From100AuthorFactory.build().name == "author5"


def test_reset_sequence_on_a_subclass_needs_force() -> None:
    """A subclass sharing its parent's counter refuses reset_sequence() unless force=True."""

    class ParentFactory(AsyncFactory[Author]):
        name = Sequence(lambda n: f"author{n}")

    class ChildFactory(ParentFactory):
        pass

    ParentFactory.build_batch(3)
    with pytest.raises(ValueError, match="force=True"):
        ChildFactory.reset_sequence()
    ChildFactory.reset_sequence(force=True)
    assert ParentFactory.build().name == "author0"


def test_the_library_names_do_not_collide_with_the_hooks() -> None:
    """Overriding every hook with factory_boy's signatures leaves build/create working."""

    class AllHooksFactory(AuthorFactory):
        @classmethod
        def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            return model_class(*args, **kwargs)

        @classmethod
        def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            return model_class(*args, **kwargs)

    assert AllHooksFactory.build(name="x").name == "x"
    assert AllHooksFactory.build_batch(2)[1].email.endswith("@example.org")
    with pytest.raises(FactoryError):
        AllHooksFactory.attributes(nope=1)


@pytest.mark.asyncio
async def test_a_factory_boy_style_hook_reads_the_session_from_meta(session: AsyncSession) -> None:
    """cls._meta.sqlalchemy_session inside _create is the create call's session."""

    class MetaHookAuthorFactory(AuthorFactory):
        @classmethod
        async def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            obj = model_class(*args, **kwargs)
            cls._meta.sqlalchemy_session.add(obj)
            await cls._meta.sqlalchemy_session.flush()
            return obj

    author = await MetaHookAuthorFactory.create(session=session)
    assert author in session
    assert author.id is not None


def test_meta_shows_the_options_under_factory_boy_names() -> None:
    """cls._meta.model, .declarations, .exclude... read the class's options."""

    class ShownFactory(AuthorFactory):
        class Meta:
            exclude = ("nick",)
            sqlalchemy_session_persistence = "commit"

        nick = "n"

    meta = ShownFactory._meta
    assert meta.model is Author
    assert set(meta.declarations) == {"name", "email", "nick"}
    assert meta.exclude == ("nick",)
    assert meta.sqlalchemy_session_persistence == "commit"
    assert meta.sqlalchemy_session is None
    assert meta.strategy == "create"


@pytest.mark.asyncio
async def test_load_refuses_a_factory_with_its_own_create_hook(session: AsyncSession) -> None:
    """load() streams rows without objects: a _create hook could not run, so it is refused."""

    class HookedAuthorFactory(AuthorFactory):
        @classmethod
        def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
            return model_class(*args, **kwargs)

    with pytest.raises(FactoryError, match="_create"):
        await HookedAuthorFactory.load(3, session=session)
    assert await rows(session, Author) == 0
