"""Mapping shapes for the fidelity suite: one small model (or pair) per shape SQLAlchemy supports.

Every table has a ``label`` column the factories fill from a Sequence, so the
oracle can compare rows written in a different order (generated keys differ,
labels do not).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    Column,
    Computed,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    String,
    Table,
    Uuid,
    event,
    func,
    select,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    column_property,
    deferred,
    mapped_column,
    relationship,
    validates,
)


class Base(DeclarativeBase):
    """Metadata of the fidelity models."""


# -- one-to-many, one-to-one, many-to-many, association proxy ------------------

post_tags = Table(
    "fx_post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("fx_posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("fx_tags.id"), primary_key=True),
)


class Author(Base):
    """A parent with an integer autoincrement key."""

    __tablename__ = "fx_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    posts: Mapped[list[Post]] = relationship(back_populates="author")
    profile: Mapped[Profile | None] = relationship(back_populates="author")


class Post(Base):
    """A child of Author, tagged many-to-many."""

    __tablename__ = "fx_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("fx_authors.id"))
    author: Mapped[Author | None] = relationship(back_populates="posts")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, back_populates="posts")


class Tag(Base):
    """The other side of Post.tags."""

    __tablename__ = "fx_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")


class Profile(Base):
    """One-to-one with Author."""

    __tablename__ = "fx_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("fx_authors.id"), unique=True)
    author: Mapped[Author] = relationship(back_populates="profile")


class Shelf(Base):
    """A one-to-many without a backref: the child's key comes from the parent's side only."""

    __tablename__ = "fx_shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    books: Mapped[list[Book]] = relationship()


class Book(Base):
    """A child that does not know its Shelf."""

    __tablename__ = "fx_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    shelf_id: Mapped[int | None] = mapped_column(ForeignKey("fx_shelves.id"))


class Article(Base):
    """Keywords through an association object and an association proxy."""

    __tablename__ = "fx_articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    keyword_links: Mapped[list[ArticleKeyword]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )
    keywords: AssociationProxy[list[str]] = association_proxy(
        "keyword_links", "word", creator=lambda word: ArticleKeyword(word=word, label=word)
    )


class ArticleKeyword(Base):
    """The association object behind Article.keywords."""

    __tablename__ = "fx_article_keywords"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    article_id: Mapped[int] = mapped_column(ForeignKey("fx_articles.id"))
    word: Mapped[str] = mapped_column(String(50))
    article: Mapped[Article] = relationship(back_populates="keyword_links")


# -- self-referential keys ------------------------------------------------------


class Node(Base):
    """A tree with integer keys."""

    __tablename__ = "fx_nodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fx_nodes.id"))
    parent: Mapped[Node | None] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list[Node]] = relationship(back_populates="parent")


class IdentityNode(Base):
    """A tree keyed by an Identity() column."""

    __tablename__ = "fx_identity_nodes"
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fx_identity_nodes.id"))
    parent: Mapped[IdentityNode | None] = relationship(remote_side=[id])


class UuidNode(Base):
    """A tree keyed by a Python-side uuid default."""

    __tablename__ = "fx_uuid_nodes"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    label: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fx_uuid_nodes.id"))
    parent: Mapped[UuidNode | None] = relationship(remote_side=[id])


class Comment(Base):
    """Replies point at other comments of the same table."""

    __tablename__ = "fx_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fx_comments.id"))
    parent: Mapped[Comment | None] = relationship(remote_side=[id])


# -- defaults, keys, columns ------------------------------------------------------


def _context_default(context: Any) -> str:
    return "ctx-" + str(context.get_current_parameters()["label"])


class Defaults(Base):
    """Every kind of default SQLAlchemy knows."""

    __tablename__ = "fx_defaults"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    scalar: Mapped[int] = mapped_column(default=7)
    plain_callable: Mapped[str] = mapped_column(String(20), default=lambda: "called")
    context: Mapped[str] = mapped_column(String(80), default=_context_default)
    expression: Mapped[dt.datetime] = mapped_column(default=func.current_timestamp())
    server: Mapped[str] = mapped_column(String(20), server_default="srv")
    updated: Mapped[str | None] = mapped_column(String(20), onupdate="changed")
    nullable_default: Mapped[int | None] = mapped_column(default=3)


class KeyedDefaults(Base):
    """Defaults on a table whose key is made client-side, so load() may COPY it."""

    __tablename__ = "fx_keyed_defaults"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    label: Mapped[str] = mapped_column(String(50))
    context: Mapped[str] = mapped_column(String(80), default=_context_default)
    expression: Mapped[dt.datetime] = mapped_column(default=func.current_timestamp())
    scalar: Mapped[int] = mapped_column(default=7)


class Pair(Base):
    """A composite primary key given by the factory."""

    __tablename__ = "fx_pairs"
    left: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    right: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))


class PairChild(Base):
    """A child pointing at a composite key."""

    __tablename__ = "fx_pair_children"
    __table_args__ = (
        ForeignKeyConstraint(["pair_left", "pair_right"], ["fx_pairs.left", "fx_pairs.right"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    pair_left: Mapped[int] = mapped_column()
    pair_right: Mapped[str] = mapped_column(String(20))
    pair: Mapped[Pair] = relationship()


class Computedish(Base):
    """A computed column and a deferred one."""

    __tablename__ = "fx_computed"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    amount: Mapped[int] = mapped_column()
    doubled: Mapped[int] = mapped_column(Computed("amount * 2", persisted=True))
    notes: Mapped[str | None] = deferred(mapped_column(String(50)))


class Counted(Base):
    """A column_property computed by the database."""

    __tablename__ = "fx_counted"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    amount: Mapped[int] = mapped_column()


Counted.amount_plus_one = column_property(Counted.amount + 1)  # type: ignore[attr-defined]
Author.post_count = column_property(  # type: ignore[attr-defined]
    select(func.count(Post.id)).where(Post.author_id == Author.id).scalar_subquery()
)


class DataclassModel(MappedAsDataclass, Base):
    """A MappedAsDataclass model with init=False key and defaults."""

    __tablename__ = "fx_dataclass"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    label: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(default=5)


class Validated(Base):
    """A @validates hook and a hybrid setter."""

    __tablename__ = "fx_validated"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    code: Mapped[str] = mapped_column(String(20))
    raw_name: Mapped[str] = mapped_column(String(50))

    @validates("code")
    def _upper(self, key: str, value: str) -> str:
        return value.upper()

    @hybrid_property
    def name(self) -> str:
        return self.raw_name

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.raw_name = value.title()


class Versioned(Base):
    """A version counter."""

    __tablename__ = "fx_versioned"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column()
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class Evented(Base):
    """A before_insert listener that fills a column."""

    __tablename__ = "fx_evented"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    stamp: Mapped[str | None] = mapped_column(String(50))


@event.listens_for(Evented, "before_insert")
def _stamp(mapper: Any, connection: Any, target: Evented) -> None:
    target.stamp = "stamped-" + target.label


# -- inheritance --------------------------------------------------------------------


class Employee(Base):
    """Single-table inheritance."""

    __tablename__ = "fx_employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    reports: Mapped[int | None] = mapped_column()
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "polymorphic_on": kind,
        "polymorphic_identity": "employee",
    }


class Manager(Employee):
    """The subclass of Employee."""

    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "manager"}


class Vehicle(Base):
    """Joined-table inheritance."""

    __tablename__ = "fx_vehicles"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "polymorphic_on": kind,
        "polymorphic_identity": "vehicle",
    }


class Car(Vehicle):
    """The joined subclass of Vehicle."""

    __tablename__ = "fx_cars"
    id: Mapped[int] = mapped_column(ForeignKey("fx_vehicles.id"), primary_key=True)
    doors: Mapped[int] = mapped_column()
    garages: Mapped[list[Garage]] = relationship(back_populates="car")
    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "car"}


class Garage(Base):
    """A child of the joined subclass."""

    __tablename__ = "fx_garages"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    car_id: Mapped[int | None] = mapped_column(ForeignKey("fx_cars.id"))
    car: Mapped[Car | None] = relationship(back_populates="garages")


# -- association object, cycle between two tables ----------------------------------------


class Order(Base):
    """Order -> OrderLine -> Product."""

    __tablename__ = "fx_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order")


class Product(Base):
    """Referenced by order lines."""

    __tablename__ = "fx_products"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))


class OrderLine(Base):
    """The association object, with its own data."""

    __tablename__ = "fx_order_lines"
    order_id: Mapped[int] = mapped_column(ForeignKey("fx_orders.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("fx_products.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    quantity: Mapped[int] = mapped_column()
    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class Department(Base):
    """Points at its head; the head points back (a cycle broken with use_alter)."""

    __tablename__ = "fx_departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("fx_staff.id", use_alter=True, name="fk_department_head")
    )
    head: Mapped[Staff | None] = relationship(foreign_keys=[head_id], post_update=True)


class Staff(Base):
    """Belongs to a department."""

    __tablename__ = "fx_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("fx_departments.id"))
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
