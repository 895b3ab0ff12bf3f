"""The fast path's coverage is the families' tables put together, none shadowing another."""

from __future__ import annotations

from faker.providers.internet import Provider as Internet
from faker.providers.lorem import Provider as Lorem
from faker.providers.python import Provider as Python

from asyncfactories._fastfaker import dates, internet, lorem, registry, text, values


def test_every_family_table_is_in_the_registry_and_none_overlaps() -> None:
    text_tables = [text.TEXT, internet.TEXT, lorem.TEXT]
    value_tables = [values.VALUES, dates.VALUES, lorem.VALUES]
    for tables, merged in (
        (text_tables, registry.TEXT_BUILDERS),
        (value_tables, registry.VALUE_BUILDERS),
    ):
        keys = [key for table in tables for key in table]
        assert len(keys) == len(set(keys))  # a second family would silently shadow the first
        assert set(keys) == set(merged)
    assert not set(registry.TEXT_BUILDERS) & set(registry.VALUE_BUILDERS)


def test_the_registry_knows_the_providers_factories_use_most() -> None:
    assert Internet.email in registry.TEXT_BUILDERS
    assert Lorem.sentence in registry.TEXT_BUILDERS
    assert Python.pyint in registry.VALUE_BUILDERS
    assert Lorem.words in registry.VALUE_BUILDERS
