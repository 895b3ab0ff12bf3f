"""The pytest plugin's ``--factories-lint MODULE``: one test per factory of MODULE.

Each test lints one factory (the factory as declared and each trait: build,
create, ``create_batch(3)``) on the run's database, with the tables of its
models created inside a transaction that is rolled back, so nothing stays.
A failure reports the failing trait and step with the factory's own error,
without a traceback into the library.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncfactories._errors import FactoryError
from asyncfactories._lint import LintReport, collect_factories, lint
from asyncfactories._state import all_hierarchies
from asyncfactories._state import seed as reseed

__all__ = ("LintFailed", "LintItem", "add_lint_items", "add_lint_option")


def add_lint_option(group: Any) -> None:
    """Add ``--factories-lint MODULE`` (repeatable) to the plugin's option group."""
    group.addoption(
        "--factories-lint",
        action="append",
        default=[],
        metavar="MODULE",
        help="add a test per factory of MODULE (repeatable): build, create and "
        "create_batch(3) it and each of its traits, rolled back",
    )


class LintFailed(Exception):
    """A factory or one of its traits failed its lint."""

    def __init__(self, report: LintReport) -> None:
        super().__init__(report.summary())
        self.report = report


class LintItem(pytest.Item):
    """The lint of one factory, as a test."""

    def __init__(
        self,
        *,
        factory: type,
        make_engine: Callable[[], AsyncEngine],
        seed_for: Callable[[str], int],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.factory = factory
        self.make_engine = make_engine
        self.seed_for = seed_for

    def runtest(self) -> None:
        """Lint the factory; fail with its report if anything failed."""
        for hierarchy in all_hierarchies():  # as factories_session does: same data alone
            hierarchy.reset()
        reseed(self.seed_for(self.nodeid))
        report = asyncio.run(self._lint())
        if not report.ok:
            raise LintFailed(report)

    async def _lint(self) -> LintReport:
        engine = self.make_engine()
        try:
            return await lint(self.factory, engine=engine, create_tables=True)
        finally:
            await engine.dispose()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The failing traits and their errors, not a traceback."""
        if isinstance(excinfo.value, LintFailed):
            lines = [
                f"{r.factory}{f' (trait {r.trait})' if r.trait else ''}: {r.outcome}"
                for r in excinfo.value.report.failures
            ]
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Where the factory is defined, for the report line."""
        return self.path, None, f"lint {self.factory.__module__}.{self.factory.__qualname__}"


def add_lint_items(
    session: pytest.Session,
    items: list[pytest.Item],
    make_engine: Callable[[], AsyncEngine],
    seed_for: Callable[[str], int],
) -> None:
    """Append a :class:`LintItem` per factory of the ``--factories-lint`` modules."""
    modules = session.config.getoption("factories_lint") or []
    if not modules:
        return
    try:
        factories = collect_factories(modules)
    except FactoryError as exc:
        raise pytest.UsageError(f"--factories-lint: {exc}") from None
    for factory in factories:
        name = f"{factory.__module__}.{factory.__qualname__}"
        items.append(
            LintItem.from_parent(
                session,
                name=f"lint[{name}]",
                nodeid=f"factories-lint::{name}",
                factory=factory,
                make_engine=make_engine,
                seed_for=seed_for,
            )
        )
