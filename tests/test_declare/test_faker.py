"""The Faker declaration: providers, arguments, locales, seeds and unique values."""

from __future__ import annotations

import re

import pytest

from asyncfactories import AsyncFactory, FactoryDefinitionError, Faker, seed
from asyncfactories._state import with_suffix

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class Row(dict[str, object]):
    """A dict with a keyword constructor, as a model."""


def make_factory(**declarations: object) -> type[AsyncFactory[Row]]:
    return type("F", (AsyncFactory,), {"Meta": type("Meta", (), {"model": Row}), **declarations})


def test_faker_passes_keyword_arguments_to_the_provider() -> None:
    """Faker('text', max_nb_chars=40) honours the argument."""
    factory = make_factory(bio=Faker("text", max_nb_chars=40))
    assert all(len(str(row["bio"])) <= 40 for row in factory.build_batch(200))


def test_faker_picks_the_requested_locale() -> None:
    """Faker(..., locale='de_DE') draws from the German data."""
    german = make_factory(city=Faker("city", locale="de_DE"))
    from faker import Faker as RealFaker

    german_cities = {RealFaker("de_DE").city() for _ in range(3000)}
    drawn = {row["city"] for row in german.build_batch(300)}
    assert len(drawn & german_cities) > 100


def test_unique_emails_never_repeat_past_the_provider_supply() -> None:
    """20,000 unique emails from one factory are distinct and valid emails."""
    factory = make_factory(email=Faker("email", unique=True))
    emails = [row["email"] for row in factory.build_batch(20_000)]
    assert len(set(emails)) == 20_000
    assert all(EMAIL.match(str(e)) for e in emails)


def test_unique_first_names_stay_unique_beyond_the_name_list() -> None:
    """More unique first names than the locale has still never repeat."""
    factory = make_factory(first=Faker("first_name", unique=True))
    names = [row["first"] for row in factory.build_batch(12_000)]
    assert len(set(names)) == 12_000


def test_unique_values_are_shared_by_subclasses() -> None:
    """A subclass continues its parent's unique memory (one hierarchy)."""
    parent = make_factory(code=Faker("random_element", elements=("a", "b"), unique=True))
    child = type("Child", (parent,), {})
    values = [parent.build()["code"], child.build()["code"], parent.build()["code"]]
    assert len(set(values)) == 3


def test_reset_sequence_forgets_unique_values() -> None:
    """After reset_sequence(), values may repeat again."""
    factory = make_factory(code=Faker("random_element", elements=("a",), unique=True))
    assert factory.build()["code"] == "a"
    assert factory.build()["code"] != "a"
    factory.reset_sequence()
    assert factory.build()["code"] == "a"


def test_suffixes_keep_values_valid_and_distinct() -> None:
    """An email stays an email; different numbers never give the same string."""
    assert with_suffix("ann@example.org", 12) == "ann+12@example.org"
    assert with_suffix("Ann Lee", 3) == "Ann Lee 3"
    assert with_suffix("ann_1", 23) != with_suffix("ann_12", 3)


def test_seed_reproduces_faker_values() -> None:
    """seed(n) makes Faker draws, fast path or not, repeat exactly."""
    factory = make_factory(
        name=Faker("name"),
        slow=Faker("name", fast=False),
        words=Faker("sentence"),
        uid=Faker("uuid4"),
    )
    seed(7)
    first = factory.build_batch(20)
    seed(7)
    assert factory.build_batch(20) == first


def test_unknown_provider_fails_at_class_definition_with_a_suggestion() -> None:
    """A misspelt provider names the close match."""
    with pytest.raises(
        FactoryDefinitionError,
        match=r"F\.email: Faker\('emial'\) names no Faker provider; use Faker\('email'\)",
    ):
        make_factory(email=Faker("emial"))


def test_wrong_provider_arguments_fail_at_class_definition() -> None:
    """An argument the provider does not take is refused when the class is defined."""
    with pytest.raises(
        FactoryDefinitionError, match=r"F\.bio: Faker\('text', max_chars=5\) passes arguments"
    ):
        make_factory(bio=Faker("text", max_chars=5))
