"""docs/internals.md walks a create_batch and a load step by step; these tests walk them too.

Each numbered step of the page names a function; the test runs the call under a
profiler and asserts the functions are entered in the order the page gives.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories.examples.agents.factories import EpisodeSegmentFactory

PAGE = Path(__file__).parent.parent / "docs" / "internals.md"
PACKAGE = str(Path(__file__).parent.parent / "asyncfactories")

pytestmark = pytest.mark.asyncio


def documented_steps(call: str) -> list[str]:
    """The function named first on each numbered line after ``<!-- steps: call -->``."""
    text = PAGE.read_text()
    block = text.split(f"<!-- steps: {call} -->", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    steps = re.findall(r"^\d+\. `([\w.]+)`", block, flags=re.M)
    assert steps, f"no steps under {call!r}"
    return steps


async def entered_functions(run: Callable[[], Awaitable[Any]]) -> list[str]:
    """The package's functions ``run`` enters, each once, as ``module.qualname`` (stage-relative)."""
    order: list[str] = []
    seen: set[str] = set()

    def profile(frame: FrameType, event: str, _: object) -> None:
        code = frame.f_code
        if event != "call" or not code.co_filename.startswith(PACKAGE):
            return
        module = code.co_filename[len(PACKAGE) + 1 :].removesuffix(".py").replace("/", ".")
        name = f"{module}.{code.co_qualname}"
        if name not in seen:
            seen.add(name)
            order.append(name)

    sys.setprofile(profile)
    try:
        await run()
    finally:
        sys.setprofile(None)
    return order


def assert_in_order(steps: list[str], entered: list[str]) -> None:
    """Every step was entered, and in the documented order."""
    missing = [step for step in steps if step not in entered]
    assert not missing, f"documented but never entered: {missing}"
    positions = [entered.index(step) for step in steps]
    assert positions == sorted(positions), [entered[p] for p in sorted(positions)]


async def test_create_batch_flows_as_internals_md_says(session: AsyncSession) -> None:
    """create_batch enters the page's twelve functions in the page's order."""
    entered = await entered_functions(
        lambda: EpisodeSegmentFactory.create_batch(3, session=session)
    )
    assert_in_order(documented_steps("create_batch"), entered)


async def test_load_flows_as_internals_md_says(engine: AsyncEngine) -> None:
    """load() enters the page's functions in the page's order; on PostgreSQL tables go by COPY."""
    entered = await entered_functions(lambda: EpisodeSegmentFactory.load(10, engine=engine))
    steps = documented_steps("load")
    if engine.dialect.name == "postgresql":
        steps = [s.replace("_write.rows.insert_group", "_write.copy.copy_group") for s in steps]
    assert_in_order(steps, entered)
