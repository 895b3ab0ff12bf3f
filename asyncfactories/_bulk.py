"""create / create_batch persistence: one INSERT round trip per table per batch.

The objects of a call are built in memory first (parents before children).
Then, table by table in foreign-key order, their rows go out in one Core
``INSERT`` executed with the driver's executemany (or, when the database has
to fill in keys or server defaults, one ``INSERT ... RETURNING`` paged only at
the driver's bound-parameter limit). Finally the objects are attached to the
session as persistent, exactly as if they had been loaded, with no further SQL.

Mappers the Core path cannot write faithfully (inheritance, version counters,
insert events) send the batch through the ORM flush instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import init_collection, instance_state
from sqlalchemy.schema import sort_tables

from asyncfactories._options import FactoryOptions
from asyncfactories._persist import (
    atomic,
    ensure_transaction,
    find_existing,
    max_parameters,
    translate,
)
from asyncfactories._tableplan import TablePlan, plan_for

__all__ = ("Group", "discard", "fill_foreign_keys", "insert_group", "order_groups", "persist")

_MISSING = object()


class Group:
    """The objects of one table in one batch, with the factory that made each."""

    __slots__ = ("factories", "objects", "plan")

    def __init__(self, plan: TablePlan) -> None:
        self.plan = plan
        self.objects: list[Any] = []
        self.factories: list[FactoryOptions | None] = []


def _group(created: Sequence[tuple[FactoryOptions | None, Any]]) -> dict[Mapper[Any], Group]:
    groups: dict[Mapper[Any], Group] = {}
    seen: set[int] = set()
    pending = list(created)
    while pending:
        options, obj = pending.pop(0)
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        mapper = instance_state(obj).mapper
        group = groups.get(mapper)
        if group is None:
            group = groups[mapper] = Group(plan_for(mapper))
        group.objects.append(obj)
        group.factories.append(options)
        # Parents the caller passed in that are not in the database yet join the batch.
        for key, _ in group.plan.many_to_one:
            parent = obj.__dict__.get(key)
            if parent is not None and id(parent) not in seen:
                state = instance_state(parent)
                if state.key is None and state.session_id is None:
                    pending.append((None, parent))
    return groups


async def persist(
    session: AsyncSession,
    created: Sequence[tuple[FactoryOptions, Any]],
    caller: str,
    *,
    load_collections: bool = False,
) -> dict[int, Any]:
    """Insert every object of ``created``; return replacements made by get_or_create.

    ``load_collections`` gives the new rows empty (loaded) collections, so that
    ``agent.episodes`` reads without a lazy load; ``create()`` asks for it, the
    bulk paths skip its per-row cost.
    """
    if not created:
        return {}
    ordered = order_groups(created)
    if any(group.plan.orm_only for group in ordered):
        await _persist_with_orm(session, ordered, caller)
        return {}
    rows = sum(len(group.objects) for group in ordered)
    replaced: dict[int, Any] = {}
    try:
        await _persist_groups(session, ordered, replaced, caller, load_collections, rows)
    except DBAPIError as exc:
        # Outside any one INSERT: the SAVEPOINT, a lookup, or the connection itself.
        first = ordered[0]
        raise translate(exc, caller, first.plan.table, first.plan.field_of_column) from exc
    return replaced


async def _persist_groups(
    session: AsyncSession,
    ordered: list[Group],
    replaced: dict[int, Any],
    caller: str,
    load_collections: bool,
    rows: int,
) -> None:
    with session.no_autoflush:
        async with atomic(session, statements=len(ordered), rows=rows) as connection:
            limit = max_parameters(connection)
            for group in ordered:
                fill_foreign_keys(group, replaced)
                if any(
                    options is not None and options.get_or_create for options in group.factories
                ):
                    await _reuse_existing(session, group, replaced, limit)
                await insert_group(connection, group, caller, limit, read_back=True)
        _attach(session, ordered, load_collections=load_collections)


def order_groups(created: Sequence[tuple[FactoryOptions | None, Any]]) -> list[Group]:
    """Group the objects of a call by table, parents' tables first."""
    groups = _group(created)
    by_table = {group.plan.table: group for group in groups.values()}
    tables = frozenset(by_table)
    order = _orders.get(tables)
    if order is None:
        order = _orders[tables] = tuple(sort_tables(by_table))
    return [by_table[table] for table in order]


_orders: dict[frozenset[Any], tuple[Any, ...]] = {}


def fill_foreign_keys(group: Group, replaced: dict[int, Any]) -> None:
    """Copy each related object's key into the foreign-key columns of the group's objects."""
    for key, pairs in group.plan.many_to_one:
        for obj in group.objects:
            values = obj.__dict__
            parent = values.get(key)
            if parent is None:
                continue
            if replaced and id(parent) in replaced:
                parent = replaced[id(parent)]
                setattr(obj, key, parent)
            parent_values = parent.__dict__
            for local, remote in pairs:
                value = parent_values.get(remote, _MISSING)
                values[local] = getattr(parent, remote) if value is _MISSING else value


def apply_defaults(group: Group) -> None:
    """Fill in the Python-side column defaults the objects do not set."""
    for key, default in group.plan.defaults:
        for obj in group.objects:
            values = obj.__dict__
            if key not in values:
                values[key] = default()


async def _reuse_existing(
    session: AsyncSession, group: Group, replaced: dict[int, Any], limit: int
) -> None:
    """get_or_create: swap objects whose key already has a row (or an earlier twin in the batch)."""
    apply_defaults(group)
    keep_objects: list[Any] = []
    keep_factories: list[FactoryOptions | None] = []
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for index, options in enumerate(group.factories):
        if options is not None and options.get_or_create:
            by_keys.setdefault(options.get_or_create, []).append(index)
    drop: dict[int, Any] = {}
    for attributes, indexes in by_keys.items():
        model = group.plan.mapper.class_
        keys = [tuple(group.objects[i].__dict__.get(a) for a in attributes) for i in indexes]
        found = await find_existing(session, model, attributes, keys, limit)
        for index, key in zip(indexes, keys, strict=True):
            if key in found:
                drop[index] = found[key]
            else:
                found[key] = group.objects[index]  # a later twin in the batch reuses this one
    for index, obj in enumerate(group.objects):
        if index in drop:
            replaced[id(obj)] = drop[index]
            _unlink(group.plan, obj)
        else:
            keep_objects.append(obj)
            keep_factories.append(group.factories[index])
    group.objects = keep_objects
    group.factories = keep_factories


def discard(created: Sequence[tuple[FactoryOptions, Any]]) -> None:
    """Detach the objects of a failed call from the parents they were linked to.

    Building ``Member(team=team)`` appended the member to ``team.members``; if
    the batch fails, that member must not linger there for a later flush.
    """
    for _, obj in created:
        state = instance_state(obj)
        if state.key is None:
            _unlink(plan_for(state.mapper), obj)


def _unlink(plan: TablePlan, obj: Any) -> None:
    # A discarded object must leave its parents' collections, or the save-update
    # cascade would put it back into the session and a later flush insert it.
    for key, _ in plan.many_to_one:
        if obj.__dict__.get(key) is not None:
            setattr(obj, key, None)


async def insert_group(
    connection: AsyncConnection, group: Group, caller: str, limit: int, *, read_back: bool
) -> None:
    """INSERT the group's rows: one executemany per set of keys.

    ``read_back`` fetches every column the database fills in (server defaults);
    without it only keys the database generates are read, which is all a load
    needs to point children at their parents.
    """
    objects = group.objects
    if not objects:
        return
    plan = group.plan
    apply_defaults(group)
    columns = plan.columns
    rows = [
        {column: values[key] for key, column in columns if key in values}
        for values in (obj.__dict__ for obj in objects)
    ]
    factory = next((o.name for o in group.factories if o is not None), caller)
    first = rows[0].keys()
    if all(row.keys() == first for row in rows):
        await _insert_rows(connection, plan, objects, rows, factory, limit, read_back)
        return
    # executemany needs one set of keys; a Maybe that skipped a field makes another.
    by_keys: dict[frozenset[str], list[int]] = {}
    for index, row in enumerate(rows):
        by_keys.setdefault(frozenset(row), []).append(index)
    for indexes in by_keys.values():
        chosen = [objects[i] for i in indexes]
        chosen_rows = [rows[i] for i in indexes]
        await _insert_rows(connection, plan, chosen, chosen_rows, factory, limit, read_back)


async def _insert_rows(
    connection: AsyncConnection,
    plan: TablePlan,
    objects: list[Any],
    rows: list[dict[str, Any]],
    factory: str,
    limit: int,
    everything: bool,
) -> None:
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


def _attach(session: AsyncSession, groups: Sequence[Group], *, load_collections: bool) -> None:
    """Make the inserted objects persistent in the session, as if just loaded.

    This is what ``make_transient_to_detached`` + ``Session.add`` do, minus
    the save-update cascade walk (every object of the batch is attached here
    anyway) and the expiry of unloaded attributes (every column is filled).
    """
    sync = session.sync_session
    register = getattr(sync, "_update_impl", None)
    for group in groups:
        plan = group.plan
        identity_key = getattr(plan.mapper, "_identity_key_from_state", None)
        collections = plan.collections if load_collections else ()
        scalars = plan.scalars
        for obj in group.objects:
            values = obj.__dict__
            # A new row has no children but those this call made (already in
            # the collection): an empty collection, not a lazy load, is the truth.
            for key in collections:
                if key not in values:
                    init_collection(obj, key)
            for key in scalars:
                values.setdefault(key, None)
            state = instance_state(obj)
            if register is None or identity_key is None:  # pragma: no cover - other SQLAlchemy
                make_transient_to_detached(obj)
                sync.add(obj)
                continue
            state.key = identity_key(state)
            state._commit_all(values)
            register(state)


async def _persist_with_orm(session: AsyncSession, groups: list[Group], caller: str) -> None:
    objects = [obj for group in groups for obj in group.objects]
    await ensure_transaction(await session.connection())
    try:
        async with session.begin_nested():
            session.add_all(objects)
    except DBAPIError as exc:
        group = groups[0]
        factory = next((o.name for o in group.factories if o is not None), caller)
        raise translate(exc, factory, group.plan.table, group.plan.field_of_column) from exc
