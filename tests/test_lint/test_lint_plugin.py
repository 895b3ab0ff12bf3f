"""The plugin's ``--factories-lint MODULE``: a test per factory, in a real pytest run."""

from __future__ import annotations

import pytest

FACTORIES = """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from asyncfactories import AsyncFactory, Faker, Trait


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))


class NoteFactory(AsyncFactory[Note]):
    class Params:
        untitled = Trait(title=None)


class WordNoteFactory(AsyncFactory[Note]):
    title = Faker("word")
"""


def test_factories_lint_adds_a_passing_or_failing_test_per_factory(
    pytester: pytest.Pytester,
) -> None:
    """One test per factory; the broken trait fails its factory's test with the error, not a traceback."""
    pytester.makepyfile(notefactories=FACTORIES, test_nothing="def test_nothing():\n    pass\n")
    pytester.syspathinsert()
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--factories-lint", "notefactories", "-v"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*factories-lint::notefactories.NoteFactory FAILED*",
            "*factories-lint::notefactories.WordNoteFactory PASSED*",
            "NoteFactory (trait untitled): create: NoteFactory.title: INSERT into notes puts NULL*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
