"""``asyncfactories lint``, run as a user runs it: exit codes, the table, nothing left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from asyncfactories._cli.main import main
from tests.test_cli.test_main import cli


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


def test_lint_of_the_sample_domain_passes_with_exit_code_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every factory and trait of the sample domain lints on the default in-memory database."""
    assert main(["lint", "asyncfactories.examples.agents.factories", "--create-tables"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "13 factories, 25 checks: 25 ok, 0 failed"


def test_lint_of_a_module_that_does_not_import_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A wrong module name: one line on stderr, no traceback, exit code 2."""
    assert main(["lint", "no_such_module_here", "--url", "sqlite+aiosqlite://"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("asyncfactories: error: cannot import 'no_such_module_here'")
    assert len(err.splitlines()) == 1


def test_lint_on_an_unreachable_database_is_one_line_with_the_password_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A server that is not there: exit code 1, one line, the URL's password hidden."""
    url = "postgresql+asyncpg://app:s3cret@127.0.0.1:1/nowhere"
    assert main(["lint", "tests.test_lint.lintfactories", "--url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("asyncfactories: error: cannot lint on postgresql+asyncpg://app:***@")
    assert "s3cret" not in err
    assert len(err.splitlines()) == 1
