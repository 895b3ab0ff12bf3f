"""lint(): each factory and trait built and created, the broken ones named, nothing kept."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import asyncfactories
from asyncfactories import FactoryArgumentError, LintReport, LintResult, NoSessionError, lint
from tests.conftest import fresh_tables, make_engine
from tests.test_lint import lintfactories
from tests.test_lint.lintfactories import LintBase, Project, ProjectFactory, Task

BROKEN = {("BadFakerFactory", None), ("ProjectFactory", "overdrawn")}
CHECKED = {
    ("BadFakerFactory", None),
    ("ProjectFactory", None),
    ("ProjectFactory", "big"),
    ("ProjectFactory", "overdrawn"),
    ("TaskFactory", None),
    ("NoteFactory", None),
}


@pytest_asyncio.fixture
async def lint_engine(backend: str) -> AsyncIterator[AsyncEngine]:
    """An engine with the lint tables, dropped afterwards."""
    async with fresh_tables(make_engine(backend), LintBase.metadata) as engine:
        yield engine


async def row_counts(engine: AsyncEngine) -> tuple[int, int]:
    async with AsyncSession(engine) as session:
        projects = await session.scalar(select(func.count()).select_from(Project))
        tasks = await session.scalar(select(func.count()).select_from(Task))
    return int(projects or 0), int(tasks or 0)


def failures(report: LintReport) -> set[tuple[str, str | None]]:
    return {(r.factory, r.trait) for r in report.failures}


@pytest.mark.asyncio
async def test_lint_names_exactly_the_broken_factories_and_traits(lint_engine: AsyncEngine) -> None:
    """Every concrete factory of the module and each trait is checked; only the broken fail."""
    async with AsyncSession(lint_engine) as session:
        report = await lint(lintfactories, session=session)
    assert {(r.factory, r.trait) for r in report} == CHECKED
    assert failures(report) == BROKEN
    assert not report.ok
    by_key = {(r.factory, r.trait): r for r in report}
    faker = by_key["BadFakerFactory", None]
    assert faker.step == "build"
    assert faker.error is not None
    assert faker.error.startswith(
        "BadFakerFactory.budget: Faker('pyint', min_value=10, max_value=1)"
    )
    trait = by_key["ProjectFactory", "overdrawn"]
    assert trait.step == "create"
    assert trait.error is not None
    assert "ck_lint_budget" in trait.error
    assert await row_counts(lint_engine) == (0, 0)


@pytest.mark.asyncio
async def test_lint_leaves_the_callers_session_and_its_work_as_they_were(
    lint_engine: AsyncEngine,
) -> None:
    """Rows the session made before stay; nothing lint made does, even after a commit."""
    async with AsyncSession(lint_engine, expire_on_commit=False) as session:
        kept = await ProjectFactory.create(session=session, name="kept", budget=1)
        await lint(lintfactories, session=session)
        await session.commit()
        names = (await session.scalars(select(Project.name))).all()
    assert names == ["kept"]
    assert kept.id is not None
    assert await row_counts(lint_engine) == (1, 0)


@pytest.mark.asyncio
async def test_lint_on_an_engine_can_create_the_tables_and_leaves_none(backend: str) -> None:
    """engine= and create_tables=True: the checks pass on an empty database, which stays empty."""
    engine = make_engine(backend)
    async with engine.begin() as connection:
        await connection.run_sync(LintBase.metadata.drop_all)
    try:
        report = await lint(
            ProjectFactory, lintfactories.TaskFactory, engine=engine, create_tables=True
        )
        assert failures(report) == {("ProjectFactory", "overdrawn")}
        async with engine.connect() as connection:
            names = await connection.run_sync(
                lambda sync: set(__import__("sqlalchemy").inspect(sync).get_table_names())
            )
        assert not names & {"lint_projects", "lint_tasks"}
    finally:
        await engine.dispose()


@pytest.mark.asyncio
async def test_lint_runs_in_the_bound_session(lint_engine: AsyncEngine) -> None:
    """Without session= or engine=, the use_session() session (the plugin's) is used."""
    async with AsyncSession(lint_engine) as session:
        with asyncfactories.use_session(session):
            report = await lint("tests.test_lint.lintfactories:TaskFactory")
    assert [(r.factory, r.ok) for r in report] == [("TaskFactory", True)]


@pytest.mark.asyncio
async def test_lint_without_any_session_says_how_to_give_one() -> None:
    """No session anywhere: NoSessionError with the three ways."""
    with pytest.raises(NoSessionError, match=r"pass session= or engine="):
        await lint(ProjectFactory)


@pytest.mark.asyncio
async def test_lint_refuses_what_is_neither_a_factory_nor_a_module() -> None:
    """A wrong target is refused before anything runs."""
    with pytest.raises(FactoryArgumentError, match="neither a factory nor a module"):
        await lint(42)  # type: ignore[arg-type]
    with pytest.raises(FactoryArgumentError, match=r"cannot import 'no\.such\.module'"):
        await lint("no.such.module")


def test_the_report_prints_as_a_table_with_a_summary() -> None:
    """table(): one line per check, the error after the failing step, then the counts."""
    report = LintReport(
        [
            LintResult("AFactory"),
            LintResult("AFactory", "loud", "create", "AFactory.x: boom; fix it."),
        ]
    )
    assert report.table().splitlines() == [
        "factory   trait  result",
        "AFactory  -      ok",
        "AFactory  loud   create: AFactory.x: boom; fix it.",
        "1 factories, 2 checks: 1 ok, 1 failed",
    ]
    assert len(report) == 2
    assert repr(report) == "<LintReport 1 factories, 2 checks: 1 ok, 1 failed>"
