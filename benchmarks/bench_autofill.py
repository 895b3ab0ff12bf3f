"""Autofill against declared Faker fields: ``build_batch`` of the same model, same run.

Run ``python -m benchmarks.bench_autofill [--reps 7] [--size 10000]``. Two factories
of one model (ten columns of the kinds an app declares: names, a unique email,
text, a city, numbers, a decimal, a flag, an aware datetime, a UUID): one declares
nothing and is autofilled, the other declares each column with the Faker
provider (fast path) or fuzzy declaration a user would write. They are timed in
interleaved repetitions (the order alternates, so drift hits both); the ratio
autofilled / declared is taken per repetition, and its median reported with
the min-max range. Results also go to ``benchmarks/results/autofill.json``.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, Numeric, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import AsyncFactory, Faker, fuzzy, seed
from benchmarks.timing import cell, environment, summary, without_gc

__all__ = ("main", "run")

RESULTS = Path(__file__).resolve().parent / "results" / "autofill.json"


class Base(DeclarativeBase):
    pass


class Contact(Base):
    __tablename__ = "bench_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    bio: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(String(60))
    age: Mapped[int] = mapped_column(Integer)
    visits: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    active: Mapped[bool] = mapped_column(Boolean)
    joined: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    token: Mapped[uuid.UUID] = mapped_column(Uuid)


class AutofilledContactFactory(AsyncFactory[Contact]):
    """Declares nothing: every column is autofilled."""


class DeclaredContactFactory(AsyncFactory[Contact]):
    """Every column declared as a user would, through the Faker fast path where it exists."""

    name = Faker("name")
    email = Faker("email", unique=True)
    bio = Faker("text", max_nb_chars=200)
    city = Faker("city")
    age = Faker("pyint", min_value=18, max_value=99)
    visits = Faker("pyint")
    balance = fuzzy.FuzzyDecimal(0, 10_000)
    active = Faker("pybool")
    joined = Faker("date_time", tzinfo=UTC)
    token = Faker("uuid4", cast_to=None)


def _seconds(build: Callable[[], object]) -> float:
    with without_gc():  # build_batch pauses the collector itself anyway
        start = time.perf_counter()
        build()
        return time.perf_counter() - start


def run(reps: int, size: int) -> dict[str, Any]:
    """Time both factories ``reps`` times each, interleaved; return objects/s and the ratios."""
    seed(12345)
    sides = {
        "autofilled": lambda: AutofilledContactFactory.build_batch(size),
        "declared": lambda: DeclaredContactFactory.build_batch(size),
    }
    for build in sides.values():  # warm-up: compiled closures, caches
        build()
    times: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for rep in range(reps):
        for name in order if rep % 2 == 0 else reversed(order):
            AutofilledContactFactory.reset_sequence()
            DeclaredContactFactory.reset_sequence()
            times[name].append(_seconds(sides[name]))
    ratios = [a / d for a, d in zip(times["autofilled"], times["declared"], strict=True)]
    return {
        "size": size,
        "reps": reps,
        "autofilled_objects_per_s": summary([size / t for t in times["autofilled"]]),
        "declared_objects_per_s": summary([size / t for t in times["declared"]]),
        "time_ratio_autofilled_over_declared": summary(ratios),
    }


def table(result: dict[str, Any]) -> str:
    """The result as a markdown table."""
    return "\n".join(
        [
            f"| build_batch({result['size']:,}) of Contact, 10 columns | objects/s |",
            "|---|---:|",
            f"| autofilled (declares nothing) | {cell(result['autofilled_objects_per_s'], ',.0f')} |",
            f"| declared Faker / fuzzy fields | {cell(result['declared_objects_per_s'], ',.0f')} |",
            f"| time ratio autofilled / declared | {cell(result['time_ratio_autofilled_over_declared'], '.2f')} |",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the table and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=7, help="interleaved repetitions (default 7)")
    parser.add_argument("--size", type=int, default=10_000, help="objects per build_batch")
    args = parser.parse_args(argv)
    result = run(args.reps, args.size)
    print(table(result))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "autofill",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **environment(),
        "result": result,
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
