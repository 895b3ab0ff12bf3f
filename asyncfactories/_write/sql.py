"""What every INSERT path shares: atomicity, error translation, get_or_create lookups.

A batch is atomic: it runs inside a SAVEPOINT, so a failing row takes the
whole batch with it and leaves the session usable with everything created
before. The one case that needs no savepoint is a single row into a single
table on SQLite, where a failed statement leaves the transaction intact.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table, select, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from asyncfactories._errors import PersistenceError

__all__ = (
    "atomic",
    "ensure_transaction",
    "find_existing",
    "find_existing_keys",
    "max_parameters",
    "translate",
)

_SQLITE_DETAIL = re.compile(r"(UNIQUE|NOT NULL|CHECK) constraint failed: (?P<what>[\w.]+)")


def max_parameters(connection: AsyncConnection) -> int:
    """How many bound parameters one statement may carry on this driver."""
    # SQLite >= 3.32 allows 32766, asyncpg 32767, psycopg 65535. A margin keeps clear of all.
    return 32_000


@asynccontextmanager
async def atomic(session: AsyncSession, *, single_statement: bool) -> AsyncIterator[bool]:
    """Make what runs inside all-or-nothing, as a session-level SAVEPOINT does.

    Rolling back a session's nested transaction is what makes the batch's
    objects transient again, exactly as after an ORM flush. Two cases need no
    savepoint, which saves its two round trips: a session that owns its
    connection and has no transaction and nothing loaded yet (a failure rolls
    the whole transaction back and loses nothing), and one statement on SQLite
    (a failed statement leaves the transaction intact there). It yields whether
    the block is protected (False only in that SQLite case).
    """
    fresh = (
        not session.in_transaction()
        and len(session.identity_map) == 0
        and _owns_connection(session)
    )
    connection = await session.connection()
    if fresh or (single_statement and connection.dialect.name == "sqlite"):
        try:
            yield fresh
        except BaseException as exc:
            if fresh:
                await _roll_back(session, exc)
            raise
        return
    await ensure_transaction(connection)
    savepoint = await session.begin_nested()
    try:
        yield True
    except BaseException as exc:
        if savepoint.is_active:
            try:
                await savepoint.rollback()
            except (SQLAlchemyError, OSError):  # a lost connection cannot roll back
                exc.add_note(_UNUSABLE)
        raise
    else:
        await savepoint.commit()


def _owns_connection(session: AsyncSession) -> bool:
    """Whether the session opened its own connection (not joined to a caller's transaction)."""
    sync = session.sync_session
    return isinstance(sync.bind, Engine) and not getattr(sync, "binds", None)


_UNUSABLE = (
    "asyncfactories: the batch could not be rolled back (the connection is gone?); "
    "the session is no longer usable: roll it back or close it"
)


async def _roll_back(session: AsyncSession, exc: BaseException) -> None:
    try:
        await session.rollback()
    except (SQLAlchemyError, OSError):
        exc.add_note(_UNUSABLE)


async def ensure_transaction(connection: AsyncConnection) -> None:
    """Open a real transaction on SQLite before a SAVEPOINT (a no-op elsewhere)."""
    # pysqlite starts its transaction lazily, at the first INSERT. A SAVEPOINT
    # sent before that would open the transaction itself, and releasing it
    # would commit. So make sure a real transaction is open first.
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is not None and not getattr(driver, "in_transaction", True):
        await connection.exec_driver_sql("BEGIN")


def _origin(exc: BaseException) -> Any:
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        return getattr(orig, "__cause__", None) or orig
    return exc


def _disconnected(exc: BaseException, message: str) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    lowered = message.lower()
    return any(
        sign in lowered
        for sign in ("connection is closed", "terminating connection", "closed the connection")
    )


def translate(
    exc: BaseException, factory: str, table: Table, columns: dict[str, str]
) -> PersistenceError:
    """Turn a driver error from an INSERT (or a COPY) into a :class:`PersistenceError`.

    ``columns`` maps column names to the model's attribute names, so the error
    names the field as the factory declares it.
    """
    origin = _origin(exc)
    source = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    message = (str(source).strip().splitlines() or [type(source).__name__])[0]
    constraint = _field(origin, "constraint_name", "constraint_name")
    column = _field(origin, "column_name", "column_name")
    detail = _field(origin, "detail", "message_detail")
    sqlstate = getattr(origin, "sqlstate", None) or ""
    kind = "other"
    match = _SQLITE_DETAIL.search(message)
    if match:
        kind = match.group(1).lower().replace(" ", "_")
        what = match.group("what")
        if kind == "check":
            constraint = what
        else:
            column = what.split(".")[-1].split(",")[0]
    elif "FOREIGN KEY constraint failed" in message or sqlstate == "23503":
        kind = "foreign_key"
    elif sqlstate == "23505":
        kind = "unique"
    elif sqlstate == "23502":
        kind = "not_null"
    elif sqlstate == "23514":
        kind = "check"
    if kind == "unique" and column is None and detail:
        found = re.search(r"Key \(([^)]+)\)", str(detail))
        column = found.group(1).split(",")[0].strip() if found else None
    if kind == "foreign_key" and column is None:
        column = _foreign_key_column(table, constraint, detail)
    field = columns.get(column, column) if column else None
    what = {
        "unique": "violates a unique constraint",
        "foreign_key": "violates a foreign key constraint",
        "not_null": "puts NULL into a NOT NULL column",
        "check": "violates a check constraint",
    }.get(kind, "was refused")
    if _disconnected(exc, message):
        what = "lost the database connection"
        kind = "disconnect"
    fix = {
        "unique": "make the value unique (Sequence, Faker(..., unique=True)) "
        "or set Meta.get_or_create to reuse the existing row",
        "foreign_key": "point it at a row that exists: a SubFactory, or an object already created",
        "not_null": "declare the field in the factory or give the column a default",
        "check": "make the declared values satisfy the constraint",
        "disconnect": "roll the session back (or open a new one) and retry once the database is back",
    }.get(kind, "check the values the factory produces and the database connection")
    named = f" {constraint}" if constraint else ""
    text = f"INSERT into {table.name} {what}{named}"
    if detail:
        text += f" ({detail})"
    elif message and kind != "other":
        text += f" ({message})"
    elif kind == "other":
        text += f": {message}"
    return PersistenceError(
        factory, field, text, fix, table=table.name, constraint=constraint, column=column
    )


def _field(origin: object, name: str, diag_name: str) -> str | None:
    """A field of the server's error report, from asyncpg or psycopg 3.

    asyncpg puts them on the error itself (``constraint_name``, ``detail``);
    psycopg in its ``diag`` (``constraint_name``, ``message_detail``).
    """
    value = getattr(origin, name, None) or getattr(getattr(origin, "diag", None), diag_name, None)
    return str(value) if value else None


def _foreign_key_column(table: Table, constraint: str | None, detail: object) -> str | None:
    """The column of a violated foreign key, or ``None`` when it cannot be told.

    Taken from PostgreSQL's detail (``Key (author_id)=...``), else the
    constraint's name, else the table's only foreign key (SQLite names neither).
    """
    found = re.search(r"Key \(([^)]+)\)", str(detail)) if detail else None
    if found:
        return found.group(1).split(",")[0].strip().strip('"')
    keys = sorted(table.foreign_key_constraints, key=lambda k: str(k.name))
    named = [k for k in keys if constraint and k.name == constraint]
    chosen = named or (keys if len(keys) == 1 else [])
    if chosen and chosen[0].column_keys:
        return str(chosen[0].column_keys[0])
    return None


async def find_existing(
    session: AsyncSession,
    model: Any,
    attributes: Sequence[str],
    keys: list[tuple[object, ...]],
    limit: int,
) -> dict[tuple[object, ...], Any]:
    """Load the rows of ``model`` whose ``attributes`` match any of ``keys``."""
    found: dict[tuple[object, ...], Any] = {}
    columns = [getattr(model, name) for name in attributes]
    step = max(1, limit // max(1, len(columns)))
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), step):
        chunk = unique[start : start + step]
        if len(columns) == 1:
            condition = columns[0].in_([key[0] for key in chunk])
        else:
            condition = tuple_(*columns).in_(chunk)
        result = await session.execute(select(model).where(condition))
        for obj in result.scalars():
            found[tuple(getattr(obj, name) for name in attributes)] = obj
    return found


async def find_existing_keys(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    primary: Sequence[str],
    keys: list[tuple[object, ...]],
    limit: int,
) -> dict[tuple[object, ...], tuple[object, ...]]:
    """The primary keys of ``table``'s rows whose ``columns`` match any of ``keys``."""
    found: dict[tuple[object, ...], tuple[object, ...]] = {}
    matched = [table.c[name] for name in columns]
    width = len(matched)
    step = max(1, limit // max(1, width))
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), step):
        chunk = unique[start : start + step]
        if width == 1:
            condition = matched[0].in_([key[0] for key in chunk])
        else:
            condition = tuple_(*matched).in_(chunk)
        statement = select(*matched, *(table.c[name] for name in primary)).where(condition)
        for row in (await connection.execute(statement)).all():
            found[tuple(row[:width])] = tuple(row[width:])
    return found
