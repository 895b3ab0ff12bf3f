"""Which AsyncSession a create call uses, and ``use_session`` to bind one.

Resolution, first that applies: the ``session=`` argument; the session bound
by ``use_session`` (a ContextVar, so concurrent tasks never see each other's
binding); factory_boy's ``Meta.sqlalchemy_session`` (a session, an
``async_scoped_session`` or a callable returning one; the caller's session,
so it is flushed, not committed or closed); ``Meta.session_factory`` (alias
``sqlalchemy_session_factory``: a session of the call's own, committed and
closed); else :class:`NoSessionError`. An ``async_scoped_session`` is
accepted wherever a session is, and stands for the session of the current
scope.

While a create call runs, its session is bound the same way, so a factory
called from one of its hooks or ``async def`` declarations writes into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.orm import Session, scoped_session

from asyncfactories._errors import FactoryArgumentError, NoSessionError
from asyncfactories._state import hook_session, remember_resolved_session

if TYPE_CHECKING:
    from asyncfactories._build import FactoryOptions

__all__ = (
    "SessionLike",
    "bind_session",
    "bound_session",
    "hook_save",
    "resolve_session",
    "session_or_field",
    "unbind_session",
    "use_session",
)

_bound: ContextVar[AsyncSession | None] = ContextVar("asyncfactories_session", default=None)
# The pytest plugin's session of the test running in this process, for a test
# whose fixtures ran in another context than the test itself (anyio's runner
# under pytest-asyncio's auto mode), so the ContextVar binding never reaches it.
_test_session: list[AsyncSession] = []
SessionLike = AsyncSession | async_scoped_session[AsyncSession]
"""What ``session=`` accepts: a session, or a scoped one standing for its scope's session."""


def _as_session(value: object) -> AsyncSession | None:
    """The AsyncSession ``value`` stands for (a scoped one gives its scope's), else None."""
    if isinstance(value, AsyncSession):
        return value
    if isinstance(value, async_scoped_session):
        made = value()
        return made if isinstance(made, AsyncSession) else None
    return None


def bind_session(session: AsyncSession) -> Token[AsyncSession | None]:
    """Bind ``session`` for the rest of a call (undo with :func:`unbind_session`)."""
    return _bound.set(session)


def unbind_session(token: Token[AsyncSession | None]) -> None:
    """Undo :func:`bind_session`."""
    _bound.reset(token)


def session_or_field(
    options: FactoryOptions, session: SessionLike | None, overrides: dict[str, Any]
) -> tuple[AsyncSession | None, dict[str, Any]]:
    """The call's session (a scoped one resolved), or ``session=`` given to a model field.

    ``create(session="s1")`` on a model with a ``session`` column sets the
    column; an AsyncSession (or a scoped one) is always the session to use.
    Anything else is passed on for :func:`resolve_session` to refuse.
    """
    resolved = _as_session(session)
    if session is None or resolved is not None:
        return resolved, overrides
    if isinstance(session, (Session, scoped_session)):  # a sync session: refused later, by name
        return cast(AsyncSession, session), overrides
    fields = options.model_fields
    if "session" in options.fields or (fields is not None and "session" in fields):
        return None, {**overrides, "session": session}
    return cast(AsyncSession, session), overrides


def bound_session() -> AsyncSession | None:
    """The session bound by the innermost ``use_session`` of this task, if any."""
    return _bound.get()


class use_session:
    """Bind ``session`` for every factory call inside the block.

    Works as ``with`` and as ``async with``; the binding is per task.

    Example:
        >>> async def seed(session):
        ...     async with use_session(session):
        ...         await AgentFactory.create_batch(10)  # doctest: +SKIP
    """

    __slots__ = ("_tokens", "session")

    def __init__(self, session: AsyncSession | async_scoped_session[AsyncSession]) -> None:
        resolved = _as_session(session)
        if resolved is None:
            raise FactoryArgumentError(
                "use_session",
                None,
                f"got {type(session).__name__}, not an AsyncSession",
                "pass an sqlalchemy.ext.asyncio.AsyncSession or async_scoped_session",
            )
        self.session = resolved
        self._tokens: list[Token[AsyncSession | None]] = []

    def __enter__(self) -> AsyncSession:
        self._tokens.append(_bound.set(self.session))
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _bound.reset(self._tokens.pop())

    async def __aenter__(self) -> AsyncSession:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)


@contextmanager
def serving_test(session: AsyncSession) -> Iterator[AsyncSession]:
    """Bind ``session`` for the test the plugin is running, in every context of the process.

    The ContextVar binding of :class:`use_session` is set too; this one is the
    fallback for a test that runs in a context its fixtures' did not reach.
    """
    _test_session.append(session)
    try:
        with use_session(session):
            yield session
    finally:
        _test_session.remove(session)


def resolve_session(options: FactoryOptions, session: object) -> tuple[AsyncSession, bool]:
    """Return the session to create in, and whether the call owns it (and must commit and close it)."""
    target, owned = _resolve(options, session)
    remember_resolved_session(target)
    return target, owned


def _resolve(options: FactoryOptions, session: object) -> tuple[AsyncSession, bool]:
    if session is not None:
        resolved = _as_session(session)
        if resolved is None:
            raise FactoryArgumentError(
                options.name,
                "session",
                f"session= got {type(session).__name__}, not an AsyncSession",
                "pass an sqlalchemy.ext.asyncio.AsyncSession or async_scoped_session "
                "(a sync Session cannot be awaited)",
            )
        return resolved, False
    bound = _bound.get()
    if bound is None and _test_session:
        bound = _test_session[-1]
    if bound is not None:
        return bound, False
    if options.session is not None:
        given = options.session
        chosen = given if isinstance(given, AsyncSession) else given()  # type: ignore[operator]
        if not isinstance(chosen, AsyncSession):
            raise FactoryArgumentError(
                options.name,
                "Meta.sqlalchemy_session",
                f"returned {type(chosen).__name__}, not an AsyncSession",
                "make it return an AsyncSession (async_scoped_session does)",
            )
        return chosen, False
    if options.session_factory is not None:
        raw = options.session_factory()
        made = _as_session(raw)
        if made is None:
            raise FactoryArgumentError(
                options.name,
                "Meta.session_factory",
                f"returned {type(raw).__name__}, not an AsyncSession",
                "use async_sessionmaker(engine), not sessionmaker",
            )
        return made, True
    raise NoSessionError(
        options.name,
        None,
        "has no session to create in",
        "pass session=..., bind one with `async with use_session(session):`, "
        "or set Meta.session_factory = async_sessionmaker(engine) (or Meta.sqlalchemy_session)",
    )


async def hook_save(factory: str, obj: object) -> object:
    """factory_boy's default ``_create``: add ``obj`` to the call's session and flush it."""
    session = hook_session() or _bound.get()
    if session is None:
        raise NoSessionError(
            factory,
            None,
            "_create() has no session to add the object to",
            "call it from create(), or bind a session with `async with use_session(session):`",
        )
    session.add(obj)
    await session.flush()
    return obj
