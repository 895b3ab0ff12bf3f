"""Scenario (e): what the pytest plugin's ``factories_session`` costs per test.

    python -m benchmarks.bench_plugin [--tests 300] [--reps 5] [--backend sqlite|pg]

Two generated test files, each ``--tests`` tests with an empty body, are run
by pytest in a subprocess: one asks for ``factories_session`` (connect, BEGIN,
an AsyncSession joined with savepoints, the session bound for factories,
sequences reset, then ROLLBACK), the other for a bare fixture that only
connects, BEGINs and ROLLs BACK on the same engine. A conftest hook times each
test's whole protocol (setup, call, teardown); the medians of the two are
compared, repetition by repetition, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from benchmarks.pg import postgres_url

RESULTS = Path(__file__).resolve().parent / "results"

CONFTEST = """
import json, os, time
import pytest
import pytest_asyncio

TIMES = []

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        TIMES.append(time.perf_counter() - started)

def pytest_sessionfinish(session):
    with open(os.environ["TIMES_FILE"], "w") as out:
        json.dump(TIMES[20:], out)  # the first tests warm the engine and the imports

@pytest_asyncio.fixture
async def bare_connection(factories_engine):
    async with factories_engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()
"""

TEST = """
import pytest

@pytest.mark.asyncio
@pytest.mark.parametrize("i", range({tests}))
async def test_body(i, {fixture}):
    pass
"""

INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
factories_metadata = asyncfactories.examples.agents.models:Base
"""


def _run(project: Path, fixture: str, url: str | None) -> float:
    times = project / f"{fixture}.json"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"test_{fixture}.py"]
    if url:
        args.append(f"--factories-url={url}")
    done = subprocess.run(
        args,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TIMES_FILE": str(times)},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stdout[-2000:])
    return statistics.median(json.loads(times.read_text()))


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_plugin")
    parser.add_argument("--tests", type=int, default=300)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "pg"), default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, _url(args.backend) as url:
        project = Path(tmp)
        (project / "conftest.py").write_text(textwrap.dedent(CONFTEST))
        (project / "pytest.ini").write_text(INI)
        for fixture in ("factories_session", "bare_connection"):
            (project / f"test_{fixture}.py").write_text(
                TEST.format(tests=args.tests, fixture=fixture)
            )
        ours, bare, ratios = [], [], []
        for _ in range(args.reps):
            ours.append(_run(project, "factories_session", url))
            bare.append(_run(project, "bare_connection", url))
            ratios.append(ours[-1] / bare[-1])
    name = "PostgreSQL 15" if args.backend == "pg" else "SQLite :memory:"
    table = "\n".join(
        [
            f"#### (e) per-test cost of the session fixture, {name}, {args.tests} tests × {args.reps} reps",
            "",
            "| fixture | µs per test, median (min–max) |",
            "|---|---|",
            f"| bare: connect, BEGIN, ROLLBACK | {_us(bare)} |",
            f"| factories_session | {_us(ours)} |",
            "",
            f"factories_session ÷ bare: **{statistics.median(ratios):.2f}×** (target ≤ 1.5)",
        ]
    )
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"plugin-{args.backend}.md").write_text(table + "\n")


def _us(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e6:,.0f} ({min(values) * 1e6:,.0f}–{max(values) * 1e6:,.0f})"


def _url(backend: str) -> AbstractContextManager[str | None]:
    return postgres_url() if backend == "pg" else nullcontext()


if __name__ == "__main__":
    main()
