"""How the objects of one mapped class become rows of its table, worked out once per mapper.

The bulk path writes rows with SQLAlchemy Core, so it has to do what the ORM
flush would: fill foreign keys from related objects, apply Python-side column
defaults, know which columns the database fills in (server defaults,
autoincrement keys) so they can be read back with RETURNING. This module
derives all of that from the mapper, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Table, insert
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.interfaces import MANYTOONE

__all__ = ("TablePlan", "plan_for")

_plans: dict[Mapper[Any], TablePlan] = {}


class TablePlan:
    """The insert recipe of one mapper."""

    __slots__ = (
        "_returning",
        "autoincrement",
        "backrefs",
        "cascading",
        "collections",
        "columns",
        "defaults",
        "field_of_column",
        "filled_by_database",
        "insert",
        "keeps_none",
        "many_to_one",
        "mapper",
        "one_to_many",
        "orm_only",
        "primary_key",
        "scalars",
        "secondary",
        "self_parents",
        "server_side",
        "table",
    )

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        table: Any = mapper.local_table  # a Table unless orm_only (then it may be a Join)
        self.orm_only = _needs_orm(mapper)
        self.table: Table = table
        # Statements are built once: SQLAlchemy memoizes a statement's cache
        # key on the object, so reusing it skips that work on every call.
        self.insert = insert(table) if isinstance(table, Table) else None
        self._returning: dict[tuple[tuple[str, ...], int, bool], Any] = {}
        #: (attribute key, column key) of every column this mapper writes.
        self.columns: list[tuple[str, str]] = []
        self.field_of_column: dict[str, str] = {}
        by_column: dict[Any, str] = {}
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if (
                len(prop.columns) != 1
                or not isinstance(column, Column)
                or column.table is not table
            ):
                continue
            self.columns.append((prop.key, column.key))
            self.field_of_column[column.name] = prop.key
            by_column[column] = prop.key
        self.primary_key = [by_column[c] for c in mapper.primary_key if c in by_column]
        #: Attributes whose None is a value to write (a JSON null), not "missing".
        self.keeps_none = frozenset(
            key for column, key in by_column.items() if column.type.should_evaluate_none
        )
        auto = table.autoincrement_column if isinstance(table, Table) else None
        #: The integer key SQLite would number itself (max + 1), if any.
        self.autoincrement: str | None = by_column.get(auto) if auto is not None else None
        #: Python-side defaults we can compute before the INSERT.
        self.defaults: list[tuple[str, Callable[[], object]]] = []
        #: Columns the database (or a context-aware default) fills in: read back.
        self.server_side: list[tuple[str, Column[Any]]] = []
        for column, key in by_column.items():
            default = column.default
            if default is not None and getattr(default, "is_scalar", False):
                value = default.arg
                self.defaults.append((key, _constant(value)))
            elif (
                default is not None
                and getattr(default, "is_callable", False)
                and hasattr(
                    default.arg,
                    "__wrapped__",  # SQLAlchemy wraps zero-argument callables; those need no context
                )
            ):
                self.defaults.append((key, _no_context(default.arg)))
            elif (
                default is not None
                or column.server_default is not None
                or column is table.autoincrement_column
                or column.computed is not None
                or column.identity is not None
            ):
                self.server_side.append((key, column))
        #: Attributes the database (or a context-aware default) fills when left out.
        self.filled_by_database = frozenset(key for key, _ in self.server_side)
        #: (relationship key, [(local attribute, remote attribute)]) of many-to-one links.
        self.many_to_one: list[tuple[str, list[tuple[str, str]]]] = []
        #: (relationship key, uselist, [(parent attribute, child attribute)]) of one-to-many links.
        self.one_to_many: list[tuple[str, bool, list[tuple[str, str]]]] = []
        #: Relationships whose objects the save-update cascade writes with ours.
        self.cascading: list[tuple[str, bool]] = []
        #: Many-to-many relationships (written by the ORM flush when not empty).
        self.secondary: list[str] = []
        #: Many-to-one relationships into this same table (rows written level by level).
        self.self_parents: list[str] = []
        #: many-to-one key -> the parent's collection that lists these objects.
        self.backrefs: dict[str, str] = {}
        self.collections: list[str] = []
        self.scalars: list[str] = []
        for rel in mapper.relationships:
            if rel.viewonly:
                continue
            if rel.cascade.save_update:
                self.cascading.append((rel.key, bool(rel.uselist)))
            if rel.secondary is not None:
                self.secondary.append(rel.key)
                self.collections.append(rel.key)
                continue
            if rel.direction is MANYTOONE and rel.mapper.local_table is table:
                self.self_parents.append(rel.key)
            if rel.direction is MANYTOONE:
                pairs = []
                for local, remote in rel.local_remote_pairs or ():
                    if local in by_column:
                        pairs.append(
                            (by_column[local], rel.mapper.get_property_by_column(remote).key)
                        )
                if pairs:
                    self.many_to_one.append((rel.key, pairs))
                if rel.back_populates:
                    self.backrefs[rel.key] = rel.back_populates
                continue
            pairs = [
                (
                    mapper.get_property_by_column(source).key,
                    rel.mapper.get_property_by_column(target).key,
                )
                for source, target in rel.synchronize_pairs
            ]
            self.one_to_many.append((rel.key, bool(rel.uselist), pairs))
            if rel.uselist:
                self.collections.append(rel.key)
            else:
                self.scalars.append(rel.key)

    def returning(
        self, read_back: list[tuple[str, Column[Any]]], page: int, *, by_key: bool = False
    ) -> Any:
        """The ``INSERT ... RETURNING`` of ``read_back``'s columns, paged by ``page`` rows.

        ``by_key`` returns the primary key first and in no particular order (the
        caller matches rows by key); otherwise rows come back in parameter order.
        """
        key = (tuple(column.key for _, column in read_back), page, by_key)
        statement = self._returning.get(key)
        if statement is None:
            columns = [column for _, column in read_back]
            if by_key:
                primary = [self.table.c[dict(self.columns)[k]] for k in self.primary_key]
                returning = insert(self.table).returning(*primary, *columns)
            else:
                returning = insert(self.table).returning(*columns, sort_by_parameter_order=True)
            statement = self._returning[key] = returning.execution_options(
                insertmanyvalues_page_size=page
            )
        return statement

    def __repr__(self) -> str:
        return f"<TablePlan {self.table.name}>"


def _constant(value: object) -> Callable[[], object]:
    return lambda: value


def _no_context(function: Callable[[Any], object]) -> Callable[[], object]:
    return lambda: function(None)


def _needs_orm(mapper: Mapper[Any]) -> bool:
    """Whether only the ORM flush can write this mapper's objects faithfully."""
    return bool(
        len(mapper.tables) != 1
        or mapper.inherits is not None
        or mapper.polymorphic_on is not None
        or mapper.version_id_col is not None
        or not isinstance(mapper.local_table, Table)
        or mapper.dispatch.before_insert
        or mapper.dispatch.after_insert
        or any(rel.post_update for rel in mapper.relationships)
    )


def plan_for(mapper: Mapper[Any]) -> TablePlan:
    """The plan of ``mapper``, computed on first use."""
    plan = _plans.get(mapper)
    if plan is None:
        plan = _plans[mapper] = TablePlan(mapper)
    return plan
