"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories.examples.agents.models import Base as AgentsBase
from tests.conftest import postgres_url

ROOT = Path(__file__).resolve().parent.parent.parent
USER_FACTORY = "asyncfactories.examples.agents:UserFactory"
SAMPLE_TABLES = (
    "agent_registry",
    "users",
    "episodes",
    "episode_segments",
    "agent_executions",
    "canvas_audits",
)


def cli(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ASYNCFACTORIES_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "asyncfactories", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {
            t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SAMPLE_TABLES
        }


def test_demo_fills_a_sqlite_file_and_resets_it_when_run_again(tmp_path: Path) -> None:
    """`asyncfactories demo` twice: the same row counts, printed and in the file."""
    first = cli("demo", "--count", "40", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    database = tmp_path / "asyncfactories-demo.sqlite3"
    counts = sqlite_counts(database)
    assert counts == {
        "agent_registry": 40,
        "users": 40,
        "episodes": 80,
        "episode_segments": 240,
        "agent_executions": 80,
        "canvas_audits": 80,
    }
    assert "reset and filled sqlite+aiosqlite:///asyncfactories-demo.sqlite3" in first.stdout
    assert "rows/s" in first.stdout
    second = cli("demo", "--count", "40", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert sqlite_counts(database) == counts


def test_demo_data_is_connected(tmp_path: Path) -> None:
    """Demo episodes belong to demo agents and users; every maturity and status shows up."""
    assert cli("demo", "--count", "40", "--seed", "3", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "asyncfactories-demo.sqlite3") as connection:
        orphans = connection.execute(
            "SELECT count(*) FROM episodes e LEFT JOIN agent_registry a ON a.id = e.agent_id WHERE a.id IS NULL"
        ).fetchone()[0]
        maturities = {
            r[0] for r in connection.execute("SELECT DISTINCT maturity FROM agent_registry")
        }
        roles = {r[0] for r in connection.execute("SELECT DISTINCT role FROM users")}
        statuses = {
            r[0] for r in connection.execute("SELECT DISTINCT status FROM agent_executions")
        }
    assert orphans == 0
    assert maturities == {"student", "intern", "supervised", "autonomous"}
    assert roles == {"admin", "member"}
    assert statuses == {"running", "completed", "failed", "cancelled"}


def test_demo_ends_with_a_sample_of_each_table_and_the_next_command(tmp_path: Path) -> None:
    """Two readable rows per table, the command to try next, and each progress line once."""
    done = cli("demo", "--count", "40", "--seed", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sample = done.stdout.split("a sample of what it made:\n", 1)[1]
    for table in ("agent_registry", "users", "episodes", "episode_segments"):
        rows = [line for line in sample.splitlines() if line.split()[:1] == [table]]
        assert len(rows) == 2, sample
        assert "=" in rows[0]
    assert "email=" in sample
    next_command = done.stdout.strip().splitlines()[-1]
    assert next_command.startswith("next: asyncfactories load ")
    progress = [line for line in done.stderr.splitlines() if line.startswith("demo: ")]
    assert len(progress) == len(set(progress)), done.stderr
    again = cli(*next_command.removeprefix("next: asyncfactories ").split(), cwd=tmp_path)
    assert again.returncode == 0, again.stderr


async def _query(url: str, statement: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement))
            return list(result.scalars()) if result.returns_rows else []
    finally:
        await engine.dispose()


def _reset_sample_tables(url: str) -> None:
    async def reset() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(AgentsBase.metadata.drop_all)
        await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(params=["sqlite", "postgresql"])
def load_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for the sample domain: a SQLite file or the PostgreSQL server."""
    url = (
        postgres_url()
        if request.param == "postgresql"
        else f"sqlite+aiosqlite:///{tmp_path / 'load.sqlite3'}"
    )
    _reset_sample_tables(url)
    yield url
    _reset_sample_tables(url)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_load_writes_the_exact_count_with_unique_emails(load_url: str, workers: str) -> None:
    """`load --count 3000` with 1 and 2 workers: 3,000 users, 3,000 distinct emails."""
    result = cli(
        "load",
        USER_FACTORY,
        "--count",
        "3000",
        "--url",
        load_url,
        "--workers",
        workers,
        "--create-tables",
        "--chunk-size",
        "500",
    )
    assert result.returncode == 0, result.stderr
    assert "loaded 3,000 rows" in result.stdout
    emails = asyncio.run(_query(load_url, "SELECT email FROM users"))
    assert len(emails) == len(set(emails)) == 3000


def test_two_shards_fill_one_database_without_collisions(load_url: str) -> None:
    """`--shard 0/2` and `--shard 1/2` of 1,000: 1,000 rows, no duplicate email."""
    for shard in ("0/2", "1/2"):
        result = cli(
            "load",
            USER_FACTORY,
            "--count",
            "1000",
            "--url",
            load_url,
            "--shard",
            shard,
            "--create-tables",
        )
        assert result.returncode == 0, result.stderr
        assert "loaded 500 rows" in result.stdout
    emails = asyncio.run(_query(load_url, "SELECT email FROM users"))
    assert len(set(emails)) == 1000


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["load", "nope.mod:F", "--count", "5"], "cannot import module 'nope.mod'", 2),
        (["load", "asyncfactories.examples.agents:Nope", "--count", "5"], "has no 'Nope'", 2),
        (
            ["load", "asyncfactories.examples.agents.models:User", "--count", "5"],
            "is not an AsyncFactory subclass",
            2,
        ),
        (
            ["load", "asyncfactories.examples.agents", "--count", "5"],
            "is not package.module:FactoryName",
            2,
        ),
        (["load", USER_FACTORY, "--count", "-5"], "--count must be 0 or more", 2),
        (
            ["load", USER_FACTORY, "--count", "5", "--shard", "3/2"],
            "--shard '3/2' needs 0 <= i < N",
            2,
        ),
        (["load", USER_FACTORY, "--count", "5", "--shard", "x"], "--shard 'x' is not i/N", 2),
        (["load", USER_FACTORY, "--count", "5", "--url", "nonsense"], "not a database URL", 2),
        (["demo", "--count", "-1"], "--count must be 0 or more", 2),
        (
            [
                "load",
                USER_FACTORY,
                "--count",
                "5",
                "--url",
                "postgresql+asyncpg://bob:s3cret@127.0.0.1:1/db",
            ],
            "cannot reach the database at postgresql+asyncpg://bob:***@127.0.0.1:1/db",
            1,
        ),
    ],
)
def test_bad_input_ends_with_one_line_and_an_exit_code(
    args: list[str], message: str, code: int
) -> None:
    """Each misuse: one line on stderr naming the problem, the right exit code, no traceback."""
    result = cli(*args)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("asyncfactories: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_passwords_never_reach_the_output() -> None:
    """A password in the URL is masked in every line, errors included."""
    result = cli(
        "load",
        USER_FACTORY,
        "--count",
        "5",
        "--url",
        "postgresql+asyncpg://bob:hunter2pw@127.0.0.1:1/db",
    )
    assert "hunter2pw" not in result.stdout + result.stderr
    assert "***" in result.stderr


def test_sigint_stops_a_load_and_reports_the_committed_rows(load_url: str) -> None:
    """Ctrl-C during a load: exit 130 and the committed count, which the table holds exactly."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asyncfactories",
            "load",
            "asyncfactories.examples.agents:AgentFactory",
            "--count",
            "5000000",
            "--chunk-size",
            "500",
            "--url",
            load_url,
            "--create-tables",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
        rows = _count_agents(load_url)
        if rows >= 1000:
            break
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    found = re.search(r"interrupted: (\d+) rows were committed", stderr)
    assert found is not None, stderr
    assert int(found.group(1)) == _count_agents(load_url) >= 1000


def _count_agents(url: str) -> int:
    try:
        rows = asyncio.run(_query(url, "SELECT count(*) FROM agent_registry"))
    except Exception:  # the table may not exist yet
        return 0
    return int(rows[0])  # type: ignore[call-overload]
