"""The random source: a seed, one stream per (factory, field), Faker's generators.

Every field of every factory draws from its own stream, a ``random.Random``
seeded from ``blake2b(f"{seed}:{factory}:{field}")`` (``factory`` is the
qualified name of the factory being resolved, ``module.QualName``). A field's
values therefore depend only on the seed, its factory, its field name and how
many values that field drew before: adding, removing or reordering another
declaration, or a test that runs earlier under another seed, leaves them as
they were. blake2b, not ``hash()``, so that the same seed gives the same
streams in every process (workers, shards, reruns).

The factory is the one being resolved, not the class that declared the field:
a subclass (``AdminUserFactory(UserFactory)``) has streams of its own, else its
first row would repeat its parent's first row, unique email and all. A
SubFactory's fields draw from the sub-factory's streams. Factories with the
same qualified name share streams.

Streams are cheap to reseed: :func:`seed` only moves an epoch forward, and a
stream is reseeded in place when a call first asks for it afterwards
(:func:`bind_field`, once per field per call). Its ``random.Random`` keeps its
identity for the life of the process, so the closures compiled against it (the
fast Faker path, autofill, fuzzy values) stay valid across seeds.

A ``Faker(...).draw()`` or ``fuzzy.X(...).fuzz()`` called from a user's
function while it computes a field (``LazyAttribute(lambda o: SCORE.fuzz())``)
draws from that field's stream too (:data:`current`). Anywhere else, and for a
Faker generator called directly (``faker_for().name()``), values come from the
shared :data:`rng` and one Faker generator per locale, seeded by the same seed.

With no seed ever set, the streams derive from a base drawn from the system's
entropy at import (and at ``reset()``), so values differ between processes.
"""

from __future__ import annotations

import hashlib
import random
import typing
import weakref
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from faker import Factory as _FakerFactory
from faker.generator import Generator

from asyncfactories._errors import FactoryArgumentError

__all__ = (
    "DEFAULT_LOCALE",
    "Bindable",
    "Stream",
    "bind_field",
    "bound_to",
    "compile_rng",
    "current",
    "current_seed",
    "drawing_from",
    "faker_for",
    "get_state",
    "reseed_from_entropy",
    "rng",
    "seed",
    "set_state",
    "stream_for",
    "stream_seed",
)

DEFAULT_LOCALE = "en_US"

rng = random.Random()
"""Shared source for draws made outside a factory field (standalone fuzzy and Faker draws)."""

current = [rng]
"""``current[0]``: the stream of the field whose user function is running, else :data:`rng`."""

_generators: dict[str, Generator] = {}
_seed: int | None = None
# What the streams derive from: the seed, or entropy when none was set.
_base: int = random.SystemRandom().getrandbits(64)
# Moves forward at every seed()/set_state(): a stream of an older epoch is stale.
_epoch = 0


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
    calls produce the same data; each field's values depend only on ``n``, its
    factory and its own earlier draws.

    Example:
        >>> import asyncfactories
        >>> asyncfactories.seed(1234)
    """
    global _seed, _base, _epoch
    if not isinstance(value, int) or isinstance(value, bool):
        raise FactoryArgumentError(
            "seed",
            None,
            f"seed() got {value!r}, not a whole number",
            "pass an int, e.g. seed(1234); the same int reproduces the same data",
        )
    _seed = _base = int(value)
    _epoch += 1
    rng.seed(_seed)
    for locale, generator in _generators.items():
        generator.seed_instance(_locale_seed(_seed, locale))


def reseed_from_entropy() -> None:
    """Forget the seed and draw every source afresh from the system's entropy."""
    global _seed, _base, _epoch
    _seed = None
    _base = random.SystemRandom().getrandbits(64)
    _epoch += 1
    rng.seed()
    for generator in _generators.values():
        generator.seed_instance(rng.random())


def current_seed() -> int | None:
    """Return the last value given to :func:`seed`, or ``None`` if it was never called."""
    return _seed


# -- per-field streams ------------------------------------------------------------------


class Bindable(Protocol):
    """A declaration that can be specialised to draw from one stream."""

    def bind(self, source: random.Random) -> Any:
        """The declaration drawing from ``source`` (itself when it draws nothing)."""
        ...


def stream_seed(base: int, factory: str, field: str) -> int:
    """The seed of the stream of ``factory.field`` under ``base``: the same in every process.

    Example:
        >>> stream_seed(1, "app.UserFactory", "email") == stream_seed(1, "app.UserFactory", "email")
        True
    """
    digest = hashlib.blake2b(f"{base}:{factory}:{field}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Stream:
    """The random source of one field of one factory, and its declarations bound to it."""

    __slots__ = ("_bound", "epoch", "factory", "field", "random")

    def __init__(self, factory: str, field: str) -> None:
        self.factory = factory
        self.field = field
        self.random = random.Random(stream_seed(_base, factory, field))
        self.epoch = _epoch
        # id(declaration) -> (a weak reference to it, its binding). Weak: a factory's
        # declarations (and the classes a SubFactory names) go when the factory goes,
        # a call's own override declarations too.
        self._bound: dict[int, tuple[weakref.ref[Bindable], object]] = {}
        _by_source[self.random] = self

    def bind(self, declaration: Bindable) -> Any:
        """``declaration`` drawing from this stream, made once per declaration and kept."""
        entry = self._bound.get(id(declaration))
        if entry is not None and entry[0]() is declaration:
            return entry[1]
        bound = declaration.bind(self.random)
        if bound is not declaration:
            key = id(declaration)
            self._bound[key] = (weakref.ref(declaration, self._forget(key)), bound)
        return bound

    def _forget(self, key: int) -> Callable[[weakref.ref[Bindable]], None]:
        def forget(ref: weakref.ref[Bindable]) -> None:
            entry = self._bound.get(key)
            if entry is not None and entry[0] is ref:
                del self._bound[key]

        return forget

    def __repr__(self) -> str:
        return f"Stream({self.factory}.{self.field})"


_streams: dict[tuple[str, str], Stream] = {}
_by_source: dict[random.Random, Stream] = {}


def stream_for(factory: str, field: str) -> Stream:
    """The stream of ``factory.field``, reseeded first if a seed came since its last use."""
    stream = _streams.get((factory, field))
    if stream is None:
        stream = _streams[factory, field] = Stream(factory, field)
    elif stream.epoch != _epoch:
        stream.random.seed(stream_seed(_base, factory, field))
        stream.epoch = _epoch
    return stream


def bind_field(factory: str, field: str, declaration: Bindable) -> Any:
    """``declaration`` bound to the stream of ``factory.field`` (what the resolver calls)."""
    stream = _streams.get((factory, field))
    if stream is None or stream.epoch != _epoch:
        stream = stream_for(factory, field)
    entry = stream._bound.get(id(declaration))
    if entry is not None and entry[0]() is declaration:
        return entry[1]
    return stream.bind(declaration)


def bound_to(declaration: Bindable, source: random.Random) -> Any:
    """``declaration`` bound to ``source``: kept when ``source`` is a stream's."""
    stream = _by_source.get(source)
    return declaration.bind(source) if stream is None else stream.bind(declaration)


# -- compiling against a source ---------------------------------------------------------

_compiling: ContextVar[random.Random] = ContextVar("asyncfactories_compiling", default=rng)


def compile_rng() -> random.Random:
    """The source that closures compiled now draw from (:data:`rng` unless told otherwise).

    Compile-time only: the fast Faker path and autofill read it while they build
    their closures, never while those draw.
    """
    return _compiling.get()


@contextmanager
def drawing_from(source: random.Random) -> Iterator[None]:
    """Compile closures that draw from ``source`` inside the block.

    Example:
        >>> own = random.Random(1)
        >>> with drawing_from(own):
        ...     compile_rng() is own
        True
    """
    token = _compiling.set(source)
    try:
        yield
    finally:
        _compiling.reset(token)


# -- snapshots ---------------------------------------------------------------------------


def get_state() -> object:
    """A snapshot of every random source: the shared one, each Faker locale's, each stream's."""
    return (
        _seed,
        _base,
        rng.getstate(),
        {locale: generator.random.getstate() for locale, generator in _generators.items()},
        # A stale stream is not recorded: on next use it restarts from the base, as it would have.
        {key: s.random.getstate() for key, s in _streams.items() if s.epoch == _epoch},
    )


def set_state(state: object) -> None:
    """Restore a snapshot taken by :func:`get_state`."""
    global _seed, _base, _epoch
    seed_value, base, shared, locales, streams = typing.cast(
        "tuple[int | None, int, Any, dict[str, Any], dict[tuple[str, str], Any]]", state
    )
    _seed, _base = seed_value, base
    _epoch += 1
    rng.setstate(shared)
    for locale, generator_state in locales.items():
        faker_for(locale).random.setstate(generator_state)
    for (factory, field), stream_state in streams.items():
        stream = stream_for(factory, field)
        stream.random.setstate(stream_state)
