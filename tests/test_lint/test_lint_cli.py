"""``asyncfactories lint``, run as a user runs it: exit codes, the table, nothing left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_cli import cli


def test_lint_prints_the_table_exits_1_on_a_failure_and_leaves_the_database_empty(
    tmp_path: Path,
) -> None:
    """Broken factories: their lines say what failed, the exit code is 1, no table remains."""
    database = tmp_path / "lint.sqlite3"
    done = cli(
        "lint", "tests.test_lint.lintfactories", "--url", f"sqlite+aiosqlite:///{database}",
        "--create-tables",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["factory", "trait", "result"]
    assert [line.split()[:3] for line in lines[1:-1]] == [
        ["BadFakerFactory", "-", "build:"],
        ["ProjectFactory", "-", "ok"],
        ["ProjectFactory", "big", "ok"],
        ["ProjectFactory", "overdrawn", "create:"],
        ["TaskFactory", "-", "ok"],
        ["NoteFactory", "-", "ok"],
    ]
    assert "ck_lint_budget" in lines[4]
    assert lines[-1] == "4 factories, 6 checks: 4 ok, 2 failed"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_lint_of_the_sample_domain_passes_with_exit_code_0() -> None:
    """Every factory and trait of the sample domain lints on the default in-memory database."""
    done = cli("lint", "asyncfactories.examples.agents.factories", "--create-tables")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "13 factories, 25 checks: 25 ok, 0 failed"


def test_lint_of_a_module_that_does_not_import_is_one_line_and_exit_2() -> None:
    """A wrong module name: one line on stderr, no traceback, exit code 2."""
    done = cli("lint", "no_such_module_here", "--url", "sqlite+aiosqlite://")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("asyncfactories: error: cannot import 'no_such_module_here'")
    assert len(done.stderr.splitlines()) == 1
