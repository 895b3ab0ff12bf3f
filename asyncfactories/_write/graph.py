"""The objects of one call as the ORM sees them: grouped by table, ordered, linked.

Everything the save-update cascade reaches joins the call, as ``Session.add``
would make it; tables come parents first, a self-referential table level by
level; foreign keys are copied from parents (and into children) as the
ORM's dependency processors copy them.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.schema import sort_tables

from asyncfactories._build import FactoryOptions
from asyncfactories._declare import Maybe, RelatedFactory, SubFactory
from asyncfactories._write.plan import TablePlan, plan_for

__all__ = (
    "Finish",
    "Group",
    "discard",
    "fill_children",
    "fill_foreign_keys",
    "is_one_row",
    "levels",
    "needs_orm",
    "nothing_to_finish",
    "order_groups",
    "parent_value",
    "unlink",
)

_MISSING = object()

#: Resolves the fields of objects that waited for their parents' rows (see the resolver).
Finish = Callable[[list[Any]], Awaitable[None]]


async def nothing_to_finish(objects: list[Any]) -> None:
    """The :data:`Finish` of a call with no deferred fields."""


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
    # An object the cascade reaches before its own entry (an agent's backref
    # collection reaches the agent's episodes) keeps the factory that made it.
    made_by = {id(obj): options for options, obj in created}
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
                        pending.append((made_by.get(id(item)), item))
    return groups


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


def is_one_row(options: FactoryOptions, overrides: dict[str, Any]) -> bool:
    """Whether ``create(**overrides)`` can only write one row of one table, on the fast path.

    Known from the factory alone (no SubFactory, RelatedFactory or hook, a
    mapper the fast path writes) and the overrides (no objects passed in), so
    the decision comes before the build; :func:`persist` protects a call that
    turns out to write more anyway.
    """
    plain = _plain_factories.get(options)
    if plain is None:
        mapper = options.mapper
        plain = _plain_factories[options] = bool(
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


# Keyed by the options themselves (weakly): an id() could be reused by a later factory.
_plain_factories: weakref.WeakKeyDictionary[FactoryOptions, bool] = weakref.WeakKeyDictionary()


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


def parent_value(parent: Any, attribute: str) -> object:
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
                values[local] = parent_value(parent, remote)


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


def levels(plan: TablePlan, objects: list[Any]) -> list[list[Any]]:
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


def discard(created: Sequence[tuple[FactoryOptions, Any]]) -> None:
    """Detach the objects of a failed call from the parents they were linked to.

    Building ``Member(team=team)`` appended the member to ``team.members``; if
    the batch fails, that member must not linger there for a later flush.
    """
    for _, obj in created:
        state = instance_state(obj)
        if state.key is None:
            unlink(plan_for(state.mapper), obj)


def unlink(plan: TablePlan, obj: Any) -> None:
    # A discarded object must leave its parents' collections, or the save-update
    # cascade would put it back into the session and a later flush insert it.
    for key, _ in plan.many_to_one:
        if obj.__dict__.get(key) is not None:
            setattr(obj, key, None)
