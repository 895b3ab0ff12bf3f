"""The one place that touches SQLAlchemy's private API, for the fast write path.

After its own INSERTs, the fast path has to leave objects exactly as the ORM
flush would: persistent in the identity map, known to the session's
transaction as *new* (so that a rollback makes them transient again), with
read-only column properties expired. SQLAlchemy offers no public call for
that, so the few private names it takes live here, each behind a fallback to
the public (slower) way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached, object_session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.state import InstanceState

__all__ = ("readonly_keys", "register_new")


def readonly_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    """Column properties the ORM expires after an INSERT (``column_property`` expressions)."""
    props: Iterable[Any] = getattr(mapper, "_readonly_props", ())
    return tuple(p.key for p in props if p.expire_on_flush and not p.deferred)


def register_new(
    session: AsyncSession, mapper: Mapper[Any], states: Sequence[InstanceState[Any]]
) -> None:
    """Make freshly inserted ``states`` persistent, as the ORM flush does.

    Their column values are already in each instance dict; this sets the
    identity key, commits the attribute history, puts them in the identity
    map and records them as new in the session's current transaction.
    """
    sync = session.sync_session
    update_impl = getattr(sync, "_update_impl", None)
    key_of = getattr(mapper, "_identity_key_from_state", None)
    transaction = getattr(sync, "_transaction", None)
    new = getattr(transaction, "_new", None)
    readonly = readonly_keys(mapper)
    if update_impl is None or key_of is None:  # pragma: no cover - another SQLAlchemy
        for state in states:
            obj = state.obj()
            make_transient_to_detached(obj)
            sync.add(obj)
        return
    for state in states:
        state.key = key_of(state)
        state._commit_all(state.dict)
        update_impl(state)
        if new is not None:
            new[state] = True
        if readonly:
            state._expire_attributes(state.dict, readonly)


def forget_collection(parent: Any, key: str) -> None:
    """Expire ``parent.<key>`` (and what was appended to it unloaded), so it reloads from the database.

    load() builds objects pointing at a caller's persistent parent; the backref
    appends each one to that parent's collection, which would keep every
    loaded row alive.
    """
    session = object_session(parent)
    if session is not None:
        session.expire(parent, [key])
        return
    state: InstanceState[Any] = instance_state(parent)
    state._expire_attributes(state.dict, [key])


def _no_rows(state: InstanceState[Any], passive: Any) -> list[Any]:
    return []


def empty_until_read(objects: Sequence[Any], keys: Sequence[str]) -> None:
    """Let the collections ``keys`` of new rows load as empty, with no SQL, when first read.

    A new row has no children but those its call made (already in the dict, or
    appended later through a backref, which SQLAlchemy merges in on load). An
    instance-level loader costs a dict entry per object; building the empty
    instrumented collections up front would cost ten times more.
    """
    for obj in objects:
        values = obj.__dict__
        missing = [key for key in keys if key not in values]
        if not missing:
            continue
        state = instance_state(obj)
        callables = state.__dict__.get("callables")
        if callables is None:
            callables = state.callables = {}
        for key in missing:
            callables[key] = _no_rows
