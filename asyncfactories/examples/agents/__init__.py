"""The sample domain: an AI-agent platform, its models and their factories.

Everything is importable from here::

    from asyncfactories.examples.agents import AgentFactory, AgentMaturity

    agent = await AgentFactory.create(maturity=AgentMaturity.INTERN)
"""

from asyncfactories.examples.agents.factories import (
    DEFAULT_PASSWORD,
    AdminUserFactory,
    AgentExecutionFactory,
    AgentFactory,
    AgentRegistryFactory,
    AutonomousAgentFactory,
    CanvasAuditFactory,
    EpisodeFactory,
    EpisodeSegmentFactory,
    EpisodeWithSegmentsFactory,
    InternAgentFactory,
    MemberUserFactory,
    StudentAgentFactory,
    SupervisedAgentFactory,
    UserFactory,
)
from asyncfactories.examples.agents.models import (
    AgentExecution,
    AgentMaturity,
    AgentRegistry,
    AgentStatus,
    Base,
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
    "AgentExecution",
    "AgentExecutionFactory",
    "AgentFactory",
    "AgentMaturity",
    "AgentRegistry",
    "AgentRegistryFactory",
    "AgentStatus",
    "AutonomousAgentFactory",
    "Base",
    "CanvasAction",
    "CanvasAudit",
    "CanvasAuditFactory",
    "Episode",
    "EpisodeFactory",
    "EpisodeSegment",
    "EpisodeSegmentFactory",
    "EpisodeStatus",
    "EpisodeWithSegmentsFactory",
    "ExecutionStatus",
    "InternAgentFactory",
    "MemberUserFactory",
    "SegmentType",
    "StudentAgentFactory",
    "SupervisedAgentFactory",
    "User",
    "UserFactory",
    "UserRole",
    "UserStatus",
)
