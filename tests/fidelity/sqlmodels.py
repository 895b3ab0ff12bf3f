"""SQLModel models for the fidelity suite: ``id: int | None = Field(default=None, primary_key=True)``.

No ``from __future__ import annotations``: SQLModel reads the annotations at class creation.
"""

from typing import Optional

from sqlmodel import Field, Relationship, SQLModel


class SMTeam(SQLModel, table=True):
    """A SQLModel parent whose key starts as None."""

    __tablename__ = "fx_sm_teams"
    id: int | None = Field(default=None, primary_key=True)
    label: str
    heroes: list["SMHero"] = Relationship(back_populates="team")


class SMHero(SQLModel, table=True):
    """A SQLModel child."""

    __tablename__ = "fx_sm_heroes"
    id: int | None = Field(default=None, primary_key=True)
    label: str
    power: int = 1
    team_id: int | None = Field(default=None, foreign_key="fx_sm_teams.id")
    team: Optional["SMTeam"] = Relationship(back_populates="heroes")
