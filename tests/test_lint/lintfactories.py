"""A module of factories to lint: good ones, and two that only fail when they run.

``BadFakerFactory`` passes Faker arguments the provider accepts by name but
refuses by value (reversed bounds), which only shows when a value is drawn;
``ProjectFactory``'s ``overdrawn`` trait sets a budget the CHECK constraint
refuses, which only shows when the row is inserted. Everything else lints.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import AsyncFactory, Faker, Trait
from asyncfactories.examples.agents import AgentFactory  # imported: not this module's to lint

__all__ = (
    "AgentFactory",
    "BadFakerFactory",
    "LintBase",
    "NoteFactory",
    "Project",
    "ProjectFactory",
    "Task",
    "TaskFactory",
)


class LintBase(DeclarativeBase):
    """The lint tests' tables."""


class Project(LintBase):
    """A project whose budget may not be negative."""

    __tablename__ = "lint_projects"
    __table_args__ = (CheckConstraint("budget >= 0", name="ck_lint_budget"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    budget: Mapped[int] = mapped_column(Integer)


class Task(LintBase):
    """A task of a project."""

    __tablename__ = "lint_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    project_id: Mapped[int] = mapped_column(ForeignKey("lint_projects.id"))
    project: Mapped[Project] = relationship()


@dataclasses.dataclass
class Note:
    """A plain class: lint builds its factory, there is nothing to insert."""

    text: str


class BaseFactory(AsyncFactory[Project]):
    """Abstract: lint skips it."""

    class Meta:
        abstract = True


class BadFakerFactory(AsyncFactory[Project]):
    """Broken at run time: pyint's bounds are reversed.

    Defined before ProjectFactory, so that one, the last defined, gives tasks their projects.
    """

    budget = Faker("pyint", min_value=10, max_value=1)


class ProjectFactory(AsyncFactory[Project]):
    """Good, with one good trait and one that violates the CHECK constraint."""

    class Params:
        big = Trait(budget=1_000_000)
        overdrawn = Trait(budget=-5)

    name = Faker("company")


class TaskFactory(AsyncFactory[Task]):
    """Good: its project comes from ProjectFactory, through autofill."""

    title = Faker("sentence", nb_words=4)


class NoteFactory(AsyncFactory[Note]):
    """Good: built only."""

    text = Faker("word")
