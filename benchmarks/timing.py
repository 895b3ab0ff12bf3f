"""What the micro-benchmarks share: timing without the collector, summaries, the environment.

``bench_faker``, ``bench_autofill`` (and any benchmark timing one call in a
loop) use these, so every figure is taken and summarised the same way.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ("cell", "environment", "summary", "without_gc")


@contextmanager
def without_gc() -> Iterator[None]:
    """No garbage collection inside the timed code, as timeit does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def summary(values: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and every run of a series of repetitions."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": list(values),
    }


def cell(s: dict[str, Any], fmt: str) -> str:
    """A summary as a table cell: the median, then min-max in parentheses."""
    return f"{s['median']:{fmt}} ({s['min']:{fmt}}-{s['max']:{fmt}})"


def environment() -> dict[str, Any]:
    """The machine, the package versions and the library's revision, for a results file."""
    from benchmarks.machine import describe

    machine, packages, library = describe()
    return {"machine": machine, "packages": packages, "library": library}
