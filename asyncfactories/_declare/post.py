"""Post declarations: what runs once the object is made (post_generation and its kin).

Under ``create()`` a ``post_generation`` hook runs once the rows are in the
database; a ``Maybe`` whose branches are post declarations becomes a
:class:`PostMaybe`; a trait's values for one become a :class:`Preset`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

if TYPE_CHECKING:
    pass

from asyncfactories._declare.base import (
    MISSING,
    Row,
    accepts_positional,
    argument_error,
    callable_name,
)
from asyncfactories._declare.declarations import Maybe

__all__ = (
    "PostDeclaration",
    "PostGeneration",
    "PostMaybe",
    "Preset",
    "post_generation",
)

#: The object a ``post_generation`` hook receives (its first parameter), and what it returns.
ObjT = TypeVar("ObjT")
ResultT = TypeVar("ResultT")


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
        if not callable(function) or not accepts_positional(function, 3):
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
