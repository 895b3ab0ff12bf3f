"""The FactoryError tree.

Every message is built from the same three parts, so that each one names the
factory, the field and the fix::

    AgentFactory.confidence_score: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.

Each class also subclasses the builtin it refines, so code that already catches
``TypeError`` or ``ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = (
    "AsyncDeclarationError",
    "CyclicDeclarationError",
    "FactoryArgumentError",
    "FactoryDefinitionError",
    "FactoryError",
    "LoadInterruptedError",
    "NoSessionError",
    "PersistenceError",
    "UnknownFieldError",
)


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
        where = f"{factory}.{field}" if field else factory
        super().__init__(f"{where}: {problem}; {fix}.")

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


class UnknownFieldError(FactoryError, TypeError):
    """A declaration, override or ``get_or_create`` key names no field of the model."""


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
    """

    def __init__(self, factory: str, committed: int, requested: int, reason: str) -> None:
        self.committed = committed
        self.requested = requested
        super().__init__(
            factory,
            None,
            f"load() stopped after committing {committed} of {requested} rows: {reason}",
            "the committed rows stay; fix the cause and load the remaining rows",
        )
