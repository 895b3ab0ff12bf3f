"""The migration guide's example runs as written, given an AsyncSession."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.compat.models import Author, Book, Review

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-factory-boy.md"


def snippet(name: str) -> str:
    """The code block that follows ``<!-- guide-test: name -->``."""
    found = re.search(rf"<!-- guide-test: {name} -->\n```\w+\n(.*?)```", GUIDE.read_text(), re.S)
    assert found is not None, f"the guide has no block marked {name}"
    return found.group(1)


@pytest.mark.asyncio
async def test_the_after_example_runs(session: AsyncSession) -> None:
    """The migrated factories create a book, then ten more with one named author each."""
    body = textwrap.indent(snippet("after"), "    ")
    namespace: dict[str, object] = {"Author": Author, "Book": Book, "Review": Review}
    exec(f"async def example(session):\n{body}\n    return locals()", namespace)
    result = await namespace["example"](session)  # type: ignore[operator]
    assert result["book"].title == "Dune"
    assert len(result["books"]) == 10
    assert {b.author.name for b in result["books"]} == {"Frank Herbert"}
    assert await session.scalar(select(func.count()).select_from(Review)) == 22


def test_the_rename_table_names_exist() -> None:
    """Every asyncfactories name in the rename table is importable."""
    import asyncfactories
    import asyncfactories.pytest_plugin as plugin

    table = GUIDE.read_text().split("## The rename table", 1)[1].split("## What differs", 1)[0]
    for name in re.findall(r"`factory\.([A-Za-z_]+)", table):
        if name in {"alchemy", "django", "mogo", "mongoengine"}:
            continue
        assert hasattr(asyncfactories, name), name
    assert hasattr(plugin, "register")
    assert hasattr(plugin, "LazyFixture")
