"""The generation floor: the factories' Faker and random calls, in a plain loop, into dicts.

Each ``*_row`` function mirrors one factory of
``asyncfactories/examples/agents/factories.py`` field by field: the same
Faker providers with the same arguments, the same kind of random draw per
fuzzy declaration (FuzzyChoice: one ``random()``, FuzzyInteger: ``randrange``,
FuzzyFloat: ``uniform`` shaped to its precision, ...), the same derived
fields, and nothing else: no declaration objects, no ORM. What a factory costs
beyond this is its machinery. Fields a factory leaves to the model get the
model's own default (``id``: ``uuid.uuid4()``), or are left out (NULLs, the
server-side ``created_at``). The vocabularies are imported from the factories
module, so the two cannot drift apart in what they draw from.

The rows of one repetition are the input of the limit cases (Core
executemany, COPY, the ORM flush), so those time the database only.

``fast=True`` draws the Faker values through asyncfactories' compiled fast
path (the public ``asyncfactories.Faker(...).draw()``) instead of Faker: a
diagnostic that splits asyncfactories' own speed from its faster providers.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from faker import Faker as FakerGenerator

import asyncfactories
from asyncfactories.examples.agents import factories as mirrored
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

__all__ = ("Dataset", "generate", "seed", "to_objects")

Row = dict[str, Any]

# What the factories draw from (their private vocabularies: one source of truth).
CATEGORIES: Sequence[str] = mirrored._CATEGORIES
WORKSPACES: Sequence[str] = mirrored._WORKSPACES
MODELS: Sequence[str] = mirrored._MODELS
SOURCE_TYPES: dict[SegmentType, str] = mirrored._SOURCE_TYPES
PASSWORD_HASH: str = mirrored._password_hash(mirrored.DEFAULT_PASSWORD)  # one constant
MAX_TOKENS = (256, 512, 1024, 2048, 4096)
CONFIDENCE = {m: (f.low, f.high) for m, f in mirrored.CONFIDENCE.items()}
WINDOW_START: datetime = mirrored.WINDOW_START
WINDOW_END: datetime = mirrored.WINDOW_END
WINDOW_SPAN = (mirrored.WINDOW_END - mirrored.WINDOW_START).total_seconds()
EPISODE_FINISHED = mirrored.EPISODE_FINISHED
class_name = mirrored._class_name  # a pure function of the company name


def _combinations(words: Sequence[str], most: int = 3) -> list[tuple[str, ...]]:
    # As the factories do: every 1..3-word combination precomputed, one pick per draw.
    return [c for k in range(1, most + 1) for c in itertools.combinations(words, k)]


TOOL_SETS = _combinations(mirrored._TOOLS)
SKILL_SETS = _combinations(mirrored._SKILLS)
TOPIC_SETS = _combinations(mirrored._TOPICS)

_MATURITIES = list(AgentMaturity)
_AGENT_STATUSES = list(AgentStatus)
_EPISODE_STATUSES = list(EpisodeStatus)
_SEGMENT_TYPES = list(SegmentType)
_ROLES = list(UserRole)
_USER_STATUSES = list(UserStatus)
_CENT = Decimal("0.01")


@dataclass
class Dataset:
    """Rows per model, parents first; ``n`` items (agents, or chains)."""

    n: int
    tables: list[tuple[type, list[Row]]]

    @property
    def rows(self) -> int:
        return sum(len(rows) for _, rows in self.tables)

    def counts(self) -> dict[str, int]:
        """Expected rows per table name, for the checks after timing."""
        return {model.__table__.name: len(rows) for model, rows in self.tables}  # type: ignore[attr-defined]


class _FastFake:
    """Faker-like attribute access over asyncfactories' compiled providers."""

    def __init__(self) -> None:
        self._draws: dict[tuple[str, tuple[tuple[str, Any], ...]], Callable[[], object]] = {}

    def __getattr__(self, provider: str) -> Callable[..., object]:
        def call(**kwargs: Any) -> object:
            key = (provider, tuple(sorted(kwargs.items())))
            draw = self._draws.get(key)
            if draw is None:
                draw = self._draws[key] = asyncfactories.Faker(provider, **kwargs).draw
            return draw()

        return call


_faker = FakerGenerator()
_fast = _FastFake()
_rnd = random.Random()


def seed(value: int) -> None:
    """Make the floor's data reproducible."""
    _faker.seed_instance(value)
    _rnd.seed(value)


# The fuzzy declarations' draws, as asyncfactories.fuzzy makes them.
def _float(rnd: random.Random, low: float, high: float, precision: int = 15) -> float:
    return min(max(float(f"{rnd.uniform(low, high):.{precision}g}"), low), high)


def _datetime(rnd: random.Random) -> datetime:
    return WINDOW_START + timedelta(seconds=rnd.uniform(0, WINDOW_SPAN))


def agent_row(fake: Any, rnd: random.Random) -> Row:
    """AgentFactory."""
    name = fake.company()
    category = rnd.choice(CATEGORIES)
    klass = class_name(name)
    maturity = rnd.choice(_MATURITIES)
    return {
        "id": uuid.uuid4(),
        "name": name,
        "description": fake.catch_phrase(),
        "category": category,
        "class_name": klass,
        "module_path": f"agents.{category}.{klass.lower()}",
        "maturity": maturity,
        "confidence_score": _float(rnd, *CONFIDENCE[maturity]),
        "status": rnd.choice(_AGENT_STATUSES),
        "configuration": {
            "model": rnd.choice(MODELS),
            "temperature": _float(rnd, 0.0, 1.0, 2),
            "max_tokens": rnd.choice(MAX_TOKENS),
            "tools": list(rnd.choice(TOOL_SETS)),
        },
    }


def user_row(fake: Any, rnd: random.Random, seen_emails: set[str]) -> Row:
    """UserFactory (``Faker("email", unique=True)``: redraw until unseen)."""
    email = fake.email()
    while email in seen_emails:
        email = fake.email()
    seen_emails.add(email)
    status = rnd.choice(_USER_STATUSES)
    step = rnd.randrange(0, 6)
    return {
        "id": uuid.uuid4(),
        "email": email,
        "password_hash": PASSWORD_HASH,
        "first_name": fake.first_name(),
        "last_name": fake.last_name(),
        "role": rnd.choice(_ROLES),
        "status": status,
        "specialty": fake.job(),
        "skills": list(rnd.choice(SKILL_SETS)),
        "email_verified": status != UserStatus.PENDING,
        "onboarding_step": step,
        "onboarding_completed": step == 5,
        "capacity_hours": _float(rnd, 10.0, 40.0, 3),
        "hourly_cost_rate": Decimal(str(rnd.uniform(25, 250))).quantize(_CENT),
        "created_at": _datetime(rnd),
    }


def episode_row(fake: Any, rnd: random.Random, agent: Row, user: Row) -> Row:
    """EpisodeFactory, with ``agent`` and ``user`` its SubFactory parents."""
    status = rnd.choice(_EPISODE_STATUSES)
    started = _datetime(rnd)
    ended = None
    if status in EPISODE_FINISHED:
        ended = started + timedelta(seconds=rnd.randrange(60, 4 * 3600 + 1))
    return {
        "id": uuid.uuid4(),
        "agent_id": agent["id"],
        "user_id": user["id"],
        "workspace_id": rnd.choice(WORKSPACES),
        "title": fake.sentence(),
        "summary": fake.paragraph(),
        "maturity_at_time": agent["maturity"],
        "status": status,
        "started_at": started,
        "ended_at": ended,
        "human_intervention_count": rnd.randrange(0, 6),
        "constitutional_score": _float(rnd, 0.0, 1.0),
        "confidence_score": _float(rnd, 0.0, 1.0),
        "canvas_ids": [],
        "feedback_ids": [],
        "topics": list(rnd.choice(TOPIC_SETS)),
        "entities": [],
    }


def segment_row(fake: Any, rnd: random.Random, episode: Row) -> Row:
    """EpisodeSegmentFactory, with ``episode`` its SubFactory parent."""
    segment_type = rnd.choice(_SEGMENT_TYPES)
    return {
        "id": uuid.uuid4(),
        "episode_id": episode["id"],
        "segment_type": segment_type,
        "sequence_order": 0,
        "content": fake.paragraph(),
        "content_summary": fake.sentence(),
        "source_type": SOURCE_TYPES.get(segment_type, "chat"),
        "source_id": None,
    }


def generate(shape: str, n: int, *, fast: bool = False, fake: Any = None) -> Dataset:
    """The floor's rows for ``n`` items of ``shape`` (``one``/``batch``: agents; ``chain``).

    A chain is what ``EpisodeSegmentFactory`` makes: a segment, its episode,
    and the episode's agent and user (4 rows).
    """
    fake = fake or (_fast if fast else _faker)  # ``fake``: the mirror check's recorder
    rnd = _rnd
    if shape in ("one", "batch"):
        return Dataset(n, [(AgentRegistry, [agent_row(fake, rnd) for _ in range(n)])])
    if shape != "chain":
        raise ValueError(f"no floor for shape {shape!r}")
    agents, users, episodes, segments = [], [], [], []
    seen: set[str] = set()
    for _ in range(n):
        agent = agent_row(fake, rnd)
        user = user_row(fake, rnd, seen)
        episode = episode_row(fake, rnd, agent, user)
        agents.append(agent)
        users.append(user)
        episodes.append(episode)
        segments.append(segment_row(fake, rnd, episode))
    return Dataset(
        n, [(AgentRegistry, agents), (User, users), (Episode, episodes), (EpisodeSegment, segments)]
    )


def to_objects(data: Dataset) -> list[list[Any]]:
    """ORM objects from the rows, per table (``Model(**row)``; keys set, no relationships)."""
    return [[model(**row) for row in rows] for model, rows in data.tables]
