"""Autofill: declarations for the columns a factory leaves out and the database requires.

When a factory class is defined, :func:`autofill_declarations` reads its
model's table (never configuring the mappers: a factory may be defined before
every model is imported) and adds ordinary declarations, so ``attributes()``,
``build()``, ``create()``, ``create_batch()`` and ``load()`` all see them:

* :class:`Autofill` for a column that is NOT NULL with no Python default, no
  server default, not computed, not an identity or autoincrement key, not the
  polymorphic discriminator or version counter; its value comes from the
  column's type (:mod:`asyncfactories._build.autofill_types`);
* :class:`UniqueAutofill` for such a column under a unique constraint, a
  unique index or a primary key: the ``n``-th value of a counter kept per
  column (shared by every factory of the model, sliced like sequences under
  parallel loads), so values never repeat;
* :class:`AutoParent` for a required foreign key: once the object is made, if
  nothing set the relationship or the key, the relationship gets a real parent
  from the model's factory (:func:`factory_for`: the last one defined, not
  abstract, that is not a subclass of another one of that model), else from
  a factory autofill makes for that model. None is added for a key where a
  declared ``SubFactory(SomeFactory)`` makes rows of the table it refers to and
  no other key refers to that table: the key is set, so no row pays for a check.

``Meta.autofill = "all"`` also fills nullable and server-filled columns;
``Meta.autofill = False`` turns autofill off. The settings inherit.
"""

from __future__ import annotations

import copy
import functools
import inspect
import random
import re
import typing
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.orm import Mapper

from asyncfactories._build.autofill_parents import (
    MADE_BY_AUTOFILL,
    AutoParent,
    factory_for,
    live_factories,
    remember_factory,
)
from asyncfactories._build.autofill_types import Kind, kind_for, label_of
from asyncfactories._declare import Declaration, Pool, PostDeclaration, Row, SubFactory
from asyncfactories._errors import AutofillError, FactoryDefinitionError
from asyncfactories._random_source import drawing_from
from asyncfactories._state import Hierarchy

__all__ = (
    "AutoParent",
    "Autofill",
    "UniqueAutofill",
    "autofill_declarations",
    "factory_for",
    "live_factories",
    "remember_factory",
    "unique_counters",
)

SETTINGS = (True, False, "all")


# -- the declarations ------------------------------------------------------------------


class Autofill(Declaration):
    """A value for a required column, drawn from its type (see :func:`kind_for`)."""

    __slots__ = ("_draw", "_remake", "column", "label")

    def __init__(
        self, column: str, kind: Kind, remake: Callable[[], Kind | None] | None = None
    ) -> None:
        self.column = column
        self.label = kind.label
        self._draw = kind.draw
        #: Compiles the kind again, against the source :func:`drawing_from` names.
        self._remake = remake

    def bind(self, source: random.Random) -> Declaration:
        """A copy whose values come from ``source`` (the column's field stream)."""
        if self._remake is None:
            return self
        with drawing_from(source):
            kind = self._remake()
        if kind is None:  # pragma: no cover - the same type gave a kind at class definition
            return self
        bound = copy.copy(self)
        bound._take(kind)
        return bound

    def _take(self, kind: Kind) -> None:
        self._draw = kind.draw

    def evaluate(self, row: Row) -> object:
        """Draw one value."""
        return self._draw()

    def __repr__(self) -> str:
        return f"Autofill({self.label})"


class UniqueAutofill(Autofill):
    """A value of a unique column: the n-th of a counter kept per column, never repeated."""

    __slots__ = ("_counter", "_nth", "capacity", "table")

    def __init__(
        self,
        column: str,
        kind: Kind,
        table: str,
        counter: Hierarchy,
        remake: Callable[[], Kind | None] | None = None,
    ) -> None:
        super().__init__(column, kind, remake)
        self._nth = kind.nth
        self.capacity = kind.capacity
        self.table = table
        self._counter = counter

    def _take(self, kind: Kind) -> None:
        self._draw, self._nth = kind.draw, kind.nth

    def evaluate(self, row: Row) -> object:
        """The value of the column's next number."""
        n = self._counter.take(1)[0]
        if self.capacity is not None and n >= self.capacity:
            raise AutofillError(
                row.factory_name,
                row.field,
                f"{self!r} ran out of distinct values after {self.capacity:,}",
                f"declare {row.field} yourself (a wider column, or a Sequence of your own)",
                table=self.table,
                column=self.column,
            )
        return self._nth(n)

    def __repr__(self) -> str:
        return f"Autofill({self.label}, unique=True)"


# -- reading the table ----------------------------------------------------------------------

_counters: weakref.WeakKeyDictionary[Table, dict[str, Hierarchy]] = weakref.WeakKeyDictionary()


def _counter(column: Column[Any]) -> Hierarchy:
    """The unique counter of ``column``: one per column, whichever factory fills it.

    A :class:`Hierarchy`, so parallel loads slice it like every sequence and
    the pytest plugin restarts it with the others before each test.
    """
    table = column.table
    assert isinstance(table, Table)
    per_table = _counters.setdefault(table, {})
    counter = per_table.get(column.name)
    if counter is None:
        counter = per_table[column.name] = Hierarchy()
    return counter


def unique_counters() -> list[tuple[Column[Any], Hierarchy]]:
    """Every unique column's counter made so far, with its column (appending loads continue them)."""
    return [
        (table.columns[name], counter)
        for table, per_table in list(_counters.items())
        for name, counter in per_table.items()
    ]


def _setting(cls: type) -> object:
    """``Meta.autofill`` of ``cls`` or the nearest base that sets it (default True)."""
    for klass in cls.__mro__:
        meta = klass.__dict__.get("Meta")
        if meta is not None and "autofill" in vars(meta):
            value = vars(meta)["autofill"]
            if not any(value is s or (isinstance(s, str) and value == s) for s in SETTINGS):
                raise FactoryDefinitionError(
                    klass.__name__,
                    "Meta.autofill",
                    f"is {value!r}",
                    'use True (the default: required columns), "all" (nullable and '
                    "server-filled columns too) or False",
                )
            return value
    return True


def _unique_sets(table: Table) -> tuple[set[Column[Any]], list[set[Column[Any]]]]:
    """Columns unique on their own, and groups unique together (constraints, indexes, keys)."""
    alone: set[Column[Any]] = {c for c in table.columns if c.unique}
    groups: list[set[Column[Any]]] = []
    sets: list[set[Column[Any]]] = [set(table.primary_key.columns)]
    sets += [set(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [set(ix.columns) for ix in table.indexes if ix.unique]
    for columns in sets:
        if len(columns) == 1:
            alone |= columns
        elif columns:
            groups.append(columns)
    return alone, groups


def _accepted(mapper: Mapper[Any]) -> frozenset[str] | None:
    """The names a custom ``__init__`` takes (``None``: any column, as the default one does)."""
    init = getattr(mapper.class_manager, "original_init", None)
    if init is None or init is mapper.registry.constructor:
        return None
    try:
        parameters = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)


_LIST_ANNOTATION = re.compile(r"^\s*(?:\w+\.)*Mapped\[\s*(?:\w+\.)*(?:list|List|Sequence|tuple)\b")


def _json_shape(model: type, key: str) -> type:
    """``list`` when the attribute is annotated ``Mapped[list[...]]``, else ``dict``."""
    for klass in model.__mro__:
        annotation = vars(klass).get("__annotations__", {}).get(key)
        if annotation is None:
            continue
        if isinstance(annotation, str):
            return list if _LIST_ANNOTATION.match(annotation) else dict
        inner = typing.get_args(annotation)
        origin = typing.get_origin(inner[0]) if inner else None
        return list if origin in (list, tuple) else dict
    return dict


def _has_default(column: Column[Any]) -> bool:
    return column.default is not None


def _filled_by_database(column: Column[Any]) -> bool:
    """Computed, identity or the table's autoincrement key: never given a value."""
    table = column.table
    return (
        column.computed is not None
        or column.identity is not None
        or (isinstance(table, Table) and table.autoincrement_column is column)
    )


def _wanted(column: Column[Any], every: bool) -> bool:
    """Whether the column gets a value: required, or (``every``) merely allowed one."""
    if _filled_by_database(column) or _has_default(column):
        return False
    if every:
        return True
    return not column.nullable and column.server_default is None


def _target(constraint: ForeignKeyConstraint) -> str:
    """The referred table's full name, as the key spells it (the table may not exist yet)."""
    return constraint.elements[0].target_fullname.rpartition(".")[0]


def _made_table(value: object) -> str | None:
    """The full name of the table a plain ``SubFactory(FactoryClass)`` (or Pool) makes a row of."""
    if not isinstance(value, SubFactory) or type(value) not in (SubFactory, Pool):
        return None
    if not isinstance(value.factory.target, type):
        return None
    options = value.factory.target.__dict__.get("_options")
    mapper = getattr(options, "mapper", None)
    return str(mapper.local_table.fullname) if mapper is not None else None


class _Plan:
    """What autofill adds to one factory."""

    def __init__(self, name: str, mapper: Mapper[Any], declared: set[str], every: bool) -> None:
        self.name = name
        self.mapper = mapper
        self.declared = declared
        self.every = every
        self.made_by_autofill = False
        self.fields: dict[str, object] = {}
        self.post: dict[str, PostDeclaration] = {}

    def skipped(self) -> set[Column[Any]]:
        """Columns the ORM fills itself: discriminator, version counter, inherited keys."""
        mapper = self.mapper
        skip: set[Column[Any]] = set()
        for column in (mapper.polymorphic_on, mapper.version_id_col):
            if isinstance(column, Column):
                skip.add(column)
        if mapper.inherits is not None:
            inherited = {t.fullname for t in mapper.inherits.tables if isinstance(t, Table)}
            for table in mapper.tables:
                for fk in getattr(table, "foreign_keys", ()):
                    if fk.target_fullname.rpartition(".")[0] in inherited and fk.parent.primary_key:
                        skip.add(fk.parent)
        return skip

    def columns(self) -> None:
        mapper = self.mapper
        accepted = _accepted(mapper)
        skip = self.skipped()
        tables = {t for t in mapper.tables if isinstance(t, Table)}
        alone: set[Column[Any]] = set()
        groups: list[set[Column[Any]]] = []
        for table in tables:
            single, together = _unique_sets(table)
            alone |= single
            groups += together
        grouped = set().union(*groups) if groups else set()
        for key, column in mapper.columns.items():
            if (
                not isinstance(column, Column)
                or column.table not in tables
                or column in skip
                or column.foreign_keys
                or key in self.declared
                or (accepted is not None and key not in accepted)
                or not _wanted(column, self.every)
            ):
                continue
            remake = functools.partial(kind_for, column.type, _json_shape(mapper.class_, key))
            kind = remake()
            if kind is None:
                if not self.every or (not column.nullable and column.server_default is None):
                    raise self._cannot(key, column)
                continue
            unique = column in alone or (
                column in grouped and (kind.capacity is None or kind.capacity >= 1_000_000)
            )
            if unique:
                table = column.table
                assert isinstance(table, Table)
                self.fields[key] = UniqueAutofill(
                    column.name, kind, table.name, _counter(column), remake
                )
            else:
                self.fields[key] = Autofill(column.name, kind, remake)

    def parents(self, values: Mapping[str, object]) -> None:
        mapper = self.mapper
        skip = self.skipped()
        constraints = [
            c for t in mapper.tables if isinstance(t, Table) for c in t.foreign_key_constraints
        ]
        targets = [_target(c) for c in constraints]
        # Tables a declared SubFactory makes rows of (known now only for a class target).
        declared = {_made_table(v) for v in values.values()} - {None}
        for constraint, target in zip(constraints, targets, strict=True):
            if target in declared and targets.count(target) == 1:
                # The one key to that table, and a declared SubFactory makes its parent:
                # no check per row needed (one to the same table twice is checked per row).
                continue
            self._parent(constraint, skip)

    def _parent(self, constraint: ForeignKeyConstraint, skip: set[Column[Any]]) -> None:
        columns = tuple(constraint.columns)
        mapped = set(self.mapper.columns.values())
        if any(c in skip or c not in mapped for c in columns):
            return
        keys = [self.mapper.get_property_by_column(c).key for c in columns]
        if any(k in self.declared for k in keys):
            return
        if not any(_wanted(c, self.every) for c in columns):
            return
        parent = AutoParent(self.name, self.mapper, columns, _target(constraint))
        self.post[f"<autofill {'+'.join(keys)}>"] = parent

    def _cannot(self, key: str, column: Column[Any]) -> AutofillError:
        label = label_of(column.type)
        table = column.table
        model = self.mapper.class_.__name__
        fix = (
            f"define a factory for {model} that declares {key}"
            if self.made_by_autofill
            else f"declare it, e.g. `{key} = LazyFunction(lambda: ...)`, "
            "or turn autofill off with Meta.autofill = False"
        )
        return AutofillError(
            self.name,
            key,
            f"is a required {label} column of {getattr(table, 'name', table)}, "
            f"and autofill cannot generate {label} values",
            fix,
            table=str(getattr(table, "name", table)),
            column=column.name,
        )


def autofill_declarations(
    cls: type,
    mapper: Mapper[Any] | None,
    fields: Mapping[str, object],
    post: Mapping[str, PostDeclaration],
    rename: Mapping[str, str],
    params: frozenset[str] | set[str] = frozenset(),
) -> tuple[dict[str, object], dict[str, PostDeclaration]]:
    """The factory's fields and post declarations with autofill's added (or removed).

    Autofilled fields come first, so a declared setter (a hybrid, a synonym)
    runs after them and wins; what a base autofilled is worked out again here,
    since the subclass may declare more, or set ``Meta.autofill`` otherwise.
    """
    setting = _setting(cls)
    own_fields = {k: v for k, v in fields.items() if not isinstance(v, Autofill)}
    own_post = {k: v for k, v in post.items() if not isinstance(v, AutoParent)}
    if setting is False or mapper is None:
        return own_fields, own_post
    declared = set(own_fields) | set(own_post) | set(rename.values())
    plan = _Plan(cls.__name__, mapper, declared, every=setting == "all")
    plan.made_by_autofill = bool(cls.__dict__.get(MADE_BY_AUTOFILL))
    plan.columns()
    plan.parents({k: v for k, v in own_fields.items() if k not in params})
    return {**plan.fields, **own_fields}, {**plan.post, **own_post}
