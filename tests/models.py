"""Models the core tests need beyond the sample domain: integer keys, server defaults, constraints."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates


class Base(DeclarativeBase):
    """Metadata of the core test models."""


class Team(Base):
    """A parent with an autoincrement integer key and a server default."""

    __tablename__ = "af_teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    level: Mapped[int] = mapped_column(default=1)
    members: Mapped[list[Member]] = relationship(back_populates="team")


class Member(Base):
    """A child with a foreign key to Team and a unique email."""

    __tablename__ = "af_members"
    __table_args__ = (
        UniqueConstraint("email", name="uq_member_email"),
        CheckConstraint("age >= 0", name="ck_member_age"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("af_teams.id"))
    email: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(100))
    age: Mapped[int] = mapped_column(default=30)
    nickname: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[Team] = relationship(back_populates="members")


@dataclasses.dataclass
class Point:
    """A plain class: build() and attributes() work on it, create() refuses it."""

    x: int
    y: int
    label: str = ""


class Badge(Base):
    """A model with a validator: factories must not bypass it."""

    __tablename__ = "af_badges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(50))
    color: Mapped[str] = mapped_column(String(20), default="gray")

    @validates("label")
    def _upper(self, key: str, value: str) -> str:
        return value.upper()
