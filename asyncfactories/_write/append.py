"""Loading into tables that already hold rows: sequences and unique values continue.

A load in a new process starts every counter at 0, and its unique memories
are empty, so its values would meet those of an earlier load. Two sources say
where to continue, read once when the load starts (:func:`read_floors`):

* the ledger, table ``asyncfactories_sequences``: per counter, a number past
  every one a committed chunk used. Each chunk raises it inside its own
  transaction (:meth:`Continuation.record`), with an upsert that only ever
  raises it, so a rolled-back chunk leaves it as it was, a committed one never
  behind;
* the row count of the counter's table, for rows the ledger never saw
  (``create_batch()``, or rows older than the ledger).

A counter continues past ``max(ledger, rows)`` when its table holds rows,
and from then on its unique values carry their sequence number (the earlier
natural values are not in memory). An empty table restarts its counters, and
its keys leave the ledger: nothing there can collide, and numbers written
into an earlier incarnation of the table (dropped and made again, as a test
suite does) would only make a seeded load depend on history.

Counters are keyed by table, not by factory: the root table of a factory
hierarchy (``seq:users``), or the column of an autofilled unique value
(``col:users.email``). Factories of one table share a bound, which is
stable across processes and only ever makes numbers higher.

Which counters a load draws from is found two ways: every live counter of the
tables the load can write (the loaded table's foreign-key neighbourhood)
continues before the first chunk; a counter first used later (a factory
autofill makes on first use, a Maybe branch) is noticed after the chunk that
used it was built, and that chunk is built again past its bound.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from asyncfactories._build import FactoryOptions, live_factories, unique_counters
from asyncfactories._state import Hierarchy, all_hierarchies, current_slice

__all__ = (
    "LEDGER",
    "Continuation",
    "Floors",
    "count_rows",
    "given_floors",
    "read_floors",
    "tables_of",
)

LEDGER = Table(
    "asyncfactories_sequences",
    MetaData(),
    Column("name", String(255), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)
"""The ledger: per counter key, a sequence number past every one a committed chunk used."""


@dataclasses.dataclass
class Floors:
    """What the database held when a load started: the ledger and the row counts.

    Plain data, so a parallel load's parent reads it once and hands it to its
    workers: they all continue from the same numbers, whatever the others
    commit meanwhile.
    """

    ledger: dict[str, int]
    rows: dict[str, int]

    def bound(self, key: str, table: str) -> int:
        """Where a counter of ``table`` continues from: 0 while the table is empty."""
        rows = self.rows.get(table, 0)
        return max(self.ledger.get(key, 0), rows) if rows else 0


_given: ContextVar[Floors | None] = ContextVar("asyncfactories_floors", default=None)


def given_floors(floors: Floors | None) -> None:
    """Make the loads of this context continue from ``floors`` (a worker's parent read them)."""
    _given.set(floors)


def tables_of(options: FactoryOptions) -> list[Table]:
    """The tables a load of ``options`` can write: its own, its children's, all their parents'."""
    mapper = options.mapper
    if mapper is None:
        return []
    found = [t for t in mapper.tables if isinstance(t, Table)]
    metadata = {id(t.metadata): t.metadata for t in found}
    # Children (RelatedFactory rows point back at ours), then every parent they need.
    for md in metadata.values():
        grown = True
        while grown:
            grown = False
            for table in md.sorted_tables:
                if table not in found and any(_parent(fk) in found for fk in table.foreign_keys):
                    found.append(table)
                    grown = True
    for table in found:  # the list grows while it is walked: parents of parents
        for fk in table.foreign_keys:
            parent = _parent(fk)
            if parent is not None and parent not in found:
                found.append(parent)
    return found


def _parent(fk: Any) -> Table | None:
    try:
        table = fk.column.table
    except Exception:  # a key to a table this metadata does not hold: nothing to count
        return None
    return table if isinstance(table, Table) else None


def _keys() -> dict[Hierarchy, tuple[str, str]]:
    """Every live counter that belongs to a table: its ledger key and its table's name."""
    keys: dict[Hierarchy, tuple[str, str]] = {}
    for factory in live_factories():
        options = factory.__dict__.get("_options")
        mapper = getattr(options, "mapper", None)
        if mapper is None or options is None or options.abstract:
            continue
        root = mapper.base_mapper.local_table
        if isinstance(root, Table):
            keys.setdefault(options.hierarchy, (f"seq:{root.fullname}", root.fullname))
    for column, counter in unique_counters():
        table = column.table
        assert isinstance(table, Table)
        keys[counter] = (f"col:{table.fullname}.{column.name}", table.fullname)
    return keys


async def _ensure_ledger(connection: AsyncConnection) -> None:
    await connection.run_sync(LEDGER.create, checkfirst=True)


async def _counts(connection: AsyncConnection, tables: Iterable[Table]) -> dict[str, int]:
    def present(sync: Any) -> list[Table]:
        inspector = inspect(sync)
        return [t for t in tables if inspector.has_table(t.name, schema=t.schema)]

    counts: dict[str, int] = {}
    for table in await connection.run_sync(present):
        counts[table.fullname] = int(
            await connection.scalar(select(func.count()).select_from(table)) or 0
        )
    return counts


async def _ledger(connection: AsyncConnection) -> dict[str, int]:
    result = await connection.execute(select(LEDGER.c.name, LEDGER.c.next_value))
    return {name: int(value) for name, value in result.all()}


async def _read(connection: AsyncConnection, tables: list[Table]) -> Floors:
    counts = await _counts(connection, tables)
    for table in tables:
        if counts.get(table.fullname) == 0:
            await _forget(connection, table)
    return Floors(await _ledger(connection), counts)


async def _forget(connection: AsyncConnection, table: Table) -> None:
    """Drop the keys of an empty table: they counted rows of an earlier incarnation of it.

    The emptiness is checked again in the statement, so a shard that committed
    rows in the meantime keeps its keys.
    """
    prefix = f"col:{table.fullname}."
    await connection.execute(
        LEDGER.delete()
        .where(
            (LEDGER.c.name == f"seq:{table.fullname}")
            | (func.substr(LEDGER.c.name, 1, len(prefix)) == prefix)
        )
        .where(~select(1).select_from(table).exists())
    )


async def read_floors(target: AsyncEngine | AsyncConnection, tables: Iterable[Table]) -> Floors:
    """Create the ledger if it is missing; read it and the row counts of ``tables``."""
    tables = list(tables)
    if isinstance(target, AsyncConnection):
        await _ensure_ledger(target)
        return await _read(target, tables)
    try:
        async with target.begin() as connection:
            await _ensure_ledger(connection)
    except DBAPIError:
        # Another process (a shard) created it between our check and our CREATE.
        async with target.connect() as connection:
            if not await connection.run_sync(lambda c: inspect(c).has_table(LEDGER.name)):
                raise
    async with target.begin() as connection:
        return await _read(connection, tables)


async def count_rows(engine: AsyncEngine, options: FactoryOptions) -> dict[str, int]:
    """The row count of every existing table a load of ``options`` can write."""
    async with engine.connect() as connection:
        return await _counts(connection, tables_of(options))


class Continuation:
    """One load's counters: continued past what the database holds, recorded per chunk."""

    __slots__ = ("_done", "_floors", "_keys", "_start", "_tables")

    def __init__(self, floors: Floors, tables: list[Table]) -> None:
        self._floors = floors
        self._tables = tables
        self._keys = _keys()
        self._done: set[Hierarchy] = set()
        for hierarchy, (key, table) in self._keys.items():
            if table in floors.rows:
                self._continue(hierarchy, floors.bound(key, table))
        #: Where each counter stood once continued: a counter that moved is recorded.
        self._start = self.mark()

    @classmethod
    async def begin(
        cls, options: FactoryOptions, engine: AsyncEngine | None, session: AsyncSession | None
    ) -> Continuation:
        """Read where to continue (or take what a parent process read) and continue there."""
        tables = tables_of(options)
        floors = _given.get()
        if floors is None:
            if engine is not None:
                floors = await read_floors(engine, tables)
            else:
                assert session is not None
                floors = await read_floors(await session.connection(), tables)
        return cls(floors, tables)

    @classmethod
    async def into(cls, engine: AsyncEngine, tables: list[Table]) -> Continuation:
        """Continue every live counter of ``tables`` (before a ``create_batch`` that appends)."""
        return cls(await read_floors(engine, tables), tables)

    def _continue(self, hierarchy: Hierarchy, bound: int) -> bool:
        self._done.add(hierarchy)
        if bound <= 0:
            return False
        hierarchy.continue_past(bound)
        return True

    @staticmethod
    def mark() -> dict[Hierarchy, int]:
        """Every live counter's position, to see afterwards which ones a build used."""
        return {hierarchy: hierarchy.next for hierarchy in all_hierarchies()}

    async def settle(
        self, before: dict[Hierarchy, int], engine: AsyncEngine | None, session: AsyncSession | None
    ) -> bool:
        """Continue the counters a build used for the first time; whether to build again.

        True when one of them had to move (its table holds rows): the values
        just built may meet earlier ones, so the chunk is built again.
        """
        fresh = [
            h
            for h in all_hierarchies()
            if h not in self._done and h.next != before.get(h, 0) and h.next != 0
        ]
        if not fresh:
            return False
        if any(h not in self._keys for h in fresh):
            self._keys = _keys()
        missing = {self._keys[h][1] for h in fresh if h in self._keys} - set(self._floors.rows)
        if missing:
            extra = [t for t in _all_tables(self._tables) if t.fullname in missing]
            async with _reading(engine, session) as connection:
                self._floors.rows.update(await _counts(connection, extra))
        rebuild = False
        for hierarchy in fresh:
            key, table = self._keys.get(hierarchy, ("", ""))
            rebuild |= self._continue(hierarchy, self._floors.bound(key, table) if key else 0)
        if rebuild:
            self._start.update({h: h.next for h in fresh})
        return rebuild

    async def record(self, connection: AsyncConnection) -> None:
        """Raise the ledger past every number this load used so far, inside the chunk's transaction."""
        index, slices = current_slice()
        bounds: dict[str, int] = {}
        for hierarchy in all_hierarchies():
            found = self._keys.get(hierarchy)
            if found is None or hierarchy.next == self._start.get(hierarchy, 0):
                continue
            bound = index + slices * hierarchy.next
            bounds[found[0]] = max(bounds.get(found[0], 0), bound)
        if bounds:
            await _raise_ledger(connection, bounds)


def _all_tables(tables: list[Table]) -> list[Table]:
    """Every table of the metadata ``tables`` belong to (a counter outside the neighbourhood)."""
    seen = {id(t.metadata): t.metadata for t in tables}
    return [t for md in seen.values() for t in md.sorted_tables]


@asynccontextmanager
async def _reading(
    engine: AsyncEngine | None, session: AsyncSession | None
) -> AsyncIterator[AsyncConnection]:
    if engine is not None:
        async with engine.connect() as connection:
            yield connection
        return
    assert session is not None
    yield await session.connection()


async def _raise_ledger(connection: AsyncConnection, bounds: dict[str, int]) -> None:
    """One upsert that only ever raises each key's number (one round trip per chunk)."""
    rows = [{"name": name, "next_value": value} for name, value in sorted(bounds.items())]
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        statement = insert(LEDGER).values(rows)
        higher = (func.max if dialect == "sqlite" else func.greatest)(
            LEDGER.c.next_value, statement.excluded.next_value
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[LEDGER.c.name], set_={"next_value": higher}
            )
        )
        return
    # Elsewhere: read, then raise or insert, key by key.
    held = await _ledger(connection)
    for name, value in sorted(bounds.items()):
        if name not in held:
            await connection.execute(LEDGER.insert().values(name=name, next_value=value))
        elif held[name] < value:
            await connection.execute(
                LEDGER.update().where(LEDGER.c.name == name).values(next_value=value)
            )
