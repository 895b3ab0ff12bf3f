"""Declarations that make other objects: SubFactory, RelatedFactory, RelatedFactoryList.

A factory may be given as a class or as a dotted path
(``SubFactory("myapp.factories.UserFactory")``), imported on first use, so
factories in different modules can point at each other without import cycles.

The sub-build itself goes through the row (``row.recurse`` / ``row.relate``),
so this module never needs the factory class.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from asyncfactories._declare.base import MISSING, Declaration, Row, argument_error, is_whole
from asyncfactories._declare.post import PostDeclaration
from asyncfactories._errors import (
    DeclarationValueError,
    FactoryDefinitionError,
    UnknownDeclaredFieldError,
    close_match,
)
from asyncfactories._imports import PathNotFound, import_path

__all__ = ("FactoryRef", "RelatedFactory", "RelatedFactoryList", "SubFactory", "is_factory")


def is_factory(value: object) -> bool:
    """Whether ``value`` is an asyncfactories factory class."""
    return isinstance(value, type) and hasattr(value, "_options")


class FactoryRef:
    """A factory given as a class or a dotted path, resolved once on first use."""

    __slots__ = ("_resolved", "target")

    def __init__(self, target: type | str, declaration: str = "SubFactory") -> None:
        if not isinstance(target, (type, str)):
            raise argument_error(
                declaration,
                f"{declaration}({target!r}) needs a factory, got {type(target).__name__}",
                f'pass an AsyncFactory subclass or its dotted path, e.g. {declaration}("myapp.factories.UserFactory")',
            )
        self.target = target
        self._resolved: type | None = None if isinstance(target, str) else target

    def resolve(self, owner: str, field: str) -> type:
        """Return the factory class, importing a dotted path the first time."""
        if self._resolved is not None:
            return self._resolved
        path = str(self.target)
        module_name, _, attribute = path.rpartition(".")
        if not module_name:
            raise FactoryDefinitionError(
                owner,
                field,
                f"{path!r} is not a dotted path",
                'write it as "package.module.FactoryName"',
            )
        try:
            found = import_path(module_name, attribute)
        except PathNotFound as exc:
            if exc.cause is None:
                found = None
            else:
                raise FactoryDefinitionError(
                    owner,
                    field,
                    f"cannot import {module_name!r} for {path!r} ({exc.cause})",
                    "check the dotted path",
                ) from None
        if not is_factory(found):
            raise FactoryDefinitionError(
                owner,
                field,
                f"{path!r} is not a factory class",
                f"point it at an AsyncFactory subclass defined in {module_name}",
            )
        assert isinstance(found, type)
        _refuse_abstract(found, owner, field)
        self._resolved = found
        return found

    def check(self, owner: str, field: str) -> None:
        """Refuse a class that is not a factory (a dotted path is checked on first use)."""
        if not isinstance(self.target, str) and not is_factory(self.target):
            raise FactoryDefinitionError(
                owner,
                field,
                f"{self.target!r} is not a factory class",
                "pass an AsyncFactory subclass or its dotted path",
            )
        if isinstance(self.target, type):
            _refuse_abstract(self.target, owner, field)

    def __repr__(self) -> str:
        target = self.target
        return (
            repr(target) if isinstance(target, str) else getattr(target, "__name__", repr(target))
        )


def _check_names(factory: type, owner: str, field: str, names: list[tuple[str, str]]) -> None:
    """Refuse names (``(what it does, name)``) the target factory would refuse as overrides."""
    options = getattr(factory, "_options", None)
    if options is None or options.abstract:
        return
    for what, name in names:
        root = name.partition("__")[0]
        if not options.known(root):
            close = close_match(root, [*options.fields, *(options.model_fields or ())])
            raise UnknownDeclaredFieldError(
                owner,
                field,
                f"{what} {name!r}, which {factory.__name__} does not have",
                (f"did you mean {close!r}? " if close else "")
                + f"name a field of {factory.__name__}",
            )


def _refuse_abstract(factory: type, owner: str, field: str) -> None:
    options = getattr(factory, "_options", None)
    if options is not None and options.abstract:
        raise FactoryDefinitionError(
            owner,
            field,
            f"{factory.__name__} is abstract (no Meta.model), so it makes nothing",
            f"point it at a concrete subclass of {factory.__name__}, or give that one a Meta.model",
        )


class SubFactory(Declaration):
    """Another factory's object as this field's value: a parent row under ``create()``.

    Overrides reach into it with ``field__name``: ``create(agent__name="x")``.

    Example:
        >>> agent = SubFactory("asyncfactories.examples.agents.AgentFactory")
    """

    __slots__ = ("defaults", "factory")

    def __init__(self, factory: type | str, **defaults: Any) -> None:
        self.factory = FactoryRef(factory)
        self.defaults: dict[str, Any] = defaults

    def check(self, factory: str, field: str) -> None:
        """Refuse a class that is not a factory, and defaults it does not have."""
        self.factory.check(factory, field)
        if isinstance(self.factory.target, type):
            names = [(f"{self!r} sets", key) for key in self.defaults]
            _check_names(self.factory.target, factory, field, names)

    def with_defaults(self, extra: dict[str, Any]) -> SubFactory:
        """A copy whose sub-object also gets ``extra`` (a trait's ``author__name=``)."""
        clone = copy.copy(self)
        clone.defaults = {**self.defaults, **extra}
        return clone

    def evaluate(self, row: Row) -> object:
        """Build (or, under ``create()``, plan) the sub-object."""
        return row.recurse(self.factory.resolve(row.factory_name, row.field), self.defaults)

    def __repr__(self) -> str:
        return f"SubFactory({self.factory!r})"


class RelatedFactory(PostDeclaration):
    """Make an object of ``factory`` pointing back at this one through ``factory_related_name``.

    Under ``create_batch()`` the related rows join the batch's own INSERTs.
    Passing a value under the declaration's name skips it (factory_boy's rule).

    Example:
        >>> audit = RelatedFactory("asyncfactories.examples.agents.CanvasAuditFactory", "agent")
    """

    __slots__ = ("defaults", "factory", "factory_related_name")

    def __init__(
        self, factory: type | str, factory_related_name: str = "", **defaults: Any
    ) -> None:
        name = type(self).__name__
        self.factory = FactoryRef(factory, name)
        if not isinstance(factory_related_name, str):
            raise argument_error(
                name,
                f"{name}({self.factory!r}, {factory_related_name!r}) needs the related name "
                "as a string",
                f'name the related factory\'s field pointing back, e.g. {name}(..., "agent")',
            )
        self.factory_related_name = factory_related_name
        self.defaults: dict[str, Any] = defaults

    def check(self, factory: str, field: str) -> None:
        """Refuse a class that is not a factory, and names it does not have."""
        self.factory.check(factory, field)
        if isinstance(self.factory.target, type):
            names = [(f"{self!r} sets", key) for key in self.defaults]
            if self.factory_related_name:
                names.append((f"{self!r} points back through", self.factory_related_name))
            index_field = getattr(self, "index_field", None)
            if isinstance(index_field, str):
                names.append((f"{self!r} numbers its objects in", index_field))
            _check_names(self.factory.target, factory, field, names)

    def _overrides(self, obj: object, kwargs: dict[str, object]) -> dict[str, object]:
        overrides = {**self.defaults, **kwargs}
        if self.factory_related_name:
            overrides[self.factory_related_name] = obj
        return overrides

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Make the related object, unless the caller passed one."""
        if extracted is not MISSING:
            return extracted
        factory = self.factory.resolve(row.factory_name, row.field)
        return row.relate(factory, [self._overrides(obj, kwargs)])

    def __repr__(self) -> str:
        return f"RelatedFactory({self.factory!r}, {self.factory_related_name!r})"


class RelatedFactoryList(RelatedFactory):
    """Make ``size`` related objects (an int or a zero-argument callable).

    ``index_field`` names a field of the related factory that receives the
    object's position in the list, 0 to size-1 (handy for ordering columns).
    Passing an int under the declaration's name sets the size for that call;
    any other value skips the list, as in factory_boy.

    Example:
        >>> segments = RelatedFactoryList(
        ...     "asyncfactories.examples.agents.EpisodeSegmentFactory", "episode", size=3,
        ...     index_field="sequence_order",
        ... )
    """

    __slots__ = ("index_field", "size")

    def __init__(
        self,
        factory: type | str,
        factory_related_name: str = "",
        size: int | Callable[[], int] = 2,
        index_field: str | None = None,
        **defaults: Any,
    ) -> None:
        super().__init__(factory, factory_related_name, **defaults)
        if not is_whole(size) and not callable(size):
            raise argument_error(
                "RelatedFactoryList",
                f"RelatedFactoryList(..., size={size!r}) needs a whole number or a callable",
                "pass an int, e.g. size=3, or a zero-argument function returning one",
            )
        if index_field is not None and not isinstance(index_field, str):
            raise argument_error(
                "RelatedFactoryList",
                f"RelatedFactoryList(..., index_field={index_field!r}) needs a field name",
                'name a field of the related factory, e.g. index_field="position"',
            )
        self.size = size
        self.index_field = index_field

    def check(self, factory: str, field: str) -> None:
        """Refuse a negative size."""
        super().check(factory, field)
        if isinstance(self.size, int) and self.size < 0:
            raise DeclarationValueError(
                factory, field, f"{self!r} has a negative size", "use a size of 0 or more"
            )

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Make the related objects."""
        if isinstance(extracted, int) and not isinstance(extracted, bool):
            size = extracted
        elif extracted is not MISSING:
            return extracted
        else:
            size = self.size if isinstance(self.size, int) else self.size()
        if not is_whole(size) or size < 0:
            raise DeclarationValueError(
                row.factory_name, row.field, f"{self!r} got size {size}", "use a size of 0 or more"
            )
        factory = self.factory.resolve(row.factory_name, row.field)
        base = self._overrides(obj, kwargs)
        if self.index_field is None:
            return row.relate(factory, [base] * size)
        return row.relate(factory, [{**base, self.index_field: i} for i in range(size)])

    def __repr__(self) -> str:
        return f"RelatedFactoryList({self.factory!r}, {self.factory_related_name!r}, size={self.size!r})"
