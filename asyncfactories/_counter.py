"""Per-hierarchy state: the sequence counter and the memory of unique values.

A factory and its subclasses share one :class:`Hierarchy` (factory_boy's
"sequence per factory hierarchy"). ``reset_sequence()`` resets both the counter
and the unique-value memory, so uniqueness holds "until reset_sequence()".
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

__all__ = ("UNIQUE_MEMORY", "Hierarchy", "UniqueValues", "all_hierarchies", "set_slice")

UNIQUE_MEMORY = 100_000
"""How many natural values a unique field remembers before it switches to suffixes.

Past this point every value carries its row's sequence number, which is unique
by construction, so memory stays flat however many rows a load makes."""

_RETRIES = 4

# The slice of every sequence this process hands out: numbers index, index +
# count, index + 2*count... Parallel loads give each worker (or machine) its own
# residue class, so no sequence number, and no value made unique with one,
# can meet another worker's, whatever the ratio of parents to children.
_slice = [0, 1]


def set_slice(index: int, count: int) -> None:
    """Make this process hand out only sequence numbers ``index (mod count)``.

    With more than one slice, unique values always carry their sequence number:
    natural values could meet those of another process.
    """
    _slice[0], _slice[1] = index, count


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

    __slots__ = ("__weakref__", "_pending", "_setup", "_unique", "next")

    def __init__(self, setup: Callable[[], int] | None = None) -> None:
        self.next = 0
        #: factory_boy's ``_setup_next_sequence``: the first number, asked on first use.
        self._setup = setup
        self._pending = setup is not None
        self._unique: dict[str, UniqueValues] = {}
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
        return store

    def reset(self, value: int | None = None) -> None:
        """Restart the counter at ``value`` and forget every unique value.

        With ``None`` the counter restarts where it first started: at the
        factory's ``_setup_next_sequence()`` (asked again on next use), else 0.
        """
        self.next = 0 if value is None else value
        self._pending = value is None and self._setup is not None
        self._unique.clear()


_hierarchies: weakref.WeakSet[Hierarchy] = weakref.WeakSet()


def all_hierarchies() -> list[Hierarchy]:
    """Return every live hierarchy (the pytest plugin resets them per test)."""
    return list(_hierarchies)
