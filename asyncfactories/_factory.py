"""``AsyncFactory[Model]``: the class users subclass, and its thin public methods.

``__init_subclass__`` parses the class body once into options; every public
method resolves a session (for create), hands the work to the resolver and
the bulk writer, and returns typed results. No per-call state is ever stored
on the class, so concurrent tasks creating through one factory never meet.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from asyncfactories._build import (
    Builder,
    FactoryOptions,
    MetaDescriptor,
    MetaView,
    check_definition,
    parse_options,
    remember_factory,
    run_sync,
)
from asyncfactories._errors import FactoryArgumentError, FactoryDefinitionError
from asyncfactories._factory_boy import FactoryBoyMethods, check_count
from asyncfactories._write import (
    DEFAULT_CHUNK_SIZE,
    SessionLike,
    create_objects,
    gc_paused,
    load_objects,
)

__all__ = ("AsyncFactory",)

ModelT = TypeVar("ModelT")


class AsyncFactory(FactoryBoyMethods[ModelT]):
    """Base class of every factory: declare fields, then ``await create()``.

    Example:
        >>> class AgentFactory(AsyncFactory[Agent]):  # doctest: +SKIP
        ...     class Meta:
        ...         model = Agent
        ...     name = Faker("company")
        ...     maturity = fuzzy.FuzzyChoice(AgentMaturity)
        >>> agent = await AgentFactory.create()  # doctest: +SKIP
    """

    _options: ClassVar[FactoryOptions]
    #: factory_boy's ``cls._meta``, read-only (see :class:`MetaView`).
    _meta: ClassVar[MetaView] = MetaDescriptor()  # type: ignore[assignment]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        parent = next(
            (b.__dict__["_options"] for b in cls.__mro__[1:] if "_options" in b.__dict__), None
        )
        options = parse_options(cls, parent, _generic_model(cls))
        if not options.abstract:
            check_definition(options)
        cls._options = options
        remember_factory(cls, AsyncFactory)  # autofill (issue 17): parents by model

    def __new__(  # type: ignore[misc]  # calling the class is factory_boy's create(), awaited
        cls, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, ModelT]:
        """``await UserFactory(name="x")`` is ``await UserFactory.create(name="x")``."""
        if args:
            raise FactoryArgumentError(
                cls.__name__,
                None,
                f"got positional arguments {args!r}",
                f"pass fields by name: `await {cls.__name__}(name=...)`",
            )
        strategy = cls._usable("create").strategy  # an abstract factory is refused now
        if strategy == "build":  # Meta.strategy = "build": a plain call, as in factory_boy
            return cls.build(**kwargs)  # type: ignore[return-value]
        if strategy == "stub":
            return cls.stub(**kwargs)  # type: ignore[return-value]
        return cls.create(**kwargs)

    # -- without a database ---------------------------------------------------

    @classmethod
    def build(cls, **overrides: Any) -> ModelT:
        """Make one object in memory; SubFactory objects are built too. No database.

        Example:
            >>> agent = AgentFactory.build(name="x")  # doctest: +SKIP
        """
        made: list[ModelT] = cls._build_objects(1, overrides, attributes_only=False)
        return made[0]

    @classmethod
    def build_batch(cls, size: int, /, **overrides: Any) -> list[ModelT]:
        """Make ``size`` objects in memory.

        Example:
            >>> agents = AgentFactory.build_batch(3)  # doctest: +SKIP
        """
        made: list[ModelT] = cls._build_objects(size, overrides, attributes_only=False)
        return made

    @classmethod
    def attributes(cls, **overrides: Any) -> dict[str, Any]:
        """The resolved keyword arguments the model would get; nothing is saved.

        Example:
            >>> AgentFactory.attributes(name="x")["name"]  # doctest: +SKIP
            'x'
        """
        made: list[dict[str, Any]] = cls._build_objects(1, overrides, attributes_only=True)
        return made[0]

    @classmethod
    def _build_objects(
        cls, size: int, overrides: dict[str, Any], *, attributes_only: bool
    ) -> list[Any]:
        options = cls._usable("build")
        check_count(options, size, "build_batch")
        builder = Builder(create=False, attributes_only=attributes_only)
        with gc_paused():
            made: list[Any] = run_sync(builder.build(options, overrides, size))
        return made

    # -- with a database --------------------------------------------------------

    @classmethod
    async def create(cls, *, session: SessionLike | None = None, **overrides: Any) -> ModelT:
        """Make one object and INSERT it (and its SubFactory parents).

        Example:
            >>> agent = await AgentFactory.create(name="x")  # doctest: +SKIP
        """
        made = await create_objects(cls._writable(1), 1, session, overrides)
        return typing.cast("ModelT", made[0])

    @classmethod
    async def create_batch(
        cls, size: int, /, *, session: SessionLike | None = None, **overrides: Any
    ) -> list[ModelT]:
        """Make ``size`` objects with one INSERT round trip per table.

        The batch is atomic: if any row fails, none of it stays, and the
        session keeps everything created before.

        Example:
            >>> agents = await AgentFactory.create_batch(10_000)  # doctest: +SKIP
        """
        made: list[ModelT] = await create_objects(cls._writable(size), size, session, overrides)
        return made

    @classmethod
    def _writable(cls, size: object) -> FactoryOptions:
        """The options, once create() / create_batch(size) can go ahead."""
        options = cls._usable("create")
        check_count(options, size, "create_batch")
        cls._require_mapped(options)
        return options

    @classmethod
    async def load(
        cls,
        n: int,
        /,
        *,
        session: SessionLike | None = None,
        engine: AsyncEngine | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: bool | Callable[[int], object] | None = None,
        workers: int = 1,
        shard: tuple[int, int] | None = None,
        **overrides: Any,
    ) -> int:
        """Stream ``n`` rows into the database in chunks; return how many were committed.

        Each chunk is one transaction; memory stays flat whatever ``n`` is,
        and on PostgreSQL rows go through COPY. ``progress`` is a callable of
        the committed count, or ``True`` for a progress bar. ``workers=W``
        runs W processes (needs ``engine=``); ``shard=(i, N)`` loads the i-th
        of N disjoint shares of ``n``, so N machines can fill one server.
        Interrupted, it raises :class:`LoadInterruptedError` with ``committed``.

        Example:
            >>> await UserFactory.load(1_000_000, engine=engine, progress=True)  # doctest: +SKIP
            1000000
        """
        options = cls._usable("load")
        cls._require_mapped(options)
        return await load_objects(
            options,
            f"{cls.__module__}:{cls.__qualname__}",
            n,
            session=session,
            engine=engine,
            chunk_size=chunk_size,
            progress=progress,
            workers=workers,
            shard=shard,
            overrides=overrides,
        )

    # -- sequences --------------------------------------------------------------

    @classmethod
    def reset_sequence(cls, value: int | None = None, force: bool = False) -> None:
        """Restart ``Sequence`` numbering at ``value`` and forget unique values.

        Without ``value`` numbering restarts at ``_setup_next_sequence()`` (0).
        A subclass sharing its parent's counter needs ``force=True``, as in
        factory_boy.

        Example:
            >>> AgentFactory.reset_sequence()  # doctest: +SKIP
        """
        options = cls._usable("reset_sequence")
        parent = next((b for b in cls.__mro__[1:] if "_options" in b.__dict__), None)
        shared = parent is not None and parent.__dict__["_options"].hierarchy is options.hierarchy
        if shared and not force:
            raise FactoryArgumentError(
                options.name,
                None,
                f"shares its sequence counter with {parent.__name__}",  # type: ignore[union-attr]
                f"call {parent.__name__}.reset_sequence(), or pass force=True",  # type: ignore[union-attr]
            )
        _check_start(options, value)
        options.hierarchy.reset(value)

    @staticmethod
    def _require_mapped(options: FactoryOptions) -> None:
        if options.mapper is None:
            raise FactoryDefinitionError(
                options.name,
                "Meta.model",
                f"{options.model!r} is not a SQLAlchemy-mapped class, so it cannot be inserted",
                "use build() for plain classes, or map the model with SQLAlchemy",
            )

    @classmethod
    def _usable(cls, what: str) -> FactoryOptions:
        options = cls.__dict__.get("_options")
        if options is None or options.abstract:
            raise FactoryDefinitionError(
                cls.__name__,
                "Meta.model",
                f"is abstract (no model), so {what}() has nothing to make",
                "set Meta.model, or subclass it with one",
            )
        return options  # type: ignore[no-any-return]


def _check_start(options: FactoryOptions, value: object) -> None:
    if value is None:  # restart at _setup_next_sequence(), as factory_boy does
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FactoryArgumentError(
            options.name,
            None,
            f"reset_sequence() got value={value!r}",
            "pass a whole number of 0 or more, e.g. reset_sequence(10)",
        )


def _generic_model(cls: type) -> Any:
    """The model named in ``class F(AsyncFactory[Model])``, if any."""
    for base in getattr(cls, "__orig_bases__", ()):
        origin = typing.get_origin(base)
        if isinstance(origin, type) and issubclass(origin, AsyncFactory):
            args = typing.get_args(base)
            if args and isinstance(args[0], type):
                return args[0]
    return None
