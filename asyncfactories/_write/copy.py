"""COPY for PostgreSQL loads: a table's rows in one ``copy_records_to_table`` call.

Values pass through each column type's own bind processor first (the one
SQLAlchemy applies to an INSERT), so enums, JSON, UUIDs and numerics reach
the server exactly as an INSERT would send them. Columns a row does not set
are left out of the COPY, so server defaults stay with the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from asyncfactories._write.graph import Group, fill_children, fill_foreign_keys
from asyncfactories._write.rows import apply_defaults
from asyncfactories._write.sql import translate

__all__ = ("copy_group", "copy_supported")

_processors: dict[tuple[int, str, str], Callable[[Any], Any] | None] = {}


def copy_supported(connection: AsyncConnection) -> bool:
    """Whether this connection's driver can COPY (asyncpg)."""
    return connection.dialect.driver == "asyncpg"


def _processor(
    connection: AsyncConnection, group: Group, column_key: str
) -> Callable[[Any], Any] | None:
    dialect = connection.dialect
    cache_key = (id(group.plan.table), column_key, dialect.name)
    if cache_key not in _processors:
        column_type = group.plan.table.c[column_key].type
        _processors[cache_key] = column_type.dialect_impl(dialect).bind_processor(dialect)
    return _processors[cache_key]


def _sets_more(obj: Any, present: list[tuple[str, str]], columns: list[tuple[str, str]]) -> bool:
    values = obj.__dict__
    return sum(1 for key, _ in columns if key in values) != len(present)


async def copy_group(connection: AsyncConnection, group: Group, caller: str) -> bool:
    """COPY the group's rows; return False when COPY cannot carry them.

    COPY returns nothing, so a table whose key the database generates (and
    whose children need it) goes through INSERT ... RETURNING instead; so do
    rows that set different columns (a Maybe that skipped a field).
    """
    objects = group.objects
    if not objects:
        return True
    plan = group.plan
    if any(column.default is not None for _, column in plan.server_side):
        # A SQL expression or context-aware default runs in an INSERT, never in COPY.
        return False
    fill_foreign_keys(plan, objects, {})
    apply_defaults(group)
    first = objects[0].__dict__
    if any(first.get(key) is None for key in plan.primary_key):
        return False
    filled = plan.filled_by_database
    if filled and any(
        key in values and values[key] is None
        for values in (obj.__dict__ for obj in objects)
        for key in filled
    ):
        return False  # a None the ORM would leave to the database's default
    present = [(key, column) for key, column in plan.columns if key in first]
    converters = [(key, _processor(connection, group, column)) for key, column in present]
    try:
        records = [
            tuple(
                convert(values[key])
                if convert is not None and values[key] is not None
                else values[key]
                for key, convert in converters
            )
            for values in (obj.__dict__ for obj in objects)
        ]
    except KeyError:  # a row without one of the columns
        return False
    if any(
        len(plan.columns) != len(present) and _sets_more(obj, present, plan.columns)
        for obj in objects
    ):
        return False
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        # SQLAlchemy opens the driver's transaction lazily, at the first
        # statement; COPY must run inside it, or a failed chunk would stay.
        await connection.exec_driver_sql("SELECT 1")
    table = plan.table
    factory = next((o.name for o in group.factories if o is not None), caller)
    try:
        await driver.copy_records_to_table(
            table.name,
            records=records,
            columns=[table.c[column].name for _, column in present],
            schema_name=table.schema,
        )
    except Exception as exc:
        if not hasattr(exc, "sqlstate"):
            raise
        raise translate(exc, factory, table, plan.field_of_column) from exc
    fill_children(plan, objects)
    return True
