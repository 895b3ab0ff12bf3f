"""The value declarations: Sequence, LazyFunction, LazyAttribute, SelfAttribute, Iterator, Maybe, Trait.

Each computes one field of one object from the row (its sequence number, the
fields resolved so far) when the resolver asks, in the order the class
definition fixed.
"""

from __future__ import annotations

import inspect
import itertools
import random
from collections.abc import Callable, Iterable
from collections.abc import Iterator as _Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from asyncfactories._errors import (
    DeclarationValueError,
    FactoryDefinitionError,
    UnknownAttributeError,
    UnknownFieldError,
)

if TYPE_CHECKING:
    pass

from asyncfactories._declare.base import (
    MISSING,
    SKIP,
    CallableDeclaration,
    Declaration,
    Row,
    argument_error,
    attribute_reads,
    bind_part,
    call_repr,
    rebound,
)

__all__ = (
    "Iterator",
    "LazyAttribute",
    "LazyFunction",
    "Maybe",
    "SelfAttribute",
    "Sequence",
    "Trait",
)

T = TypeVar("T")


class LazyFunction(CallableDeclaration):
    """The value of ``function()``, called anew for every object.

    ``function`` may be an ``async def``; it is awaited under ``create()``.

    Example:
        >>> created_at = LazyFunction(datetime.now)  # doctest: +SKIP
    """

    __slots__ = ()
    _arguments = (0, "lambda: ...")

    def evaluate(self, row: Row) -> object:
        """Call the function."""
        return self.function()


class LazyAttribute(CallableDeclaration):
    """The value of ``function(o)``, where ``o`` shows the object's other fields.

    Example:
        >>> slug = LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    """

    __slots__ = ("_reads",)
    _arguments = (1, "lambda o: o.name.lower()")

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__(function)
        self._reads = attribute_reads(function)

    def depends_on(self) -> tuple[str, ...]:
        """The ``o.<name>`` reads found in the function."""
        return self._reads

    def evaluate(self, row: Row) -> object:
        """Call the function with the object being built."""
        return self.function(row.stub)


class Sequence(CallableDeclaration):
    """The value of ``function(n)``, ``n`` counting objects per factory hierarchy from 0.

    Example:
        >>> email = Sequence(lambda n: f"user{n}@example.org")
    """

    __slots__ = ()
    _arguments = (1, 'lambda n: f"user{n}@example.org"')

    def __init__(self, function: Callable[[int], object]) -> None:
        super().__init__(function)

    def evaluate(self, row: Row) -> object:
        """Call the function with this object's sequence number."""
        return self.function(row.n)


class SelfAttribute(Declaration):
    """Copy another field, or an attribute of one: ``SelfAttribute("agent.maturity")``.

    Leading dots climb to the factory that called this one through a
    SubFactory: ``SelfAttribute("..maturity")`` reads the parent's field.

    Example:
        >>> maturity_at_time = SelfAttribute("agent.maturity")
    """

    __slots__ = ("default", "depth", "path")

    def __init__(self, attribute_name: str, default: object = MISSING) -> None:
        if not isinstance(attribute_name, str):  # pyright: ignore[reportUnnecessaryIsInstance]  # checked at run time for untyped callers
            raise argument_error(
                "SelfAttribute",
                f"{call_repr('SelfAttribute', attribute_name)} needs a dotted name, "
                f"got {type(attribute_name).__name__}",
                'name the field as a string, e.g. SelfAttribute("agent.maturity")',
            )
        stripped = attribute_name.lstrip(".")
        if any(not part.isidentifier() for part in stripped.split(".") if stripped):
            raise argument_error(
                "SelfAttribute",
                f"{call_repr('SelfAttribute', attribute_name)} is not a dotted attribute path",
                'write names joined by dots, e.g. SelfAttribute("agent.maturity")',
            )
        dots = len(attribute_name) - len(stripped)
        self.depth = max(dots - 1, 0)
        self.path = tuple(stripped.split(".")) if stripped else ()
        self.default = default

    def check(self, factory: str, field: str) -> None:
        """Refuse an empty path."""
        if not self.path:
            raise FactoryDefinitionError(
                factory,
                field,
                f"{self!r} names no attribute",
                'name one, e.g. SelfAttribute("name")',
            )

    def depends_on(self) -> tuple[str, ...]:
        """The first name of the path, when it is a sibling field."""
        return (self.path[0],) if self.depth == 0 and self.path else ()

    def evaluate(self, row: Row) -> object:
        """Follow the path from this object (or a parent)."""
        target: Any = row.stub
        for _ in range(self.depth):
            target = target.factory_parent
            if target is None:
                if self.default is not MISSING:
                    return self.default
                raise UnknownAttributeError(
                    row.factory_name,
                    row.field,
                    f"{self!r} reads a parent factory, but {row.factory_name} was not "
                    "reached through a SubFactory here",
                    "use it only under a SubFactory, or give it a default: "
                    f"SelfAttribute({'.' * (self.depth + 1) + '.'.join(self.path)!r}, default=None)",
                )
        for index, part in enumerate(self.path):
            try:
                target = getattr(target, part)
            except UnknownFieldError:
                if self.default is MISSING:
                    raise
                return self.default
            except AttributeError:
                if self.default is MISSING:
                    raise UnknownAttributeError(
                        row.factory_name,
                        row.field,
                        f"{self!r} reads {part!r} of {'.'.join(self.path[:index])} "
                        f"({type(target).__name__}), which has no such attribute",
                        "fix the path, or give it a default: SelfAttribute(..., default=None)",
                    ) from None
                return self.default
        return target

    def __repr__(self) -> str:
        dots = "." * (self.depth + 1) if self.depth else ""
        return f"SelfAttribute({dots + '.'.join(self.path)!r})"


class _Replay:
    """An iterable over a one-shot iterator that yields what it read again on each pass."""

    __slots__ = ("_seen", "_source")

    def __init__(self, source: _Iterator[object]) -> None:
        self._source = source
        self._seen: list[object] = []

    def __iter__(self) -> _Iterator[object]:
        yield from self._seen
        for item in self._source:
            self._seen.append(item)
            yield item

    def __repr__(self) -> str:
        return repr(self._source)


class Iterator(Declaration):
    """Values taken in turn from ``iterable``; it cycles unless ``cycle=False``.

    The iterable is consumed lazily, on first use. ``getter`` maps each item.

    Example:
        >>> status = Iterator(["active", "paused"])
    """

    __slots__ = ("_iterator", "cycle", "getter", "iterable")

    def __init__(
        self,
        iterable: Iterable[object],
        cycle: bool = True,
        getter: Callable[[Any], object] | None = None,
    ) -> None:
        _iterable("Iterator", iterable, "Iterator([...]) with the values to take in turn")
        if getter is not None and not callable(getter):
            raise argument_error(
                "Iterator",
                f"Iterator(..., getter={getter!r}) needs a callable getter",
                "pass a function of one item, e.g. getter=lambda item: item.name",
            )
        if not isinstance(cycle, bool):  # pyright: ignore[reportUnnecessaryIsInstance]  # checked at run time for untyped callers
            raise argument_error(
                "Iterator",
                f"Iterator(..., cycle={cycle!r}) needs True or False",
                "pass cycle=True (the default) or cycle=False",
            )
        self.iterable = iterable
        self.cycle = cycle
        self.getter = getter
        self._iterator: _Iterator[object] | None = None

    def reset(self) -> None:
        """Start again from the first item."""
        self._iterator = None

    def evaluate(self, row: Row) -> object:
        """Return the next item."""
        if self._iterator is None:
            source = iter(self.iterable)
            if source is self.iterable:
                # A generator is read once: remember it so that reset() replays it.
                self.iterable = _Replay(source)
            self._iterator = itertools.cycle(self.iterable) if self.cycle else iter(self.iterable)
        try:
            value = next(self._iterator)
        except StopIteration:
            raise DeclarationValueError(
                row.factory_name,
                row.field,
                f"{self!r} ran out of values",
                "give it more values or let it cycle (cycle=True)",
            ) from None
        return self.getter(value) if self.getter is not None else value

    def __repr__(self) -> str:
        return f"Iterator({self.iterable!r})"


def _iterable(name: str, value: object, example: str) -> None:
    """Refuse what cannot be iterated, without consuming a generator."""
    try:
        iter(value)  # type: ignore[call-overload]
    except TypeError:
        raise argument_error(
            name,
            f"{call_repr(name, value)} needs an iterable, got {type(value).__name__}",
            f"pass a list, a tuple, a generator or an Enum class, e.g. {example}",
        ) from None


class Maybe(Declaration):
    """``yes_declaration`` when ``decider`` is truthy, else ``no_declaration``.

    ``decider`` is a field name or a declaration; either branch may be a plain
    value, a declaration or :data:`SKIP` (leave the field to the model).

    Example:
        >>> ended_at = Maybe("finished", LazyFunction(datetime.now), None)  # doctest: +SKIP
    """

    __slots__ = ("decider", "no", "yes")

    def __init__(
        self,
        decider: str | Declaration,
        yes_declaration: object = SKIP,
        no_declaration: object = SKIP,
    ) -> None:
        if not isinstance(decider, (str, Declaration)):  # pyright: ignore[reportUnnecessaryIsInstance]  # checked at run time for untyped callers
            raise argument_error(
                "Maybe",
                f"{call_repr('Maybe', decider, yes_declaration, no_declaration)} decides on "
                f"{type(decider).__name__}, not a field name or a declaration",
                'name the field that decides, e.g. Maybe("finished", yes, no)',
            )
        if isinstance(decider, str) and "." in decider:
            # factory_boy's dotted decider: Maybe("author.active", ...)
            decider = SelfAttribute(decider, default=None)
        self.decider = decider
        self.yes = yes_declaration
        self.no = no_declaration

    @property
    def is_async(self) -> bool:
        """Whether any part needs an event loop."""
        return any(isinstance(p, Declaration) and p.is_async for p in self._parts())

    def _parts(self) -> tuple[object, ...]:
        return (self.decider, self.yes, self.no)

    def check(self, factory: str, field: str) -> None:
        """Check the branches."""
        for part in self._parts():
            if isinstance(part, Declaration):
                part.check(factory, field)

    def depends_on(self) -> tuple[str, ...]:
        """The decider field and whatever the branches read."""
        names: list[str] = [self.decider] if isinstance(self.decider, str) else []
        for part in self._parts():
            if isinstance(part, Declaration):
                names.extend(part.depends_on())
        return tuple(dict.fromkeys(names))

    def bind(self, source: random.Random) -> Declaration:
        """The decider and both branches drawing from ``source`` (one field, one stream)."""
        return rebound(
            self,
            decider=bind_part(self.decider, source),
            yes=bind_part(self.yes, source),
            no=bind_part(self.no, source),
        )

    def evaluate(self, row: Row) -> object:
        """Pick a branch and evaluate it."""
        decider = self.decider
        if isinstance(decider, str):
            flag = row.read(decider)
        else:
            flag = decider.evaluate(row)
            if inspect.isawaitable(flag):
                return self._finish_async(flag, row)
        branch = self.yes if flag else self.no
        return branch.evaluate(row) if isinstance(branch, Declaration) else branch

    async def _finish_async(self, flag: Any, row: Row) -> object:
        branch = self.yes if await flag else self.no
        value = branch.evaluate(row) if isinstance(branch, Declaration) else branch
        return await value if inspect.isawaitable(value) else value

    def __repr__(self) -> str:
        return f"Maybe({self.decider!r}, {self.yes!r}, {self.no!r})"


class Trait:
    """A named switch in ``class Params`` that applies a group of overrides.

    Example:
        >>> class Params:
        ...     completed = Trait(status="completed", ended_at=LazyFunction(datetime.now))  # doctest: +SKIP

        ``await EpisodeFactory.create(completed=True)``
    """

    __slots__ = ("overrides",)

    def __init__(self, **overrides: object) -> None:
        self.overrides: dict[str, object] = overrides

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.overrides.items())
        return f"Trait({inner})"
