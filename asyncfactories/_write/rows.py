"""Rows out of objects, and the INSERTs that carry them: one executemany per table (per level).

Columns the database fills (server defaults, generated keys, SQL-expression
defaults) are left out and read back with ``INSERT ... RETURNING``, matched
by key where the keys are known and in parameter order otherwise. SQLite's
integer keys are numbered as SQLite itself would, so its batches stay one
statement too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import false, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from asyncfactories._write.graph import (
    Finish,
    Group,
    fill_children,
    fill_foreign_keys,
    levels,
    nothing_to_finish,
)
from asyncfactories._write.plan import TablePlan
from asyncfactories._write.sql import (
    translate,
)

__all__ = ("apply_defaults", "apply_defaults_to", "insert_group")

_MISSING = object()


def apply_defaults(group: Group) -> None:
    """Fill in the Python-side column defaults the group's objects do not set (or set to None)."""
    apply_defaults_to(group.plan, group.objects)


def apply_defaults_to(plan: TablePlan, objects: Sequence[Any]) -> None:
    """Python-side defaults of ``plan`` into ``objects`` that have no value (or None)."""
    keeps_none = plan.keeps_none
    for key, default in plan.defaults:
        for obj in objects:
            values = obj.__dict__
            if values.get(key) is None and (key not in values or key not in keeps_none):
                values[key] = default()


def _row(plan: TablePlan, values: dict[str, Any]) -> dict[str, Any]:
    """The INSERT parameters of one object, as the ORM collects them.

    A None is "no value": where the database (a server default, a generated
    key, a SQL-expression default) fills the column, the column is left out so
    it does. Python-side defaults were applied before; elsewhere a None or a
    missing value is NULL either way. Types that store None as a value (a JSON
    null) keep it.
    """
    row = {column: values[key] for key, column in plan.columns if key in values}
    filled = plan.filled_by_database
    if all(values.get(key, _MISSING) is not None for key in filled):
        return row  # the common case, at C speed
    keeps_none = plan.keeps_none
    for key, column in plan.columns:
        if key in filled and key not in keeps_none and values.get(key, _MISSING) is None:
            del row[column]
    return row


async def insert_group(
    connection: AsyncConnection,
    group: Group,
    caller: str,
    limit: int,
    *,
    read_back: bool,
    replaced: dict[int, Any] | None = None,
    finish: Finish = nothing_to_finish,
) -> None:
    """INSERT the group's rows: one executemany per set of keys (per level of a self-reference).

    ``read_back`` fetches every column the database fills in (server defaults);
    without it only keys the database generates are read, which is all a load
    needs to point children at their parents.
    """
    objects = group.objects
    if not objects:
        return
    plan = group.plan
    factory = next((o.name for o in group.factories if o is not None), caller)
    for level in levels(plan, objects):
        await finish(level)
        fill_foreign_keys(plan, level, replaced or {})
        apply_defaults_to(plan, level)
        rows = [_row(plan, obj.__dict__) for obj in level]
        first = rows[0].keys()
        if all(row.keys() == first for row in rows):
            await _insert_rows(connection, plan, level, rows, factory, limit, read_back)
        else:
            # executemany needs one set of keys; a Maybe that skipped a field makes another.
            by_keys: dict[frozenset[str], list[int]] = {}
            for index, row in enumerate(rows):
                by_keys.setdefault(frozenset(row), []).append(index)
            for indexes in by_keys.values():
                chosen = [level[i] for i in indexes]
                await _insert_rows(
                    connection, plan, chosen, [rows[i] for i in indexes], factory, limit, read_back
                )
        fill_children(plan, level)


async def _number_sqlite_keys(
    connection: AsyncConnection, plan: TablePlan, objects: list[Any], rows: list[dict[str, Any]]
) -> None:
    """Give SQLite rows the integer keys SQLite itself would give (max + 1, in order).

    SQLite cannot return generated keys in parameter order from one batched
    INSERT, so SQLAlchemy would send one INSERT per row; numbering them here
    keeps one INSERT per table and writes the same keys.
    """
    key = plan.autoincrement
    assert key is not None
    table = plan.table
    column = table.c[dict(plan.columns)[key]]
    # A write that changes nothing takes SQLite's write lock first, so no
    # other connection can add rows between reading the top key and inserting.
    await connection.execute(update(table).where(false()).values({column: column}))
    top = (await connection.execute(select(func.max(column)))).scalar() or 0
    if table.dialect_options["sqlite"].get("autoincrement"):
        used = await connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        top = max(top, used.scalar() or 0)
    column_key = column.key
    for number, (obj, row) in enumerate(zip(objects, rows, strict=True), start=top + 1):
        obj.__dict__[key] = number
        row[column_key] = number


async def _insert_rows(
    connection: AsyncConnection,
    plan: TablePlan,
    objects: list[Any],
    rows: list[dict[str, Any]],
    factory: str,
    limit: int,
    everything: bool,
) -> None:
    if (
        plan.autoincrement is not None
        and connection.dialect.name == "sqlite"
        and dict(plan.columns)[plan.autoincrement] not in rows[0]
    ):
        await _number_sqlite_keys(connection, plan, objects, rows)
    keys = rows[0].keys()
    read_back = [
        (key, column)
        for key, column in plan.server_side
        if column.key not in keys and (everything or key in plan.primary_key)
    ]
    try:
        if read_back:
            # One page per bound-parameter limit: the only reason to split a batch.
            page = max(1, limit // max(1, len(keys)))
            primary = [dict(plan.columns)[k] for k in plan.primary_key]
            if primary and all(column in keys for column in primary):
                # The keys are known: match the returned rows by key, in any order.
                statement = plan.returning(read_back, page, by_key=True)
                result = await connection.execute(statement, rows)
                index = {tuple(obj.__dict__[k] for k in plan.primary_key): obj for obj in objects}
                width = len(primary)
                for returned in result.all():
                    values = index[tuple(returned[:width])].__dict__
                    for (key, _), value in zip(read_back, returned[width:], strict=True):
                        values[key] = value
            else:
                result = await connection.execute(plan.returning(read_back, page), rows)
                for obj, returned in zip(objects, result.all(), strict=True):
                    values = obj.__dict__
                    for (key, _), value in zip(read_back, returned, strict=True):
                        values[key] = value
        else:
            assert plan.insert is not None  # only ORM-only mappers lack one, and never get here
            await connection.execute(plan.insert, rows)
    except DBAPIError as exc:
        raise translate(exc, factory, plan.table, plan.field_of_column) from exc
    if not everything:
        return
    # Columns left out and not read back are NULL in the row: say so, rather
    # than leave them to a lazy load that an async session cannot do.
    read = {key for key, _ in read_back}
    absent = [key for key, column in plan.columns if column not in keys and key not in read]
    for obj in objects if absent else ():
        values = obj.__dict__
        for key in absent:
            values.setdefault(key, None)
