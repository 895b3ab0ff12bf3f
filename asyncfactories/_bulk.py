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

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import false, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.schema import sort_tables

from asyncfactories._declarations import Maybe
from asyncfactories._options import FactoryOptions
from asyncfactories._persist import (
    ensure_transaction,
    find_existing,
    find_existing_keys,
    max_parameters,
    translate,
)
from asyncfactories._sa_adapter import empty_until_read, register_new
from asyncfactories._subfactory import RelatedFactory, SubFactory
from asyncfactories._tableplan import TablePlan, plan_for

__all__ = (
    "Group",
    "discard",
    "fill_children",
    "fill_foreign_keys",
    "insert_group",
    "is_one_row",
    "lookup_columns",
    "needs_orm",
    "order_groups",
    "persist",
    "skip_existing",
)

_MISSING = object()

#: Resolves the fields of objects that waited for their parents' rows (see the resolver).
Finish = Callable[[list[Any]], Awaitable[None]]


async def _nothing_to_finish(objects: list[Any]) -> None:
    return None


class Group:
    """The objects of one table in one batch, with the factory that made each."""

    __slots__ = ("factories", "objects", "plan")

    def __init__(self, plan: TablePlan) -> None:
        self.plan = plan
        self.objects: list[Any] = []
        self.factories: list[FactoryOptions | None] = []


def _group(created: Sequence[tuple[FactoryOptions | None, Any]]) -> dict[Mapper[Any], Group]:
    """Group the call's objects by mapper, with every new object the save-update cascade reaches.

    That is what ``Session.add`` does: children and one-to-one objects passed
    in, parents not in the database yet, association objects behind a proxy,
    the other side of a many-to-many all join the batch.
    """
    groups: dict[Mapper[Any], Group] = {}
    seen: set[int] = set()
    pending = list(created)
    pending.reverse()
    while pending:
        options, obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        mapper = instance_state(obj).mapper
        group = groups.get(mapper)
        if group is None:
            group = groups[mapper] = Group(plan_for(mapper))
        group.objects.append(obj)
        group.factories.append(options)
        values = obj.__dict__
        for key, uselist in group.plan.cascading:
            value = values.get(key)
            if value is None:
                continue
            items = (value.values() if isinstance(value, dict) else value) if uselist else (value,)
            for item in items:
                if item is not None and id(item) not in seen:
                    state = instance_state(item)
                    if state.key is None and state.session_id is None:
                        pending.append((None, item))
    return groups


def is_one_row(options: FactoryOptions, overrides: dict[str, Any]) -> bool:
    """Whether ``create(**overrides)`` can only write one row of one table, on the fast path.

    Known from the factory alone (no SubFactory, RelatedFactory or hook, a
    mapper the fast path writes) and the overrides (no objects passed in), so
    the decision comes before the build; :func:`persist` protects a call that
    turns out to write more anyway.
    """
    plain = _plain_factories.get(id(options))
    if plain is None:
        mapper = options.mapper
        plain = _plain_factories[id(options)] = bool(
            mapper is not None
            and not plan_for(mapper).orm_only
            and not options.post
            and not options.prepares  # a factory_boy hook of its own may write anything
            and not any(_makes_objects(v) for v in options.fields.values())
            and not any(
                _makes_objects(v) for t in options.traits.values() for v in t.overrides.values()
            )
        )
    return plain and not any(_makes_objects(v) or _is_object(v) for v in overrides.values())


_plain_factories: dict[int, bool] = {}


def _makes_objects(value: object) -> bool:
    if isinstance(value, SubFactory | RelatedFactory):
        return True
    if isinstance(value, Maybe):
        return any(_makes_objects(part) for part in (value.decider, value.yes, value.no))
    return False


def _is_object(value: object) -> bool:
    if isinstance(value, list | tuple | set | dict):
        return True
    return instance_state(value) is not None if hasattr(value, "_sa_instance_state") else False


def needs_orm(groups: Sequence[Group]) -> bool:
    """Whether only the ORM flush can write these groups as the ORM would."""
    for group in groups:
        plan = group.plan
        if plan.orm_only:
            return True
        for key in plan.secondary:
            if any(obj.__dict__.get(key) for obj in group.objects):
                return True  # association rows: the ORM's dependency processor writes them
    return False


async def persist(
    session: AsyncSession,
    created: Sequence[tuple[FactoryOptions, Any]],
    caller: str,
    *,
    protected: bool = True,
    finish: Finish = _nothing_to_finish,
) -> dict[int, Any]:
    """Insert every object of ``created`` (and what they reach); return get_or_create swaps.

    The caller holds the savepoint (see :func:`asyncfactories._persist.atomic`);
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


def _parent_value(parent: Any, attribute: str) -> object:
    """A parent's column value without SQL: its dict, else its identity key (an expired parent)."""
    value = parent.__dict__.get(attribute, _MISSING)
    if value is not _MISSING:
        return value
    state = instance_state(parent)
    if state.key is not None:
        plan = plan_for(state.mapper)
        if attribute in plan.primary_key:
            return state.key[1][plan.primary_key.index(attribute)]
    return None  # a new parent of this batch whose key the database has not given yet


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


def fill_foreign_keys(plan: TablePlan, objects: Sequence[Any], replaced: dict[int, Any]) -> None:
    """Copy each related object's key into the foreign-key columns of ``objects``."""
    for key, pairs in plan.many_to_one:
        for obj in objects:
            values = obj.__dict__
            parent = values.get(key)
            if parent is None:
                continue
            if replaced and id(parent) in replaced:
                parent = replaced[id(parent)]
                setattr(obj, key, parent)
            for local, remote in pairs:
                values[local] = _parent_value(parent, remote)


def fill_children(plan: TablePlan, objects: Sequence[Any]) -> None:
    """Copy the keys of just-inserted ``objects`` into the children their collections hold."""
    for key, uselist, pairs in plan.one_to_many:
        for obj in objects:
            values = obj.__dict__
            related = values.get(key)
            if related is None:
                continue
            items = (
                (related.values() if isinstance(related, dict) else related)
                if uselist
                else (related,)
            )
            for child in items:
                child_values = child.__dict__
                for source, target in pairs:
                    child_values[target] = values.get(source)


def _levels(plan: TablePlan, objects: list[Any]) -> list[list[Any]]:
    """Split a self-referential group so that parents are written before their children."""
    if not plan.self_parents or len(objects) < 2:
        return [objects]
    ours = {id(obj) for obj in objects}
    depth: dict[int, int] = {}

    def level(obj: Any) -> int:
        found = depth.get(id(obj))
        if found is not None:
            return found
        depth[id(obj)] = 0  # a cycle of new rows cannot be written anyway; stop here
        parents = [obj.__dict__.get(key) for key in plan.self_parents]
        found = max((level(p) + 1 for p in parents if p is not None and id(p) in ours), default=0)
        depth[id(obj)] = found
        return found

    by_level: dict[int, list[Any]] = {}
    for obj in objects:
        by_level.setdefault(level(obj), []).append(obj)
    return [by_level[index] for index in sorted(by_level)]


def apply_defaults(group: Group) -> None:
    """Fill in the Python-side column defaults the group's objects do not set (or set to None)."""
    apply_defaults_to(group.plan, group.objects)


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
            _unlink(group.plan, obj)
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
    finish: Finish = _nothing_to_finish,
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
    for level in _levels(plan, objects):
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


def apply_defaults_to(plan: TablePlan, objects: Sequence[Any]) -> None:
    """Python-side defaults of ``plan`` into ``objects`` that have no value (or None)."""
    keeps_none = plan.keeps_none
    for key, default in plan.defaults:
        for obj in objects:
            values = obj.__dict__
            if values.get(key) is None and (key not in values or key not in keeps_none):
                values[key] = default()


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
