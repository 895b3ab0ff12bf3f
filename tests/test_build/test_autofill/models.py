"""Models for the autofill tests: every column type autofill generates, and the rules it follows.

Their own declarative base (``AutofillBase``), so the tables are created only by
the tests here (``autofill_engine``). ``PgOnly`` holds the PostgreSQL types
(arrays, JSONB, BYTEA, INTERVAL) in a base of its own.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class AutofillBase(DeclarativeBase):
    """The portable autofill tables (SQLite and PostgreSQL)."""


class PgOnlyBase(DeclarativeBase):
    """Tables with PostgreSQL-only types."""


class Shade(enum.Enum):
    """A mapped Enum: autofill picks its members."""

    LIGHT = "light"
    DARK = "dark"
    NEON = "neon"


class Lowered(TypeDecorator[str]):
    """A custom type: autofill generates through its impl, String(30)."""

    impl = String(30)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else value.lower()


class Everything(AutofillBase):
    """One required column of every type autofill supports, and columns it must leave alone."""

    __tablename__ = "af_everything"

    id: Mapped[int] = mapped_column(primary_key=True)
    tiny: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    small: Mapped[int] = mapped_column(SmallInteger)
    count: Mapped[int] = mapped_column(Integer)
    big: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    ratio: Mapped[Decimal] = mapped_column(Numeric(4, 4))
    score: Mapped[float] = mapped_column(Float)
    flag: Mapped[bool] = mapped_column(Boolean)
    shade: Mapped[Shade] = mapped_column(SAEnum(Shade, name="af_shade"))
    shade_text: Mapped[Shade] = mapped_column(SAEnum(Shade, native_enum=False, length=8))
    letter: Mapped[str] = mapped_column(SAEnum("a", "b", "c", name="af_letter"))
    day: Mapped[date] = mapped_column(Date)
    moment: Mapped[datetime] = mapped_column(DateTime)
    aware: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    at: Mapped[time] = mapped_column(Time)
    span: Mapped[timedelta] = mapped_column(Interval)
    token: Mapped[uuid.UUID] = mapped_column(Uuid)
    token_text: Mapped[str] = mapped_column(Uuid(as_uuid=False))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    labels: Mapped[list[str]] = mapped_column(JSON)
    blob: Mapped[bytes] = mapped_column(LargeBinary(12))
    lowered: Mapped[str] = mapped_column(Lowered)
    # Left alone: nullable, server default, Python default, computed.
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), server_default="new")
    version: Mapped[int] = mapped_column(Integer, default=1)
    doubled: Mapped[int] = mapped_column(Integer, Computed("count * 2", persisted=True))


class Uniques(AutofillBase):
    """Unique columns of several kinds: a constraint, an index, a composite key."""

    __tablename__ = "af_uniques"
    __table_args__ = (
        UniqueConstraint("pair_a", "pair_b", name="uq_af_pair"),
        Index("ix_af_indexed", "indexed", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(9, 2), unique=True)
    moment: Mapped[datetime] = mapped_column(DateTime(timezone=True), unique=True)
    indexed: Mapped[str] = mapped_column(String(20))
    pair_a: Mapped[bool] = mapped_column(Boolean)
    pair_b: Mapped[int] = mapped_column(Integer)


class Narrow(AutofillBase):
    """A unique column with room for few values (two base-36 characters: 1,296)."""

    __tablename__ = "af_narrow"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)


class Publisher(AutofillBase):
    """A parent with a factory of its own (see the tests)."""

    __tablename__ = "af_publishers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    country: Mapped[str] = mapped_column(String(2))


class Author(AutofillBase):
    """A parent no factory is defined for: autofill makes one."""

    __tablename__ = "af_authors"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(String(80), unique=True)


class Book(AutofillBase):
    """Two required foreign keys and an optional one, each with its relationship."""

    __tablename__ = "af_books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("af_authors.id"))
    publisher_id: Mapped[int] = mapped_column(ForeignKey("af_publishers.id"))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("af_authors.id"))

    author: Mapped[Author] = relationship(foreign_keys=[author_id])
    publisher: Mapped[Publisher] = relationship()
    editor: Mapped[Author | None] = relationship(foreign_keys=[editor_id])


class Review(AutofillBase):
    """A grandchild: its book gets parents of its own."""

    __tablename__ = "af_reviews"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="ck_af_stars"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stars: Mapped[int] = mapped_column(Integer)
    book_id: Mapped[int] = mapped_column(ForeignKey("af_books.id"))
    book: Mapped[Book] = relationship()


class Loose(AutofillBase):
    """A required foreign key without a relationship: autofill cannot give it a parent."""

    __tablename__ = "af_loose"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("af_authors.id"))


class Node(AutofillBase):
    """A required self-reference: autofill would make parents forever."""

    __tablename__ = "af_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("af_nodes.id"))
    parent: Mapped[Node] = relationship(remote_side=[id])


class Animal(AutofillBase):
    """Joined inheritance with a discriminator: neither is autofill's to set."""

    __tablename__ = "af_animals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(30))
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "polymorphic_on": "kind",
        "polymorphic_identity": "animal",
    }


class Dog(Animal):
    """A subclass row: its key is the parent row's, its discriminator the ORM's."""

    __tablename__ = "af_dogs"

    id: Mapped[int] = mapped_column(ForeignKey("af_animals.id"), primary_key=True)
    bark: Mapped[str] = mapped_column(String(10))
    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "dog"}


class Account(AutofillBase):
    """A hybrid-like setter: a declared ``password`` fills ``password_hash``, autofill must not win."""

    __tablename__ = "af_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(64))

    @property
    def password(self) -> str:
        """Write-only in practice."""
        raise AttributeError("password")

    @password.setter
    def password(self, value: str) -> None:
        self.password_hash = f"hashed:{value}"


class PgOnly(PgOnlyBase):
    """PostgreSQL's own types."""

    __tablename__ = "af_pg_only"

    id: Mapped[int] = mapped_column(primary_key=True)
    numbers: Mapped[list[int]] = mapped_column(postgresql.ARRAY(Integer))
    grid: Mapped[list[list[str]]] = mapped_column(postgresql.ARRAY(String(5), dimensions=2))
    document: Mapped[dict[str, Any]] = mapped_column(postgresql.JSONB)
    raw: Mapped[bytes] = mapped_column(postgresql.BYTEA)
    wait: Mapped[timedelta] = mapped_column(postgresql.INTERVAL)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    when: Mapped[datetime] = mapped_column(postgresql.TIMESTAMP(timezone=True), default=func.now())
