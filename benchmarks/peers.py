"""The sample domain's agent, user, episode and segment factories, written idiomatically per peer.

Every field mirrors ``asyncfactories/examples/agents/factories.py``: the same
Faker provider with the same arguments, the same fuzzy draw, the same derived
fields (vocabularies and pure helpers come from ``datagen``, which takes them
from the factories module), so the tools differ in their machinery only.
``id`` is left to the model's default and an agent's ``created_at`` to the
database, as the asyncfactories factories do.

* factory_boy: ``SQLAlchemyModelFactory`` with ``factory.Faker``, ``fuzzy.*``,
  ``LazyAttribute`` and ``SubFactory``; one set per ``sqlalchemy_session_persistence``
  (None, the default; ``'flush'``; ``'commit'``), each pointing at its own parents.
  ``factory.Faker`` takes no ``unique=``, so the unique email is
  ``LazyFunction(fake.unique.email)``: Faker's own uniqueness, same provider.
* async-factory-boy: the same declarations on ``AsyncSQLAlchemyFactory``; its
  session goes in ``Meta.sqlalchemy_session`` (``session``, as in its README,
  is rejected as an unknown Meta attribute). It runs each SubFactory as its own
  asyncio Task, so an Episode's agent and user are saved *concurrently* on the
  one AsyncSession, which SQLAlchemy refuses (IllegalStateChangeError). The base
  used here serialises ``_save`` with a lock: the smallest change that lets it
  make the sample domain at all.
* polyfactory: ``SQLAlchemyFactory`` with ``Use(fake.x)`` / ``Use(random.x, ...)``,
  ``PostGenerated`` for derived fields and nested factory classes for parents.
  Child factories set ``__set_foreign_keys__ = False`` (the FK comes from the
  relationship, not a random string); one-to-many collections are ``Ignore()``-d,
  or polyfactory would invent child rows the other tools do not make.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyFactory
from factory import fuzzy
from factory.alchemy import SQLAlchemyModelFactory
from faker import Faker
from polyfactory import Ignore, PostGenerated, Use
from polyfactory.factories.sqlalchemy_factory import SQLAASyncPersistence, SQLAlchemyFactory

from asyncfactories.examples.agents.models import (
    AgentMaturity,
    AgentRegistry,
    AgentStatus,
    Episode,
    EpisodeSegment,
    EpisodeStatus,
    SegmentType,
    User,
    UserRole,
    UserStatus,
)
from benchmarks import datagen as d

__all__ = (
    "FACTORY_BOY",
    "AsyncFactoryBoy",
    "FactorySet",
    "NoRefreshPersistence",
    "Polyfactory",
    "bind",
    "fake",
    "reset_unique",
)

fake = Faker()


@dataclass(frozen=True)
class FactorySet:
    """One tool's factories; ``agent`` and ``segment`` are the scenarios' entry points."""

    agent: Any
    user: Any
    episode: Any
    segment: Any

    def __iter__(self) -> Iterator[Any]:
        return iter((self.agent, self.user, self.episode, self.segment))


def reset_unique() -> None:
    """Forget the emails handed out (per case, as a fresh test database would)."""
    fake.unique.clear()


# -- the derived fields and fuzzy draws, once for every tool ----------------------


def _float(low: float, high: float, precision: int = 15) -> float:
    return float(f"{random.uniform(low, high):.{precision}g}")


def _when() -> datetime:
    return d.WINDOW_START + timedelta(seconds=random.uniform(0, d.WINDOW_SPAN))


def _combination(combinations: Any) -> list[Any]:
    return list(random.choice(combinations))


def _configuration() -> dict[str, Any]:
    return {
        "model": random.choice(d.MODELS),
        "temperature": _float(0.0, 1.0, 2),
        "max_tokens": random.choice(d.MAX_TOKENS),
        "tools": _combination(d.TOOL_SETS),
    }


def _ended(status: EpisodeStatus, started: datetime) -> datetime | None:
    if status not in d.EPISODE_FINISHED:
        return None
    return started + timedelta(seconds=random.randint(60, 4 * 3600))


def _cost() -> Decimal:
    return Decimal(str(random.uniform(25, 250))).quantize(Decimal("0.01"))


# -- factory_boy, and async-factory-boy with the same declarations ----------------
# (one class body per tool: a factory_boy user writes them out, and each tool's
# metaclass collects declarations only from its own factory bases)


def _factory_boy_set(base: type, meta: dict[str, Any], *, async_tool: bool) -> FactorySet:
    """Agent, user, episode and segment factories on ``base``, with ``meta`` in every Meta.

    The Meta classes are built with ``type()`` only because their options differ
    per tool and persistence mode; each reads as ``class Meta: model = ...; **meta``.
    """

    class AgentF(base):  # type: ignore[valid-type, misc]
        Meta = type("Meta", (), {"model": AgentRegistry, **meta})

        name = factory.Faker("company")
        description = factory.Faker("catch_phrase")
        category = fuzzy.FuzzyChoice(d.CATEGORIES)
        class_name = factory.LazyAttribute(lambda o: d.class_name(o.name))
        module_path = factory.LazyAttribute(lambda o: f"agents.{o.category}.{o.class_name.lower()}")
        maturity = fuzzy.FuzzyChoice(AgentMaturity)
        confidence_score = factory.LazyAttribute(lambda o: _float(*d.CONFIDENCE[o.maturity]))
        status = fuzzy.FuzzyChoice(AgentStatus)
        configuration = factory.LazyFunction(_configuration)

    class UserF(base):  # type: ignore[valid-type, misc]
        Meta = type("Meta", (), {"model": User, **meta})

        email = factory.LazyFunction(fake.unique.email)
        password_hash = d.PASSWORD_HASH
        first_name = factory.Faker("first_name")
        last_name = factory.Faker("last_name")
        role = fuzzy.FuzzyChoice(UserRole)
        status = fuzzy.FuzzyChoice(UserStatus)
        specialty = factory.Faker("job")
        skills = factory.LazyFunction(lambda: list(random.choice(d.SKILL_SETS)))
        email_verified = factory.LazyAttribute(lambda o: o.status != UserStatus.PENDING)
        onboarding_step = fuzzy.FuzzyInteger(0, 5)
        onboarding_completed = factory.LazyAttribute(lambda o: o.onboarding_step == 5)
        capacity_hours = fuzzy.FuzzyFloat(10.0, 40.0, precision=3)
        hourly_cost_rate = fuzzy.FuzzyDecimal(25, 250)
        created_at = fuzzy.FuzzyDateTime(d.WINDOW_START, d.WINDOW_END)

    class EpisodeF(base):  # type: ignore[valid-type, misc]
        Meta = type("Meta", (), {"model": Episode, **meta})

        agent = factory.SubFactory(AgentF)
        user = factory.SubFactory(UserF)
        workspace_id = fuzzy.FuzzyChoice(d.WORKSPACES)
        title = factory.Faker("sentence")
        summary = factory.Faker("paragraph")
        if async_tool:
            # async-factory-boy hands the SubFactory over as an asyncio.Task, so
            # SelfAttribute("agent.maturity") cannot read it: draw one instead.
            maturity_at_time = fuzzy.FuzzyChoice(AgentMaturity)
        else:
            maturity_at_time = factory.SelfAttribute("agent.maturity")
        status = fuzzy.FuzzyChoice(EpisodeStatus)
        started_at = fuzzy.FuzzyDateTime(d.WINDOW_START, d.WINDOW_END)
        ended_at = factory.LazyAttribute(lambda o: _ended(o.status, o.started_at))
        human_intervention_count = fuzzy.FuzzyInteger(0, 5)
        constitutional_score = fuzzy.FuzzyFloat(0.0, 1.0)
        confidence_score = fuzzy.FuzzyFloat(0.0, 1.0)
        canvas_ids = factory.LazyFunction(list)
        feedback_ids = factory.LazyFunction(list)
        topics = factory.LazyFunction(lambda: list(random.choice(d.TOPIC_SETS)))
        entities = factory.LazyFunction(list)

    class EpisodeSegmentF(base):  # type: ignore[valid-type, misc]
        Meta = type("Meta", (), {"model": EpisodeSegment, **meta})

        episode = factory.SubFactory(EpisodeF)
        segment_type = fuzzy.FuzzyChoice(SegmentType)
        sequence_order = 0
        content = factory.Faker("paragraph")
        content_summary = factory.Faker("sentence")
        source_type = factory.LazyAttribute(lambda o: d.SOURCE_TYPES.get(o.segment_type, "chat"))
        source_id = None

    return FactorySet(AgentF, UserF, EpisodeF, EpisodeSegmentF)


FACTORY_BOY = {
    mode: _factory_boy_set(
        SQLAlchemyModelFactory, {"sqlalchemy_session_persistence": mode}, async_tool=False
    )
    for mode in (None, "flush", "commit")
}
_save_lock = asyncio.Lock()  # binds to the running loop on first use (Python >= 3.10)


class LockedAsyncSQLAlchemyFactory(AsyncSQLAlchemyFactory):
    """async-factory-boy's base, its add + commit serialised (see the module docstring)."""

    class Meta:
        abstract = True

    @classmethod
    async def _save(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        async with _save_lock:
            return await super()._save(model_class, *args, **kwargs)


AsyncFactoryBoy = _factory_boy_set(
    LockedAsyncSQLAlchemyFactory, {"sqlalchemy_session": None}, async_tool=True
)


# -- polyfactory ---------------------------------------------------------------------


class AgentPF(SQLAlchemyFactory[AgentRegistry]):
    __set_primary_key__ = False
    __check_model__ = False

    name = Use(fake.company)
    description = Use(fake.catch_phrase)
    category = Use(random.choice, d.CATEGORIES)
    # PostGenerated runs in column order, and module_path precedes class_name.
    module_path = PostGenerated(
        lambda _, v: f"agents.{v['category']}.{d.class_name(v['name']).lower()}"
    )
    class_name = PostGenerated(lambda _, v: d.class_name(v["name"]))
    maturity = Use(random.choice, list(AgentMaturity))
    confidence_score = PostGenerated(lambda _, v: _float(*d.CONFIDENCE[v["maturity"]]))
    status = Use(random.choice, list(AgentStatus))
    configuration = Use(_configuration)
    created_at = Ignore()
    updated_at = None
    episodes = Ignore()
    executions = Ignore()
    canvas_audits = Ignore()


class UserPF(SQLAlchemyFactory[User]):
    __set_primary_key__ = False
    __check_model__ = False

    email = Use(fake.unique.email)
    password_hash = d.PASSWORD_HASH
    first_name = Use(fake.first_name)
    last_name = Use(fake.last_name)
    role = Use(random.choice, list(UserRole))
    status = Use(random.choice, list(UserStatus))
    specialty = Use(fake.job)
    skills = Use(_combination, d.SKILL_SETS)
    email_verified = PostGenerated(lambda _, v: v["status"] != UserStatus.PENDING)
    onboarding_step = Use(random.randint, 0, 5)
    onboarding_completed = PostGenerated(lambda _, v: v["onboarding_step"] == 5)
    capacity_hours = Use(_float, 10.0, 40.0, 3)
    hourly_cost_rate = Use(_cost)
    created_at = Use(_when)
    canvas_audits = Ignore()


class EpisodePF(SQLAlchemyFactory[Episode]):
    __set_primary_key__ = False
    __set_foreign_keys__ = False
    __check_model__ = False

    agent = AgentPF
    user = UserPF
    segments = Ignore()
    workspace_id = Use(random.choice, d.WORKSPACES)
    title = Use(fake.sentence)
    summary = Use(fake.paragraph)
    maturity_at_time = PostGenerated(lambda _, v: v["agent"].maturity)
    status = Use(random.choice, list(EpisodeStatus))
    started_at = Use(_when)
    ended_at = PostGenerated(lambda _, v: _ended(v["status"], v["started_at"]))
    human_intervention_count = Use(random.randint, 0, 5)
    constitutional_score = Use(_float, 0.0, 1.0)
    confidence_score = Use(_float, 0.0, 1.0)
    canvas_ids = Use(list)
    feedback_ids = Use(list)
    topics = Use(_combination, d.TOPIC_SETS)
    entities = Use(list)


class EpisodeSegmentPF(SQLAlchemyFactory[EpisodeSegment]):
    __set_primary_key__ = False
    __set_foreign_keys__ = False
    __check_model__ = False

    episode = EpisodePF
    segment_type = Use(random.choice, list(SegmentType))
    sequence_order = 0
    content = Use(fake.paragraph)
    content_summary = Use(fake.sentence)
    source_type = PostGenerated(lambda _, v: d.SOURCE_TYPES.get(v["segment_type"], "chat"))
    source_id = None


Polyfactory = FactorySet(AgentPF, UserPF, EpisodePF, EpisodeSegmentPF)


class NoRefreshPersistence(SQLAASyncPersistence[Any]):
    """Diagnostic: polyfactory's stock async persistence minus its per-object ``refresh()``."""

    async def save(self, data: Any) -> Any:
        self.session.add(data)
        await self._flush_or_commit(self.session)
        return data

    async def save_many(self, data: list[Any]) -> list[Any]:
        self.session.add_all(data)
        await self._flush_or_commit(self.session)
        return data


# -- sessions, bound per case the way each tool's docs show for tests ---------------


def bind(factories: FactorySet, session: Any, *, refresh: bool = True) -> None:
    """Point every factory of ``factories`` at ``session``.

    factory_boy and async-factory-boy: ``_meta.sqlalchemy_session``. polyfactory:
    ``__async_session__`` (stock), or with ``refresh=False`` the diagnostic
    ``__async_persistence__`` hook (SQLAlchemyFactory prefers ``__async_session__``
    over the hook, so that one is cleared).
    """
    for item in factories:
        if factories is not Polyfactory:
            item._meta.sqlalchemy_session = session
        elif refresh:
            item.__async_session__ = session
            item.__async_persistence__ = None
        else:
            item.__async_session__ = None
            item.__async_persistence__ = NoRefreshPersistence(session)
