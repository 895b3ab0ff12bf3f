"""``register()``: pytest-factoryboy's fixtures for a factory, and async fixtures either plugin runs.

``register(AuthorFactory)`` at module level defines, in the calling module,
``author_factory`` (the class), ``author`` (an object created in
``factories_session``) and one ``author__<field>`` fixture per declared field:
override or parametrize one to change the created object. A SubFactory field's
fixture is the related model's fixture when one is registered, so
``book.author`` is the test's ``author``. :class:`LazyFixture` reads another
fixture as a value.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - projects that use only anyio's plugin
    pytest_asyncio = None  # type: ignore[assignment]  # checked before every use

from asyncfactories._build import own_options
from asyncfactories._declare import MISSING, Pool, SubFactory
from asyncfactories._errors import FactoryArgumentError

if TYPE_CHECKING:
    from asyncfactories._factory import AsyncFactory

__all__ = ("ANYIO_COPIES", "Fixture", "LazyFixture", "async_fixture", "register")

ModelT = TypeVar("ModelT")
ValueT_co = TypeVar("ValueT_co", covariant=True)


class Fixture(Protocol[ValueT_co]):
    """A fixture ``register()`` defined; a test that names it receives a ``ValueT_co``.

    ``register(AgentFactory)`` returns a ``Fixture[type[AsyncFactory[Agent]]]`` and a
    ``Fixture[Agent]``. Only the type parameter says what the fixture gives: pytest
    calls the fixture, a test never does.
    """

    __name__: str


#: Unmarked copies of our async fixtures, for anyio's plugin (see ``pytest_fixture_setup``).
ANYIO_COPIES: dict[Callable[..., Any], Callable[..., Any]] = {}


def async_fixture(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Declare an async fixture that either async plugin can run.

    pytest-asyncio (strict mode too) runs fixtures declared with
    ``pytest_asyncio.fixture``; anyio's plugin runs plain async fixtures of a
    test that uses ``anyio_backend``. So the fixture is declared for
    pytest-asyncio, and the plugin's ``pytest_fixture_setup`` swaps in an
    unmarked copy (same code) when anyio runs the test.
    """
    if pytest_asyncio is None:  # pragma: no cover - anyio only
        return pytest.fixture(function, **kwargs)
    plain = types.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    plain.__doc__ = function.__doc__
    signature = getattr(function, "__signature__", None)
    if signature is not None:
        plain.__signature__ = signature  # type: ignore[attr-defined]
    ANYIO_COPIES[function] = plain
    return pytest_asyncio.fixture(function, **kwargs)


class LazyFixture:
    """A value read from another fixture: ``LazyFixture("other_author")``.

    Given a callable instead, its parameters name the fixtures it receives:
    ``LazyFixture(lambda author: author.name.upper())``.

    Example:
        >>> register(BookFactory, "sequel", author=LazyFixture("other_author"))  # doctest: +SKIP
    """

    __slots__ = ("fixture",)

    def __init__(self, fixture: str | Callable[..., Any]) -> None:
        self.fixture = fixture

    def evaluate(self, request: pytest.FixtureRequest) -> Any:
        """The fixture's value (or the callable's result) for this test."""
        if isinstance(self.fixture, str):
            return request.getfixturevalue(self.fixture)
        names = inspect.signature(self.fixture).parameters
        return self.fixture(**{name: request.getfixturevalue(name) for name in names})

    def __repr__(self) -> str:
        fixture = self.fixture
        shown = repr(fixture) if isinstance(fixture, str) else getattr(fixture, "__name__", fixture)
        return f"LazyFixture({shown})"


def _snake(name: str) -> str:
    name = name.removesuffix("Factory")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _value(value: object, request: pytest.FixtureRequest) -> object:
    return value.evaluate(request) if isinstance(value, LazyFixture) else value


def _define_in_caller(fixtures: dict[str, Any]) -> None:
    """pytest-factoryboy's convention: the fixtures appear in the module that called register().

    The one frame read of the plugin: register() -> this function -> the caller.
    """
    namespace = sys._getframe(2).f_locals  # pyright: ignore[reportPrivateUsage]  # CPython's documented frame access, no public equivalent that returns a frame
    namespace.update(fixtures)


def _field_fixture(
    owner: str, field: str, declared: object, default: object
) -> Callable[[pytest.FixtureRequest], object]:
    def field_fixture(request: pytest.FixtureRequest) -> object:
        if default is not MISSING:
            return _value(default, request)
        if isinstance(declared, SubFactory) and not isinstance(declared, Pool):
            # A Pool's members are the call's own: no fixture stands for them.
            related = _snake(declared.factory.resolve(owner, field).__name__)
            try:
                return request.getfixturevalue(related)
            except pytest.FixtureLookupError:
                return MISSING
        return MISSING

    field_fixture.__doc__ = f"{owner}.{field} for the registered instance; override to change it."
    return field_fixture


def register(
    factory: type[AsyncFactory[ModelT]], _name: str | None = None, **defaults: Any
) -> tuple[Fixture[type[AsyncFactory[ModelT]]], Fixture[ModelT]]:
    """Define the ``<model>_factory``, ``<model>`` and ``<model>__<field>`` fixtures of ``factory``.

    As in pytest-factoryboy, call it at module level (a test module or
    conftest.py) with nothing assigned; the fixtures appear in that module::

        register(BlogPostFactory)                      # blog_post_factory, blog_post
        register(BlogPostFactory, "draft", title="x")  # draft, draft__title...

    ``<model>`` is created in ``factories_session``; each declared field has a
    ``<model>__<field>`` fixture a test may override or parametrize; keyword
    arguments are defaults for that instance (a :class:`LazyFixture` reads
    another fixture). The factory and instance fixtures are also returned.
    """
    options = own_options(factory)
    if options is None:
        raise FactoryArgumentError(
            "register",
            None,
            f"got {factory!r}, not a factory class",
            "pass an AsyncFactory subclass",
        )
    base = _snake(factory.__name__)
    instance_name = _name or base
    fields = [name for name in options.fields if "__" not in name]
    fixtures: dict[str, Any] = {}

    def factory_fixture() -> type[AsyncFactory[ModelT]]:
        return factory

    factory_fixture.__doc__ = f"The {factory.__name__} class."
    fixtures[f"{base}_factory"] = pytest.fixture(name=f"{base}_factory")(factory_fixture)
    for field in fields:
        fixture_name = f"{instance_name}__{field}"
        function = _field_fixture(
            factory.__name__, field, options.fields[field], defaults.get(field, MISSING)
        )
        fixtures[fixture_name] = pytest.fixture(name=fixture_name)(function)
    extra = {k: v for k, v in defaults.items() if k not in fields}
    argnames = [f"{instance_name}__{field}" for field in fields]

    async def instance_fixture(
        request: pytest.FixtureRequest, factories_session: AsyncSession, **values: object
    ) -> ModelT:
        overrides = {key: _value(value, request) for key, value in extra.items()}
        for field, argname in zip(fields, argnames, strict=True):
            value = values[argname]
            if value is not MISSING:
                overrides[field] = value
        return await factory.create(session=factories_session, **overrides)

    instance_fixture.__doc__ = f"A {factory.__name__} object created in factories_session."
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    instance_fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, keyword) for n in ("request", "factories_session", *argnames)]
    )
    fixtures[instance_name] = async_fixture(instance_fixture, name=instance_name)
    _define_in_caller(fixtures)
    return fixtures[f"{base}_factory"], fixtures[instance_name]
