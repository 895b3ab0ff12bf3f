"""Scenario (d): ``AgentFactory.load()`` into PostgreSQL, 1 and 2 workers, with peak memory.

    python -m benchmarks.bench_load                 # 100k and 1M rows, 1 and 2 workers, 3 reps
    python -m benchmarks.bench_load --rows 200000   # a shorter run

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


def main(argv: list[str] | None = None) -> None:
    """Run the scenario and print its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_load")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--small", type=int, default=100_000, help="the memory baseline's row count"
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, rows, workers, chunk = args.child
        _child(url, int(rows), int(workers), int(chunk))
        return
    configs = [
        ("small, 1 worker", args.small, 1),
        ("1 worker", args.rows, 1),
        ("2 workers", args.rows, 2),
    ]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in configs}
    floors: list[float] = []
    with postgres_url() as url:
        for rep in range(args.reps):
            floors.append(_floor_us_per_row())
            for name, rows, workers in configs:
                result = _run_child(url, rows, workers, args.chunk_size)
                result["rate"] = rows / result["seconds"]
                runs[name].append(result)
                print(f"rep {rep + 1}: {name}: {result['rate']:,.0f} rows/s", file=sys.stderr)
    floor_rates = [1e6 / us for us in floors]
    one, two, small = runs["1 worker"], runs["2 workers"], runs["small, 1 worker"]
    per_rep = [
        {
            "vs_floor": one[i]["rate"] / floor_rates[i],
            "two_vs_one": two[i]["rate"] / one[i]["rate"],
            "rss_large_vs_small": one[i]["rss_kib"] / small[i]["rss_kib"],
        }
        for i in range(args.reps)
    ]
    ratios = {key: statistics.median(r[key] for r in per_rep) for key in per_rep[0]}
    lines = [
        f"#### (d) AgentFactory.load() into PostgreSQL, chunk_size={args.chunk_size:,} — rows/s, median (min–max) of {args.reps}",
        "",
        "| case | rows | rows/s | peak RSS (MiB) |",
        "|---|---|---|---|",
        f"| floor: Faker/random → dicts (no DB) | 20,000 | {_summary(floor_rates)} | — |",
    ]
    for name, rows, workers in configs:
        rss = [r["rss_kib"] / 1024 for r in runs[name]]
        if workers > 1:
            rss = [max(r["rss_kib"], r["worker_rss_kib"]) / 1024 for r in runs[name]]
        lines.append(
            f"| load, {name} | {rows:,} | {_summary([r['rate'] for r in runs[name]])} | {statistics.median(rss):,.0f} |"
        )
    lines += [
        "",
        f"- load(1 worker) ÷ floor rate: **{ratios['vs_floor']:.2f}×** (target ≥ 0.9)",
        f"- 2 workers ÷ 1 worker: **{ratios['two_vs_one']:.2f}×** (target ≥ 1.7; this machine has 2 cores, "
        "which the server shares)",
        f"- peak RSS at {args.rows:,} ÷ at {args.small:,}: **{ratios['rss_large_vs_small']:.2f}×** (target ≤ 1.1)",
    ]
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.md").write_text(table + "\n")
    (RESULTS / "load.json").write_text(
        json.dumps(
            {"runs": runs, "floor_us_per_row": floors, "ratios": ratios, "per_rep": per_rep},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
