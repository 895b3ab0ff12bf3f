"""The README example and the sample domain, with autofill on."""

from __future__ import annotations

import textwrap

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories._build.autofill import Autofill, AutoParent
from asyncfactories.examples import agents
from asyncfactories.examples.agents import EpisodeFactory
from asyncfactories.examples.agents.models import AgentMaturity, AgentStatus
from tests.test_readme import snippet


@pytest.mark.asyncio
async def test_the_readme_factory_creates_although_nobody_declared_its_not_null_columns(
    session: AsyncSession,
) -> None:
    """ReviewerFactory declares 3 of AgentRegistry's 9 required columns; create() fills the rest."""
    example = snippet("example")
    imports = example[: example.index("agent = await")]
    own = example[example.index("class ReviewerFactory") :]  # not the 2,000 segments before it
    body = textwrap.indent(imports + own, "    ")
    namespace: dict[str, object] = {}
    exec(f"async def example(session):\n{body}\n    return locals()", namespace)
    result = await namespace["example"](session)  # type: ignore[operator]
    reviewer = result["reviewer"]
    assert reviewer.id is not None
    assert reviewer.description
    assert reviewer.category
    assert reviewer.module_path
    assert reviewer.maturity in AgentMaturity
    assert reviewer.status in AgentStatus
    assert isinstance(reviewer.configuration, dict)
    assert len(reviewer.category) <= 64


def test_the_sample_domain_declares_every_column_so_autofill_adds_nothing() -> None:
    """No column of the sample domain is autofilled, and no parent check runs per row.

    Each required key's parent comes from a declared SubFactory of that table.
    """
    factories = [getattr(agents, name) for name in agents.__all__ if name.endswith("Factory")]
    for factory in factories:
        options = factory._options
        assert not [k for k, v in options.fields.items() if isinstance(v, Autofill)], factory
        assert not [p for p in options.post.values() if isinstance(p, AutoParent)], factory
    episode = EpisodeFactory.build()
    assert episode.agent is not None
    assert episode.maturity_at_time == episode.agent.maturity
