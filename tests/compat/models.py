"""Models of the compatibility tests: authors, books, reviews, and an inheritance pair."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Metadata of the compatibility test models."""


class Author(Base):
    """A parent row; ``display`` is a plain property with a setter."""

    __tablename__ = "compat_authors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    books: Mapped[list[Book]] = relationship(back_populates="author")

    @property
    def display(self) -> str:
        """The name, upper-cased: a plain Python property, not a column."""
        return self.name.upper()

    @display.setter
    def display(self, value: str) -> None:
        self.name = value.lower()


class Book(Base):
    """A child of Author."""

    __tablename__ = "compat_books"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("compat_authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")
    reviews: Mapped[list[Review]] = relationship(back_populates="book")


class Review(Base):
    """A child of Book."""

    __tablename__ = "compat_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    score: Mapped[int] = mapped_column(default=3)
    book_id: Mapped[int] = mapped_column(ForeignKey("compat_books.id"))
    book: Mapped[Book] = relationship(back_populates="reviews")


class Person(Base):
    """Single-table inheritance root."""

    __tablename__ = "compat_people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "polymorphic_on": "kind",
        "polymorphic_identity": "person",
    }


class Employee(Person):
    """A subclass model of Person."""

    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "employee"}


class Tag(Base):
    """A model with a string primary key."""

    __tablename__ = "compat_tags"
    id: Mapped[str] = mapped_column(String(50), primary_key=True)


class Entry(Base):
    """A model with unique columns, for get_or_create."""

    __tablename__ = "compat_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str | None] = mapped_column(String(50), unique=True)
    text: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(50), unique=True)


class Special(Base):
    """A model with a column named ``session``."""

    __tablename__ = "compat_specials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(50))
