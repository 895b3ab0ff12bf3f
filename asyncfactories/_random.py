"""The one seedable random source behind every factory.

Fuzzy declarations and the fast Faker path draw from :data:`rng`; each Faker
locale gets one ``faker.Generator``, seeded from the same seed. ``seed(n)``
therefore makes a whole run of factories reproduce exactly.

The identity of :data:`rng` never changes: ``seed()`` reseeds it in place, so
closures that captured it stay valid.
"""

from __future__ import annotations

import random
import typing
import zlib
from typing import Any

from faker import Factory as _FakerFactory
from faker.generator import Generator

from asyncfactories._errors import FactoryArgumentError

__all__ = ("DEFAULT_LOCALE", "current_seed", "faker_for", "get_state", "rng", "seed", "set_state")

DEFAULT_LOCALE = "en_US"

rng = random.Random()
"""Shared source for fuzzy values and the fast Faker path."""

_generators: dict[str, Generator] = {}
_seed: int | None = None


def _locale_seed(base: int, locale: str) -> int:
    # zlib.crc32 rather than hash(): str hashes change between processes.
    return (base * 1_000_003) ^ zlib.crc32(locale.encode())


def faker_for(locale: str | None = None) -> Generator:
    """Return the seeded Faker generator of ``locale`` (default ``en_US``).

    Example:
        >>> faker_for().first_name()  # doctest: +SKIP
        'Mary'
    """
    key = locale or DEFAULT_LOCALE
    generator = _generators.get(key)
    if generator is None:
        generator = _FakerFactory.create(key)
        generator.seed_instance(_locale_seed(_seed, key) if _seed is not None else rng.random())
        _generators[key] = generator
    return generator


def seed(value: int) -> None:
    """Reseed every random source the factories use, Faker included.

    Two runs that call ``seed(n)`` with the same ``n`` and then make the same
    calls produce the same data.

    Example:
        >>> import asyncfactories
        >>> asyncfactories.seed(1234)
    """
    global _seed
    if not isinstance(value, int) or isinstance(value, bool):
        raise FactoryArgumentError(
            "seed",
            None,
            f"seed() got {value!r}, not a whole number",
            "pass an int, e.g. seed(1234); the same int reproduces the same data",
        )
    _seed = int(value)
    rng.seed(_seed)
    for locale, generator in _generators.items():
        generator.seed_instance(_locale_seed(_seed, locale))


def current_seed() -> int | None:
    """Return the last value given to :func:`seed`, or ``None`` if it was never called."""
    return _seed


def get_state() -> object:
    """A snapshot of every random source (the shared one and each Faker locale's)."""
    return (
        _seed,
        rng.getstate(),
        {locale: generator.random.getstate() for locale, generator in _generators.items()},
    )


def set_state(state: object) -> None:
    """Restore a snapshot taken by :func:`get_state`."""
    global _seed
    seed_value, shared, locales = typing.cast("tuple[int | None, Any, dict[str, Any]]", state)
    _seed = seed_value
    rng.setstate(shared)
    for locale, generator_state in locales.items():
        faker_for(locale).random.setstate(generator_state)
