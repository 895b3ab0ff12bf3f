"""Is the mirror still a mirror? The floor and the peers against ``factories.py``.

The floor (``datagen``) and the peers (``peers``) are only fair if they call
the same Faker providers, with the same arguments, as the asyncfactories
factories they stand in for. ``factories.py`` is edited by others, so before
a run this module compares, field by field, the factories' ``Faker``
declarations with :data:`FAKER_FIELDS`, the table the benchmarks follow, then
the peers' declarations with it, and records which providers the floor really
calls. The runner refuses to run on a drift (unless ``--allow-drift``).
"""

from __future__ import annotations

from typing import Any

import factory
from faker import Faker
from polyfactory import Use

import asyncfactories
from asyncfactories.examples.agents import (
    AgentFactory,
    EpisodeFactory,
    EpisodeSegmentFactory,
    UserFactory,
)
from benchmarks import datagen, peers

__all__ = ("FAKER_FIELDS", "drift")

Provider = tuple[str, dict[str, Any], bool]  # (provider, kwargs, unique)

# The Faker declarations of the factories: what datagen and peers call, field by field.
FAKER_FIELDS: dict[tuple[str, str], Provider] = {
    ("AgentFactory", "name"): ("company", {}, False),
    ("AgentFactory", "description"): ("catch_phrase", {}, False),
    ("UserFactory", "email"): ("email", {}, True),
    ("UserFactory", "first_name"): ("first_name", {}, False),
    ("UserFactory", "last_name"): ("last_name", {}, False),
    ("UserFactory", "specialty"): ("job", {}, False),
    ("EpisodeFactory", "title"): ("sentence", {}, False),
    ("EpisodeFactory", "summary"): ("paragraph", {}, False),
    ("EpisodeSegmentFactory", "content"): ("paragraph", {}, False),
    ("EpisodeSegmentFactory", "content_summary"): ("sentence", {}, False),
}
_FACTORIES = (AgentFactory, UserFactory, EpisodeFactory, EpisodeSegmentFactory)


def _compare(who: str, found: dict[tuple[str, str], Provider]) -> list[str]:
    return [
        f"{who} {key[0]}.{key[1]}: {found.get(key)!r}, expected {FAKER_FIELDS.get(key)!r}"
        for key in sorted(set(found) | set(FAKER_FIELDS))
        if found.get(key) != FAKER_FIELDS.get(key)
    ]


def _asyncfactories() -> dict[tuple[str, str], Provider]:
    found: dict[tuple[str, str], Provider] = {}
    for item in _FACTORIES:
        for klass in reversed(item.__mro__):  # a subclass's value wins, as in the factory
            for field, value in vars(klass).items():
                if isinstance(value, asyncfactories.Faker):
                    found[(item.__name__, field)] = (value.provider, value.kwargs, value.unique)
                else:
                    found.pop((item.__name__, field), None)
    return found


def _peer_provider(declaration: Any) -> Provider | None:
    """(provider, kwargs, unique) of a Faker-backed declaration of any peer tool."""
    if isinstance(declaration, factory.Faker):
        kwargs = {k: v for k, v in declaration._defaults.items() if k != "locale"}
        return declaration.provider, kwargs, False
    if isinstance(declaration, factory.LazyFunction):
        function, kwargs = declaration.function, {}
    elif isinstance(declaration, Use):
        function, kwargs = declaration.fn["value"], declaration.kwargs
    else:
        return None
    if type(getattr(function, "__self__", None)).__module__.startswith("faker.providers"):
        return function.__name__, dict(kwargs), False
    if getattr(function, "__wrapped__", None) is not None and function.__module__.startswith(
        "faker"
    ):
        return function.__name__, dict(kwargs), True  # fake.unique.<provider>
    return None


def _peer(factories: peers.FactorySet, *, polyfactory: bool) -> dict[tuple[str, str], Provider]:
    found: dict[tuple[str, str], Provider] = {}
    for item, source in zip(factories, _FACTORIES, strict=True):
        if polyfactory:
            fields = {k: v for k, v in vars(item).items() if not k.startswith("_")}
        else:
            fields = item._meta.declarations
        for field, declaration in fields.items():
            provider = _peer_provider(declaration)
            if provider is not None:
                found[(source.__name__, field)] = provider
    return found


class _Recorder:
    """A Faker stand-in that records each provider call (and answers it with Faker)."""

    def __init__(self) -> None:
        self.real = Faker()
        self.calls: set[tuple[str, tuple[tuple[str, Any], ...]]] = set()

    def __getattr__(self, provider: str) -> Any:
        method = getattr(self.real, provider)

        def call(**kwargs: Any) -> Any:
            self.calls.add((provider, tuple(sorted(kwargs.items()))))
            return method(**kwargs)

        return call


def _floor() -> list[str]:
    recorder = _Recorder()
    datagen.generate("chain", 3, fake=recorder)
    expected = {(p, tuple(sorted(k.items()))) for p, k, _ in FAKER_FIELDS.values()}
    if recorder.calls == expected:
        return []
    return [f"floor calls {sorted(recorder.calls)}, expected {sorted(expected)}"]


def drift() -> list[str]:
    """Every difference between the factories, the table, the peers and the floor."""
    return [
        *_compare("asyncfactories", _asyncfactories()),
        *_compare("factory_boy", _peer(peers.FACTORY_BOY[None], polyfactory=False)),
        *_compare("async-factory-boy", _peer(peers.AsyncFactoryBoy, polyfactory=False)),
        *_compare("polyfactory", _peer(peers.Polyfactory, polyfactory=True)),
        *_floor(),
    ]
