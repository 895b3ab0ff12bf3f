"""The small declaration objects a factory body is made of.

Each declaration is a value object with one method that does the work,
``evaluate(row)``, and a ``repr`` that reads like the line the user wrote,
because it shows up in every error message.

A declaration may also name the sibling fields it reads (``depends_on``), so
the resolver can order fields once per factory and name a cycle at class
definition instead of recursing at run time.
"""

from __future__ import annotations

import copy
import dis
import enum
import inspect
import itertools
import random
import sys
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Iterator as _Iterator
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar, overload

from asyncfactories._errors import (
    DeclarationValueError,
    FactoryDefinitionError,
    UnknownAttributeError,
    UnknownFieldError,
)
from asyncfactories._random_source import current

if TYPE_CHECKING:
    from asyncfactories._state import Hierarchy

__all__ = (
    "MISSING",
    "SKIP",
    "CallableDeclaration",
    "Declaration",
    "InStream",
    "Iterator",
    "LazyAttribute",
    "LazyFunction",
    "Maybe",
    "PostDeclaration",
    "PostMaybe",
    "Preset",
    "Row",
    "SelfAttribute",
    "Sequence",
    "Trait",
    "argument_error",
    "bind_part",
    "call_repr",
    "callable_name",
    "is_whole",
    "post_generation",
    "rebound",
)

T = TypeVar("T")
#: The object a ``post_generation`` hook receives (its first parameter), and what it returns.
ObjT = TypeVar("ObjT")
ResultT = TypeVar("ResultT")


class _Sentinel(enum.Enum):
    MISSING = "MISSING"
    SKIP = "SKIP"

    def __repr__(self) -> str:
        return self.value


MISSING = _Sentinel.MISSING
"""No value was given (distinct from ``None``)."""

SKIP = _Sentinel.SKIP
"""A :class:`Maybe` branch that sets nothing, so the model's own default applies."""


class Row(Protocol):
    """What a declaration sees of the object being resolved."""

    n: int
    values: dict[str, object]

    @property
    def factory_name(self) -> str: ...

    @property
    def field(self) -> str: ...

    @property
    def hierarchy(self) -> Hierarchy: ...

    @property
    def stub(self) -> Any: ...

    def read(self, name: str) -> object: ...

    def recurse(
        self, factory: object, defaults: Mapping[str, object], *, same_sequence: bool = False
    ) -> object: ...

    def relate(self, factory: object, overrides: list[dict[str, object]]) -> object: ...

    def pooled(self, pool: Any) -> object: ...


class Declaration:
    """Base of every field declaration: ``evaluate(row)`` returns the field's value.

    ``evaluate`` may return an awaitable when the declaration wraps an
    ``async def``; :attr:`is_async` says so before anything runs.
    """

    # Weak references: the bindings to field streams are kept only while it lives.
    __slots__ = ("__weakref__",)

    if TYPE_CHECKING:
        # For type checkers only (no descriptor at run time): in a factory's class body a
        # declaration stands for a field of any type, so a subclass may override it with a
        # plain value, None or another declaration, as factory_boy allows. Read on the
        # class, it is the declaration itself.
        @overload
        def __get__(self, instance: None, owner: type[object], /) -> Self: ...
        @overload
        def __get__(self, instance: object, owner: type[object] | None = None, /) -> Any: ...
        def __get__(self, instance: object, owner: type[object] | None = None, /) -> Any: ...

    @property
    def is_async(self) -> bool:
        """Whether evaluating needs an event loop (an ``async def`` inside)."""
        return False

    def check(self, factory: str, field: str) -> None:
        """Raise :class:`FactoryDefinitionError` if the declaration cannot work."""

    def depends_on(self) -> tuple[str, ...]:
        """Names of sibling fields this declaration reads."""
        return ()

    def evaluate(self, row: Row) -> object:
        """Return the value for the field being resolved."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def bind(self, source: random.Random) -> Declaration:
        """This declaration drawing its random values from ``source``, a field's own stream.

        The resolver binds each field's declaration once per call (see
        :mod:`asyncfactories._random_source`); a declaration that draws nothing
        random is its own binding. One that does returns a copy whose draws
        (compiled closures included) come from ``source``.
        """
        return self


def bind_part(part: object, source: random.Random) -> object:
    """``part`` bound to ``source`` when it is a declaration (a branch, an argument)."""
    return part.bind(source) if isinstance(part, Declaration) else part


def rebound(declaration: Declaration, **parts: object) -> Declaration:
    """A copy of ``declaration`` with ``parts`` replaced; itself when none changed."""
    if all(getattr(declaration, name) is value for name, value in parts.items()):
        return declaration
    clone = copy.copy(declaration)
    for name, value in parts.items():
        object.__setattr__(clone, name, value)
    return clone


def is_whole(value: object) -> bool:
    """Whether ``value`` is an int (a bool is not one here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def call_repr(name: str, *args: object, **kwargs: object) -> str:
    """The call as the user wrote it, for messages: ``FuzzyInteger('1', '5')``."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def argument_error(declaration: str, problem: str, fix: str) -> FactoryDefinitionError:
    """The error a declaration's constructor raises for an argument of the wrong type.

    A constructor does not know its factory or field. When it runs on a line
    of a class body (``level = FuzzyInteger("1", "5")``), the class and the
    name being assigned are read from that line, so the message names them as
    any class-definition error does; elsewhere it names the declaration.
    """
    owner, field = _declaring_line()
    return FactoryDefinitionError(owner or declaration, field, problem, fix)


_INTERNAL = ("asyncfactories._", "asyncfactories.fuzzy")


def _declaring_line() -> tuple[str | None, str | None]:
    """``(class, name)`` when the first caller outside the package is a class body."""
    frame = sys._getframe(1)  # pyright: ignore[reportPrivateUsage]  # CPython's documented frame access, no public equivalent that returns a frame
    while frame.f_back is not None and str(frame.f_globals.get("__name__", "")).startswith(
        _INTERNAL
    ):
        frame = frame.f_back
    code = frame.f_code
    namespace = frame.f_locals
    if code.co_flags & inspect.CO_NEWLOCALS or "__qualname__" not in namespace:
        return None, None
    owner = str(namespace["__qualname__"]).split(".")
    prefix = ""
    if len(owner) > 1 and owner[-1] in ("Params", "Meta"):
        prefix = owner[-1] + "."
        owner = owner[:-1]
    for instruction in dis.get_instructions(code):
        if instruction.offset > frame.f_lasti and instruction.opname == "STORE_NAME":
            return owner[-1], prefix + str(instruction.argval)
    return owner[-1], None


def _takes(function: Callable[..., object], count: int) -> bool:
    """Whether ``function`` can be called with ``count`` positional arguments."""
    try:
        inspect.signature(function).bind(*range(count))
    except TypeError:
        return False
    except ValueError:  # builtins without a signature: assume they can
        return True
    return True


def callable_name(fn: object) -> str:
    """The function's name as the user wrote it, for messages (``<lambda>`` for any lambda)."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return "<lambda>" if name.endswith("<lambda>") else str(name)


def _attribute_reads(fn: Callable[..., object]) -> tuple[str, ...]:
    """Names read as ``o.name`` on the first parameter of ``fn``, from its bytecode.

    This is a best effort: a read the scan misses (``o`` passed to a helper)
    is still resolved on demand at run time; it is only not ordered ahead.
    """
    code = getattr(fn, "__code__", None)
    if code is None or code.co_argcount < 1:
        return ()
    param = code.co_varnames[0]
    reads: list[str] = []
    previous: dis.Instruction | None = None
    for instruction in dis.get_instructions(code):
        if (
            previous is not None
            and previous.opname == "LOAD_FAST"
            and previous.argval == param
            and instruction.opname in ("LOAD_ATTR", "LOAD_METHOD")
            and instruction.argval not in reads
        ):
            reads.append(str(instruction.argval))
        previous = instruction
    return tuple(name for name in reads if name != "factory_parent")


class CallableDeclaration(Declaration):
    """Base of the declarations that wrap a function the user gives (``LazyFunction``...)."""

    __slots__ = ("_async", "function")
    #: How many positional arguments the function receives, and an example. Read
    #: from the class itself only: a subclass calling its function differently
    #: (``LazyAttributeSequence``) is not held to its parent's count.
    _arguments: tuple[int, str] | None = None

    def __init__(self, function: Callable[..., Any]) -> None:
        name = type(self).__name__
        count, example = type(self).__dict__.get("_arguments") or (-1, "lambda ...: ...")
        if not callable(function):
            raise argument_error(
                name,
                f"{call_repr(name, function)} expects a callable, got {type(function).__name__}",
                f"pass a function or lambda, e.g. {name}({example})",
            )
        if count >= 0 and not _takes(function, count):
            takes = "no arguments" if count == 0 else f"{count} positional argument"
            raise argument_error(
                name,
                f"{name}({callable_name(function)}) calls it with {takes}, which it does not take",
                f"give it a function of that shape, e.g. {name}({example})",
            )
        self.function = function
        self._async = inspect.iscoroutinefunction(function)

    @property
    def is_async(self) -> bool:
        """Whether the wrapped callable is an ``async def``."""
        return self._async

    def bind(self, source: random.Random) -> Declaration:
        """The function run with ``source`` as the stream of library draws it makes."""
        return InStream(self, source)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({callable_name(self.function)})"


class InStream(Declaration):
    """A user's function computing a field, with the field's stream as :data:`current`.

    So ``LazyAttribute(lambda o: SCORES.fuzz())`` draws from the field's own
    stream, as a declared ``FuzzyFloat`` would. The body of an ``async def``
    runs after ``evaluate`` returns: its draws come from the shared source.
    """

    __slots__ = ("inner", "source")

    def __init__(self, inner: Declaration, source: random.Random) -> None:
        self.inner = inner
        self.source = source

    @property
    def is_async(self) -> bool:
        """Whether the function is an ``async def``."""
        return self.inner.is_async

    def depends_on(self) -> tuple[str, ...]:
        """What the function reads."""
        return self.inner.depends_on()

    def evaluate(self, row: Row) -> object:
        """Run the declaration with the field's stream current."""
        shared = current[0]
        current[0] = self.source
        try:
            return self.inner.evaluate(row)
        finally:
            current[0] = shared

    def __repr__(self) -> str:
        return repr(self.inner)


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
        self._reads = _attribute_reads(function)

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


class PostDeclaration:
    """Base of what runs once the object exists: related factories and hooks.

    ``extracted`` is the value the caller passed under the declaration's name
    (:data:`MISSING` if none), ``kwargs`` the ``name__key`` overrides.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # For type checkers only (no descriptor at run time): in a factory's class body a
        # declaration stands for a field of any type, so a subclass may override it with a
        # plain value, None or another declaration, as factory_boy allows. Read on the
        # class, it is the declaration itself.
        @overload
        def __get__(self, instance: None, owner: type[object], /) -> Self: ...
        @overload
        def __get__(self, instance: object, owner: type[object] | None = None, /) -> Any: ...
        def __get__(self, instance: object, owner: type[object] | None = None, /) -> Any: ...

    #: Related factories run while the batch is built (their rows join the same
    #: INSERTs); hooks run after the rows are in the database.
    runs_after_persist: bool = False

    @property
    def is_async(self) -> bool:
        """Whether calling needs an event loop."""
        return False

    def check(self, factory: str, field: str) -> None:
        """Raise :class:`FactoryDefinitionError` if the declaration cannot work."""

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Run the declaration for ``obj``."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it


class PostGeneration(PostDeclaration, Generic[ObjT, ResultT]):
    """A hook ``function(obj, create, extracted, **kwargs)`` run after the object is made.

    ``PostGeneration[Model, R]``: the hook takes the model object and returns ``R``
    (a coroutine for an ``async def``).
    """

    __slots__ = ("_async", "function")
    runs_after_persist = True

    def __init__(self, function: Callable[[ObjT, bool, Any], ResultT]) -> None:
        """Wrap ``function(obj, create, extracted, **kwargs)`` (a ``staticmethod`` too)."""
        if isinstance(function, staticmethod):
            # ``@post_generation @staticmethod def hook(obj: Model, ...)``: the form type
            # checkers accept in a class body; the function inside is the hook.
            function = function.__func__
        if not callable(function) or not _takes(function, 3):
            got = callable_name(function) if callable(function) else repr(function)
            problem = (
                "cannot be called as function(obj, create, extracted)"
                if callable(function)
                else f"needs a function, got {type(function).__name__}"
            )
            raise argument_error(
                "post_generation",
                f"post_generation({got}) {problem}",
                "decorate a function `def hook(obj, create, extracted, **kwargs): ...`",
            )
        # Called with the ``name__key`` overrides as keyword arguments too.
        self.function: Callable[..., ResultT] = function
        self._async = inspect.iscoroutinefunction(function)

    @property
    def is_async(self) -> bool:
        """Whether the hook is an ``async def``."""
        return self._async

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Call the hook; ``extracted`` is ``None`` when the caller passed nothing."""
        return self.function(obj, create, None if extracted is MISSING else extracted, **kwargs)

    def __repr__(self) -> str:
        return f"post_generation({callable_name(self.function)})"


def post_generation(
    function: Callable[[ObjT, bool, Any], ResultT],
) -> PostGeneration[ObjT, ResultT]:
    """Decorate ``function(obj, create, extracted, **kwargs)`` to run after the object is made.

    Under ``create()`` it runs once the rows are in the database; it may be an
    ``async def``. ``extracted`` is what the caller passed under the hook's
    name (``create(tags=[...])``), ``kwargs`` the ``tags__key=value`` overrides.

    Typed, the hook takes the model: ``def tags(obj: Agent, create: bool, extracted:
    Any, **kwargs: Any) -> None`` gives a ``PostGeneration[Agent, None]``. In a class
    body mypy accepts that signature as it is; pyright requires the first parameter of
    any function in a class body to accept the class itself, so there put
    ``@staticmethod`` under ``@post_generation`` (both checkers accept that form).

    Example:
        >>> @post_generation
        ... def tags(obj, create, extracted, **kwargs):
        ...     obj.tags = list(extracted or [])
    """
    return PostGeneration(function)


class PostMaybe(PostDeclaration):
    """A :class:`Maybe` whose branches run after the object is made (factory_boy's rule).

    Made from ``Maybe(decider, post_generation(...) or RelatedFactory(...), ...)``
    when the class is defined; ``decider`` reads the object's resolved fields.
    """

    __slots__ = ("maybe",)

    def __init__(self, maybe: Maybe) -> None:
        self.maybe = maybe

    @property
    def runs_after_persist(self) -> bool:  # type: ignore[override]  # decided per branch
        """A hook branch waits for the rows; a RelatedFactory branch joins the batch."""
        return any(getattr(b, "runs_after_persist", False) for b in (self.maybe.yes, self.maybe.no))

    @property
    def is_async(self) -> bool:
        """Whether a branch is async."""
        return any(getattr(b, "is_async", False) for b in (self.maybe.yes, self.maybe.no))

    def check(self, factory: str, field: str) -> None:
        """Check the branches."""
        for branch in (self.maybe.yes, self.maybe.no):
            if isinstance(branch, PostDeclaration):
                branch.check(factory, field)

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Run the branch the decider picks (nothing for SKIP)."""
        decider = self.maybe.decider
        flag = row.read(decider) if isinstance(decider, str) else decider.evaluate(row)
        branch = self.maybe.yes if flag else self.maybe.no
        if isinstance(branch, PostDeclaration):
            return branch.call(row, obj, create, extracted, kwargs)
        return None

    def __repr__(self) -> str:
        return repr(self.maybe)


class Preset(PostDeclaration):
    """A post declaration run with what a trait passes it: ``Trait(reviews=0)``, ``reviews__score=1``.

    What the call passes still wins over the trait's values.
    """

    __slots__ = ("declaration", "extracted", "kwargs")

    def __init__(
        self, declaration: PostDeclaration, extracted: object, kwargs: dict[str, object]
    ) -> None:
        self.declaration = declaration
        self.extracted = extracted
        self.kwargs = kwargs

    @property
    def runs_after_persist(self) -> bool:  # type: ignore[override]  # the wrapped one decides
        """As the wrapped declaration."""
        return self.declaration.runs_after_persist

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Run the wrapped declaration with the trait's values under the call's."""
        chosen = self.extracted if extracted is MISSING else extracted
        return self.declaration.call(row, obj, create, chosen, {**self.kwargs, **kwargs})

    def __repr__(self) -> str:
        return f"{self.declaration!r} with {self.extracted!r}, {self.kwargs!r}"


def iter_declaration_parts(values: Mapping[str, object]) -> _Iterator[tuple[str, Declaration]]:
    """Yield the ``(name, declaration)`` pairs of a mapping, skipping plain values."""
    for name, value in values.items():
        if isinstance(value, Declaration):
            yield name, value
