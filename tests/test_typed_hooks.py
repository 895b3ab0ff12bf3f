"""Typed hooks at run time: ``@post_generation @staticmethod`` (the form pyright accepts).

A staticmethod under ``@post_generation`` behaves as the plain function would: called
with ``(obj, create, extracted, **kwargs)``, an ``async def`` one awaited.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import FactoryDefinitionError, PostGeneration, post_generation
from asyncfactories.examples.agents import AgentFactory
from asyncfactories.examples.agents.models import AgentRegistry

Seen = list[tuple[str, bool, bool, Any, dict[str, Any]]]


def hooked_factory(seen: Seen) -> type[AgentFactory]:
    class HookedAgentFactory(AgentFactory):
        @post_generation
        @staticmethod
        def tags(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:
            seen.append(("tags", obj.id is not None, create, extracted, kwargs))

        @post_generation
        @staticmethod
        async def audit(obj: AgentRegistry, create: bool, extracted: Any, **kwargs: Any) -> None:
            await asyncio.sleep(0)
            seen.append(("audit", obj.id is not None, create, extracted, kwargs))

    return HookedAgentFactory


@pytest.mark.asyncio
async def test_staticmethod_hooks_run_as_plain_hooks_under_create(session: AsyncSession) -> None:
    """Both hooks get the persisted object, create=True, the extracted value and kwargs."""
    seen: Seen = []
    factory = hooked_factory(seen)
    await factory.create(session=session, tags=["a"], tags__k=1, audit="checked")
    assert sorted(seen) == [
        ("audit", True, True, "checked", {}),
        ("tags", True, True, ["a"], {"k": 1}),
    ]


def test_a_staticmethod_hook_is_unwrapped() -> None:
    """The staticmethod's function is the hook: async detected, named in the repr."""
    factory = hooked_factory([])
    assert isinstance(factory.audit, PostGeneration)
    assert factory.audit.is_async
    assert not factory.tags.is_async
    assert repr(factory.tags) == "post_generation(hooked_factory.<locals>.HookedAgentFactory.tags)"


def test_a_staticmethod_of_the_wrong_shape_is_refused() -> None:
    """The arity check sees through the staticmethod."""
    with pytest.raises(FactoryDefinitionError, match="cannot be called as function"):
        post_generation(staticmethod(lambda obj: None))


def test_the_typing_checks_module_defines_working_factories() -> None:
    """tests/typing_checks.py (read by mypy and pyright) is also valid at run time."""
    from tests import typing_checks

    assert typing_checks.UserAgentFactory.audit.is_async
    assert typing_checks.LoneEpisodeFactory.attributes()["title"] == "fixed"
    assert typing_checks.LoneEpisodeFactory.attributes().get("agent") is None
    # register() at module level defined the field fixtures there too, and returned two.
    assert {"user_agent__name", "lone_episode__title"} <= set(vars(typing_checks))
    assert isinstance(typing_checks.user_agent.__name__, str)
