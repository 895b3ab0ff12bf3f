"""Real parents for required foreign keys nobody set, and the registry of factories by model.

:class:`AutoParent` runs once the object exists (as a RelatedFactory does), so
it sees the object as the declarations, the call's overrides, traits and
hooks left it; it finds the relationship over the key on first use, when the
mappers can be configured, and takes the parent from :func:`factory_for`, else
from a factory it makes for that model (itself autofilled).

The registry holds factories weakly: a factory defined inside a test does not
outlive it, nor keep its model alive.
"""

from __future__ import annotations

import weakref
from collections.abc import Coroutine
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Column
from sqlalchemy.orm import MANYTOONE, Mapper, configure_mappers

from asyncfactories._declare import MISSING, PostDeclaration, Row
from asyncfactories._errors import AutofillError

__all__ = ("MADE_BY_AUTOFILL", "AutoParent", "factory_for", "live_factories", "remember_factory")

#: A class attribute marking the factories autofill makes itself (never registered).
MADE_BY_AUTOFILL = "__asyncfactories_autofill__"
#: The tables whose parents are being made right now, outermost first (cycle detection).
_chain: ContextVar[tuple[str, ...]] = ContextVar("asyncfactories_autofill_chain", default=())


class _Link:
    """What a required foreign key resolves to once the mappers are configured."""

    __slots__ = ("key", "model", "table")

    def __init__(self, key: str, model: type, table: str) -> None:
        self.key = key
        self.model = model
        self.table = table


class AutoParent(PostDeclaration):
    """A real parent for a required foreign key that nothing else set.

    It runs once the object exists (as a RelatedFactory does), so it sees the
    object as the declarations, the call's overrides, traits and hooks left it:
    if the relationship or any of the key's columns was given, even ``None``,
    it does nothing. The relationship is found on first use, when the mappers
    can be configured.
    """

    __slots__ = ("_auto", "_given", "_link", "columns", "keys", "mapper", "owner", "target")

    def __init__(
        self, owner: str, mapper: Mapper[Any], columns: tuple[Column[Any], ...], target: str
    ) -> None:
        self.owner = owner
        self.mapper = mapper
        self.columns = columns
        self.keys = tuple(mapper.get_property_by_column(c).key for c in columns)
        self._given = frozenset(self.keys)
        #: The referred table's name, as the foreign key spells it.
        self.target = target
        self._link: _Link | None = None
        self._auto: type | None = None

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Give ``obj`` a parent unless its relationship or key was set."""
        # The common case first, and cheaply: a declared relationship set the parent.
        try:
            values = obj.__dict__
        except AttributeError:
            return None
        link = self._link
        if (link is not None and link.key in values) or not self._given.isdisjoint(values):
            return None
        if extracted is not MISSING:
            return extracted
        link = link or self._resolve()
        if link.key in values:
            return None
        chain = _chain.get()
        if link.table in chain:
            cycle = " -> ".join((*chain[chain.index(link.table) :], link.table))
            raise AutofillError(
                self.owner,
                self.keys[0],
                f"needs a parent in {link.table}, and the required foreign keys autofill "
                f"follows form a cycle ({cycle}), so it would make parents forever",
                f"declare {link.key} (a SubFactory or an existing object) in one of those "
                "factories, or make one of the keys nullable",
                table=self.columns[0].table.name,
                column=self.columns[0].name,
            )
        factory = factory_for(link.model) or self._auto_factory(link.model)
        if create:  # the parent is made when the coroutine is awaited, in _attach
            return self._attach(obj, link, row.relate(factory, [{}]), chain)  # type: ignore[arg-type]
        token = _chain.set((*chain, link.table))
        try:
            parent = row.relate(factory, [{}])[0]  # type: ignore[index]
        finally:
            _chain.reset(token)
        setattr(obj, link.key, parent)
        return parent

    async def _attach(
        self,
        obj: object,
        link: _Link,
        made: Coroutine[Any, Any, list[object]],
        chain: tuple[str, ...],
    ) -> object:
        token = _chain.set((*chain, link.table))
        try:
            parents = await made
        finally:
            _chain.reset(token)
        setattr(obj, link.key, parents[0])
        return parents[0]

    def _resolve(self) -> _Link:
        """The many-to-one relationship over the key's columns (configures the mappers)."""
        if not self.mapper.configured:
            configure_mappers()
        wanted = set(self.columns)
        found = [
            rel
            for rel in self.mapper.relationships
            if rel.direction is MANYTOONE and not rel.viewonly and wanted <= set(rel.local_columns)
        ]
        if not found:
            key = self.keys[0]
            model = self.mapper.class_.__name__
            raise AutofillError(
                self.owner,
                key,
                f"is a required foreign key to {self.target}, and no relationship of {model} "
                "goes through it for autofill to give a parent",
                f'declare it, e.g. `{key} = SelfAttribute("parent.id")` with '
                "`parent = SubFactory(ParentFactory)` in class Params, or map a relationship()",
                table=self.columns[0].table.name,
                column=self.columns[0].name,
            )
        rel = found[0]
        self._link = _Link(rel.key, rel.mapper.class_, _name(rel.mapper.local_table))
        return self._link

    def _auto_factory(self, model: type) -> type:
        if self._auto is None or self._auto.__dict__["_options"].model is not model:
            if _base is None:  # pragma: no cover - AsyncFactory registers itself on import
                raise RuntimeError("asyncfactories: no factory base registered")
            meta = type("Meta", (), {"model": model})
            name = f"{model.__name__}AutofillFactory"
            self._auto = type(
                name,
                (_base,),
                {
                    "Meta": meta,
                    "__module__": __name__,
                    "__qualname__": name,
                    MADE_BY_AUTOFILL: True,
                },
            )
        return self._auto

    def __repr__(self) -> str:
        return f"AutoParent({self.owner}.{'+'.join(self.keys)} -> {self.target})"


def _name(table: object) -> str:
    return str(getattr(table, "name", table))


# -- the registry of factories by model --------------------------------------------------

_base: type | None = None
# Weak both ways: a factory defined in a test, and its model, do not outlive their use.
_factories: weakref.WeakKeyDictionary[type, list[weakref.ref[type]]] = weakref.WeakKeyDictionary()


def remember_factory(cls: type, base: type) -> None:
    """Record ``cls`` as a factory of its model (``base`` makes autofilled factories)."""
    global _base
    _base = base
    options = cls.__dict__.get("_options")
    if options is None or options.abstract or options.mapper is None:
        return
    if cls.__dict__.get(MADE_BY_AUTOFILL):
        return
    refs = [r for r in _factories.get(options.model, ()) if r() is not None]
    refs.append(weakref.ref(cls))
    _factories[options.model] = refs


def factory_for(model: type) -> type | None:
    """The factory autofill uses for ``model``'s parents, or ``None`` if none is defined.

    The last one defined that is concrete and not a subclass of another one of
    the same model: ``AgentFactory``, not ``AutonomousAgentFactory``.
    """
    alive: list[type] = []
    for ref in _factories.get(model, ()):
        cls = ref()
        options = cls.__dict__.get("_options") if cls is not None else None
        if cls is not None and options is not None and options.model is model:
            alive.append(cls)
    roots = [c for c in alive if not any(o is not c and issubclass(c, o) for o in alive)]
    chosen = roots or alive
    return chosen[-1] if chosen else None


def live_factories() -> list[type]:
    """Every factory class alive, the ones autofill made included (appending loads read them)."""
    found: list[type] = []
    seen: set[type] = set()
    stack: list[type] = [_base] if _base is not None else []
    while stack:
        subclasses: list[type] = stack.pop().__subclasses__()
        for sub in subclasses:
            if sub not in seen:
                seen.add(sub)
                found.append(sub)
                stack.append(sub)
    return found
