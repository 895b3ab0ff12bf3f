"""factory_boy's ready-made factories and module-level helpers, on top of AsyncFactory.

``DictFactory``, ``ListFactory``, ``StubFactory``, ``make_factory`` and the
one-shot ``build`` / ``create`` / ``stub`` / ``generate`` functions, with
factory_boy's names and arguments (``FACTORY_CLASS=`` included).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from asyncfactories._build import STRATEGIES, StubObject, own_options
from asyncfactories._errors import FactoryArgumentError, FactoryDefinitionError
from asyncfactories._factory import AsyncFactory
from asyncfactories._factory_boy import strategy_named
from asyncfactories._write import SessionLike

__all__ = (
    "BUILD_STRATEGY",
    "CREATE_STRATEGY",
    "STUB_STRATEGY",
    "DictFactory",
    "Factory",
    "ListFactory",
    "StubFactory",
    "StubObject",
    "build",
    "build_batch",
    "create",
    "create_batch",
    "generate",
    "generate_batch",
    "make_factory",
    "simple_generate",
    "simple_generate_batch",
    "stub",
    "stub_batch",
    "use_strategy",
)

BUILD_STRATEGY = "build"
"""``Meta.strategy`` value: calling the class builds (no database)."""
CREATE_STRATEGY = "create"
"""``Meta.strategy`` value (the default): calling the class creates, to be awaited."""
STUB_STRATEGY = "stub"
"""``Meta.strategy`` value: calling the class makes a :class:`StubObject`."""

F = TypeVar("F", bound=type)

Factory = AsyncFactory
"""factory_boy's ``factory.Factory``: the same class as :class:`AsyncFactory`."""


class DictFactory(AsyncFactory[dict[str, Any]]):
    """A factory of plain dicts: each declaration becomes a key.

    ``create()`` builds (a dict has no table); :class:`Dict` uses it.

    Example:
        >>> class SettingsFactory(DictFactory):
        ...     theme = "dark"
        >>> SettingsFactory.build()
        {'theme': 'dark'}
    """

    class Meta:
        model = dict

    @classmethod
    async def create(
        cls, *, session: SessionLike | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """Build the dict: there is nothing to insert."""
        return cls.build(**overrides)

    @classmethod
    async def create_batch(
        cls, size: int, /, *, session: SessionLike | None = None, **overrides: Any
    ) -> list[dict[str, Any]]:
        """Build ``size`` dicts."""
        return cls.build_batch(size, **overrides)


class ListFactory(AsyncFactory[list[Any]]):
    """A factory of plain lists: declarations named ``"0"``, ``"1"``... are the items.

    Example:
        >>> make_factory(list, FACTORY_CLASS=ListFactory, **{"0": "a", "1": "b"}).build()
        ['a', 'b']
    """

    class Meta:
        model = list

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise FactoryArgumentError(
                cls.__name__, "Meta.inline_args", "is set on a ListFactory", "remove it"
            )
        keys = sorted(kwargs, key=lambda k: (0, int(k)) if k.isdigit() else (1, 0))
        return model_class(kwargs[k] for k in keys)

    @classmethod
    async def create(cls, *, session: SessionLike | None = None, **overrides: Any) -> list[Any]:
        """Build the list: there is nothing to insert."""
        return cls.build(**overrides)

    @classmethod
    async def create_batch(
        cls, size: int, /, *, session: SessionLike | None = None, **overrides: Any
    ) -> list[list[Any]]:
        """Build ``size`` lists."""
        return cls.build_batch(size, **overrides)


class StubFactory(AsyncFactory[StubObject]):
    """A factory of :class:`StubObject`: ``build()`` and calling the class make stubs.

    Example:
        >>> class PointStub(StubFactory):
        ...     x = 1
        >>> PointStub.build().x
        1
    """

    class Meta:
        model = StubObject
        strategy = STUB_STRATEGY

    @classmethod
    def build(cls, **overrides: Any) -> StubObject:
        """Make a stub."""
        return cls.stub(**overrides)

    @classmethod
    def build_batch(cls, size: int, /, **overrides: Any) -> list[StubObject]:
        """Make ``size`` stubs."""
        return cls.stub_batch(size, **overrides)

    @classmethod
    async def create(cls, *, session: SessionLike | None = None, **overrides: Any) -> StubObject:
        """Refused: a stub has no table, as in factory_boy."""
        raise FactoryArgumentError(
            cls.__name__, None, "a StubFactory cannot create()", "use build() or stub()"
        )

    @classmethod
    async def create_batch(
        cls, size: int, /, *, session: SessionLike | None = None, **overrides: Any
    ) -> list[StubObject]:
        """Refused, as :meth:`create`."""
        return [await cls.create(**overrides)]


def make_factory(klass: Any, **kwargs: Any) -> type[AsyncFactory[Any]]:
    """A new factory class for ``klass`` with ``kwargs`` as its declarations.

    ``FACTORY_CLASS=`` picks the base class (``AsyncFactory`` by default).

    Example:
        >>> UserFactory = make_factory(User, name="ann", email=Sequence(lambda n: f"u{n}@x.org"))  # doctest: +SKIP
    """
    base = kwargs.pop("FACTORY_CLASS", AsyncFactory)
    if not (isinstance(base, type) and issubclass(base, AsyncFactory)):
        raise FactoryDefinitionError(
            "make_factory", "FACTORY_CLASS", f"is {base!r}", "pass an AsyncFactory subclass"
        )
    name = f"{getattr(klass, '__name__', 'Model')}Factory"
    meta = type("Meta", (), {"model": klass})
    factory = type(name, (base,), {"Meta": meta, **kwargs})
    factory.__doc__ = f"Auto-generated factory for class {klass!r}"
    return factory


def build(klass: Any, **kwargs: Any) -> Any:
    """``make_factory(klass, **kwargs).build()``.

    Example:
        >>> build(dict, FACTORY_CLASS=DictFactory, a=1)
        {'a': 1}
    """
    return make_factory(klass, **kwargs).build()


def build_batch(klass: Any, size: int, **kwargs: Any) -> list[Any]:
    """``make_factory(klass, **kwargs).build_batch(size)``."""
    return make_factory(klass, **kwargs).build_batch(size)


async def create(klass: Any, **kwargs: Any) -> Any:
    """Create one object of an auto-generated factory: ``make_factory(klass, **kwargs).create()``.

    ``session=`` is passed to create().

    Example:
        >>> user = await create(User, name="ann", session=session)  # doctest: +SKIP
    """
    session = kwargs.pop("session", None)
    return await make_factory(klass, **kwargs).create(session=session)


async def create_batch(klass: Any, size: int, **kwargs: Any) -> list[Any]:
    """``await make_factory(klass, **kwargs).create_batch(size)``."""
    session = kwargs.pop("session", None)
    return await make_factory(klass, **kwargs).create_batch(size, session=session)


def stub(klass: Any, **kwargs: Any) -> StubObject:
    """``make_factory(klass, **kwargs).stub()``."""
    return make_factory(klass, **kwargs).stub()


def stub_batch(klass: Any, size: int, **kwargs: Any) -> list[StubObject]:
    """``make_factory(klass, **kwargs).stub_batch(size)``."""
    return make_factory(klass, **kwargs).stub_batch(size)


def generate(klass: Any, strategy: str, **kwargs: Any) -> Any:
    """``make_factory(klass, **kwargs).generate(strategy)`` (await it for "create")."""
    factory = make_factory(klass, **kwargs)
    return getattr(factory, strategy_named(factory, strategy))()


def generate_batch(klass: Any, strategy: str, size: int, **kwargs: Any) -> Any:
    """``make_factory(klass, **kwargs).generate_batch(strategy, size)``."""
    factory = make_factory(klass, **kwargs)
    return getattr(factory, f"{strategy_named(factory, strategy)}_batch")(size)


def simple_generate(klass: Any, create: bool, **kwargs: Any) -> Any:
    """``make_factory(klass, **kwargs).simple_generate(create)`` (await it when creating)."""
    return generate(klass, CREATE_STRATEGY if create else BUILD_STRATEGY, **kwargs)


def simple_generate_batch(klass: Any, create: bool, size: int, **kwargs: Any) -> Any:
    """``make_factory(klass, **kwargs).simple_generate_batch(create, size)``."""
    return generate_batch(klass, CREATE_STRATEGY if create else BUILD_STRATEGY, size, **kwargs)


def use_strategy(new_strategy: str) -> Callable[[F], F]:
    """Decorate a factory class to change what calling it does (deprecated in factory_boy too).

    Example:
        >>> @use_strategy(BUILD_STRATEGY)  # doctest: +SKIP
        ... class UserFactory(AsyncFactory[User]): ...
    """
    warnings.warn(
        "use_strategy() is deprecated and will be removed in the future; set Meta.strategy.",
        DeprecationWarning,
        stacklevel=2,
    )
    if new_strategy not in STRATEGIES:
        raise FactoryArgumentError(
            "use_strategy", None, f"got {new_strategy!r}", 'use "create", "build" or "stub"'
        )

    def wrapped(klass: F) -> F:
        options = own_options(klass)
        if options is None:
            raise FactoryArgumentError(
                "use_strategy", None, f"decorates {klass!r}", "put it on an AsyncFactory subclass"
            )
        klass._options = dataclasses.replace(options, strategy=new_strategy)  # type: ignore[attr-defined]
        return klass

    return wrapped
