"""``lint()``: every factory and every trait built and created once, nothing kept.

FactoryBot's ``FactoryBot.lint`` for asyncfactories: for each concrete factory
of the given modules, and for each of its traits switched on, ``build()``,
``create()`` and ``create_batch(3)`` run inside a savepoint that is rolled
back, all of it inside one transaction that is rolled back too. The report
names each factory and trait with ``ok`` or the error that stopped it.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from asyncfactories._build.options import FactoryOptions, own_options
from asyncfactories._errors import (
    AsyncDeclarationError,
    FactoryArgumentError,
    FactoryError,
    NoSessionError,
)
from asyncfactories._imports import PathNotFound, import_path
from asyncfactories._write.session import bound_session, use_session
from asyncfactories._write.sql import ensure_transaction

__all__ = ("BATCH", "LintReport", "LintResult", "collect_factories", "lint")

#: The size of the batch each factory and trait is created in.
BATCH = 3

Target = type | types.ModuleType | str


@dataclasses.dataclass(frozen=True)
class LintResult:
    """One factory (with one trait switched on, or none): ok, or what stopped it.

    Attributes:
        factory: the factory's qualified name.
        trait: the trait switched on, or ``None`` for the factory as declared.
        step: what failed (``"build"``, ``"create"``, ``"create_batch(3)"``), ``None`` if ok.
        error: the error's message (a FactoryError's text), ``None`` if ok.
    """

    factory: str
    trait: str | None = None
    step: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every step passed."""
        return self.error is None

    @property
    def outcome(self) -> str:
        """``ok``, or ``step: error``."""
        return "ok" if self.error is None else f"{self.step}: {self.error}"


class LintReport:
    """What :func:`lint` found: one :class:`LintResult` per factory and trait.

    Example:
        >>> report = LintReport([LintResult("TagFactory"), LintResult("TagFactory", "big", "create", "boom")])
        >>> report.ok, [r.trait for r in report.failures]
        (False, ['big'])
    """

    __slots__ = ("results",)

    def __init__(self, results: Iterable[LintResult]) -> None:
        self.results = tuple(results)

    @property
    def ok(self) -> bool:
        """Whether every factory and trait passed."""
        return all(r.ok for r in self.results)

    @property
    def failures(self) -> list[LintResult]:
        """The results that failed, in order."""
        return [r for r in self.results if not r.ok]

    def __iter__(self) -> Iterator[LintResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        """One line: how many factories and checks, how many failed."""
        factories = len({r.factory for r in self.results})
        failed = len(self.failures)
        return (
            f"{factories} factories, {len(self.results)} checks: "
            f"{len(self.results) - failed} ok, {failed} failed"
        )

    def table(self) -> str:
        """The report as a plain-text table, then the summary line."""
        rows = [("factory", "trait", "result")]
        rows += [(r.factory, r.trait or "-", r.outcome) for r in self.results]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        lines = [f"{f:<{widths[0]}}  {t:<{widths[1]}}  {o}" for f, t, o in rows]
        return "\n".join([*lines, self.summary()])

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"<LintReport {self.summary()}>"


def _is_factory(value: object) -> bool:
    return own_options(value) is not None


def _options(factory: type) -> FactoryOptions:
    options = own_options(factory)
    assert options is not None  # only factories get this far
    return options


def _import(name: str) -> Any:
    module_name, _, attribute = name.partition(":")
    try:
        return import_path(module_name, attribute)
    except PathNotFound as exc:
        fix = (
            "check the module path"
            if exc.cause is not None
            else "name a factory defined there, as package.module:FactoryName"
        )
        raise FactoryArgumentError("lint", None, exc.problem, fix) from None


def collect_factories(targets: Iterable[Target]) -> list[type]:
    """The concrete factories of ``targets``: classes, modules, or their dotted names.

    A module contributes the factories defined in it (or in its submodules),
    in definition order, not those it imports from elsewhere.
    """
    found: dict[int, type] = {}
    for target in targets:
        value = _import(target) if isinstance(target, str) else target
        if isinstance(value, types.ModuleType):
            prefix = value.__name__
            for item in vars(value).values():
                module = str(getattr(item, "__module__", ""))
                if _is_factory(item) and (module == prefix or module.startswith(prefix + ".")):
                    found.setdefault(id(item), item)
        elif _is_factory(value):
            found.setdefault(id(value), value)
        else:
            raise FactoryArgumentError(
                "lint",
                None,
                f"got {value!r}, which is neither a factory nor a module",
                "pass factory classes, modules or dotted module names",
            )
    return [f for f in found.values() if not _options(f).abstract]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, FactoryError):
        text = str(exc)
    else:
        first = (str(exc).splitlines() or [""])[0]
        text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    notes = [n for n in getattr(exc, "__notes__", ()) if str(n).startswith("while resolving")]
    return f"{text} ({notes[0]})" if notes else text


async def _check(factory: Any, overrides: dict[str, Any], session: AsyncSession) -> LintResult:
    options = _options(factory)
    trait = next(iter(overrides), None)
    name = factory.__qualname__
    try:
        factory.build(**overrides)
    except AsyncDeclarationError:
        pass  # async declarations refuse build() by design; create() still runs them
    except Exception as exc:
        return LintResult(name, trait, "build", _describe(exc))
    if options.mapper is None:
        return LintResult(name, trait)  # a plain class: nothing to insert
    steps: tuple[tuple[str, Callable[[], Awaitable[object]]], ...] = (
        ("create", lambda: factory.create(session=session, **overrides)),
        (
            f"create_batch({BATCH})",
            lambda: factory.create_batch(BATCH, session=session, **overrides),
        ),
    )
    for step, run in steps:
        try:
            await run()
        except Exception as exc:
            return LintResult(name, trait, step, _describe(exc))
    return LintResult(name, trait)


def _metadatas(factories: Iterable[type]) -> list[MetaData]:
    found: dict[int, MetaData] = {}
    for factory in factories:
        mapper = _options(factory).mapper
        table = mapper.local_table if mapper is not None else None
        if isinstance(table, Table):  # a mapped class's own table (not a select)
            found.setdefault(id(table.metadata), table.metadata)
    return list(found.values())


async def _run(
    connection: AsyncConnection, factories: list[type], create_tables: bool
) -> LintReport:
    await ensure_transaction(connection)
    if create_tables:
        for metadata in _metadatas(factories):
            await connection.run_sync(metadata.create_all)
    results: list[LintResult] = []
    for factory in factories:
        options = _options(factory)
        for overrides in [{}, *({flag: True} for flag in options.traits)]:
            savepoint = await connection.begin_nested()
            session = AsyncSession(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
            try:
                with use_session(session):
                    results.append(await _check(factory, overrides, session))
            finally:
                await session.close()
                if savepoint.is_active:
                    await savepoint.rollback()
    return LintReport(results)


async def lint(
    *factories_or_modules: Target,
    session: AsyncSession | None = None,
    engine: AsyncEngine | None = None,
    create_tables: bool = False,
) -> LintReport:
    """Build, create and ``create_batch(3)`` every factory and trait; keep nothing.

    Everything runs inside a transaction that is rolled back (each factory and
    trait in a savepoint of its own), on ``session``'s connection, on a
    connection of ``engine``, or on the session bound by ``use_session`` (the
    pytest plugin's ``factories_session``). ``create_tables=True`` creates the
    models' tables first, inside that transaction too.

    Example:
        >>> report = await lint("myapp.factories", session=session)  # doctest: +SKIP
        >>> assert report.ok, report.table()  # doctest: +SKIP
    """
    factories = collect_factories(factories_or_modules)
    if session is not None and engine is not None:
        raise FactoryArgumentError(
            "lint", None, "got both session= and engine=", "pass one of them"
        )
    if engine is not None:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            try:
                return await _run(connection, factories, create_tables)
            finally:
                await transaction.rollback()
    target = session if session is not None else bound_session()
    if target is None:
        raise NoSessionError(
            "lint",
            None,
            "found no session to run in",
            "pass session= or engine=, or call it inside `with use_session(session):`",
        )
    connection = await target.connection()
    await ensure_transaction(connection)
    outer = await connection.begin_nested()
    try:
        return await _run(connection, factories, create_tables)
    finally:
        if outer.is_active:
            await outer.rollback()
