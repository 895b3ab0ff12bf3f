"""factory_boy's remaining declarations and decorators, as small value objects.

``LazyAttributeSequence``, ``ContainerAttribute``, ``Transformer``, ``Dict``,
``List``, ``PostGenerationMethodCall`` and the decorators ``lazy_attribute``,
``sequence``, ``lazy_attribute_sequence``, ``iterator``,
``container_attribute``: same names and semantics as factory_boy 3.3.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from asyncfactories._declare.base import (
    MISSING,
    CallableDeclaration,
    Declaration,
    InStream,
    Row,
    bind_part,
    callable_name,
    rebound,
)
from asyncfactories._declare.declarations import Iterator, LazyAttribute, Sequence
from asyncfactories._declare.post import PostDeclaration
from asyncfactories._declare.subfactory import SubFactory
from asyncfactories._errors import FactoryDefinitionError

__all__ = (
    "ContainerAttribute",
    "Dict",
    "LazyAttributeSequence",
    "List",
    "PostGenerationMethodCall",
    "Transformer",
    "container_attribute",
    "iterator",
    "lazy_attribute",
    "lazy_attribute_sequence",
    "sequence",
)


class LazyAttributeSequence(CallableDeclaration):
    """The value of ``function(o, n)``: the object being built and its sequence number.

    Example:
        >>> email = LazyAttributeSequence(lambda o, n: f"{o.name}{n}@example.org")
    """

    __slots__ = ()

    def __init__(self, function: Callable[[Any, int], object]) -> None:
        super().__init__(function)

    def evaluate(self, row: Row) -> object:
        """Call the function with the object being built and its number."""
        return self.function(row.stub, row.n)


class ContainerAttribute(CallableDeclaration):
    """The value of ``function(o, containers)``, with the objects built around this one.

    ``containers`` are the objects whose SubFactory builds this one, nearest first.

    With ``strict=True`` (the default) it refuses to run outside a SubFactory.

    Example:
        >>> owner_name = ContainerAttribute(lambda o, containers: containers[0].name)
    """

    __slots__ = ("strict",)

    def __init__(
        self, function: Callable[[Any, tuple[Any, ...]], Any], strict: bool = True
    ) -> None:
        super().__init__(function)
        self.strict = strict

    def evaluate(self, row: Row) -> object:
        """Call the function with the object and the chain of containers."""
        containers: list[Any] = []
        container = row.stub.factory_parent
        while container is not None:
            containers.append(container)
            container = container.factory_parent
        if self.strict and not containers:
            raise FactoryDefinitionError(
                row.factory_name,
                row.field,
                f"{self!r} is strict and the object is not built through a SubFactory",
                "use it inside a SubFactory, or pass strict=False",
            )
        return self.function(row.stub, tuple(containers))

    def __repr__(self) -> str:
        return f"ContainerAttribute({callable_name(self.function)}, strict={self.strict!r})"


class _Force:
    """``Transformer.Force(value)``: a call-time value that skips the transformation."""

    __slots__ = ("forced_value",)

    def __init__(self, forced_value: object) -> None:
        self.forced_value = forced_value

    def __repr__(self) -> str:
        return f"Transformer.Force({self.forced_value!r})"


class Transformer(CallableDeclaration):
    """``transform(value)``, where value is ``default`` or what the call passes.

    Unlike other declarations, a value passed for the field goes through
    ``transform`` too; wrap it in ``Transformer.Force(value)`` to skip it.

    Example:
        >>> password = Transformer("secret", transform=lambda raw: f"hash:{raw}")
    """

    __slots__ = ("default",)
    Force = _Force

    def __init__(self, default: object, *, transform: Callable[[Any], Any]) -> None:
        super().__init__(transform)
        self.default = default

    @property
    def transform(self) -> Callable[[Any], Any]:
        """The transformation."""
        return self.function

    def depends_on(self) -> tuple[str, ...]:
        """What the default reads, when it is a declaration."""
        default = self.default
        return default.depends_on() if isinstance(default, CallableDeclaration) else ()

    def given(self, value: object) -> object:
        """The declaration for a call that passes ``value`` for this field."""
        if isinstance(value, _Force):
            return value.forced_value
        return Transformer(value, transform=self.function)

    def bind(self, source: random.Random) -> Declaration:
        """The default drawing from ``source`` when it is a declaration; the function too."""
        return InStream(rebound(self, default=bind_part(self.default, source)), source)

    def evaluate(self, row: Row) -> object:
        """Transform the default (evaluated first when it is a declaration)."""
        default = self.default
        evaluate = getattr(default, "evaluate", None)
        value = evaluate(row) if evaluate is not None else default
        return self.function(value)

    def __repr__(self) -> str:
        return f"Transformer({self.default!r}, transform={callable_name(self.function)})"


class Dict(SubFactory):
    """A dict whose values are declarations, resolved per object (factory_boy's ``Dict``).

    It is a SubFactory of ``dict_factory`` (``DictFactory`` by default), so
    ``create(metadata__key="x")`` reaches into it, and its Sequences get the
    enclosing object's number.

    Example:
        >>> settings = Dict({"theme": "dark", "slug": Sequence(lambda n: f"s{n}")})
    """

    __slots__ = ("params",)

    def __init__(
        self, params: Mapping[str, object], dict_factory: type | str = "asyncfactories.DictFactory"
    ) -> None:
        super().__init__(dict_factory, **dict(params))
        self.params = dict(params)

    def evaluate(self, row: Row) -> object:
        """Build the dict, with this object's sequence number."""
        factory = self.factory.resolve(row.factory_name, row.field)
        return row.recurse(factory, self.defaults, same_sequence=True)

    def __repr__(self) -> str:
        return f"Dict({self.params!r})"


class List(SubFactory):
    """A list whose items are declarations, resolved per object (factory_boy's ``List``).

    Items are addressed by position in overrides: ``create(tags__0="x")``.

    Example:
        >>> tags = List(["new", Faker("word")])  # doctest: +SKIP
    """

    __slots__ = ("items",)

    def __init__(
        self, params: Iterable[object], list_factory: type | str = "asyncfactories.ListFactory"
    ) -> None:
        items = list(params)
        super().__init__(list_factory, **{str(i): v for i, v in enumerate(items)})
        self.items = items

    def evaluate(self, row: Row) -> object:
        """Build the list, with this object's sequence number."""
        factory = self.factory.resolve(row.factory_name, row.field)
        return row.recurse(factory, self.defaults, same_sequence=True)

    def __repr__(self) -> str:
        return f"List({self.items!r})"


class PostGenerationMethodCall(PostDeclaration):
    """Call ``obj.<method_name>(*args, **kwargs)`` once the object is made.

    A value passed under the declaration's name replaces the positional
    argument; ``name__key=value`` overrides add keyword arguments.

    Example:
        >>> password = PostGenerationMethodCall("set_password", "secret")
    """

    __slots__ = ("method_args", "method_kwargs", "method_name")
    runs_after_persist = True

    def __init__(self, method_name: str, *args: object, **kwargs: object) -> None:
        if len(args) > 1:
            raise FactoryDefinitionError(
                "PostGenerationMethodCall",
                method_name,
                f"got {len(args)} positional arguments",
                "pass one positional argument at most, the others by keyword",
            )
        self.method_name = method_name
        self.method_args = args
        self.method_kwargs = kwargs

    def call(
        self, row: Row, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Call the method, with the passed value instead of the declared argument."""
        args = self.method_args if extracted is MISSING else (extracted,)
        return getattr(obj, self.method_name)(*args, **{**self.method_kwargs, **kwargs})

    def __repr__(self) -> str:
        parts = [repr(self.method_name)] + [repr(a) for a in self.method_args]
        parts += [f"{k}={v!r}" for k, v in self.method_kwargs.items()]
        return f"PostGenerationMethodCall({', '.join(parts)})"


def lazy_attribute(function: Callable[[Any], Any]) -> LazyAttribute:
    """Decorate a method ``def name(self)`` to make it a :class:`LazyAttribute`.

    Example:
        >>> @lazy_attribute
        ... def email(self):
        ...     return f"{self.name}@example.org"
    """
    return LazyAttribute(function)


def sequence(function: Callable[[int], Any]) -> Sequence:
    """Decorate ``def name(n)`` to make it a :class:`Sequence`.

    Example:
        >>> @sequence
        ... def username(n):
        ...     return f"user{n}"
    """
    return Sequence(function)


def lazy_attribute_sequence(function: Callable[[Any, int], Any]) -> LazyAttributeSequence:
    """Decorate ``def name(self, n)`` to make it a :class:`LazyAttributeSequence`.

    Example:
        >>> @lazy_attribute_sequence
        ... def email(self, n):
        ...     return f"{self.name}{n}@example.org"
    """
    return LazyAttributeSequence(function)


def iterator(function: Callable[[], Iterable[object]]) -> Iterator:
    """Decorate a generator function to make an :class:`Iterator` of what it yields.

    Example:
        >>> @iterator
        ... def color():
        ...     yield from ("red", "green")
    """
    return Iterator(function())


def container_attribute(function: Callable[[Any, tuple[Any, ...]], Any]) -> ContainerAttribute:
    """Decorate ``def name(self, containers)`` to make a non-strict :class:`ContainerAttribute`.

    Example:
        >>> @container_attribute
        ... def team_name(self, containers):
        ...     return containers[0].name if containers else "solo"
    """
    return ContainerAttribute(function, strict=False)
