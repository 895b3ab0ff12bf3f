"""What every declaration is: the base class, the sentinels and the Row a declaration sees.

Each declaration is a value object with one method that does the work,
``evaluate(row)``, and a ``repr`` that reads like the line the user wrote,
because it shows up in every error message. A declaration may also name the
sibling fields it reads (``depends_on``), so the resolver can order fields
once per factory and name a cycle at class definition instead of recursing at
run time; and one that draws random values is bound to its field's own stream
(``bind``). The helpers here are what the other declaration modules share:
argument errors that name the line of the class body, reprs, callable names.
"""

from __future__ import annotations

import copy
import dis
import enum
import inspect
import random
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, overload

from asyncfactories._errors import (
    FactoryDefinitionError,
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
    "Row",
    "accepts_positional",
    "argument_error",
    "attribute_reads",
    "bind_part",
    "call_repr",
    "callable_name",
    "is_whole",
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


def accepts_positional(function: Callable[..., object], count: int) -> bool:
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


def attribute_reads(fn: Callable[..., object]) -> tuple[str, ...]:
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
        if count >= 0 and not accepts_positional(function, count):
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
