"""Factories of the worked example domain, written the way a factory_boy user writes them.

One factory per model of :mod:`asyncfactories.examples.agents.models`, plus
per-maturity agents and per-role users::

    agent = await AgentFactory.create()                      # an AgentRegistry row
    episode = await EpisodeFactory.create(completed=True)    # agent and user rows too
    episode = await EpisodeWithSegmentsFactory.create(segments=5)  # segments 0..4

Every foreign key comes from a :class:`~asyncfactories.SubFactory`, so it points
at a real row. The invariants every generated row keeps (and that
``tests/test_examples_agents.py`` checks):

* an agent's ``confidence_score`` lies in its maturity's range: student
  [0, 0.5], intern [0.5, 0.7], supervised [0.7, 0.9], autonomous [0.9, 1.0];
* a finished episode (completed, archived, consolidated) or execution
  (completed, failed, cancelled) has its end time, never before its start; an
  active episode or a running execution has none;
* a failed execution, and only a failed one, has an ``error_message``, and
  ``duration_seconds`` is exactly ``completed_at - started_at`` (``None`` while
  running);
* an episode's ``maturity_at_time`` is its agent's maturity, and its segments
  are numbered 0..n-1.

Values are cheap on purpose (these factories are the benchmarks' workload):
plain ``fuzzy`` draws wherever a fixed vocabulary reads as well as Faker, and
fields derived from other fields instead of drawn again. Timestamps fall in a
fixed window of 2025, so a seeded run gives the same rows on any day.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from asyncfactories import (
    AsyncFactory,
    Faker,
    LazyAttribute,
    LazyFunction,
    Maybe,
    RelatedFactoryList,
    SelfAttribute,
    SubFactory,
    Trait,
    fuzzy,
)
from asyncfactories.examples.agents.models import (
    AgentExecution,
    AgentMaturity,
    AgentRegistry,
    AgentStatus,
    CanvasAction,
    CanvasAudit,
    Episode,
    EpisodeSegment,
    EpisodeStatus,
    ExecutionStatus,
    SegmentType,
    User,
    UserRole,
    UserStatus,
)

__all__ = (
    "DEFAULT_PASSWORD",
    "AdminUserFactory",
    "AgentExecutionFactory",
    "AgentFactory",
    "AgentRegistryFactory",
    "AutonomousAgentFactory",
    "CanvasAuditFactory",
    "EpisodeFactory",
    "EpisodeSegmentFactory",
    "EpisodeWithSegmentsFactory",
    "InternAgentFactory",
    "MemberUserFactory",
    "StudentAgentFactory",
    "SupervisedAgentFactory",
    "UserFactory",
)

# --------------------------------------------------------------------------- vocabulary

#: The window every generated timestamp starts in (aware: FuzzyDateTime insists).
WINDOW_START = datetime(2025, 1, 1, tzinfo=UTC)
WINDOW_END = datetime(2025, 12, 1, tzinfo=UTC)

#: ``confidence_score`` ranges per maturity, bounds inclusive.
CONFIDENCE = {
    AgentMaturity.STUDENT: fuzzy.FuzzyFloat(0.0, 0.5),
    AgentMaturity.INTERN: fuzzy.FuzzyFloat(0.5, 0.7),
    AgentMaturity.SUPERVISED: fuzzy.FuzzyFloat(0.7, 0.9),
    AgentMaturity.AUTONOMOUS: fuzzy.FuzzyFloat(0.9, 1.0),
}

EPISODE_FINISHED = frozenset(
    {EpisodeStatus.COMPLETED, EpisodeStatus.ARCHIVED, EpisodeStatus.CONSOLIDATED}
)
EXECUTION_FINISHED = frozenset(
    {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED}
)

#: Every generated user's password, so a test can sign in as any of them.
DEFAULT_PASSWORD = "correct horse battery staple"

_CATEGORIES = ("ops", "support", "finance", "research", "sales")
_WORKSPACES = tuple(f"ws-{i}" for i in range(1, 51))
_MODELS = ("gpt-4o", "gpt-4o-mini", "claude-sonnet", "llama-3-70b", "mistral-large")
_TOOLS = ("search", "browser", "sql", "python", "email", "calendar", "crm", "slack")
# fmt: off
_SKILLS = (
    "python", "sql", "data analysis", "prompt design", "customer support", "sales",
    "project management", "ux research", "devops", "security review", "finance", "writing",
)
_TOPICS = (
    "billing", "onboarding", "refunds", "forecasting", "incident", "deployment",
    "contract review", "lead scoring", "churn", "compliance", "reporting", "hiring",
)
# fmt: on
_TRIGGERS = ("manual", "schedule", "webhook", "workflow", "api")
_ERRORS = (
    "TimeoutError: tool call exceeded 30s",
    "RateLimitError: model provider returned 429",
    "PermissionError: governance check refused the action for this maturity",
    "ValidationError: tool arguments did not match the schema",
    "ConnectionError: upstream CRM unreachable",
    "ContextLengthError: prompt exceeded the model's context window",
)
_RESULTS = {
    ExecutionStatus.COMPLETED: "success",
    ExecutionStatus.FAILED: "error",
    ExecutionStatus.CANCELLED: "cancelled before completion",
}
_SOURCE_TYPES = {
    SegmentType.CONVERSATION: "chat",
    SegmentType.EXECUTION: "agent_execution",
    SegmentType.REFLECTION: "reflection",
    SegmentType.SUMMARY: "episode_summary",
}
_CANVAS_TYPES = ("dashboard", "form", "chart", "document", "kanban", "sheet")
_COMPONENTS = ("button", "table", "line_chart", "text_input", "markdown", "select", "card")


def _password_hash(password: str, salt: str = "asyncfactories", iterations: int = 1000) -> str:
    """A Django-style PBKDF2 hash, computed once at import (few iterations: test data)."""
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(key).decode()}"


def _combinations(words: tuple[str, ...], most: int = 3) -> fuzzy.FuzzyChoice:
    """One to ``most`` distinct words, every combination precomputed: one pick per draw."""
    return fuzzy.FuzzyChoice(
        [combo for k in range(1, most + 1) for combo in itertools.combinations(words, k)]
    )


_model = fuzzy.FuzzyChoice(_MODELS)
_temperature = fuzzy.FuzzyFloat(0.0, 1.0, precision=2)
_max_tokens = fuzzy.FuzzyChoice((256, 512, 1024, 2048, 4096))
_tools = _combinations(_TOOLS)
_skills = _combinations(_SKILLS)
_topics = _combinations(_TOPICS)
_episode_seconds = fuzzy.FuzzyInteger(60, 4 * 3600)
_run_seconds = fuzzy.FuzzyFloat(0.2, 900.0, precision=6)
_latency_ms = fuzzy.FuzzyInteger(5, 2500)
_words = re.compile(r"[A-Za-z0-9]+")


def _class_name(company: str) -> str:
    """``"Smith, Lee and Sons"`` -> ``"SmithLeeAndSonsAgent"``."""
    return "".join(word.capitalize() for word in _words.findall(company)) + "Agent"


def _configuration() -> dict[str, Any]:
    return {
        "model": _model.fuzz(),
        "temperature": _temperature.fuzz(),
        "max_tokens": _max_tokens.fuzz(),
        "tools": list(_tools.fuzz()),
    }


def _ended(o: Any) -> datetime | None:
    if o.status not in EPISODE_FINISHED:
        return None
    started: datetime = o.started_at
    return started + timedelta(seconds=_episode_seconds.fuzz())


def _completed(o: Any) -> datetime | None:
    if o.status not in EXECUTION_FINISHED:
        return None
    started: datetime = o.started_at
    return started + timedelta(seconds=_run_seconds.fuzz())


def _duration(o: Any) -> float | None:
    completed: datetime | None = o.completed_at
    if completed is None:
        return None
    started: datetime = o.started_at
    return (completed - started).total_seconds()


def _status_is(status: ExecutionStatus) -> LazyAttribute:
    """A ``Maybe`` decider: whether the row's ``status`` is ``status``."""
    return LazyAttribute(lambda o: o.status == status)


# --------------------------------------------------------------------------- agents


class AgentFactory(AsyncFactory[AgentRegistry]):
    """A registered agent of any maturity, its confidence inside that maturity's range."""

    name = Faker("company")
    description = Faker("catch_phrase")
    category = fuzzy.FuzzyChoice(_CATEGORIES)
    class_name = LazyAttribute(lambda o: _class_name(o.name))
    module_path = LazyAttribute(lambda o: f"agents.{o.category}.{o.class_name.lower()}")
    # Annotated ``object``: the per-maturity subclasses override both with other kinds.
    maturity: object = fuzzy.FuzzyChoice(AgentMaturity)
    confidence_score: object = LazyAttribute(lambda o: CONFIDENCE[o.maturity].fuzz())
    status = fuzzy.FuzzyChoice(AgentStatus)
    configuration = LazyFunction(_configuration)


AgentRegistryFactory = AgentFactory
"""The agent factory under its model's name."""


class StudentAgentFactory(AgentFactory):
    """A student agent: confidence in [0, 0.5]."""

    maturity = AgentMaturity.STUDENT
    confidence_score = fuzzy.FuzzyFloat(0.0, 0.5)


class InternAgentFactory(AgentFactory):
    """An intern agent: confidence in [0.5, 0.7]."""

    maturity = AgentMaturity.INTERN
    confidence_score = fuzzy.FuzzyFloat(0.5, 0.7)


class SupervisedAgentFactory(AgentFactory):
    """A supervised agent: confidence in [0.7, 0.9]."""

    maturity = AgentMaturity.SUPERVISED
    confidence_score = fuzzy.FuzzyFloat(0.7, 0.9)


class AutonomousAgentFactory(AgentFactory):
    """An autonomous agent: confidence in [0.9, 1.0]."""

    maturity = AgentMaturity.AUTONOMOUS
    confidence_score = fuzzy.FuzzyFloat(0.9, 1.0)


# --------------------------------------------------------------------------- users


class UserFactory(AsyncFactory[User]):
    """A user with a unique email and the password :data:`DEFAULT_PASSWORD`."""

    email = Faker("email", unique=True)
    password_hash = _password_hash(DEFAULT_PASSWORD)
    first_name = Faker("first_name")
    last_name = Faker("last_name")
    role: object = fuzzy.FuzzyChoice(UserRole)  # object: the per-role subclasses set a UserRole
    status = fuzzy.FuzzyChoice(UserStatus)
    specialty = Faker("job")
    skills = LazyFunction(lambda: list(_skills.fuzz()))
    email_verified = LazyAttribute(lambda o: o.status != UserStatus.PENDING)
    onboarding_step = fuzzy.FuzzyInteger(0, 5)
    onboarding_completed = LazyAttribute(lambda o: o.onboarding_step == 5)
    capacity_hours = fuzzy.FuzzyFloat(10.0, 40.0, precision=3)
    hourly_cost_rate = fuzzy.FuzzyDecimal(25, 250)
    created_at = fuzzy.FuzzyDateTime(WINDOW_START, WINDOW_END)


class AdminUserFactory(UserFactory):
    """A user with the admin role."""

    role = UserRole.ADMIN


class MemberUserFactory(UserFactory):
    """A user with the member role."""

    role = UserRole.MEMBER


# --------------------------------------------------------------------------- episodes


class EpisodeFactory(AsyncFactory[Episode]):
    """An episode of an agent with a user; ``completed=True`` (and friends) pins the status."""

    class Params:
        active = Trait(status=EpisodeStatus.ACTIVE)
        completed = Trait(status=EpisodeStatus.COMPLETED)
        archived = Trait(status=EpisodeStatus.ARCHIVED)
        consolidated = Trait(status=EpisodeStatus.CONSOLIDATED)

    agent = SubFactory(AgentFactory)
    user = SubFactory(UserFactory)
    workspace_id = fuzzy.FuzzyChoice(_WORKSPACES)
    title = Faker("sentence")
    summary = Faker("paragraph")
    maturity_at_time = SelfAttribute("agent.maturity")
    status = fuzzy.FuzzyChoice(EpisodeStatus)
    started_at = fuzzy.FuzzyDateTime(WINDOW_START, WINDOW_END)
    ended_at = LazyAttribute(_ended)
    human_intervention_count = fuzzy.FuzzyInteger(0, 5)
    constitutional_score = fuzzy.FuzzyFloat(0.0, 1.0)
    confidence_score = fuzzy.FuzzyFloat(0.0, 1.0)
    canvas_ids = LazyFunction(list)
    feedback_ids = LazyFunction(list)
    topics = LazyFunction(lambda: list(_topics.fuzz()))
    entities = LazyFunction(list)


class EpisodeSegmentFactory(AsyncFactory[EpisodeSegment]):
    """A segment of its own new episode, so the first one (``sequence_order`` 0).

    Several segments of one episode need distinct orders (the table has a
    unique constraint): use :class:`EpisodeWithSegmentsFactory`, or pass
    ``sequence_order`` yourself.
    """

    episode = SubFactory(EpisodeFactory)
    segment_type = fuzzy.FuzzyChoice(SegmentType)
    sequence_order = 0
    content = Faker("paragraph")
    content_summary = Faker("sentence")
    source_type = LazyAttribute(lambda o: _SOURCE_TYPES.get(o.segment_type, "chat"))
    source_id = None


class EpisodeWithSegmentsFactory(EpisodeFactory):
    """An episode with 3 segments numbered 0..2; ``create(segments=5)`` makes 5."""

    segments = RelatedFactoryList(
        EpisodeSegmentFactory, "episode", size=3, index_field="sequence_order"
    )


# --------------------------------------------------------------------------- executions


class AgentExecutionFactory(AsyncFactory[AgentExecution]):
    """One run of an agent; ``failed=True`` (or completed / cancelled / running) pins the outcome."""

    class Params:
        running = Trait(status=ExecutionStatus.RUNNING)
        completed = Trait(status=ExecutionStatus.COMPLETED)
        failed = Trait(status=ExecutionStatus.FAILED)
        cancelled = Trait(status=ExecutionStatus.CANCELLED)

    agent = SubFactory(AgentFactory)
    status = fuzzy.FuzzyChoice(ExecutionStatus)
    triggered_by = fuzzy.FuzzyChoice(_TRIGGERS)
    input_summary = Faker("sentence")
    output_summary = Maybe(_status_is(ExecutionStatus.COMPLETED), Faker("sentence"), None)
    result_summary = LazyAttribute(lambda o: _RESULTS.get(o.status))
    started_at = fuzzy.FuzzyDateTime(WINDOW_START, WINDOW_END)
    completed_at = LazyAttribute(_completed)
    error_message = Maybe(_status_is(ExecutionStatus.FAILED), fuzzy.FuzzyChoice(_ERRORS), None)
    duration_seconds = LazyAttribute(_duration)


# --------------------------------------------------------------------------- canvas


class CanvasAuditFactory(AsyncFactory[CanvasAudit]):
    """An audit record of an agent acting on a user's canvas component."""

    class Params:
        label = Faker("word")

    agent = SubFactory(AgentFactory)
    user = SubFactory(UserFactory)
    workspace_id = fuzzy.FuzzyChoice(_WORKSPACES)
    canvas_type = fuzzy.FuzzyChoice(_CANVAS_TYPES)
    component_type = fuzzy.FuzzyChoice(_COMPONENTS)
    component_name = LazyAttribute(lambda o: f"{o.label}_{o.component_type}")
    action = fuzzy.FuzzyChoice(CanvasAction)
    audit_metadata = LazyAttribute(
        lambda o: {
            "canvas_type": o.canvas_type,
            "component": o.component_name,
            "latency_ms": _latency_ms.fuzz(),
        }
    )
