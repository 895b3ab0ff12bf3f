"""Strategies, stubs, the ready-made factories and the module-level helpers of factory_boy."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories as factory
from tests.compat.models import Author, Book


class AuthorFactory(factory.AsyncFactory[Author]):
    name = factory.Sequence(lambda n: f"author{n}")
    email = factory.Sequence(lambda n: f"a{n}@example.org")


class BookFactory(factory.AsyncFactory[Book]):
    title = "dune"
    author = factory.SubFactory(AuthorFactory)


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def test_stub_makes_a_stub_object_with_stub_subfactories() -> None:
    """stub() returns a StubObject; its SubFactory values are stubs too."""
    book = BookFactory.stub(title="x")
    assert isinstance(book, factory.StubObject)
    assert book.title == "x"
    assert isinstance(book.author, factory.StubObject)
    assert book.author.name.startswith("author")
    assert [type(b) for b in BookFactory.stub_batch(2)] == [factory.StubObject] * 2


def test_meta_strategy_build_makes_calling_the_class_build() -> None:
    """Meta.strategy = BUILD_STRATEGY: AuthorFactory() returns a built object, no await."""

    class BuiltAuthorFactory(AuthorFactory):
        class Meta:
            strategy = factory.BUILD_STRATEGY

    author: Any = BuiltAuthorFactory(name="b")
    assert isinstance(author, Author)
    assert author.name == "b"
    assert author.id is None


def test_meta_strategy_stub_makes_calling_the_class_stub() -> None:
    """Meta.strategy = STUB_STRATEGY: the call returns a StubObject."""

    class StubAuthorFactory(AuthorFactory):
        class Meta:
            strategy = factory.STUB_STRATEGY

    assert isinstance(StubAuthorFactory(), factory.StubObject)


def test_an_unknown_strategy_is_refused_at_definition() -> None:
    """Meta.strategy must be one of the three."""
    with pytest.raises(factory.FactoryDefinitionError, match=r"Meta\.strategy"):

        class BadFactory(AuthorFactory):
            class Meta:
                strategy = "save"


@pytest.mark.asyncio
async def test_generate_and_simple_generate_pick_the_strategy(session: AsyncSession) -> None:
    """generate(strategy) / simple_generate(create) and their _batch forms dispatch by name."""
    assert AuthorFactory.generate("build").id is None
    assert isinstance(AuthorFactory.generate("stub"), factory.StubObject)
    async with factory.use_session(session):
        created = await AuthorFactory.generate("create")
        batch = await AuthorFactory.generate_batch("create", 2)
        simple = await AuthorFactory.simple_generate(True)
        simple_batch = await AuthorFactory.simple_generate_batch(True, 2)
    assert created.id is not None
    assert simple.id is not None
    assert len(batch) == len(simple_batch) == 2
    assert AuthorFactory.simple_generate(False).id is None
    assert len(AuthorFactory.generate_batch("stub", 3)) == 3
    assert [a.id for a in AuthorFactory.simple_generate_batch(False, 2)] == [None, None]
    assert await rows(session, Author) == 6
    with pytest.raises(ValueError, match="strategy"):
        AuthorFactory.generate("save")  # type: ignore[call-overload]


def test_use_strategy_changes_the_call_and_warns_like_factory_boy() -> None:
    """use_strategy(BUILD_STRATEGY) is deprecated in factory_boy 3.3 and still works."""
    with pytest.warns(DeprecationWarning, match="use_strategy"):
        decorate = factory.use_strategy(factory.BUILD_STRATEGY)

    @decorate
    class DecoratedFactory(AuthorFactory):
        pass

    made: Any = DecoratedFactory()
    assert isinstance(made, Author)
    assert made.id is None


def test_stub_factory_builds_stubs_and_refuses_create() -> None:
    """StubFactory.build() and the call make stubs; create() is unsupported."""

    class PointFactory(factory.StubFactory):
        x = 1
        y = factory.LazyAttribute(lambda o: o.x + 1)

    assert (PointFactory.build().y, PointFactory().y) == (2, 2)


@pytest.mark.asyncio
async def test_stub_factory_create_is_refused() -> None:
    """factory_boy raises UnsupportedStrategy; we raise a FactoryError naming the fix."""

    class PointFactory(factory.StubFactory):
        x = 1

    with pytest.raises(factory.FactoryError, match="cannot create"):
        await PointFactory.create()


@pytest.mark.asyncio
async def test_dict_and_list_factories_build_under_create() -> None:
    """DictFactory and ListFactory make plain containers; create() only builds them."""

    class SettingsFactory(factory.DictFactory):
        theme = "dark"
        size = factory.Sequence(lambda n: n)

    pair = factory.make_factory(list, FACTORY_CLASS=factory.ListFactory, **{"0": "a", "1": "b"})
    assert (await SettingsFactory.create())["theme"] == "dark"
    assert await pair.create() == ["a", "b"]
    assert pair.build(**{"1": "B"}) == ["a", "B"]
    assert len(await SettingsFactory.create_batch(2)) == 2


def test_make_factory_makes_a_named_factory_class() -> None:
    """make_factory(Model, **declarations) is a factory named <Model>Factory."""
    made = factory.make_factory(Author, name="ann", email=factory.Sequence(lambda n: f"m{n}@x.org"))
    assert made.__name__ == "AuthorFactory"
    assert issubclass(made, factory.AsyncFactory)
    assert made.build().name == "ann"


def test_make_factory_takes_a_factory_class() -> None:
    """FACTORY_CLASS= sets the base class, whose declarations are inherited."""
    made = factory.make_factory(Author, FACTORY_CLASS=AuthorFactory, name="bo")
    author = made.build()
    assert (author.name, author.email.endswith("@example.org")) == ("bo", True)


def test_module_level_build_and_stub() -> None:
    """factory.build(dict, FACTORY_CLASS=DictFactory, ...) and the batch and stub forms."""
    assert factory.build(dict, FACTORY_CLASS=factory.DictFactory, a=1) == {"a": 1}
    assert len(factory.build_batch(Author, 2, name="x", email="e")) == 2
    assert factory.stub(Author, name="s").name == "s"
    assert [s.name for s in factory.stub_batch(Author, 2, name="t")] == ["t", "t"]
    assert factory.generate(Author, "build", name="g", email="e").name == "g"
    assert factory.simple_generate(Author, False, name="h", email="e").name == "h"
    assert len(factory.generate_batch(Author, "stub", 3, name="i")) == 3
    assert len(factory.simple_generate_batch(Author, False, 2, name="j", email="e")) == 2


@pytest.mark.asyncio
async def test_module_level_create_writes_rows(session: AsyncSession) -> None:
    """factory.create(Model, ...) and create_batch are awaited, with session= passed on."""
    author = await factory.create(Author, name="c", email="c@x.org", session=session)
    more = await factory.create_batch(
        Author, 2, email=factory.Sequence(lambda n: f"c{n}@x.org"), name="d", session=session
    )
    assert author.id is not None
    assert len(more) == 2
    assert await rows(session, Author) == 3


@pytest.mark.asyncio
async def test_meta_exclude_hides_a_field_from_the_model(session: AsyncSession) -> None:
    """An excluded declaration is resolved and readable, never passed to the model."""

    class ExcludingFactory(AuthorFactory):
        class Meta:
            exclude = ("first",)

        first = "ann"
        name = factory.LazyAttribute(lambda o: f"{o.first} lee")

    assert ExcludingFactory.build().name == "ann lee"
    assert "first" not in ExcludingFactory.attributes()
    author = await ExcludingFactory.create(session=session, first="bo")
    assert author.name == "bo lee"


def test_meta_rename_passes_a_field_under_another_name() -> None:
    """Meta.rename = {"declared": "model_name"}, for names a class body cannot use."""

    class RenamingFactory(AuthorFactory):
        class Meta:
            rename = {"author_name": "name"}  # noqa: RUF012 - factory_boy's Meta spelling

        author_name = "renamed"

    assert RenamingFactory.build().name == "renamed"
    assert RenamingFactory.attributes(author_name="x")["name"] == "x"


class Point:
    """A plain class taking positional arguments."""

    def __init__(self, x: int, y: int, *, label: str = "") -> None:
        self.x, self.y, self.label = x, y, label


def test_meta_inline_args_are_passed_positionally() -> None:
    """Meta.inline_args = ("x", "y"): Point(x, y, label=...)."""

    class PointFactory(factory.AsyncFactory[Point]):
        class Meta:
            model = Point
            inline_args = ("x", "y")

        x = 1
        y = factory.LazyAttribute(lambda o: o.x * 10)
        label = "p"

    point = PointFactory.build(x=2)
    assert (point.x, point.y, point.label) == (2, 20, "p")


def test_reseed_random_reproduces_values() -> None:
    """factory.random.reseed_random(seed) makes Faker and fuzzy values repeat."""

    class RandomFactory(factory.DictFactory):
        word = factory.Faker("word")
        number = factory.fuzzy.FuzzyInteger(0, 10**9)

    factory.random.reseed_random(7)
    first = RandomFactory.build_batch(3)
    factory.random.reseed_random(7)
    assert RandomFactory.build_batch(3) == first
    factory.random.reseed_random("a string seed")
    assert len(RandomFactory.build_batch(2)) == 2


def test_random_state_is_saved_and_restored() -> None:
    """set_random_state(get_random_state()) replays the same values."""

    class RandomFactory(factory.DictFactory):
        word = factory.Faker("word", fast=False)
        number = factory.fuzzy.FuzzyInteger(0, 10**9)

    state = factory.random.get_random_state()
    first = RandomFactory.build_batch(3)
    factory.random.set_random_state(state)
    assert RandomFactory.build_batch(3) == first


def test_faker_add_provider_makes_a_new_provider_usable() -> None:
    """Faker.add_provider(ProviderClass) before the factory makes its methods providers."""
    from faker.providers import BaseProvider

    class SmileProvider(BaseProvider):
        def smile(self) -> str:
            return ":-)"

    factory.Faker.add_provider(SmileProvider)

    class SmileFactory(factory.DictFactory):
        face = factory.Faker("smile")

    assert SmileFactory.build() == {"face": ":-)"}


def test_faker_override_default_locale_changes_declarations_without_a_locale() -> None:
    """Within the block, Faker('...') without locale= draws from the given locale."""

    class CityFactory(factory.DictFactory):
        city = factory.Faker("city")
        german = factory.Faker("city", locale="de_DE")

    factory.random.reseed_random(3)
    with factory.Faker.override_default_locale("ja_JP"):
        japanese = CityFactory.build_batch(5)
    assert all(any(ord(ch) > 0x3000 for ch in row["city"]) for row in japanese)
    assert all(not any(ord(ch) > 0x3000 for ch in row["german"]) for row in japanese)
    assert not any(ord(ch) > 0x3000 for ch in CityFactory.build()["city"])


def test_faker_add_provider_keeps_weighted_elements_weighted() -> None:
    """Adding a provider leaves Faker's OrderedDict weights in force for random_element."""
    from collections import OrderedDict

    from faker.providers import BaseProvider

    class PlainProvider(BaseProvider):
        def plain(self) -> str:
            return "p"

    factory.Faker.add_provider(PlainProvider)
    weighted = OrderedDict([("a", 0.9), ("b", 0.1)])

    class PickFactory(factory.DictFactory):
        pick = factory.Faker("random_element", elements=weighted, fast=False)

    picks = [row["pick"] for row in PickFactory.build_batch(2000)]
    assert picks.count("a") / len(picks) > 0.8
