"""The FactoryError tree.

Every message is built from the same three parts, so that each one names the
factory, the field and the fix::

    AgentFactory.confidence_score: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.

Each class also subclasses the builtin it refines, so code that already catches
``TypeError`` or ``ValueError`` keeps working. The whole tree::

    Exception
    └── FactoryError
        ├── FactoryDefinitionError (TypeError)       bad Meta / Params / declaration
        │   ├── AutofillError                         a required column autofill cannot fill
        │   ├── CyclicDeclarationError                a -> b -> a
        │   ├── DeclarationValueError (ValueError)    reversed bounds, no choices, size < 0
        │   └── UnknownDeclaredFieldError             a declared name the model lacks
        │                                             (also an UnknownFieldError)
        ├── UnknownFieldError (TypeError)             an override / read names no field
        │   └── UnknownAttributeError (AttributeError)  ``o.typo`` inside a LazyAttribute
        ├── AsyncDeclarationError (TypeError)         ``async def`` where nothing awaits
        ├── FactoryArgumentError (ValueError)         a call argument it cannot use
        ├── NoSessionError (RuntimeError)             create() found no session
        ├── PersistenceError (RuntimeError)           the database refused an INSERT
        └── LoadInterruptedError (RuntimeError)       load() stopped part way

The message is built from the attributes each time it is shown, so it always
matches them (``LoadInterruptedError`` takes its field from the cause that is
chained to it after it was made).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = (
    "AsyncDeclarationError",
    "AutofillError",
    "CyclicDeclarationError",
    "DeclarationValueError",
    "FactoryArgumentError",
    "FactoryDefinitionError",
    "FactoryError",
    "LoadInterruptedError",
    "NoSessionError",
    "PersistenceError",
    "UnknownAttributeError",
    "UnknownDeclaredFieldError",
    "UnknownFieldError",
    "close_match",
)


def close_match(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a mistyped ``name``, for a "did you mean" fix.

    Example:
        >>> close_match("nmae", ["name", "email"])
        'name'
    """
    found = difflib.get_close_matches(name, list(candidates), n=1)
    return found[0] if found else None


class FactoryError(Exception):
    """Base of every error asyncfactories raises on misuse.

    Attributes:
        factory: name of the factory class involved.
        field: the field involved, or ``None`` when the problem is the factory itself.
        problem: what is wrong, in one clause.
        fix: what to do about it, in one clause.

    Example:
        >>> try:
        ...     raise FactoryError("AgentFactory", "name", "is broken", "mend it")
        ... except FactoryError as exc:
        ...     str(exc)
        'AgentFactory.name: is broken; mend it.'
    """

    def __init__(self, factory: str, field: str | None, problem: str, fix: str) -> None:
        self.factory = factory
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.factory}.{self.field}" if self.field else self.factory
        return f"{where}: {self.problem}; {self.fix}."

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the error picklable, so it crosses process boundaries (load workers).
        return (_rebuild, (type(self), self.__dict__.copy(), str(self)))


def _rebuild(cls: type[FactoryError], state: dict[str, object], message: str) -> FactoryError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class FactoryDefinitionError(FactoryError, TypeError):
    """A factory class is defined wrongly: bad ``Meta``, ``Params`` or declaration.

    Raised when the class statement runs, not when the factory is first used.
    """


class AutofillError(FactoryDefinitionError):
    """Autofill cannot fill a column the database requires; the message says how to declare it.

    Raised when the class is defined for a column type autofill cannot generate,
    and on first use for a required foreign key with no relationship to give a
    parent through, for required parents that form a cycle, and for unique
    values that ran out.

    Attributes:
        table: the column's table.
        column: the column's name in that table.
    """

    def __init__(
        self, factory: str, field: str | None, problem: str, fix: str, *, table: str, column: str
    ) -> None:
        self.table = table
        self.column = column
        super().__init__(factory, field, problem, fix)


class CyclicDeclarationError(FactoryDefinitionError):
    """Declarations depend on each other in a cycle (``a -> b -> a``).

    Attributes:
        cycle: the field names along the cycle, first name repeated at the end.
    """

    def __init__(self, factory: str, cycle: tuple[str, ...]) -> None:
        self.cycle = cycle
        super().__init__(
            factory,
            cycle[0],
            f"declarations depend on each other in a cycle {' -> '.join(cycle)}",
            "give one of them a value that does not read the others",
        )


class DeclarationValueError(FactoryDefinitionError, ValueError):
    """A declaration's arguments have the right types but cannot work together.

    Reversed bounds (``FuzzyInteger(9, 1)``), no choices, a negative size or
    precision: raised by the declaration's constructor where the values are
    known, and by the class definition that uses it.
    """


class UnknownFieldError(FactoryError, TypeError):
    """A declaration, override or ``get_or_create`` key names no field of the model."""


class UnknownDeclaredFieldError(FactoryDefinitionError, UnknownFieldError):
    """A class body declares, or ``get_or_create`` names, something the model does not have."""


class UnknownAttributeError(UnknownFieldError, AttributeError):
    """A ``LazyAttribute`` or ``SelfAttribute`` reads a name the object being built lacks.

    Also an ``AttributeError``, so ``getattr(o, "nickname", None)`` and
    ``hasattr(o, "nickname")`` inside a LazyAttribute behave as on any object.
    """


class AsyncDeclarationError(FactoryError, TypeError):
    """An ``async def`` declaration was reached where nothing can await it (``build()``)."""


class NoSessionError(FactoryError, RuntimeError):
    """``create()`` found no session: none passed, none bound, no ``Meta.session_factory``."""


class FactoryArgumentError(FactoryError, ValueError):
    """A call got an argument it cannot use: a negative count, a wrong type, a bad chunk size."""


class PersistenceError(FactoryError, RuntimeError):
    """The database refused an INSERT the factory sent.

    Attributes:
        table: the table the failing INSERT targeted.
        constraint: the violated constraint's name, when the database reports it.
        column: the offending column, when the database reports it.
    """

    def __init__(
        self,
        factory: str,
        field: str | None,
        problem: str,
        fix: str,
        *,
        table: str,
        constraint: str | None = None,
        column: str | None = None,
    ) -> None:
        self.table = table
        self.constraint = constraint
        self.column = column
        super().__init__(factory, field, problem, fix)


class LoadInterruptedError(FactoryError, RuntimeError):
    """``load()`` stopped before it finished; ``committed`` rows are in the database.

    The cause (a constraint violation, a lost connection, a declaration that
    raised) is chained as ``__cause__``. The chunk that failed left nothing behind.

    Attributes:
        committed: how many rows of the factory's own table were committed.
        requested: how many rows the call asked for.
        field: the field whose declaration or column failed, when known: given,
            or taken from the cause (a FactoryError's field, or the resolver's
            ``while resolving Factory.field`` note).
    """

    def __init__(
        self,
        factory: str,
        committed: int,
        requested: int,
        reason: str,
        *,
        field: str | None = None,
    ) -> None:
        self.committed = committed
        self.requested = requested
        super().__init__(
            factory,
            field,
            f"load() stopped after committing {committed} of {requested} rows: {reason}",
            "the committed rows stay; fix the cause and load the remaining rows",
        )

    @property
    def field(self) -> str | None:
        """The failing field: given, else the cause's (chained after ``__init__``)."""
        return self._field or _field_of(self.factory, self.__cause__)

    @field.setter
    def field(self, value: str | None) -> None:
        self._field = value

    def __reduce__(self) -> tuple[object, ...]:
        # The cause does not cross a process boundary: keep the field it gave.
        state = {**self.__dict__, "_field": self.field}
        return (_rebuild, (type(self), state, str(self)))


def _field_of(factory: str, cause: BaseException | None) -> str | None:
    """The field of ``factory`` a load's cause names (another factory's field is not it)."""
    if isinstance(cause, FactoryError):
        return cause.field if cause.factory == factory else None
    for note in getattr(cause, "__notes__", ()):
        found = re.fullmatch(rf"while resolving {re.escape(factory)}\.(\w+)", str(note))
        if found:
            return found.group(1)
    return None
