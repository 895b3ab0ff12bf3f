"""The README example and the sample domain, with autofill on."""

from __future__ import annotations

import textwrap

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories._autofill import Autofill, AutoParent
from asyncfactories.examples import agents
from asyncfactories.examples.agents import EpisodeFactory
from asyncfactories.examples.agents.models import AgentMaturity, AgentStatus
from tests.test_readme import snippet


@pytest.mark.asyncio
async def test_the_readme_factory_creates_although_nobody_declared_its_not_null_columns(
    session: AsyncSession,
) -> None:
    """ReviewerFactory declares 3 of AgentRegistry's 9 required columns; create() fills the rest."""
    body = textwrap.indent(snippet("example"), "    ")
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


def test_the_sample_domain_declares_every_column_so_autofill_adds_no_value() -> None:
    """Its factories keep their declarations: no column is autofilled, every parent is declared."""
    factories = [getattr(agents, name) for name in agents.__all__ if name.endswith("Factory")]
    for factory in factories:
        options = factory._options
        assert not [k for k, v in options.fields.items() if isinstance(v, Autofill)], factory
        for post in options.post.values():
            if isinstance(post, AutoParent):  # a required key: its relationship is declared
                relationship = post.keys[0].removesuffix("_id")
                assert relationship in options.fields, (factory, post)
    episode = EpisodeFactory.build()
    assert episode.agent is not None
    assert episode.maturity_at_time == episode.agent.maturity
