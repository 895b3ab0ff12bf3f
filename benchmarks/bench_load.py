"""Scenario (d): ``AgentFactory.load()`` into PostgreSQL, 1 and 2 workers, with peak memory.

    python -m benchmarks.bench_load                 # 100k and 1M rows, 1 and 2 workers, 3 reps
    python -m benchmarks.bench_load --rows 200000   # a shorter run
    python -m benchmarks.bench_load --drivers psycopg

Each driver (asyncpg and psycopg 3 by default, both COPY) loads the same rows
into the same server in the same run; their runs alternate within each
repetition, so a slow moment of the machine costs both alike.

Each load runs in a fresh process, so its peak RSS (``ru_maxrss``, the
largest of the process and, with workers, of each worker) is its own. The
floor is the same run's generation floor for the same rows (the Faker and
random calls of ``benchmarks.datagen``, into dicts, no database), so
"load rate / floor rate" says how close loading comes to merely generating.
Repetitions are interleaved; medians and per-repetition ratios are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories.examples.agents import AgentFactory
from asyncfactories.examples.agents.models import Base
from benchmarks import datagen
from benchmarks.pg import postgres_url

RESULTS = Path(__file__).resolve().parent / "results"
DRIVERS = ("asyncpg", "psycopg")


def _with_driver(url: str, driver: str) -> str:
    """``url`` (a ``postgresql+<driver>://`` URL) through ``driver`` instead."""
    return re.sub(r"^postgresql(\+\w+)?://", f"postgresql+{driver}://", url)


def _child(url: str, rows: int, workers: int, chunk_size: int) -> None:
    """Load ``rows`` agents into fresh tables; print seconds and peak RSS (KiB) as JSON."""

    async def run() -> float:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        started = time.perf_counter()
        loaded = await AgentFactory.load(
            rows, engine=engine, workers=workers, chunk_size=chunk_size
        )
        elapsed = time.perf_counter() - started
        assert loaded == rows, loaded
        async with engine.connect() as connection:
            count = await connection.exec_driver_sql("SELECT count(*) FROM agent_registry")
            assert count.scalar() == rows
        await engine.dispose()
        return elapsed

    elapsed = asyncio.run(run())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": elapsed, "rss_kib": own, "worker_rss_kib": workers_peak}))


def _run_child(url: str, rows: int, workers: int, chunk_size: int) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_load",
            "--child",
            url,
            str(rows),
            str(workers),
            str(chunk_size),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _floor_us_per_row(rows: int = 20_000) -> float:
    datagen.seed(1)
    started = time.perf_counter()
    datagen.generate("batch", rows)
    return (time.perf_counter() - started) / rows * 1e6


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def _drivers(value: str) -> list[str]:
    chosen = [d.strip() for d in value.split(",") if d.strip()]
    unknown = sorted(set(chosen) - set(DRIVERS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(DRIVERS)}, comma-separated")
    return chosen


def _peak_mib(result: dict[str, float], workers: int) -> float:
    if workers > 1:
        return max(result["rss_kib"], result["worker_rss_kib"]) / 1024
    return result["rss_kib"] / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the scenario and print its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_load")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--small", type=int, default=100_000, help="the memory baseline's row count"
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument(
        "--drivers",
        type=_drivers,
        default=list(DRIVERS),
        help="comma-separated, from: asyncpg, psycopg (default: both, in the same run)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, rows, workers, chunk = args.child
        _child(url, int(rows), int(workers), int(chunk))
        return
    drivers: list[str] = args.drivers
    configs = [
        ("small, 1 worker", args.small, 1),
        ("1 worker", args.rows, 1),
        ("2 workers", args.rows, 2),
    ]
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        driver: {name: [] for name, _, _ in configs} for driver in drivers
    }
    floors: list[float] = []
    with postgres_url() as url:
        for rep in range(args.reps):
            floors.append(_floor_us_per_row())
            for name, rows, workers in configs:
                # Alternate which driver goes first, so neither always runs on a warmer server.
                for driver in drivers if rep % 2 == 0 else drivers[::-1]:
                    busy = os.getloadavg()[0]  # others' work on a shared machine shows here
                    result = _run_child(_with_driver(url, driver), rows, workers, args.chunk_size)
                    result["rate"] = rows / result["seconds"]
                    result["loadavg_before"] = busy
                    runs[driver][name].append(result)
                    print(
                        f"rep {rep + 1}: {driver}: {name}: {result['rate']:,.0f} rows/s "
                        f"(load average before: {busy:.1f})",
                        file=sys.stderr,
                    )
    floor_rates = [1e6 / us for us in floors]
    per_rep: dict[str, list[dict[str, float]]] = {}
    for driver in drivers:
        one, two, small = (runs[driver][k] for k in ("1 worker", "2 workers", "small, 1 worker"))
        per_rep[driver] = [
            {
                "vs_floor": one[i]["rate"] / floor_rates[i],
                "two_vs_one": two[i]["rate"] / one[i]["rate"],
                "rss_large_vs_small": one[i]["rss_kib"] / small[i]["rss_kib"],
            }
            for i in range(args.reps)
        ]
    ratios = {
        driver: {key: statistics.median(r[key] for r in reps) for key in reps[0]}
        for driver, reps in per_rep.items()
    }
    between: dict[str, float] = {}
    if len(drivers) == 2:
        first, second = drivers
        between = {
            name: statistics.median(
                runs[second][name][i]["rate"] / runs[first][name][i]["rate"]
                for i in range(args.reps)
            )
            for name, _, _ in configs
        }
    lines = [
        f"#### (d) AgentFactory.load() into PostgreSQL (COPY), chunk_size={args.chunk_size:,} — "
        f"rows/s, median (min–max) of {args.reps}",
        "",
        "| case | rows | driver | rows/s | peak RSS (MiB) |",
        "|---|---|---|---|---|",
        f"| floor: Faker/random → dicts (no DB) | 20,000 | — | {_summary(floor_rates)} | — |",
    ]
    for name, rows, workers in configs:
        for driver in drivers:
            done = runs[driver][name]
            rss = statistics.median(_peak_mib(r, workers) for r in done)
            lines.append(
                f"| load, {name} | {rows:,} | {driver} | {_summary([r['rate'] for r in done])} "
                f"| {rss:,.0f} |"
            )
    lines.append("")
    busy = [r["loadavg_before"] for d in drivers for done in runs[d].values() for r in done]
    lines.append(
        f"- 1-minute load average before each load: {min(busy):.1f}–{max(busy):.1f} "
        f"on {os.cpu_count()} cores (the machine may be shared: a high one explains a slow run)"
    )
    if between:
        lines.append(
            f"- {drivers[1]} ÷ {drivers[0]} rows/s (median of the per-repetition ratios): "
            + ", ".join(f"{name} **{value:.2f}×**" for name, value in between.items())
        )
    for driver in drivers:
        r = ratios[driver]
        lines.append(
            f"- {driver}: load(1 worker) ÷ floor rate **{r['vs_floor']:.2f}×** (target ≥ 0.9); "
            f"2 workers ÷ 1 worker **{r['two_vs_one']:.2f}×** (target ≥ 1.7; this machine has "
            f"{os.cpu_count()} cores, which the server shares); peak RSS at {args.rows:,} ÷ at "
            f"{args.small:,} **{r['rss_large_vs_small']:.2f}×** (target ≤ 1.1)"
        )
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.md").write_text(table + "\n")
    (RESULTS / "load.json").write_text(
        json.dumps(
            {
                "args": {
                    "rows": args.rows,
                    "small": args.small,
                    "reps": args.reps,
                    "chunk_size": args.chunk_size,
                    "drivers": drivers,
                },
                "runs": runs,
                "floor_us_per_row": floors,
                "ratios": ratios,
                "per_rep": per_rep,
                "second_driver_vs_first": between,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
