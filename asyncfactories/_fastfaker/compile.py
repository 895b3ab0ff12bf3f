"""Compiled fast path for the Faker providers factories use most.

Faker rebuilds weighted tables and re-parses format strings on every call
(``first_name`` walks a 700-entry weight table, ``email`` parses two formats
and transliterates the result). :func:`compile_fast` turns
``provider(**kwargs)`` for a locale into a closure once: the same locale data,
read from Faker's provider instances, with cumulative weights and parsed
formats prepared up front, drawing from the ``random.Random`` it is compiled
against: a field's own stream (see :mod:`asyncfactories._random_source`), or
the shared ``rng`` for draws outside a factory. The prepared tree is built once
per provider, locale and arguments and shared; only the closures are made per
source (a fraction of a millisecond), so each field keeps its own stream at no
cost per value.

A provider, locale or argument mix without a faithful compiled form yields
``None`` and the caller uses Faker itself. Compiled forms are keyed by the Faker
function they reproduce, so a locale that overrides a method with its own logic
falls back automatically.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping

from faker.generator import Generator
from faker.providers import BaseProvider

from asyncfactories._fastfaker.nodes import Node
from asyncfactories._fastfaker.registry import TEXT_BUILDERS, VALUE_BUILDERS
from asyncfactories._fastfaker.text import Resolver
from asyncfactories._random_source import compile_rng, drawing_from
from asyncfactories._state import DEFAULT_LOCALE, faker_for, fast_path_enabled

__all__ = ("compile_fast",)

Draw = Callable[[], object]

_MAX_CACHED = 4096
_compiled: dict[Hashable, Draw | None] = {}
_nodes: dict[Hashable, tuple[Resolver, Node | None]] = {}
_resolvers: dict[str, Resolver] = {}


def compile_fast(
    provider: str,
    locale: str,
    kwargs: Mapping[str, object],
    source: random.Random | None = None,
) -> Callable[[], object] | None:
    """Return a zero-argument callable drawing ``provider(**kwargs)`` for ``locale``, or ``None``.

    ``None`` means there is no fast path for that combination (unknown provider,
    unsupported keyword arguments, or a locale whose data or formats are not
    modelled faithfully); the caller then falls back to Faker. The callable
    draws from ``source`` (default: the shared ``rng``).

    Example:
        >>> draw = compile_fast("first_name", "en_US", {})
        >>> isinstance(draw(), str)
        True

    """
    if not fast_path_enabled():
        return None
    locale = locale or DEFAULT_LOCALE
    source = source or compile_rng()
    key = _cache_key(provider, locale, kwargs)
    # Keyed by the source object itself (streams live as long as the process).
    full = None if key is None else (key, source)
    if full is not None and full in _compiled:
        return _compiled[full]
    with drawing_from(source):
        draw = _compile(provider, locale, kwargs, key)
    if full is not None:
        if len(_compiled) >= _MAX_CACHED:
            _compiled.clear()
        _compiled[full] = draw
    return draw


def _cache_key(provider: str, locale: str, kwargs: Mapping[str, object]) -> Hashable | None:
    # The value's type is part of the key: 1 == True, but pyint(step=True) is not pyint(step=1).
    key = (provider, locale, tuple((k, type(v), v) for k, v in sorted(kwargs.items(), key=_first)))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _first(item: tuple[str, object]) -> str:
    return item[0]


def _compile(
    provider: str, locale: str, kwargs: Mapping[str, object], key: Hashable | None
) -> Draw | None:
    if provider.startswith("_"):
        return None
    try:
        generator = faker_for(locale)
    except AttributeError:  # Faker's answer to an unknown locale
        return None
    bound = getattr(generator, provider, None)
    prov = getattr(bound, "__self__", None)
    if not isinstance(prov, BaseProvider):
        return None
    build = VALUE_BUILDERS.get(getattr(bound, "__func__", None))
    if build is not None:
        return build(prov, dict(kwargs))
    resolver = _resolver(locale, generator)
    known = _nodes.get(key) if key is not None else None
    if known is not None and known[0] is resolver:
        node = known[1]
    else:
        node = resolver.method(prov, provider, kwargs)
        if key is not None:
            if len(_nodes) >= _MAX_CACHED:
                _nodes.clear()
            _nodes[key] = (resolver, node)
    return None if node is None else node.compile()


def _resolver(locale: str, generator: Generator) -> Resolver:
    resolver = _resolvers.get(locale)
    if resolver is None or resolver.generator is not generator:
        resolver = _resolvers[locale] = Resolver(generator, TEXT_BUILDERS)
    return resolver
