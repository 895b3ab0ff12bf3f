"""COPY for PostgreSQL loads: a table's rows in one COPY, through asyncpg or psycopg 3.

Everything but the call that sends the rows is shared by the two drivers:
which groups can be copied, the records, the transaction, error translation.
Values pass through each column type's own bind processor first (the one
SQLAlchemy applies to an INSERT on that driver), so enums, JSON, UUIDs and
numerics reach the server exactly as an INSERT would send them. Columns a row
does not set are left out of the COPY, so server defaults stay with the
database.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from asyncfactories._write.graph import Group, fill_children, fill_foreign_keys
from asyncfactories._write.rows import apply_defaults
from asyncfactories._write.sql import translate

__all__ = ("copy_group", "copy_supported")

Records = Sequence[tuple[Any, ...]]
# Sends ``records`` into ``table``'s ``columns`` on the driver's own connection.
Send = Callable[[AsyncConnection, Any, Table, list[str], Records], Awaitable[None]]

# Per table, per (column, driver): a processor made for asyncpg must never
# reach psycopg (JSON is text for one, a Json wrapper for the other).
_processors: weakref.WeakKeyDictionary[
    Table, dict[tuple[str, str], Callable[[Any], Any] | None]
] = weakref.WeakKeyDictionary()


async def _send_asyncpg(
    connection: AsyncConnection, driver: Any, table: Table, columns: list[str], records: Records
) -> None:
    if not driver.is_in_transaction():
        # SQLAlchemy opens asyncpg's transaction lazily, at the first
        # statement; COPY must run inside it, or a failed chunk would stay.
        await connection.exec_driver_sql("SELECT 1")
    await driver.copy_records_to_table(
        table.name, records=records, columns=columns, schema_name=table.schema
    )


async def _send_psycopg(
    connection: AsyncConnection, driver: Any, table: Table, columns: list[str], records: Records
) -> None:
    # Unless the engine is in autocommit, psycopg itself opens the transaction
    # before its first statement, this COPY included; SQLAlchemy ends it.
    quote = connection.dialect.identifier_preparer
    statement = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(c) for c in columns)}) "
        "FROM STDIN"
    )
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for record in records:
            await copy.write_row(record)


_SENDERS: dict[str, Send] = {"asyncpg": _send_asyncpg, "psycopg": _send_psycopg}


def copy_supported(connection: AsyncConnection) -> bool:
    """Whether this connection's driver can COPY (asyncpg, psycopg 3)."""
    dialect = connection.dialect
    return dialect.name == "postgresql" and dialect.driver in _SENDERS


def _processor(
    connection: AsyncConnection, group: Group, column_key: str
) -> Callable[[Any], Any] | None:
    dialect = connection.dialect
    table = group.plan.table
    cached = _processors.setdefault(table, {})
    cache_key = (column_key, dialect.driver)
    if cache_key not in cached:
        column_type = table.c[column_key].type
        cached[cache_key] = column_type.dialect_impl(dialect).bind_processor(dialect)
    return cached[cache_key]


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
    table = plan.table
    factory = next((o.name for o in group.factories if o is not None), caller)
    send = _SENDERS[connection.dialect.driver]
    try:
        await send(
            connection,
            raw.driver_connection,
            table,
            [table.c[column].name for _, column in present],
            records,
        )
    except Exception as exc:
        if not hasattr(exc, "sqlstate"):
            raise
        raise translate(exc, factory, table, plan.field_of_column) from exc
    fill_children(plan, objects)
    return True
