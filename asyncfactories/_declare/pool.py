"""Pool: a few parents shared by every row of a call.

``create_batch(1000, author=Pool(AuthorFactory, 10))`` makes 10 authors once
for the call and spreads the 1,000 posts over them, instead of one author per
post. The members are made on the pool's first use in a call (or a whole
``load()``), through the call's own builder, so they join its INSERTs: the 10
authors are one INSERT. ``Pool(existing_objects)`` shares rows that exist.

A Pool is a SubFactory to the rest of the package: ``author__name=`` reaches
the pooled factory, fields reading ``author`` wait for its key under create,
autofill and the write path see a declared parent.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterable
from typing import Any, Literal

from asyncfactories._declare.base import Row, argument_error, is_whole
from asyncfactories._declare.subfactory import FactoryRef, SubFactory, is_factory
from asyncfactories._errors import FactoryArgumentError
from asyncfactories._state import rng

__all__ = ("Pick", "Pool", "PoolMembers")

Pick = Literal["cycle", "random"]
_PICKS = ("cycle", "random")


class Pool(SubFactory):
    """``size`` objects of ``factory`` made once per call and shared by its rows.

    ``pick="cycle"`` (the default) hands them out in turn; ``"random"`` in a
    fresh random order each round, so either way every member is used once
    the call has at least ``size`` rows. ``Pool(objects)`` shares objects
    that already exist and writes no parent. Keyword arguments are defaults
    of the pooled factory, as in a SubFactory.

    A call makes all ``size`` members, even one that makes fewer rows; each
    public call (``create_batch``, ``build_batch``, one ``load`` however many
    chunks or workers it has: each worker makes its own) has its own members.

    Example:
        >>> from asyncfactories.examples.agents import UserFactory
        >>> owners = Pool(UserFactory, 10)
        >>> owners
        Pool(UserFactory, size=10)
    """

    __slots__ = ("_origin", "_source", "objects", "pick", "size")

    def __init__(
        self,
        factory: type | str | Iterable[Any],
        size: int | None = None,
        *,
        pick: Pick = "cycle",
        **defaults: Any,
    ) -> None:
        if pick not in _PICKS:
            raise argument_error(
                "Pool",
                f"Pool(..., pick={pick!r}) is not a way to pick",
                'pass pick="cycle" (each member in turn) or pick="random"',
            )
        self.pick: Pick = pick
        #: The field's stream once bound (``pick="random"`` shuffles with it).
        self._source: random.Random = rng
        #: The declaration as written: a bound copy shares its members in a call.
        self._origin: Pool = self
        if isinstance(factory, (type, str)):
            if not is_whole(size) or size is None or size < 1:
                raise argument_error(
                    "Pool",
                    f"Pool({_name(factory)}, size={size!r}) needs a size of 1 or more",
                    f"say how many to share, e.g. Pool({_name(factory)}, size=10)",
                )
            super().__init__(factory, **defaults)
            self.objects: tuple[Any, ...] | None = None
            self.size = size
            return
        objects = tuple(factory) if _iterable(factory) else None
        if not objects:
            raise argument_error(
                "Pool",
                f"Pool({factory!r}) needs a factory or a non-empty list of objects",
                "pass Pool(AuthorFactory, size=10), or Pool([author1, author2]) of existing rows",
            )
        if size is not None or defaults:
            raise argument_error(
                "Pool",
                "Pool(objects) shares the objects given; it takes no size or field defaults",
                "drop size= and the defaults, or pool a factory: Pool(AuthorFactory, size=10)",
            )
        self.factory = FactoryRef(type(objects[0]), "Pool")
        self.defaults = {}
        self.objects = objects
        self.size = len(objects)

    def check(self, factory: str, field: str) -> None:
        """Check the pooled factory as a SubFactory's (nothing to check for given objects)."""
        if self.objects is None:
            super().check(factory, field)

    def with_defaults(self, extra: dict[str, Any]) -> SubFactory:
        """A trait's ``author__name=`` on a pool: a new pool whose members get it."""
        if self.objects is not None:
            raise FactoryArgumentError(
                "Pool",
                None,
                f"{self!r} shares given objects, so {sorted(extra)} cannot reach them",
                "set those fields on the objects themselves, or pool a factory",
            )
        return super().with_defaults(extra)

    def bind(self, source: random.Random) -> Pool:
        """The pool shuffling with ``source`` (its field's stream), sharing members with itself."""
        if self.pick != "random":
            return self
        clone = copy.copy(self)
        clone._source = source
        return clone

    @property
    def key(self) -> int:
        """What a call's members are kept under: the same for the pool and its bound copies."""
        return id(self._origin)

    def evaluate(self, row: Row) -> object:
        """This row's member of the pool (the pool is made on its first use in the call)."""
        return row.pooled(self)

    def __repr__(self) -> str:
        if self.objects is not None:
            return f"Pool(<{self.size} {type(self.objects[0]).__name__} objects>)"
        pick = "" if self.pick == "cycle" else f", pick={self.pick!r}"
        return f"Pool({self.factory!r}, size={self.size}{pick})"


class PoolMembers:
    """The members of one pool in one call, and whose turn is next."""

    __slots__ = ("_order", "_source", "_turn", "members")

    def __init__(self, members: list[Any], pool: Pool) -> None:
        self.members = members
        self._source = pool._source if pool.pick == "random" else None
        self._order = list(range(len(members)))
        self._turn = 0

    def next(self) -> Any:
        """The member for the next row."""
        turn = self._turn
        if turn == 0 and self._source is not None:
            self._source.shuffle(self._order)
        self._turn = (turn + 1) % len(self.members)
        return self.members[self._order[turn]]


def _iterable(value: object) -> bool:
    if isinstance(value, (str, bytes, dict)) or is_factory(value):
        return False
    try:
        iter(value)  # type: ignore[call-overload]
    except TypeError:
        return False
    return True


def _name(factory: type | str) -> str:
    return factory if isinstance(factory, str) else factory.__name__
