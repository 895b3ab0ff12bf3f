"""factory_boy's class API beyond build and create: the other strategies and the hooks.

:class:`AsyncFactory` inherits these, so a factory_boy factory keeps working
with its imports renamed: ``stub``/``generate``/``simple_generate`` (and their
``_batch`` forms) and the names factory_boy lets a factory override
(``_setup_next_sequence``, ``_adjust_kwargs``, ``_build``, ``_create``,
``_after_postgeneration``). A hook still marked by :func:`default_hook` is
the library's own and costs nothing; an override takes the slower, faithful
route (see ``FactoryOptions.prepares``).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from asyncfactories._build import STRATEGIES, Builder, StubObject, default_hook, run_sync
from asyncfactories._errors import FactoryArgumentError
from asyncfactories._write import hook_save

if TYPE_CHECKING:
    from asyncfactories._build import FactoryOptions

__all__ = ("FactoryBoyMethods", "check_count", "strategy_named")

ModelT = TypeVar("ModelT")


class FactoryBoyMethods(Generic[ModelT]):
    """factory_boy's strategies and overridable hooks, for :class:`AsyncFactory` to inherit."""

    if TYPE_CHECKING:
        # Defined by AsyncFactory; declared here so the methods below type-check.
        @classmethod
        def build(cls, **overrides: Any) -> ModelT: ...
        @classmethod
        def build_batch(cls, size: int, /, **overrides: Any) -> list[ModelT]: ...
        @classmethod
        async def create(cls, *, session: Any = None, **overrides: Any) -> ModelT: ...
        @classmethod
        async def create_batch(
            cls, size: int, /, *, session: Any = None, **overrides: Any
        ) -> list[ModelT]: ...
        @classmethod
        def _usable(cls, what: str) -> FactoryOptions: ...

    @classmethod
    def stub(cls, **overrides: Any) -> StubObject:
        """A plain object with the resolved fields as attributes; SubFactories are stubs too.

        Example:
            >>> AgentFactory.stub(name="x").name  # doctest: +SKIP
            'x'
        """
        return cls.stub_batch(1, **overrides)[0]

    @classmethod
    def stub_batch(cls, size: int, **overrides: Any) -> list[StubObject]:
        """``size`` stubs.

        Example:
            >>> stubs = AgentFactory.stub_batch(3)  # doctest: +SKIP
        """
        options = cls._usable("stub")
        check_count(options, size, "stub_batch")
        made: list[StubObject] = run_sync(
            Builder(create=False, stub=True).build(options, overrides, size)
        )
        return made

    @overload
    @classmethod
    def generate(
        cls, strategy: Literal["create"], **overrides: Any
    ) -> Coroutine[Any, Any, ModelT]: ...
    @overload
    @classmethod
    def generate(cls, strategy: Literal["build"], **overrides: Any) -> ModelT: ...
    @overload
    @classmethod
    def generate(cls, strategy: Literal["stub"], **overrides: Any) -> StubObject: ...
    @classmethod
    def generate(cls, strategy: str, **overrides: Any) -> object:
        """``build()``, ``create()`` (to await) or ``stub()``, by the strategy's name.

        Example:
            >>> agent = await AgentFactory.generate("create")  # doctest: +SKIP
        """
        return getattr(cls, strategy_named(cls, strategy))(**overrides)

    @overload
    @classmethod
    def generate_batch(
        cls, strategy: Literal["create"], size: int, **overrides: Any
    ) -> Coroutine[Any, Any, list[ModelT]]: ...
    @overload
    @classmethod
    def generate_batch(
        cls, strategy: Literal["build"], size: int, **overrides: Any
    ) -> list[ModelT]: ...
    @overload
    @classmethod
    def generate_batch(
        cls, strategy: Literal["stub"], size: int, **overrides: Any
    ) -> list[StubObject]: ...
    @classmethod
    def generate_batch(cls, strategy: str, size: int, **overrides: Any) -> object:
        """``build_batch()``, ``create_batch()`` (to await) or ``stub_batch()``, by name.

        Example:
            >>> agents = AgentFactory.generate_batch("build", 3)  # doctest: +SKIP
        """
        return getattr(cls, f"{strategy_named(cls, strategy)}_batch")(size, **overrides)

    @overload
    @classmethod
    def simple_generate(
        cls, create: Literal[True], **overrides: Any
    ) -> Coroutine[Any, Any, ModelT]: ...
    @overload
    @classmethod
    def simple_generate(cls, create: Literal[False], **overrides: Any) -> ModelT: ...
    @classmethod
    def simple_generate(cls, create: bool, **overrides: Any) -> object:
        """``create()`` (to await) when ``create`` is true, else ``build()``.

        Example:
            >>> agent = AgentFactory.simple_generate(False)  # doctest: +SKIP
        """
        return cls.create(**overrides) if create else cls.build(**overrides)

    @overload
    @classmethod
    def simple_generate_batch(
        cls, create: Literal[True], size: int, **overrides: Any
    ) -> Coroutine[Any, Any, list[ModelT]]: ...
    @overload
    @classmethod
    def simple_generate_batch(
        cls, create: Literal[False], size: int, **overrides: Any
    ) -> list[ModelT]: ...
    @classmethod
    def simple_generate_batch(cls, create: bool, size: int, **overrides: Any) -> object:
        """``create_batch()`` (to await) when ``create`` is true, else ``build_batch()``.

        Example:
            >>> agents = AgentFactory.simple_generate_batch(False, 3)  # doctest: +SKIP
        """
        if create:
            return cls.create_batch(size, **overrides)
        return cls.build_batch(size, **overrides)

    # -- the overridable hooks (the library itself never calls these names) ------

    @classmethod
    @default_hook
    def _setup_next_sequence(cls) -> int:
        """The first ``Sequence`` number, asked on first use and after ``reset_sequence()``.

        Example:
            >>> class UserFactory(AsyncFactory[User]):  # doctest: +SKIP
            ...     @classmethod
            ...     def _setup_next_sequence(cls):
            ...         return 100
        """
        return 0

    @classmethod
    @default_hook
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        """Override to change the resolved keyword arguments before the model gets them."""
        return kwargs

    @classmethod
    @default_hook
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        """Override to change how build() makes an object: ``model_class(*args, **kwargs)``."""
        return model_class(*args, **kwargs)

    @classmethod
    @default_hook
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        """Override to write each object yourself; may be an ``async def``.

        A factory that overrides it makes its objects one by one through it
        (it leaves the bulk path). This default, reached with
        ``await super()._create(model_class, **kwargs)``, adds the object to
        the call's session and flushes it.

        Example:
            >>> class UserFactory(AsyncFactory[User]):  # doctest: +SKIP
            ...     @classmethod
            ...     async def _create(cls, model_class, *args, **kwargs):
            ...         user = await super()._create(model_class, *args, **kwargs)
            ...         audit.append(user.id)
            ...         return user
        """
        return hook_save(cls.__name__, model_class(*args, **kwargs))

    @classmethod
    @default_hook
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        """Override to act once the post declarations ran; ``results`` maps their names to results."""


def strategy_named(cls: type, strategy: str) -> str:
    """``strategy`` if it is one of factory_boy's three, else the error naming them."""
    if strategy not in STRATEGIES:
        raise FactoryArgumentError(
            cls.__name__, None, f"got strategy {strategy!r}", 'use "create", "build" or "stub"'
        )
    return strategy


def check_count(options: FactoryOptions, size: object, method: str) -> None:
    """Refuse a batch size that is not a whole number of 0 or more."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise FactoryArgumentError(
            options.name, None, f"{method}() got size={size!r}", "pass a whole number of 0 or more"
        )
