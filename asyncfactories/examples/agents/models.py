"""SQLAlchemy 2.x models of the worked example domain: an AI-agent platform.

Agents live in a registry (:class:`AgentRegistry`) and earn autonomy as their
maturity grows. Users (:class:`User`) work with them in *episodes*
(:class:`Episode`), each split into ordered segments (:class:`EpisodeSegment`);
every run of an agent is an :class:`AgentExecution`, and every interaction with
a canvas component is recorded in a :class:`CanvasAudit`.

The models are portable between SQLite (aiosqlite) and PostgreSQL (asyncpg):
``Uuid`` primary keys, ``JSON`` documents, timezone-aware ``DateTime`` columns
and enums stored as plain strings.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = (
    "AgentExecution",
    "AgentMaturity",
    "AgentRegistry",
    "AgentStatus",
    "Base",
    "CanvasAction",
    "CanvasAudit",
    "Episode",
    "EpisodeSegment",
    "EpisodeStatus",
    "ExecutionStatus",
    "SegmentType",
    "User",
    "UserRole",
    "UserStatus",
)


# --------------------------------------------------------------------------- enums


class AgentMaturity(enum.StrEnum):
    """How much autonomy an agent has earned."""

    STUDENT = "student"
    INTERN = "intern"
    SUPERVISED = "supervised"
    AUTONOMOUS = "autonomous"


class AgentStatus(enum.StrEnum):
    """Lifecycle state of a registered agent."""

    ACTIVE = "active"
    PAUSED = "paused"
    DEPRECATED = "deprecated"
    ARCHIVED = "archived"


class UserRole(enum.StrEnum):
    """What a user may do on the platform."""

    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"
    OWNER = "owner"


class UserStatus(enum.StrEnum):
    """Account state of a user."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    PENDING = "pending"


class EpisodeStatus(enum.StrEnum):
    """Lifecycle state of an episode."""

    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    CONSOLIDATED = "consolidated"


class ExecutionStatus(enum.StrEnum):
    """Outcome of one agent execution."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SegmentType(enum.StrEnum):
    """Kind of content an episode segment holds."""

    CONVERSATION = "conversation"
    EXECUTION = "execution"
    REFLECTION = "reflection"
    SUMMARY = "summary"


class CanvasAction(enum.StrEnum):
    """What was done to a canvas component."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"
    PRESENT = "present"
    SUBMIT = "submit"


def _enum_values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_cls]


def _enum_column_type(enum_cls: type[enum.Enum]) -> SAEnum:
    # Portable on purpose: ``native_enum=False`` makes the column a VARCHAR on
    # every backend (no CREATE TYPE on PostgreSQL), and ``values_callable``
    # stores the member's lowercase *value* ("student"), not its name
    # ("STUDENT"). ``length`` leaves room for members added later.
    return SAEnum(
        enum_cls,
        native_enum=False,
        values_callable=_enum_values,
        length=32,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- models


class Base(DeclarativeBase):
    """Declarative base of the agent-platform models."""


class AgentRegistry(Base):
    """A registered agent: where its code lives and how far it is trusted."""

    __tablename__ = "agent_registry"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    module_path: Mapped[str] = mapped_column(String(255))
    class_name: Mapped[str] = mapped_column(String(128))
    maturity: Mapped[AgentMaturity] = mapped_column(_enum_column_type(AgentMaturity))
    confidence_score: Mapped[float] = mapped_column(Float)
    status: Mapped[AgentStatus] = mapped_column(_enum_column_type(AgentStatus))
    configuration: Mapped[dict[str, Any]] = mapped_column(JSON)
    # A server default on purpose: the value exists only after the INSERT.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    episodes: Mapped[list[Episode]] = relationship(
        back_populates="agent", cascade="save-update, merge, delete", passive_deletes=True
    )
    executions: Mapped[list[AgentExecution]] = relationship(
        back_populates="agent", cascade="save-update, merge, delete", passive_deletes=True
    )
    canvas_audits: Mapped[list[CanvasAudit]] = relationship(
        back_populates="agent", cascade="save-update, merge, delete", passive_deletes=True
    )


class User(Base):
    """A person using the platform."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[UserRole] = mapped_column(_enum_column_type(UserRole))
    status: Mapped[UserStatus] = mapped_column(_enum_column_type(UserStatus))
    specialty: Mapped[str | None] = mapped_column(String(100))
    skills: Mapped[list[str]] = mapped_column(JSON)
    email_verified: Mapped[bool] = mapped_column(Boolean)
    onboarding_completed: Mapped[bool] = mapped_column(Boolean)
    onboarding_step: Mapped[int] = mapped_column(Integer)
    capacity_hours: Mapped[float] = mapped_column(Float)
    hourly_cost_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # A Python-side default, unlike AgentRegistry.created_at.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    canvas_audits: Mapped[list[CanvasAudit]] = relationship(
        back_populates="user", cascade="save-update, merge, delete", passive_deletes=True
    )


class Episode(Base):
    """One stretch of work between an agent and (optionally) a user."""

    __tablename__ = "episodes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agent_registry.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text)
    maturity_at_time: Mapped[AgentMaturity] = mapped_column(_enum_column_type(AgentMaturity))
    status: Mapped[EpisodeStatus] = mapped_column(_enum_column_type(EpisodeStatus))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    human_intervention_count: Mapped[int] = mapped_column(Integer)
    constitutional_score: Mapped[float | None] = mapped_column(Float)
    confidence_score: Mapped[float] = mapped_column(Float)
    canvas_ids: Mapped[list[str]] = mapped_column(JSON)
    feedback_ids: Mapped[list[str]] = mapped_column(JSON)
    topics: Mapped[list[str]] = mapped_column(JSON)
    entities: Mapped[list[str]] = mapped_column(JSON)

    agent: Mapped[AgentRegistry] = relationship(back_populates="episodes")
    user: Mapped[User | None] = relationship()
    segments: Mapped[list[EpisodeSegment]] = relationship(
        back_populates="episode",
        order_by="EpisodeSegment.sequence_order",
        cascade="save-update, merge, delete",
        passive_deletes=True,
    )


class EpisodeSegment(Base):
    """One ordered piece of an episode's content."""

    __tablename__ = "episode_segments"
    __table_args__ = (UniqueConstraint("episode_id", "sequence_order", name="uq_segment_order"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    episode_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    segment_type: Mapped[SegmentType] = mapped_column(_enum_column_type(SegmentType))
    sequence_order: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_summary: Mapped[str] = mapped_column(String(500))
    source_type: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str | None] = mapped_column(String(64))

    episode: Mapped[Episode] = relationship(back_populates="segments")


class AgentExecution(Base):
    """One run of an agent."""

    __tablename__ = "agent_executions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agent_registry.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ExecutionStatus] = mapped_column(_enum_column_type(ExecutionStatus))
    triggered_by: Mapped[str] = mapped_column(String(64))
    input_summary: Mapped[str | None] = mapped_column(Text)
    output_summary: Mapped[str | None] = mapped_column(Text)
    result_summary: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error_message: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[float | None] = mapped_column(Float)

    agent: Mapped[AgentRegistry] = relationship(back_populates="executions")


class CanvasAudit(Base):
    """An audit record of one action an agent took on a user's canvas."""

    __tablename__ = "canvas_audits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agent_registry.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(64))
    canvas_type: Mapped[str] = mapped_column(String(64))
    component_type: Mapped[str] = mapped_column(String(64))
    component_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[CanvasAction] = mapped_column(_enum_column_type(CanvasAction))
    # Not ``metadata``: that name is reserved by the declarative base.
    audit_metadata: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    agent: Mapped[AgentRegistry] = relationship(back_populates="canvas_audits")
    user: Mapped[User] = relationship(back_populates="canvas_audits")
