"""What is measured: the scenario registry, and the types every case function shares.

A scenario is a workload (what to create, how many, in which shape) plus the
ids of the cases that run it, in the order they run inside one repetition.
The floor comes first: its output (plain row dicts) is the input of the
limit cases of the same repetition. Case functions live in ``cases.py`` (the
references and asyncfactories) and ``peer_cases.py`` (the other tools); they
read the scenario's ``shape`` to know what to do.

Adding a workload is adding a :class:`Scenario` to :data:`SCENARIOS` (a new
``Shape`` if the floor and the limit cases must make something else) and, if
its cases are new, their functions to a case module; ``Scenario.backends``
restricts it (``("pg",)`` for a COPY-sized load). ``d``
(``AgentFactory.load()`` at a million rows, peak memory) and ``e`` (the
pytest plugin's per-test cost) need a fresh process per measurement, so they
run as ``python -m benchmarks.bench_load`` and ``python -m benchmarks.bench_plugin``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from benchmarks.backends import Backend
from benchmarks.datagen import Dataset

__all__ = ("SCENARIOS", "Case", "CaseFn", "Context", "Scenario", "Shape", "Timed")

Shape = Literal["one", "batch", "chain"]
"""``one``: N agents, one create call each; ``batch``: N agents in one batch call;
``chain``: N segments, each with a new Episode, whose SubFactories make an
AgentRegistry and a User (EpisodeFactory's ``user``): 4 rows per chain."""


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    unit: str  # what one item is, for "<unit>/s": rows, chains
    n: int
    quick_n: int
    shape: Shape
    cases: tuple[str, ...]
    backends: tuple[str, ...] | None = None  # None: every backend


@dataclass
class Context:
    """What a case function gets: the workload, its size, the database, the floor's rows."""

    scenario: Scenario
    n: int
    backend: Backend
    data: Dataset | None = None
    rep: int = 0


@dataclass(frozen=True)
class Timed:
    """A case's timed seconds, and what it produced (the floor returns its Dataset)."""

    seconds: float
    output: Any = None


CaseFn = Callable[[Context], Awaitable[Timed]]


@dataclass(frozen=True)
class Case:
    """One tool or reference, as a timed function with a label for the tables.

    ``kind`` places it in the report: ``floor``, ``gen`` (no database), ``limit``
    (A or B), ``ref`` (a reference, not a tool), ``naive``, ``ours``, ``peer``,
    ``diag`` (diagnostic variant) or ``rtt`` (one round trip, µs).
    """

    id: str
    label: str
    kind: str
    run: CaseFn
    pg_only: bool = False
    needs_db: bool = True
    diagnostic: bool = False  # off unless --diag: costly and not needed for the ratios


_GEN = ("floor", "floor_fast", "orm_construct", "fb_build", "pf_build", "af_build")
_DB = (
    "core_async",
    "copy_asyncpg",
    "core_sync",
    "orm_async",
    "fb_none",
    "fb_flush",
    "fb_commit",
    "pf_async",
    "pf_norefresh",
    "afb_async",
    "af_create",
)

SCENARIOS: dict[str, Scenario] = {
    s.key: s
    for s in (
        Scenario(
            key="a",
            title="AgentRegistry one by one",
            unit="rows",
            n=1000,
            quick_n=100,
            shape="one",
            # COPY has no one-row form worth measuring; the round trips explain (a).
            cases=("floor", *(c for c in _DB if c != "copy_asyncpg"), "rtt_async", "rtt_sync"),
        ),
        Scenario(
            key="b",
            title="AgentRegistry batch",
            unit="rows",
            n=10_000,
            quick_n=500,
            shape="batch",
            cases=(*_GEN, *_DB),
        ),
        Scenario(
            key="c",
            title="EpisodeSegment→Episode→(AgentRegistry, User) chains",
            unit="chains",
            n=2000,
            quick_n=150,
            shape="chain",
            cases=(*_GEN, *_DB),
        ),
    )
}
