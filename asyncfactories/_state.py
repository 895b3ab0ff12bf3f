"""Run-scoped state: everything a run of factories carries besides its arguments.

One module holds it so there is one place to reset and one place to scope:

- the random source (:mod:`asyncfactories._random_source`, re-exported here):
  the seed, one stream per (factory, field), the shared :data:`rng` and one
  Faker generator per locale;
- the sequence counters and unique-value memories, one :class:`Hierarchy` per
  factory hierarchy (factory_boy's "sequence per factory hierarchy");
- the load slice: which residue class of every sequence this process hands
  out (parallel and sharded loads);
- the fast-path switch;
- the session of the create call in progress (ContextVars, so concurrent tasks
  never see each other's).

:func:`reset` is the one reset point (the pytest plugin calls it per test);
:func:`run_slice` scopes a sharded load so the process is left exactly as it
was found. The identity of :data:`rng` and of every stream's ``random.Random``
never changes: ``seed()`` reseeds them in place, so closures that captured
them stay valid.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from asyncfactories._random_source import (
    DEFAULT_LOCALE,
    bind_field,
    current_seed,
    faker_for,
    get_state,
    reseed_from_entropy,
    rng,
    seed,
    set_state,
    stream_for,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = (
    "DEFAULT_LOCALE",
    "UNIQUE_MEMORY",
    "Hierarchy",
    "UniqueValues",
    "all_hierarchies",
    "bind_field",
    "current_seed",
    "current_slice",
    "faker_for",
    "fast_path_enabled",
    "get_state",
    "hook_session",
    "last_resolved_session",
    "remember_resolved_session",
    "reset",
    "rng",
    "run_slice",
    "seed",
    "set_fast_path",
    "set_slice",
    "set_state",
    "stream_for",
    "using_hook_session",
    "with_suffix",
)

# -- sequence counters and unique values ---------------------------------------------

UNIQUE_MEMORY = 100_000
"""How many natural values a unique field remembers before it switches to suffixes.

Past this point every value carries its row's sequence number, which is unique
by construction, so memory stays flat however many rows a load makes."""

_RETRIES = 4


class UniqueValues:
    """Hands out values of one field that never repeat within a hierarchy."""

    __slots__ = ("_seen", "suffix_only")

    def __init__(self) -> None:
        self._seen: set[object] = set()
        self.suffix_only = False

    def take(self, value: object, draw: Callable[[], object], n: int) -> object | None:
        """Return a value not handed out before, or ``None`` if none can be made.

        Natural values are tried first; when the provider runs dry (or the
        memory is full) the value gets the row's sequence number ``n`` in a
        form that stays valid for its kind: ``ann+12@example.org``, ``ann_12``.
        """
        seen = self._seen
        if not self.suffix_only and _slice[1] == 1:
            for _ in range(_RETRIES):
                if value not in seen:
                    seen.add(value)
                    if len(seen) >= UNIQUE_MEMORY:
                        self.suffix_only = True
                    return value
                value = draw()
        if not isinstance(value, str):
            return None
        candidate = with_suffix(value, n)
        # The memory is kept (and frozen at its cap): a suffixed value must not
        # meet a natural one handed out earlier.
        while candidate in seen:
            candidate = with_suffix(str(draw()), n)
        return candidate


def with_suffix(value: str, n: int) -> str:
    """Make ``value`` unique with the sequence number ``n``, keeping its kind.

    The number always follows the last separator, so two different ``n`` never
    give the same string.

    Example:
        >>> with_suffix("ann@example.org", 7), with_suffix("ann", 7), with_suffix("Ann Lee", 7)
        ('ann+7@example.org', 'ann_7', 'Ann Lee 7')
    """
    local, at, domain = value.rpartition("@")
    if at and local and "." in domain:
        return f"{local}+{n}@{domain}"
    if any(ch.isspace() for ch in value):
        return f"{value} {n}"
    return f"{value}_{n}"


class Hierarchy:
    """The sequence counter and unique memories a factory shares with its subclasses."""

    __slots__ = ("__weakref__", "_pending", "_setup", "_suffixed", "_unique", "next")

    def __init__(self, setup: Callable[[], int] | None = None) -> None:
        self.next = 0
        #: factory_boy's ``_setup_next_sequence``: the first number, asked on first use.
        self._setup = setup
        self._pending = setup is not None
        self._unique: dict[str, UniqueValues] = {}
        self._suffixed = False
        _hierarchies.add(self)

    def take(self, count: int) -> tuple[int, int]:
        """Reserve ``count`` sequence numbers; return the first and the step between them."""
        if self._pending:
            self._pending = False
            assert self._setup is not None
            self.next = int(self._setup())
        first = self.next
        self.next = first + count
        index, slices = _slice
        return index + slices * first, slices

    def unique(self, field: str) -> UniqueValues:
        """Return the unique-value memory of ``field``."""
        store = self._unique.get(field)
        if store is None:
            store = self._unique[field] = UniqueValues()
            store.suffix_only = self._suffixed
        return store

    def continue_past(self, number: int) -> None:
        """Hand out no sequence number below ``number``, and suffix every unique value.

        For a load into tables that already hold rows: their natural unique
        values are not in this process' memory, so from now on each carries its
        sequence number, and those numbers are past every one written before.
        The counter never moves back; the slice's residue class is kept.
        """
        if self._pending:
            self._pending = False
            assert self._setup is not None
            self.next = int(self._setup())
        index, slices = _slice
        self.next = max(self.next, -(-(number - index) // slices))
        self._suffixed = True
        for store in self._unique.values():
            store.suffix_only = True

    def reset(self, value: int | None = None) -> None:
        """Restart the counter at ``value`` and forget every unique value.

        With ``None`` the counter restarts where it first started: at the
        factory's ``_setup_next_sequence()`` (asked again on next use), else 0.
        """
        self.next = 0 if value is None else value
        self._pending = value is None and self._setup is not None
        self._unique.clear()
        self._suffixed = False


_hierarchies: weakref.WeakSet[Hierarchy] = weakref.WeakSet()


def all_hierarchies() -> list[Hierarchy]:
    """Return every live hierarchy (the pytest plugin resets them per test)."""
    return list(_hierarchies)


# -- the load slice ----------------------------------------------------------------

# The slice of every sequence this process hands out: numbers index, index +
# count, index + 2*count... Parallel loads give each worker (or machine) its own
# residue class, so no sequence number, and no value made unique with one,
# can meet another worker's, whatever the ratio of parents to children.
_slice = [0, 1]


def set_slice(index: int, count: int) -> None:
    """Make this process hand out only sequence numbers ``index (mod count)``.

    With more than one slice, unique values always carry their sequence number:
    natural values could meet those of another process. A worker process calls
    this once; in-process code uses :func:`run_slice`, which restores.
    """
    _slice[0], _slice[1] = index, count


def current_slice() -> tuple[int, int]:
    """Return ``(index, count)``: the residue class of sequence numbers handed out."""
    return _slice[0], _slice[1]


@contextmanager
def run_slice(index: int, count: int, seed_value: int) -> Iterator[None]:
    """Hand out slice ``index`` of ``count`` with its own seed inside the block, then restore.

    A sharded ``load()`` in this process runs inside it: afterwards the seed,
    every random source, the slice and every sequence counter are what they
    were before, so later calls make exactly what they would have made.

    Example:
        >>> seed(7); before = rng.random(); seed(7)
        >>> with run_slice(1, 2, 99):
        ...     _ = rng.random()
        >>> rng.random() == before, current_slice()
        (True, (0, 1))
    """
    state = get_state()
    counters = [(hierarchy, hierarchy.next, hierarchy._pending) for hierarchy in _hierarchies]
    previous = current_slice()
    set_slice(index, count)
    seed(seed_value)
    try:
        yield
    finally:
        set_slice(*previous)
        set_state(state)
        for hierarchy, number, pending in counters:
            hierarchy.next, hierarchy._pending = number, pending


# -- the fast-path switch ------------------------------------------------------------

_fast_path = [True]


def set_fast_path(enabled: bool) -> None:
    """Switch the compiled Faker fast path on or off for every provider (default on).

    Example:
        >>> set_fast_path(False); fast_path_enabled()
        False
        >>> set_fast_path(True)
    """
    _fast_path[0] = bool(enabled)


def fast_path_enabled() -> bool:
    """Return whether Faker declarations draw through the compiled fast path."""
    return _fast_path[0]


# -- the session of the call in progress ------------------------------------------

# The session the latest create call of this task resolved: a weak reference, so
# a closed session is not kept alive. A Builder reads it once, when it is made.
_resolved: ContextVar[weakref.ref[AsyncSession] | None] = ContextVar(
    "asyncfactories_resolved", default=None
)
# The session of the create call whose user ``_create`` hook is running.
_hook: ContextVar[AsyncSession | None] = ContextVar("asyncfactories_hook", default=None)


def remember_resolved_session(session: AsyncSession) -> None:
    """Record ``session`` as the one this task's latest create call resolved."""
    _resolved.set(weakref.ref(session))


def last_resolved_session() -> AsyncSession | None:
    """The session this task's latest create call resolved, if still alive."""
    ref = _resolved.get()
    return ref() if ref is not None else None


def hook_session() -> AsyncSession | None:
    """The session of the create call whose ``_create`` hook is running, if any."""
    return _hook.get()


@contextmanager
def using_hook_session(session: AsyncSession | None) -> Iterator[None]:
    """Make ``session`` the one :func:`hook_session` returns inside the block."""
    token = _hook.set(session)
    try:
        yield
    finally:
        _hook.reset(token)


# -- the one reset point -----------------------------------------------------------


def reset(seed_value: int | None = None) -> None:
    """Put the run back to its start: slice, fast path, counters and memories; reseed.

    The pytest plugin calls it before every test with the test's own seed.
    ``None`` reseeds from the system's entropy (and forgets the last seed).
    """
    set_slice(0, 1)
    set_fast_path(True)
    for hierarchy in all_hierarchies():
        hierarchy.reset()
    if seed_value is None:
        reseed_from_entropy()
    else:
        seed(seed_value)
