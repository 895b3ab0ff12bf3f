"""``python -m benchmarks``: run the scenarios on the backends, interleaved, and write the results.

Per backend: one untimed warm-up round at a small N (imports, Faker's and
SQLAlchemy's first-call caches, asyncpg's prepared statements all happen
there, not in repetition 1), then the repetitions, each running every case
of every scenario once, so that drift on this shared machine hits all cases
alike. Cases that touch no database (other than the floor, whose rows feed
the limit cases) run only on the first backend of the invocation.

A failing case (an exception, or a wrong row count after timing) is reported
and recorded in the JSON, and the run goes on without it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import sys
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import factory.random

import asyncfactories
from benchmarks import cases, datagen, mirror, peer_cases, peers, pg, report
from benchmarks.backends import BACKEND_TITLES, Backend
from benchmarks.machine import describe
from benchmarks.scenarios import SCENARIOS, Case, Context, Scenario
from benchmarks.stats import summarize

__all__ = ("main", "run")

RESULTS = Path(__file__).resolve().parent / "results"
CASES: dict[str, Case] = {c.id: c for c in (*cases.CASES, *peer_cases.CASES)}
WARMUP_N = 30


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="small N and 3 reps (about 2 minutes)")
    parser.add_argument("--backends", default="sqlite-mem,sqlite-file,pg", help="comma-separated")
    parser.add_argument("--scenarios", default="a,b,c", help="comma-separated scenario keys")
    parser.add_argument(
        "--reps",
        type=int,
        default=3,
        help="repetitions (default 3; the reference used 5, which takes 5/3 as long)",
    )
    parser.add_argument("--diag", action="store_true", help="add the diagnostic variants")
    parser.add_argument("--seed", type=int, default=1234, help="seed of every random source")
    parser.add_argument(
        "--allow-drift", action="store_true", help="run even if the mirror of factories.py drifted"
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up round")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    args = parser.parse_args(argv)
    args.backends = [b for b in args.backends.split(",") if b]
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    for key in args.backends:
        if key not in BACKEND_TITLES:
            parser.error(f"unknown backend {key!r}; pick from {', '.join(BACKEND_TITLES)}")
    for key in args.scenarios:
        if key not in SCENARIOS:
            parser.error(f"unknown scenario {key!r}; pick from {', '.join(SCENARIOS)}")
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    return args


def _cases_for(scenario: Scenario, backend: Backend, *, first: bool, diag: bool) -> list[Case]:
    chosen = []
    for case_id in scenario.cases:
        case = CASES[case_id]
        if case.pg_only and not backend.is_pg:
            continue
        if case.diagnostic and not diag:
            continue
        # Generation without a database does not depend on the backend: measure it once.
        if not case.needs_db and case.id != "floor" and not first:
            continue
        chosen.append(case)
    return chosen


async def _run_case(case: Case, ctx: Context, errors: list[dict[str, Any]]) -> Any:
    gc.collect()  # garbage of the previous case is not this case's cost
    try:
        return await case.run(ctx)
    except Exception as exc:
        where = f"{ctx.backend.key} {ctx.scenario.key} {case.id} rep {ctx.rep}"
        print(f"  !! {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
        errors.append({"where": where, "error": "".join(traceback.format_exception(exc))[-4000:]})
        return None


async def _run_backend(
    backend: Backend, scenarios: list[Scenario], args: argparse.Namespace, *, first: bool
) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    plan = [
        (s, _cases_for(s, backend, first=first, diag=args.diag))
        for s in scenarios
        if s.backends is None or backend.key in s.backends
    ]
    if not args.no_warmup:
        print(f"[{backend.key}] warm-up", file=sys.stderr)
        for scenario, chosen in plan:
            ctx = Context(scenario, min(WARMUP_N, scenario.n), backend, rep=-1)
            for case in chosen:
                timed = await _run_case(case, ctx, errors)
                if case.id == "floor" and timed is not None:
                    ctx.data = timed.output
    # Long-lived objects (modules, caches filled by the warm-up) leave the collector's
    # view: a full collection then costs milliseconds, not ~0.1 s, before each case.
    gc.collect()
    gc.freeze()
    raw: dict[str, dict[str, list[float | None]]] = {
        s.key: {c.id: [] for c in cs} for s, cs in plan
    }
    rows_per_item: dict[str, float] = {}
    for rep in range(args.reps):
        for scenario, chosen in plan:
            n = scenario.quick_n if args.quick else scenario.n
            ctx = Context(scenario, n, backend, rep=rep)
            line = []
            for case in chosen:
                timed = await _run_case(case, ctx, errors)
                if timed is None:
                    raw[scenario.key][case.id].append(None)  # keeps repetitions aligned
                    continue
                if case.id == "floor":
                    ctx.data = timed.output
                    rows_per_item[scenario.key] = ctx.data.rows / n
                raw[scenario.key][case.id].append(timed.seconds)
                line.append(f"{case.id} {timed.seconds:.3f}")
            print(f"[{backend.key} rep {rep + 1}/{args.reps}] {scenario.key}: {', '.join(line)}")
    return {
        "title": backend.title,
        "scenarios": {
            s.key: {
                "n": s.quick_n if args.quick else s.n,
                "rows_per_item": rows_per_item.get(s.key),
                "raw": raw[s.key],
                "summary": summarize(raw[s.key], s.quick_n if args.quick else s.n),
            }
            for s, _ in plan
        },
        "errors": errors,
    }


def seed_all(value: int) -> None:
    """Seed every random source the tools draw from, so two runs make the same data."""
    random.seed(value)
    factory.random.reseed_random(value)  # factory_boy's random and its Faker
    peers.fake.seed_instance(value)
    datagen.seed(value)
    asyncfactories.seed(value)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run everything ``args`` asks for; return the result document (not yet written)."""
    started = time.perf_counter()
    seed_all(args.seed)
    scenarios = [SCENARIOS[k] for k in args.scenarios]
    result: dict[str, Any] = {
        "format": 1,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "quick": args.quick,
        "reps": args.reps,
        "diag": args.diag,
        "seed": args.seed,
        "scenarios": {
            s.key: {
                "title": s.title,
                "unit": s.unit,
                "shape": s.shape,
                "n": s.quick_n if args.quick else s.n,
            }
            for s in scenarios
        },
        "cases": {c.id: {"label": c.label, "kind": c.kind} for c in CASES.values()},
        "backends": {},
    }
    server = None
    for index, key in enumerate(args.backends):
        with ExitStack() as stack:
            url = stack.enter_context(pg.postgres_url()) if key == "pg" else None
            if url is not None:
                server = await pg.server_version(url)
            backend = Backend(key, pg_url=url)
            stack.callback(backend.close)
            result["backends"][key] = await _run_backend(backend, scenarios, args, first=index == 0)
    result["machine"], result["packages"], result["library"] = describe(postgres=server)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _write(result: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"run-{stamp}-{'+'.join(result['backends'])}{'-quick' if result['quick'] else ''}.json"
    path = out / name
    tmp = path.with_suffix(".tmp")  # a crash mid-write must not leave a truncated result
    tmp.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks``."""
    args = _parse(argv)
    # The floor and the peers are only fair if they still make what factories.py makes.
    drift = mirror.drift()
    if drift:
        print("the benchmarks' mirror of factories.py drifted (update datagen.py / peers.py):")
        print("\n".join(f"  {line}" for line in drift))
        if not args.allow_drift:
            return 2
    result = asyncio.run(run(args))
    result["mirror_drift"] = drift
    path = _write(result, args.out)
    markdown = report.write_latest([path], args.out)
    print(markdown)
    print(f"results: {path}  (wall time {result['wall_seconds']:.0f} s)")
    errors = sum(len(b["errors"]) for b in result["backends"].values())
    if errors:
        print(f"{errors} case(s) failed; see 'errors' in the JSON", file=sys.stderr)
    return 1 if errors else 0
