"""factory_boy's ``factory.random``: reseed, save and restore the random sources.

Example:
    >>> from asyncfactories.random import get_random_state, reseed_random, set_random_state
    >>> reseed_random(42)
    >>> state = get_random_state()
    >>> set_random_state(state)
"""

from __future__ import annotations

import zlib

from asyncfactories._state import get_state, seed, set_state

__all__ = ("get_random_state", "reseed_random", "set_random_state")


def reseed_random(seed_value: object) -> None:
    """Reseed every random source the factories use, Faker included (as ``seed()``).

    A string or any hashable value is accepted, as factory_boy accepts it.

    Example:
        >>> reseed_random("my-tests")
    """
    if isinstance(seed_value, int):
        seed(seed_value)
        return
    seed(zlib.crc32(repr(seed_value).encode()))


def get_random_state() -> object:
    """The state of every random source, to restore later with :func:`set_random_state`.

    Example:
        >>> state = get_random_state()
    """
    return get_state()


def set_random_state(state: object) -> None:
    """Restore a state from :func:`get_random_state`: the same values follow again.

    Example:
        >>> set_random_state(get_random_state())
    """
    set_state(state)
