"""The object being resolved, as declarations see it.

A :class:`Row` is what every declaration's ``evaluate(row)`` receives: the
values resolved so far, the sequence number, and the way to the sub-builds
(``recurse``, ``relate``, ``pooled``) that the :class:`~.resolver.Builder`
makes. :class:`Resolved` is the object ``LazyAttribute`` reads, field by field.
"""

from __future__ import annotations

import types
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from asyncfactories._build.call import Call
from asyncfactories._build.options import FactoryOptions
from asyncfactories._declare import MISSING, SKIP, Declaration, Pool
from asyncfactories._errors import (
    AsyncDeclarationError,
    CyclicDeclarationError,
    FactoryArgumentError,
    UnknownAttributeError,
    close_match,
)
from asyncfactories._state import Hierarchy

if TYPE_CHECKING:
    from asyncfactories._build.resolver import Builder

__all__ = ("Resolved", "Row", "StubObject", "options_of", "run_sync")

_COROUTINE = types.CoroutineType


def options_of(factory: object) -> FactoryOptions:
    """The options of a factory class (the SubFactory target of a row)."""
    options: FactoryOptions = factory._options  # type: ignore[attr-defined]
    return options


def run_sync(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Drive a coroutine that never suspends (a ``build()``) to its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()  # pragma: no cover - build() refuses whatever could suspend
    raise RuntimeError("a build suspended")  # pragma: no cover


class Resolved:
    """What ``LazyAttribute`` receives: the object being built, field by field."""

    __slots__ = ("_row",)

    def __init__(self, row: Row) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._row.read(name)  # UnknownAttributeError, so getattr(o, x, default) works

    def __repr__(self) -> str:
        return f"<{self._row.call.options.name} being built: {self._row.values!r}>"


class Row:
    """One object being resolved (the ``row`` every declaration receives)."""

    __slots__ = ("_stub", "builder", "call", "field", "n", "parent", "resolving", "values")

    def __init__(self, call: Call, n: int, parent: Row | None, builder: Builder) -> None:
        self.call = call
        self.n = n
        self.parent = parent
        self.builder = builder
        self.values: dict[str, object] = {}
        self.field = ""
        self.resolving: list[str] | None = None
        self._stub: Resolved | None = None

    @property
    def factory_name(self) -> str:
        """The factory building this object."""
        return self.call.options.name

    @property
    def hierarchy(self) -> Hierarchy:
        """The sequence counter and unique memories of the factory."""
        return self.call.options.hierarchy

    @property
    def stub(self) -> Resolved:
        """The object handed to ``LazyAttribute``."""
        if self._stub is None:
            self._stub = Resolved(self)
        return self._stub

    def read(self, name: str) -> object:
        """The value of field ``name``, resolving it now if it has not been yet."""
        values = self.values
        if name in values:
            value = values[name]
            if value is SKIP:
                raise UnknownAttributeError(
                    self.factory_name,
                    self.field,
                    f"reads {name!r}, which a Maybe left unset",
                    "give it a value",
                )
            return value
        declared = self.call.lookup.get(name, MISSING)
        if declared is not MISSING:
            return self._resolve_now(name, declared)
        if name == "factory_parent":
            return self.parent.stub if self.parent is not None else None
        close = close_match(name, self.call.lookup)
        raise UnknownAttributeError(
            self.factory_name,
            self.field,
            f"reads {name!r}, which {self.factory_name} does not declare",
            (f"did you mean {close!r}? " if close else "")
            + "declare it, pass it as an override, or fix the name",
        )

    def _resolve_now(self, name: str, declared: object) -> object:
        resolving = self.resolving if self.resolving is not None else []
        self.resolving = resolving
        if name in resolving:
            start = resolving.index(name)
            raise CyclicDeclarationError(self.factory_name, (*resolving[start:], name))
        reader = self.field
        resolving.append(name)
        self.field = name
        try:
            value = declared.evaluate(self) if isinstance(declared, Declaration) else declared
        finally:
            self.field = reader
            resolving.pop()
        if type(value) is _COROUTINE:
            value.close()
            raise AsyncDeclarationError(
                self.factory_name,
                name,
                f"is async and {reader!r} reads it before it was resolved",
                f"declare {name!r} before {reader!r}",
            )
        self.values[name] = value
        return value

    def recurse(
        self, factory: object, defaults: Mapping[str, object], *, same_sequence: bool = False
    ) -> object:
        """Build the SubFactory object of the current field.

        ``same_sequence`` gives it this object's sequence number (factory_boy's
        ``FORCE_SEQUENCE``, which ``Dict`` and ``List`` use).
        """
        nested = self.call.nested.get(self.field)
        overrides = {**defaults, **nested} if nested else defaults
        return self._deliver(
            self.builder.one(
                options_of(factory), overrides, self, self.n if same_sequence else None
            )
        )

    def relate(self, factory: object, overrides: list[dict[str, object]]) -> object:
        """Build the related objects of the current post declaration."""
        return self._deliver(self.builder.many(options_of(factory), overrides, self))

    def pooled(self, pool: Pool) -> object:
        """This row's member of ``pool``; the call makes the members on first use."""
        found = self.builder.pools.get(pool.key)
        if found is not None:
            return found[1].next()
        if pool.objects is not None:
            if self.call.nested.get(self.field):
                raise FactoryArgumentError(
                    self.factory_name,
                    f"{self.field}__{next(iter(self.call.nested[self.field]))}",
                    f"reaches into {pool!r}, which shares given objects",
                    "set the field on those objects, or pool a factory",
                )
            return self.builder.share(pool, list(pool.objects)).next()
        return self._deliver(self._fill_pool(pool))

    def _deliver(self, coroutine: Coroutine[Any, Any, Any]) -> object:
        """What a declaration returns for a sub-build: awaited by the loop under create.

        The one place a value stands in for an awaitable: build() drives the
        same coroutine to its end here, since nothing it runs can suspend.
        """
        return coroutine if self.builder.create else run_sync(coroutine)

    async def _fill_pool(self, pool: Pool) -> object:
        nested = self.call.nested.get(self.field)
        overrides = {**pool.defaults, **nested} if nested else pool.defaults
        options = options_of(pool.factory.resolve(self.factory_name, self.field))
        members = await self.builder.build(options, overrides, pool.size)
        return self.builder.share(pool, members).next()


class StubObject:
    """What ``stub()`` makes: a plain object with the resolved fields as attributes.

    Example:
        >>> StubObject(name="x").name
        'x'
    """

    def __init__(self, **kwargs: Any) -> None:
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"StubObject({inner})"
