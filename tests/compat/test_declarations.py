"""factory_boy's declarations and decorators, with factory_boy 3.3.3's documented semantics."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories as factory
from tests.compat.models import Author, Book


class AuthorFactory(factory.AsyncFactory[Author]):
    name = factory.Sequence(lambda n: f"author{n}")
    email = factory.Sequence(lambda n: f"a{n}@example.org")


def test_lazy_attribute_decorator_reads_other_fields() -> None:
    """@lazy_attribute turns a method of the object into the field's value."""

    class DecoratedFactory(AuthorFactory):
        name = "ann"

        @factory.lazy_attribute
        def email(self: Any) -> str:
            return f"{self.name}@example.org"

    assert DecoratedFactory.build().email == "ann@example.org"


def test_sequence_decorator_counts() -> None:
    """@sequence makes a Sequence of the function of n."""

    class DecoratedFactory(AsyncFactoryBase):
        @factory.sequence
        def name(n: int) -> str:
            return f"seq{n}"

    DecoratedFactory.reset_sequence(force=True)
    assert [a.name for a in DecoratedFactory.build_batch(2)] == ["seq0", "seq1"]


class AsyncFactoryBase(factory.AsyncFactory[Author]):
    email = factory.Sequence(lambda n: f"b{n}@example.org")


def test_lazy_attribute_sequence_gets_the_object_and_n() -> None:
    """LazyAttributeSequence(lambda o, n: ...) and its decorator see both."""

    class LasFactory(AsyncFactoryBase):
        name = "bo"
        email = factory.LazyAttributeSequence(lambda o, n: f"{o.name}{n}@example.org")

    class DecoratedFactory(AsyncFactoryBase):
        name = "cy"

        @factory.lazy_attribute_sequence
        def email(self: Any, n: int) -> str:
            return f"{self.name}.{n}@example.org"

    AsyncFactoryBase.reset_sequence()
    assert [a.email for a in LasFactory.build_batch(2)] == ["bo0@example.org", "bo1@example.org"]
    assert DecoratedFactory.build().email == "cy.2@example.org"
    assert repr(LasFactory._options.fields["email"]) == "LazyAttributeSequence(<lambda>)"


def test_iterator_decorator_cycles_over_the_generator() -> None:
    """@iterator makes an Iterator of what the generator function yields."""

    class IterFactory(AsyncFactoryBase):
        @factory.iterator
        def name() -> Any:
            yield from ("x", "y")

    assert [a.name for a in IterFactory.build_batch(3)] == ["x", "y", "x"]


def test_iterator_reset_starts_again() -> None:
    """Iterator.reset() goes back to the first value."""
    names = factory.Iterator(["p", "q", "r"])

    class IterFactory(AsyncFactoryBase):
        name = names

    IterFactory.build()
    names.reset()
    assert IterFactory.build().name == "p"


class BookFactory(factory.AsyncFactory[Book]):
    title = factory.Sequence(lambda n: f"book{n}")
    author = factory.SubFactory(AuthorFactory)


def test_container_attribute_sees_the_enclosing_objects() -> None:
    """ContainerAttribute gets the objects whose SubFactory builds this one, nearest first."""

    class ContainedAuthorFactory(AuthorFactory):
        name = factory.ContainerAttribute(lambda o, containers: f"of {containers[0].title}")

    class ContainingBookFactory(BookFactory):
        title = "dune"
        author = factory.SubFactory(ContainedAuthorFactory)

    assert ContainingBookFactory.build().author.name == "of dune"


def test_a_strict_container_attribute_refuses_to_run_alone() -> None:
    """strict=True (the default) needs a container; the decorator is not strict."""

    class StrictFactory(AuthorFactory):
        name = factory.ContainerAttribute(lambda o, containers: "x")

    class LooseFactory(AuthorFactory):
        @factory.container_attribute
        def name(self: Any, containers: tuple[Any, ...]) -> str:
            return "solo" if not containers else "nested"

    with pytest.raises(factory.FactoryError, match="strict"):
        StrictFactory.build()
    assert LooseFactory.build().name == "solo"


def test_transformer_transforms_the_default_and_the_passed_value() -> None:
    """Transformer(default, transform=f) applies f to the default and to a call's value."""

    class TFactory(AuthorFactory):
        name = factory.Transformer("Ann", transform=str.upper)

    assert TFactory.build().name == "ANN"
    assert TFactory.build(name="bob").name == "BOB"


def test_transformer_force_skips_the_transformation() -> None:
    """Transformer.Force(value) is used as given."""

    class TFactory(AuthorFactory):
        name = factory.Transformer("Ann", transform=str.upper)

    assert TFactory.build(name=factory.Transformer.Force("bob")).name == "bob"
    assert repr(factory.Transformer.Force("x")) == "Transformer.Force('x')"


def test_dict_resolves_declarations_per_object() -> None:
    """Dict({...}) builds a dict whose values are resolved declarations."""
    made = factory.build(
        dict,
        FACTORY_CLASS=factory.DictFactory,
        settings=factory.Dict({"theme": "dark", "n": factory.Sequence(lambda n: n)}),
    )
    assert made["settings"]["theme"] == "dark"
    assert isinstance(made["settings"]["n"], int)


def test_dict_takes_the_enclosing_sequence_number_and_nested_overrides() -> None:
    """A Dict's Sequence gets its container's number; name__key overrides reach in."""

    class HolderFactory(factory.DictFactory):
        key = factory.Sequence(lambda n: n)
        meta = factory.Dict({"n": factory.Sequence(lambda n: n), "tag": "a"})

    first, second = HolderFactory.build_batch(2)
    assert (first["meta"]["n"], second["meta"]["n"]) == (first["key"], second["key"])
    assert HolderFactory.build(meta__tag="b")["meta"]["tag"] == "b"


def test_list_resolves_items_in_order() -> None:
    """List([...]) builds a list; items are addressed by position in overrides."""

    class HolderFactory(factory.DictFactory):
        tags = factory.List(["a", factory.LazyFunction(lambda: "b"), "c"])

    assert HolderFactory.build()["tags"] == ["a", "b", "c"]
    assert HolderFactory.build(tags__1="B")["tags"] == ["a", "B", "c"]


@pytest.mark.asyncio
async def test_a_dict_field_of_a_model_is_written(session: AsyncSession) -> None:
    """A Dict (not a table) inside a created model's factory is just a value."""

    class DictNameAuthorFactory(AuthorFactory):
        class Params:
            parts = factory.Dict({"first": "ann", "last": "lee"})

        name = factory.LazyAttribute(lambda o: f"{o.parts['first']} {o.parts['last']}")

    author = await DictNameAuthorFactory.create(session=session)
    assert await session.scalar(select(Author.name)) == "ann lee"
    assert author.id is not None


class Account:
    """A plain class with a method that PostGenerationMethodCall calls."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.password: tuple[Any, ...] = ()

    def set_password(self, *args: Any, **kwargs: Any) -> str:
        self.password = (args, kwargs)
        return "set"


def test_post_generation_method_call_calls_the_method() -> None:
    """The declared argument, or the passed value instead; name__key adds keyword arguments."""

    class AccountFactory(factory.AsyncFactory[Account]):
        class Meta:
            model = Account

        name = "ann"
        password = factory.PostGenerationMethodCall("set_password", "secret", rounds=1)

    assert AccountFactory.build().password == (("secret",), {"rounds": 1})
    passed = AccountFactory.build(password="other", password__rounds=2)
    assert passed.password == (("other",), {"rounds": 2})
    assert repr(AccountFactory._options.post["password"]) == (
        "PostGenerationMethodCall('set_password', 'secret', rounds=1)"
    )


def test_post_generation_method_call_takes_one_positional_argument() -> None:
    """factory_boy refuses more than one positional argument."""
    with pytest.raises(factory.FactoryDefinitionError, match="positional"):
        factory.PostGenerationMethodCall("set_password", "a", "b")


def test_post_generation_class_is_the_decorators_type() -> None:
    """PostGeneration(function) is what @post_generation makes."""

    def hook(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.name = f"hooked-{create}"

    class HookedFactory(AuthorFactory):
        touched = factory.PostGeneration(hook)

    assert isinstance(factory.post_generation(hook), factory.PostGeneration)
    assert HookedFactory.build().name == "hooked-False"


def test_iterator_reset_replays_a_generator() -> None:
    """A generator is read once; reset() starts again from its first value."""
    values = factory.Iterator(name for name in ("g1", "g2", "g3"))

    class GenFactory(AsyncFactoryBase):
        name = values

    assert [a.name for a in GenFactory.build_batch(2)] == ["g1", "g2"]
    values.reset()
    assert [a.name for a in GenFactory.build_batch(4)] == ["g1", "g2", "g3", "g1"]


def test_iterator_without_cycle_stops_after_the_last_value() -> None:
    """cycle=False: running out is a FactoryError naming the field."""

    class OnceFactory(AsyncFactoryBase):
        name = factory.Iterator(["only"], cycle=False)

    OnceFactory.build()
    with pytest.raises(factory.FactoryError, match="ran out"):
        OnceFactory.build()


def test_fuzzy_text_takes_a_generator_of_chars() -> None:
    """FuzzyText(chars=<generator>) draws from what the generator yields."""

    class TextFactory(factory.DictFactory):
        word = factory.fuzzy.FuzzyText(length=20, chars=(c for c in "ab"))

    words = [row["word"] for row in TextFactory.build_batch(5)]
    assert all(len(w) == 20 and set(w) <= {"a", "b"} for w in words)
    assert len(set(words)) > 1


@pytest.mark.asyncio
async def test_dict_and_list_fill_a_json_column(session: AsyncSession) -> None:
    """A Dict holding a List is a JSON column's value under create_batch, with per-row sequences."""
    from asyncfactories.examples.agents import AgentFactory
    from asyncfactories.examples.agents.models import AgentRegistry

    class ConfiguredAgentFactory(AgentFactory):
        configuration = factory.Dict(
            {
                "model": "gpt",
                "slot": factory.Sequence(lambda n: n),
                "tools": factory.List(["search", factory.LazyFunction(lambda: "sql")]),
            }
        )

    agents = await ConfiguredAgentFactory.create_batch(
        3, session=session, configuration__model="claude"
    )
    stored = (
        await session.scalars(select(AgentRegistry.configuration).order_by(AgentRegistry.name))
    ).all()
    assert len(stored) == 3
    assert all(c["model"] == "claude" and c["tools"] == ["search", "sql"] for c in stored)
    assert len({a.configuration["slot"] for a in agents}) == 3
