"""Faker's own calls against the compiled fast path, provider by provider.

Run ``python -m benchmarks.bench_faker [--reps 5] [--calls 5000]``. For every
case the two sides are timed in interleaved repetitions (their order alternates
from one repetition to the next, so drift on a noisy machine hits both), each
repetition giving a per-call time for each side and their ratio. The table shows
medians with the min-max range; the speed-up is the median of the per-repetition
ratios. Results also go to ``benchmarks/results/faker_fastpath.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any

from asyncfactories._fastfaker.compile import compile_fast
from asyncfactories._state import faker_for, seed
from benchmarks.timing import cell, environment, summary, without_gc

__all__ = ("CASES", "main", "run")

RESULTS = Path(__file__).resolve().parent / "results" / "faker_fastpath.json"

Case = tuple[str, str, dict[str, Any]]
CASES: tuple[Case, ...] = (
    ("first_name", "en_US", {}),
    ("last_name", "en_US", {}),
    ("name", "en_US", {}),
    ("first_name_female", "en_US", {}),
    ("last_name_male", "en_US", {}),
    ("email", "en_US", {}),
    ("safe_email", "en_US", {}),
    ("free_email", "en_US", {}),
    ("company_email", "en_US", {}),
    ("user_name", "en_US", {}),
    ("company", "en_US", {}),
    ("job", "en_US", {}),
    ("city", "en_US", {}),
    ("country", "en_US", {}),
    ("street_address", "en_US", {}),
    ("address", "en_US", {}),
    ("word", "en_US", {}),
    ("words", "en_US", {"nb": 3}),
    ("sentence", "en_US", {}),
    ("paragraph", "en_US", {}),
    ("text", "en_US", {"max_nb_chars": 200}),
    ("uuid4", "en_US", {}),
    ("date_time", "en_US", {}),
    ("date_time", "en_US", {"tzinfo": UTC}),
    ("date_time_this_year", "en_US", {}),
    ("date_time_this_month", "en_US", {"tzinfo": UTC}),
    ("date_time_this_decade", "en_US", {}),
    ("date_time_between", "en_US", {"start_date": "-1y", "tzinfo": UTC}),
    ("date_this_year", "en_US", {}),
    ("pyint", "en_US", {}),
    ("pyint", "en_US", {"min_value": 1, "max_value": 100, "step": 3}),
    ("pyfloat", "en_US", {"min_value": 0, "max_value": 100, "right_digits": 2}),
    ("pyfloat", "en_US", {}),
    ("pybool", "en_US", {}),
    ("random_element", "en_US", {"elements": ("a", "b", "c", "d")}),
    ("random_elements", "en_US", {"elements": ("a", "b", "c", "d"), "length": 2}),
    ("first_name", "de_DE", {}),
    ("last_name", "de_DE", {}),
    ("name", "de_DE", {}),
    ("email", "de_DE", {}),
    ("user_name", "de_DE", {}),
    ("company", "de_DE", {}),
    ("job", "de_DE", {}),
    ("street_address", "de_DE", {}),
    ("sentence", "de_DE", {}),
    ("text", "de_DE", {"max_nb_chars": 200}),
)


def _label(provider: str, locale: str, kwargs: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return f"{provider}({args}) [{locale}]".replace("datetime.timezone.utc", "UTC")


def _per_call_us(draw: Callable[[], object], calls: int) -> float:
    with without_gc():
        start = time.perf_counter_ns()
        for _ in repeat(None, calls):
            draw()
        elapsed = time.perf_counter_ns() - start
    return elapsed / calls / 1000


def run(reps: int, calls: int, cases: Sequence[Case] = CASES) -> list[dict[str, Any]]:
    """Time every case; return one result record per case."""
    seed(12345)
    prepared = []
    for provider, locale, kwargs in cases:
        fast = compile_fast(provider, locale, kwargs)
        if fast is None:
            raise SystemExit(f"no fast path for {_label(provider, locale, kwargs)}")
        method = getattr(faker_for(locale), provider)
        slow: Callable[[], object] = partial(method, **kwargs) if kwargs else method
        slow(), fast()  # first calls outside the timing
        prepared.append((provider, locale, kwargs, slow, fast))
    timings: list[tuple[list[float], list[float]]] = [([], []) for _ in prepared]
    for rep in range(reps):
        for (*_, slow, fast), (slow_us, fast_us) in zip(prepared, timings, strict=True):
            if rep % 2:
                fast_us.append(_per_call_us(fast, calls))
                slow_us.append(_per_call_us(slow, calls))
            else:
                slow_us.append(_per_call_us(slow, calls))
                fast_us.append(_per_call_us(fast, calls))
    results = []
    for (provider, locale, kwargs, *_), (slow_us, fast_us) in zip(prepared, timings, strict=True):
        ratios = [s / f for s, f in zip(slow_us, fast_us, strict=True)]
        results.append(
            {
                "provider": provider,
                "locale": locale,
                "kwargs": {k: repr(v) for k, v in kwargs.items()},
                "label": _label(provider, locale, kwargs),
                "faker_us": summary(slow_us),
                "fast_us": summary(fast_us),
                "speedup": summary(ratios),
            }
        )
    return results


def table(results: Sequence[dict[str, Any]]) -> str:
    """Render results as a markdown table (medians, min-max in parentheses)."""
    lines = [
        "| provider | Faker µs/call | fast µs/call | speed-up |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| `{r['label']}` | {cell(r['faker_us'], '.2f')} | {cell(r['fast_us'], '.3f')} "
            f"| x{cell(r['speedup'], '.1f')} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the markdown table and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=5, help="interleaved repetitions (default 5)")
    parser.add_argument("--calls", type=int, default=5000, help="calls per timing (default 5000)")
    parser.add_argument("--only", default="", help="run only providers containing this text")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.only in c[0]]
    results = run(args.reps, args.calls, cases)
    print(table(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "faker_fastpath",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "reps": args.reps,
        "calls": args.calls,
        **environment(),
        "results": results,
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
