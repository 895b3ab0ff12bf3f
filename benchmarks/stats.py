"""Medians, ranges and per-repetition ratios, computed the same way for the run and the report.

The machine is shared and noisy, so absolute rates drift between runs; a
ratio is taken inside one repetition (tool time ÷ reference time, both
measured minutes apart at most), and only then is the median over
repetitions taken. ``summarize`` turns one scenario's raw times into the
numbers the tables print; ``python -m benchmarks.report`` calls it again on
the raw times stored in the JSON, so the tables never depend on a stale summary.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ("FB_MODES", "PEERS", "REFERENCES", "spread", "summarize")

# Reference cases of the ratio columns: xfloor, xA (Core executemany), xB (COPY).
REFERENCES = {"x_floor": "floor", "x_A": "core_async", "x_B": "copy_asyncpg"}
# factory_boy is compared in its fastest persistence mode of the run (by median).
FB_MODES = ("fb_none", "fb_flush", "fb_commit")
# For each asyncfactories case, the peers it is compared with ("fb" = fastest FB_MODES).
PEERS: dict[str, dict[str, tuple[str, ...]]] = {
    "af_create": {"fb": FB_MODES, "pf": ("pf_async",), "afb": ("afb_async",)},
    "af_build": {"fb": ("fb_build",), "pf": ("pf_build",)},
}


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of ``values``."""
    return {"med": statistics.median(values), "min": min(values), "max": max(values)}


def _ratios(numerator: Sequence[float | None], denominator: Sequence[float | None]) -> list[float]:
    # zip pairs repetition i with repetition i: the point of interleaving them.
    # A failed repetition is None on its side and drops out of the pair.
    return [a / b for a, b in zip(numerator, denominator, strict=False) if a and b]


def summarize(raw: Mapping[str, Sequence[float | None]], n: int) -> dict[str, dict[str, Any]]:
    """Per case: rate (items/s), µs per item, xfloor / xA / xB, and peer speed-ups.

    ``raw`` maps case ids to their seconds, one per repetition (None where that
    repetition failed). A speed-up is peer time ÷ asyncfactories time: how many
    times faster asyncfactories is.
    """
    summary: dict[str, dict[str, Any]] = {}
    for case, timed in raw.items():
        seconds = [s for s in timed if s]
        if not seconds:
            continue
        entry: dict[str, Any] = {
            "rate": spread([n / s for s in seconds]),
            "us_per_item": statistics.median(seconds) / n * 1e6,
            "seconds": spread(seconds),
        }
        for column, reference in REFERENCES.items():
            ratios = _ratios(timed, raw.get(reference, ()))
            if ratios:
                entry[column] = spread(ratios)
        summary[case] = entry
    for ours, groups in PEERS.items():
        if not any(raw.get(ours, ())):
            continue
        speedups: dict[str, dict[str, Any]] = {}
        for group, candidates in groups.items():
            present = [c for c in candidates if any(raw.get(c, ()))]
            if not present:
                continue
            fastest = min(present, key=lambda c: statistics.median(s for s in raw[c] if s))
            ratios = _ratios(raw[fastest], raw[ours])
            if ratios:
                speedups[group] = {"case": fastest, **spread(ratios)}
        summary[ours]["speedup"] = speedups
    return summary
