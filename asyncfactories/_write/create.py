"""create / create_batch: every object of a call written as the ORM would, in few round trips.

The objects of a call are built in memory first (parents before children).
Then, table by table in foreign-key order (level by level within a
self-referential table), their rows go out as one Core INSERT each (see
:mod:`asyncfactories._write.rows`); fields that wait for a parent's key are
resolved just before their own table. Finally the objects are registered in
the session as the ORM flush registers new rows. Mappers the fast path cannot
write faithfully go through the ORM flush instead (:func:`needs_orm`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.attributes import instance_state

from asyncfactories._build import FactoryOptions
from asyncfactories._write.adapter import empty_until_read, register_new
from asyncfactories._write.graph import (
    Finish,
    Group,
    fill_foreign_keys,
    needs_orm,
    nothing_to_finish,
    order_groups,
    unlink,
)
from asyncfactories._write.plan import TablePlan, plan_for
from asyncfactories._write.rows import apply_defaults, insert_group
from asyncfactories._write.sql import (
    ensure_transaction,
    find_existing,
    find_existing_keys,
    max_parameters,
    translate,
)

__all__ = ("lookup_columns", "persist", "skip_existing")


async def persist(
    session: AsyncSession,
    created: Sequence[tuple[FactoryOptions, Any]],
    caller: str,
    *,
    protected: bool = True,
    finish: Finish = nothing_to_finish,
) -> dict[int, Any]:
    """Insert every object of ``created`` (and what they reach); return get_or_create swaps.

    The caller holds the savepoint (see :func:`asyncfactories._write.sql.atomic`);
    ``protected=False`` says it did not open one because one row was expected.
    """
    if not created:
        return {}
    ordered = order_groups(created)
    if not protected and (len(ordered) > 1 or len(ordered[0].objects) > 1):
        # The call was expected to write one row; it writes more: protect it.
        connection = await session.connection()
        await ensure_transaction(connection)
        async with connection.begin_nested():
            return await persist(session, created, caller, protected=True, finish=finish)
    replaced: dict[int, Any] = {}
    if needs_orm(ordered):
        await _persist_with_orm(session, ordered, replaced, caller, finish)
        return replaced
    try:
        await _persist_groups(session, ordered, replaced, caller, finish)
    except DBAPIError as exc:
        # Outside any one INSERT: a lookup, or the connection itself.
        first = ordered[0]
        raise translate(exc, caller, first.plan.table, first.plan.field_of_column) from exc
    return replaced


async def _persist_groups(
    session: AsyncSession,
    ordered: list[Group],
    replaced: dict[int, Any],
    caller: str,
    finish: Finish,
) -> None:
    with session.no_autoflush:
        connection = await session.connection()
        limit = max_parameters(connection)
        for group in ordered:
            await _load_expired_parents(session, group)
            if any(options is not None and options.get_or_create for options in group.factories):
                await finish(group.objects)
                fill_foreign_keys(group.plan, group.objects, replaced)
                await _reuse_existing(session, group, replaced, limit)
            await insert_group(
                connection, group, caller, limit, read_back=True, replaced=replaced, finish=finish
            )
        for group in ordered:
            _init_collections(group)
            register_new(session, group.plan.mapper, [instance_state(o) for o in group.objects])


async def _load_expired_parents(session: AsyncSession, group: Group) -> None:
    """Refresh persistent parents whose linked column is neither loaded nor in their identity key."""
    stale: dict[int, Any] = {}
    for key, pairs in group.plan.many_to_one:
        for obj in group.objects:
            parent = obj.__dict__.get(key)
            if parent is None or id(parent) in stale:
                continue
            state = instance_state(parent)
            if state.key is None:
                continue
            plan = plan_for(state.mapper)
            if any(r not in parent.__dict__ and r not in plan.primary_key for _, r in pairs):
                stale[id(parent)] = parent
    for parent in stale.values():
        await session.refresh(parent)


def lookup_columns(plan: TablePlan, attributes: tuple[str, ...]) -> tuple[str, ...]:
    """get_or_create's names as column attributes: a relationship stands for its foreign key."""
    links = dict(plan.many_to_one)
    columns: list[str] = []
    for name in attributes:
        if name in links:
            columns.extend(local for local, _ in links[name])
        else:
            columns.append(name)
    return tuple(columns)


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
        columns = lookup_columns(group.plan, attributes)
        keys = [tuple(group.objects[i].__dict__.get(a) for a in columns) for i in indexes]
        found = await find_existing(session, model, columns, keys, limit)
        for index, key in zip(indexes, keys, strict=True):
            if key in found:
                drop[index] = found[key]
            else:
                found[key] = group.objects[index]  # a later twin in the batch reuses this one
    for index, obj in enumerate(group.objects):
        if index in drop:
            replaced[id(obj)] = drop[index]
            unlink(group.plan, obj)
        else:
            keep_objects.append(obj)
            keep_factories.append(group.factories[index])
    group.objects = keep_objects
    group.factories = keep_factories


async def skip_existing(
    connection: AsyncConnection, group: Group, replaced: dict[int, Any], limit: int
) -> None:
    """get_or_create for load(): drop rows that exist, keeping their keys for the children.

    A load keeps no objects, so an existing row needs no object of its own: its
    key goes into the discarded object, which children still point at.
    """
    plan = group.plan
    apply_defaults(group)
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for index, options in enumerate(group.factories):
        if options is not None and options.get_or_create:
            by_keys.setdefault(options.get_or_create, []).append(index)
    columns_of = dict(plan.columns)
    drop: set[int] = set()
    for attributes, indexes in by_keys.items():
        names = lookup_columns(plan, attributes)
        keys = [tuple(group.objects[i].__dict__.get(a) for a in names) for i in indexes]
        found = await find_existing_keys(
            connection,
            plan.table,
            [columns_of[a] for a in names],
            [columns_of[a] for a in plan.primary_key],
            keys,
            limit,
        )
        first: dict[tuple[object, ...], Any] = {}
        for index, key in zip(indexes, keys, strict=True):
            obj = group.objects[index]
            if key in found:
                obj.__dict__.update(zip(plan.primary_key, found[key], strict=True))
                drop.add(index)
            elif key in first:
                replaced[id(obj)] = first[key]  # a twin in the chunk: its children use the first
                drop.add(index)
            else:
                first[key] = obj
    if drop:
        group.factories = [o for i, o in enumerate(group.factories) if i not in drop]
        group.objects = [o for i, o in enumerate(group.objects) if i not in drop]


def _init_collections(group: Group) -> None:
    """New rows have no children but those this call made: an empty collection, not a lazy load."""
    plan = group.plan
    empty_until_read(group.objects, plan.collections)
    if plan.scalars:
        for obj in group.objects:
            values = obj.__dict__
            for key in plan.scalars:
                values.setdefault(key, None)


async def _persist_with_orm(
    session: AsyncSession,
    groups: list[Group],
    replaced: dict[int, Any],
    caller: str,
    finish: Finish,
) -> None:
    # Table by table, so that fields waiting for a parent's key see it.
    limit = max_parameters(await session.connection())
    for group in groups:
        await finish(group.objects)
        if replaced or any(o is not None and o.get_or_create for o in group.factories):
            fill_foreign_keys(group.plan, group.objects, replaced)
            await _reuse_existing(session, group, replaced, limit)
        try:
            session.add_all(group.objects)
            await session.flush()
        except DBAPIError as exc:
            factory = next((o.name for o in group.factories if o is not None), caller)
            raise translate(exc, factory, group.plan.table, group.plan.field_of_column) from exc
    for group in groups:
        _init_collections(group)
