"""The oracle: write the same seeded objects through the ORM and through create_batch, compare.

Side (a) is ``build_batch`` + ``session.add_all`` + ``flush``: what SQLAlchemy
itself writes. Side (b) is ``create_batch``. Each side runs on freshly created
tables with the same seed, then both are described the same way:

- every table's rows, generated keys replaced by the label of their row (so a
  different insertion order does not count as a difference);
- every object's state: persistent or not, identity key, which columns are
  loaded and their values, both sides of every relationship;
- the same after a later ``flush()`` (nothing pending may be left behind) and
  after ``rollback()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapper

import asyncfactories
from tests.fidelity.factories import ALL
from tests.fidelity.models import Base
from tests.fidelity.sqlmodels import SMTeam

METADATAS: tuple[MetaData, ...] = (Base.metadata, SMTeam.metadata)
SEED = 424242

Prepare = Callable[[AsyncSession, bool], Awaitable[dict[str, Any]]]


async def _no_overrides(session: AsyncSession, create: bool) -> dict[str, Any]:
    return {}


@dataclasses.dataclass(frozen=True)
class Shape:
    """One mapping shape: which factory, how many, with what overrides."""

    name: str
    factory: Any
    size: int = 3
    #: Makes the call's overrides on the side's session; ``create`` says which side.
    prepare: Prepare = _no_overrides
    #: ``table.column`` whose value differs per run (a clock): compared as set / NULL only.
    volatile: frozenset[str] = frozenset()
    #: Changes the objects after the write, before the later flush (onupdate, versions).
    mutate: Callable[[list[Any]], None] | None = None


@dataclasses.dataclass
class Picture:
    """Everything one side is compared on."""

    rows: dict[str, list[tuple[Any, ...]]]
    objects: list[Any]
    rows_after_flush: dict[str, list[tuple[Any, ...]]]
    objects_after_flush: list[Any]
    objects_after_rollback: list[Any]
    rows_after_rollback: dict[str, list[tuple[Any, ...]]]


async def fresh(engine: AsyncEngine, metadatas: tuple[MetaData, ...] = METADATAS) -> None:
    """Drop and create the fidelity tables."""
    async with engine.begin() as connection:
        for metadata in metadatas:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)


async def drop(engine: AsyncEngine, metadatas: tuple[MetaData, ...] = METADATAS) -> None:
    """Drop the fidelity tables."""
    async with engine.begin() as connection:
        for metadata in metadatas:
            await connection.run_sync(metadata.drop_all)


def _reset(factories: tuple[Any, ...]) -> None:
    asyncfactories.seed(SEED)
    for factory in factories:
        factory.reset_sequence()


async def write(
    engine: AsyncEngine,
    shape: Shape,
    *,
    orm: bool,
    metadatas: tuple[MetaData, ...] = METADATAS,
    factories: tuple[Any, ...] = ALL,
) -> Picture:
    """Write ``shape`` one way on fresh tables and describe the result."""
    await fresh(engine, metadatas)
    _reset(factories)
    tables = [table for metadata in metadatas for table in metadata.sorted_tables]
    async with AsyncSession(engine, expire_on_commit=False) as session:
        overrides = await shape.prepare(session, not orm)
        if orm:
            objects = shape.factory.build_batch(shape.size, **overrides)
            session.add_all(objects)
            await session.flush()
        else:
            objects = await shape.factory.create_batch(shape.size, session=session, **overrides)
        labels = await _labels(session, tables)
        rows = await _rows(session, tables, labels, shape.volatile)
        described = [await _describe(session, obj, labels, shape.volatile) for obj in objects]
        if shape.mutate is not None:
            shape.mutate(objects)
        await session.flush()
        labels = await _labels(session, tables)
        rows_after_flush = await _rows(session, tables, labels, shape.volatile)
        described_after_flush = [
            await _describe(session, obj, labels, shape.volatile) for obj in objects
        ]
        await session.rollback()
        after_rollback = [_state_only(obj, labels, shape.volatile) for obj in objects]
        rows_after_rollback = await _rows(session, tables, labels, shape.volatile)
    return Picture(
        rows,
        described,
        rows_after_flush,
        described_after_flush,
        after_rollback,
        rows_after_rollback,
    )


async def _labels(
    session: AsyncSession, tables: list[Table]
) -> dict[tuple[str, tuple[Any, ...]], str]:
    """(table, primary key) -> label, for every labelled row."""
    labels: dict[tuple[str, tuple[Any, ...]], str] = {}
    for table in tables:
        if "label" not in table.c or not table.primary_key.columns:
            continue
        keys = list(table.primary_key.columns)
        result = await session.execute(select(*keys, table.c.label))
        for *key, label in result.all():
            labels[(table.name, tuple(key))] = label
    return labels


def _normal(table: Table, column: Any, value: Any, labels: dict[Any, str]) -> Any:
    if value is None:
        return None
    if column.primary_key and len(table.primary_key.columns) == 1:
        return labels.get((table.name, (value,)), value)
    for fk in column.foreign_keys:
        target = fk.column.table
        if len(target.primary_key.columns) == 1:
            return labels.get((target.name, (value,)), value)
    return value


async def _rows(
    session: AsyncSession, tables: list[Table], labels: dict[Any, str], volatile: frozenset[str]
) -> dict[str, list[tuple[Any, ...]]]:
    picture: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        result = await session.execute(select(table))
        rows = []
        for row in result.mappings():
            values = []
            for column in table.columns:
                value = row[column]
                if f"{table.name}.{column.name}" in volatile:
                    value = value is not None
                values.append((column.name, _normal(table, column, value, labels)))
            rows.append(tuple(values))
        picture[table.name] = sorted(rows, key=repr)
    return picture


def _identity(obj: Any, labels: dict[Any, str]) -> Any:
    state = inspect(obj)
    if state.key is None:
        return None
    mapper: Mapper[Any] = state.mapper
    table = mapper.local_table
    key = state.key[1]
    return (mapper.class_.__name__, labels.get((getattr(table, "name", ""), tuple(key)), key))


def _label_of(obj: Any) -> Any:
    return None if obj is None else getattr(obj, "label", repr(obj))


def _state_only(
    obj: Any, labels: dict[Any, str], volatile: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The state flags and loaded column values, read without any SQL."""
    state = inspect(obj)
    mapper = state.mapper
    columns = {}
    for prop in mapper.column_attrs:
        if prop.key in state.dict:
            column = prop.columns[0]
            table = getattr(column, "table", None)
            value = state.dict[prop.key]
            if isinstance(table, Table):
                if f"{table.name}.{column.name}" in volatile:
                    value = value is not None
                value = _normal(table, column, value, labels)
            columns[prop.key] = value
        else:
            columns[prop.key] = "<unloaded>"
    return {
        "class": type(obj).__name__,
        "transient": state.transient,
        "pending": state.pending,
        "persistent": state.persistent,
        "detached": state.detached,
        "identity": _identity(obj, labels),
        "columns": columns,
        "modified": state.modified,
    }


async def _describe(
    session: AsyncSession, obj: Any, labels: dict[Any, str], volatile: frozenset[str]
) -> dict[str, Any]:
    """State, columns and relationships (read through a lazy load where needed)."""
    described = _state_only(obj, labels, volatile)
    mapper = inspect(obj).mapper
    relations: dict[str, Any] = {}
    for rel in mapper.relationships:
        value = await session.run_sync(lambda _, key=rel.key: getattr(obj, key))
        if rel.uselist:
            relations[rel.key] = sorted(_label_of(item) for item in value)
        else:
            relations[rel.key] = _label_of(value)
    described["relationships"] = relations
    for prop in mapper.column_attrs:
        if described["columns"][prop.key] == "<unloaded>":
            # What the attribute reads once loaded (column_property, server values).
            value = await session.run_sync(lambda _, key=prop.key: getattr(obj, key))
            described["columns"][prop.key] = ("<unloaded>", value)
    return described


def _loaded_where_orm_lazy(orm_object: Any, fast_object: Any) -> Any:
    """The ORM side's description, where a column it would lazy-load is loaded on ours.

    A fast-path column loaded with the value the ORM would lazy-load counts as
    the same: it reads without SQL, which an async session needs.
    """
    if not isinstance(orm_object, dict) or not isinstance(fast_object, dict):
        return orm_object
    columns = dict(orm_object.get("columns", {}))
    for key, value in columns.items():
        ours = fast_object.get("columns", {}).get(key)
        if isinstance(value, tuple) and value[:1] == ("<unloaded>",) and ours == value[1]:
            columns[key] = ours
        elif value == "<unloaded>" and orm_object.get("transient") and ours is None:
            columns[key] = ours  # a transient object reads None for what it does not hold
    return {**orm_object, "columns": columns}


def differences(orm: Picture, fast: Picture) -> list[str]:
    """Human-readable differences between the two pictures (empty when they agree)."""
    found: list[str] = []
    for part in ("objects", "objects_after_flush", "objects_after_rollback"):
        setattr(
            orm,
            part,
            [
                _loaded_where_orm_lazy(x, y)
                for x, y in zip(getattr(orm, part), getattr(fast, part), strict=True)
            ],
        )
    for part in dataclasses.fields(Picture):
        a, b = getattr(orm, part.name), getattr(fast, part.name)
        if a == b:
            continue
        if isinstance(a, dict):
            for table in sorted(set(a) | set(b)):
                if a.get(table) != b.get(table):
                    found.append(
                        f"{part.name}[{table}]:\n  orm:  {a.get(table)}\n  fast: {b.get(table)}"
                    )
        else:
            for index, (x, y) in enumerate(zip(a, b, strict=True)):
                if x != y:
                    keys = sorted(set(x) | set(y))
                    diff = {k: (x.get(k), y.get(k)) for k in keys if x.get(k) != y.get(k)}
                    found.append(f"{part.name}[{index}]: (orm, fast) {diff}")
    return found
