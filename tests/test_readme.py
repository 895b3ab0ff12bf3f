"""The README's snippets run: the example, and the pytest file with its ini."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

README = Path(__file__).resolve().parent.parent / "README.md"


def snippet(name: str) -> str:
    """The code block that follows ``<!-- readme-test: name -->``."""
    found = re.search(rf"<!-- readme-test: {name} -->\n```\w+\n(.*?)```", README.read_text(), re.S)
    assert found is not None, f"README has no block marked {name}"
    return found.group(1)


@pytest.mark.asyncio
async def test_readme_example_runs(session: AsyncSession) -> None:
    """The 10-line example works as written, given a session."""
    body = textwrap.indent(snippet("example"), "    ")
    namespace: dict[str, object] = {}
    exec(f"async def example(session):\n{body}\n    return locals()", namespace)
    result = await namespace["example"](session)  # type: ignore[operator]
    assert len(result["segments"]) == 2_000
    reviewer = await result["ReviewerFactory"].create(session=session)
    assert reviewer.id is not None  # the columns it does not declare are autofilled
    assert 0.9 <= reviewer.confidence_score <= 1.0
    assert reviewer.class_name.endswith("Agent")


def test_readme_pytest_file_passes(pytester: pytest.Pytester) -> None:
    """The README's test file passes with the README's pytest.ini."""
    pytester.makefile(".ini", pytest=snippet("pytest-ini").replace("# pytest.ini\n", ""))
    pytester.makepyfile(test_readme_example=snippet("pytest-file"))
    # As a project that turns warnings into errors runs it: the ini draws no deprecation.
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-W", "error::pytest.PytestDeprecationWarning"
    )
    result.assert_outcomes(passed=1)


def test_readme_commands_are_the_ones_ci_runs() -> None:
    """The test command the README shows is the one .ci/run runs."""
    ci = (README.parent / ".ci" / "run").read_text()
    assert "python3 -m pytest" in README.read_text()
    assert "\npython3 -m pytest\n" in ci
    assert "asyncfactories demo" in README.read_text()
