"""Per-field seed streams: ``build_batch(10_000)`` before and after, in one run.

Run ``python -m benchmarks.bench_seeds --before PATH [--after PATH] [--reps 7]``,
where each PATH is a source tree of the library (``--before`` a worktree of the
commit before per-field streams, ``--after`` this tree by default). Each
repetition starts one fresh process per side (the order alternates from one
repetition to the next, so drift on a shared machine hits both), which imports
the library from its PATH, warms up, and times ``build_batch(size)`` of two
factories, ``--inner`` times each, interleaved: the sample domain's
``AgentFactory`` and a Faker/fuzzy-heavy one (twelve random fields, one
unique); and ``size // 10`` single ``AgentFactory.build()`` calls, where the
per-call work (binding each field to its stream) shows most. A repetition's
time for a side is the median of its inner runs; the
ratio after / before is taken per repetition, and its median reported with the
min-max range. Results go to ``benchmarks/results/seeds.json`` and ``seeds.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ("main", "run")

HERE = Path(__file__).resolve()
RESULTS = HERE.parent / "results"
CASES = ("AgentFactory", "ContactFactory", "AgentFactory.build()")


def _worker(size: int, inner: int) -> dict[str, list[float]]:
    """Time both factories in this process, with the library found on PYTHONPATH."""
    from asyncfactories import AsyncFactory, Faker, fuzzy, seed
    from asyncfactories.examples.agents.factories import AgentFactory

    class ContactFactory(AsyncFactory[dict[str, Any]]):
        class Meta:
            model = dict

        name = Faker("name")
        email = Faker("email", unique=True)
        bio = Faker("text", max_nb_chars=200)
        city = Faker("city")
        company = Faker("company")
        age = Faker("pyint", min_value=18, max_value=99)
        token = Faker("uuid4")
        visits = fuzzy.FuzzyInteger(0, 1_000)
        balance = fuzzy.FuzzyDecimal(0, 10_000)
        plan = fuzzy.FuzzyChoice(["free", "team", "enterprise"])
        joined = fuzzy.FuzzyDateTime(datetime(2020, 1, 1, tzinfo=UTC))
        code = fuzzy.FuzzyText(length=8)

    def singles() -> None:
        for _ in range(size // 10):
            AgentFactory.build()

    builds: dict[str, Callable[[], object]] = {
        "AgentFactory": lambda: AgentFactory.build_batch(size),
        "ContactFactory": lambda: ContactFactory.build_batch(size),
        "AgentFactory.build()": singles,
    }
    seed(12345)
    AgentFactory.build_batch(size // 10)  # warm-up: compiled closures, caches
    ContactFactory.build_batch(size // 10)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for rep in range(inner):
        for name in CASES if rep % 2 == 0 else reversed(CASES):
            AgentFactory.reset_sequence()
            ContactFactory.reset_sequence()
            times[name].append(_seconds(builds[name]))
    return times


def _seconds(build: Callable[[], object]) -> float:
    enabled = gc.isenabled()
    gc.disable()  # as timeit does
    try:
        start = time.perf_counter()
        build()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


def _side(tree: Path, size: int, inner: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(HERE), "--worker", "--size", str(size), "--inner", str(inner)],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    times: dict[str, list[float]] = json.loads(done.stdout.splitlines()[-1])
    return times


def _summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": list(values),
    }


def run(before: Path, after: Path, reps: int, size: int, inner: int) -> dict[str, Any]:
    """Time both trees ``reps`` times, alternating; return objects/s and the time ratios."""
    trees = {"before": before, "after": after}
    times: dict[str, dict[str, list[float]]] = {s: {c: [] for c in CASES} for s in trees}
    order = list(trees)
    for rep in range(reps):
        for side in order if rep % 2 == 0 else reversed(order):
            for case, runs in _side(trees[side], size, inner).items():
                times[side][case].append(statistics.median(runs))
        print(f"rep {rep + 1}/{reps} done", file=sys.stderr)
    cases: dict[str, Any] = {}
    for case in CASES:
        b, a = times["before"][case], times["after"][case]
        made = size // 10 if case.endswith("()") else size
        cases[case] = {
            "objects": made,
            "before_objects_per_s": _summary([made / t for t in b]),
            "after_objects_per_s": _summary([made / t for t in a]),
            "time_ratio_after_over_before": _summary([x / y for x, y in zip(a, b, strict=True)]),
        }
    return {"size": size, "reps": reps, "inner": inner, "cases": cases}


def table(result: dict[str, Any]) -> str:
    """The result as a markdown table."""

    def cell(s: dict[str, Any], fmt: str) -> str:
        return f"{s['median']:{fmt}} ({s['min']:{fmt}}-{s['max']:{fmt}})"

    lines = [
        "| case | before, objects/s | after, objects/s | time ratio after / before |",
        "|---|---:|---:|---:|",
    ]
    for case, row in result["cases"].items():
        label = (
            f"{row['objects']:,} x {case}"
            if case.endswith("()")
            else f"{case}.build_batch({row['objects']:,})"
        )
        lines.append(
            f"| {label} | {cell(row['before_objects_per_s'], ',.0f')} "
            f"| {cell(row['after_objects_per_s'], ',.0f')} "
            f"| {cell(row['time_ratio_after_over_before'], '.3f')} |"
        )
    return "\n".join(lines)


def _environment() -> dict[str, Any]:
    try:
        from benchmarks.machine import describe
    except ImportError:  # the benchmark does not depend on the suite's helpers
        return {}
    machine, packages, library = describe()
    return {"machine": machine, "packages": packages, "library": library}


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark (or, with ``--worker``, one side of it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", type=Path, help="source tree without per-field streams")
    parser.add_argument("--after", type=Path, default=HERE.parent.parent, help="source tree")
    parser.add_argument("--reps", type=int, default=7, help="processes per side (default 7)")
    parser.add_argument("--inner", type=int, default=3, help="timed builds per process")
    parser.add_argument("--size", type=int, default=10_000, help="objects per build_batch")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.size, args.inner)))
        return
    if args.before is None:
        parser.error("--before PATH is required (e.g. a worktree of the commit before)")
    result = run(args.before.resolve(), args.after.resolve(), args.reps, args.size, args.inner)
    result["before"] = _commit(args.before)
    result["after"] = _commit(args.after)
    text = table(result)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "seeds",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.bench_seeds " + " ".join(argv or sys.argv[1:]),
        **_environment(),
        "result": result,
    }
    (RESULTS / "seeds.json").write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS / 'seeds.json'}")


def _commit(tree: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
