"""Every mapping shape written both ways (ORM flush, create_batch) must give the same rows and state."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import LazyFunction, Pool
from tests.conftest import make_engine
from tests.fidelity import factories as f
from tests.fidelity.oracle import Shape, differences, drop, write

pytestmark = pytest.mark.asyncio


def _passed(make: Any) -> Any:
    """Overrides made per row, the same way on both sides."""

    async def prepare(session: AsyncSession, create: bool) -> dict[str, Any]:
        return make()

    return prepare


async def _existing_tags(session: AsyncSession, create: bool) -> dict[str, Any]:
    tags = f.TagFactory.build_batch(2)
    session.add_all(tags)
    await session.flush()
    return {"tags": LazyFunction(lambda: list(tags))}


async def _new_and_existing_tags(session: AsyncSession, create: bool) -> dict[str, Any]:
    tags = f.TagFactory.build_batch(1)
    session.add_all(tags)
    await session.flush()
    return {"tags": LazyFunction(lambda: [*tags, f.TagFactory.build()])}


async def _expired_author(session: AsyncSession, create: bool) -> dict[str, Any]:
    author = f.AuthorFactory.build()
    session.add(author)
    await session.commit()
    session.expire(author)
    return {"author": author}


async def _author_of_earlier_batch(session: AsyncSession, create: bool) -> dict[str, Any]:
    if create:
        authors = await f.AuthorFactory.create_batch(2, session=session)
    else:
        authors = f.AuthorFactory.build_batch(2)
        session.add_all(authors)
        await session.flush()
    return {"author": authors[1]}


async def _existing_product(session: AsyncSession, create: bool) -> dict[str, Any]:
    product = f.ProductFactory.build()
    session.add(product)
    await session.flush()
    return {"product": product}


async def _pool_of_existing_authors(session: AsyncSession, create: bool) -> dict[str, Any]:
    authors = f.AuthorFactory.build_batch(2)
    session.add_all(authors)
    await session.flush()
    return {"author": Pool(authors)}


def _relabel(objects: list[Any]) -> None:
    for obj in objects:
        obj.label = obj.label + "!"


SHAPES = [
    Shape("many_to_one_int_keys", f.PostFactory),
    Shape(
        "one_to_many_passed_in",
        f.AuthorFactory,
        prepare=_passed(
            lambda: {"posts": LazyFunction(lambda: f.PostFactory.build_batch(2, author=None))}
        ),
    ),
    Shape(
        "one_to_many_without_backref",
        f.ShelfFactory,
        prepare=_passed(lambda: {"books": LazyFunction(lambda: f.BookFactory.build_batch(2))}),
    ),
    Shape(
        "one_to_one_passed_in",
        f.AuthorFactory,
        prepare=_passed(
            lambda: {"profile": LazyFunction(lambda: f.ProfileFactory.build(author=None))}
        ),
    ),
    Shape("one_to_one_from_child", f.ProfileFactory),
    Shape(
        "many_to_many_new",
        f.PostFactory,
        prepare=_passed(lambda: {"tags": LazyFunction(lambda: f.TagFactory.build_batch(2))}),
    ),
    Shape("many_to_many_existing", f.PostFactory, prepare=_existing_tags),
    Shape("many_to_many_new_and_existing", f.PostFactory, prepare=_new_and_existing_tags),
    Shape(
        "many_to_many_from_other_side",
        f.TagFactory,
        prepare=_passed(lambda: {"posts": LazyFunction(lambda: f.PostFactory.build_batch(2))}),
    ),
    Shape(
        "association_proxy",
        f.ArticleFactory,
        prepare=_passed(lambda: {"keywords": LazyFunction(lambda: ["alpha", "beta"])}),
    ),
    Shape(
        "association_object_children",
        f.OrderFactory,
        prepare=_passed(
            lambda: {"lines": LazyFunction(lambda: f.OrderLineFactory.build_batch(2, order=None))}
        ),
    ),
    Shape("association_object", f.OrderLineFactory),
    Shape(
        "association_object_existing_product", f.OrderLineFactory, size=1, prepare=_existing_product
    ),
    Shape("self_referential_int", f.NodeFactory),
    Shape("self_referential_three_levels", f.NodeFactory, prepare=_passed(lambda: {"levels": 2})),
    Shape("self_referential_root_only", f.NodeFactory, prepare=_passed(lambda: {"levels": 0})),
    Shape(
        "self_referential_children_passed",
        f.NodeFactory,
        prepare=_passed(
            lambda: {
                "levels": 0,
                "children": LazyFunction(lambda: f.NodeFactory.build_batch(2, levels=0)),
            }
        ),
    ),
    Shape("self_referential_identity", f.IdentityNodeFactory),
    Shape("self_referential_uuid", f.UuidNodeFactory),
    Shape("self_referential_maybe_reply", f.CommentFactory),
    Shape(
        "self_referential_mixed_batch",
        f.CommentFactory,
        size=4,
        prepare=_passed(lambda: {"is_reply": LazyFunction(lambda: True)}),
    ),
    Shape("defaults", f.DefaultsFactory, volatile=frozenset({"fx_defaults.expression"})),
    Shape(
        "defaults_explicit_none",
        f.DefaultsFactory,
        prepare=_passed(
            lambda: {
                "scalar": None,
                "plain_callable": None,
                "nullable_default": None,
                "context": None,
            }
        ),
        volatile=frozenset({"fx_defaults.expression"}),
    ),
    Shape(
        "onupdate",
        f.DefaultsFactory,
        volatile=frozenset({"fx_defaults.expression"}),
        mutate=_relabel,
    ),
    Shape("primary_key_none", f.AuthorFactory, prepare=_passed(lambda: {"id": None})),
    Shape(
        "primary_key_given",
        f.AuthorFactory,
        prepare=_passed(lambda: {"id": LazyFunction(iter(range(100, 200)).__next__)}),
    ),
    Shape("sqlmodel_none_keys", f.SMHeroFactory),
    Shape("sqlmodel_parent", f.SMTeamFactory),
    Shape("composite_key", f.PairFactory),
    Shape("composite_foreign_key", f.PairChildFactory),
    Shape("computed_and_deferred", f.ComputedFactory),
    Shape("column_property", f.CountedFactory),
    Shape("column_property_subquery", f.AuthorFactory),
    Shape("mapped_as_dataclass", f.DataclassFactory),
    Shape("validates_and_hybrid", f.ValidatedFactory),
    Shape("version_counter", f.VersionedFactory, mutate=_relabel),
    Shape("before_insert_event", f.EventedFactory),
    Shape("single_inheritance_base", f.EmployeeFactory),
    Shape("single_inheritance_subclass", f.ManagerFactory),
    Shape("joined_inheritance", f.CarFactory),
    Shape("joined_inheritance_parent", f.GarageFactory),
    Shape("cycle_use_alter", f.StaffFactory),
    Shape(
        "cycle_post_update",
        f.DepartmentFactory,
        prepare=_passed(
            lambda: {"head": LazyFunction(lambda: f.StaffFactory.build(department=None))}
        ),
    ),
    Shape("expired_parent", f.PostFactory, prepare=_expired_author),
    Shape("parent_from_earlier_batch", f.PostFactory, prepare=_author_of_earlier_batch),
    Shape("single_object", f.PostFactory, size=1),
    Shape(
        "pooled_parents",
        f.PostFactory,
        size=5,
        prepare=_passed(lambda: {"author": Pool(f.AuthorFactory, 2)}),
    ),
    Shape(
        "pooled_parents_random",
        f.PostFactory,
        size=5,
        prepare=_passed(lambda: {"author": Pool(f.AuthorFactory, 3, pick="random")}),
    ),
    Shape("pooled_existing_parents", f.PostFactory, size=5, prepare=_pool_of_existing_authors),
    Shape("later_change_flushed", f.PostFactory, mutate=_relabel),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
async def test_create_batch_writes_what_the_orm_writes(backend: str, shape: Shape) -> None:
    """Rows, object state, a later flush and a rollback: the same both ways."""
    engine = make_engine(backend)
    try:
        orm = await write(engine, shape, orm=True)
        fast = await write(engine, shape, orm=False)
    finally:
        await drop(engine)
        await engine.dispose()
    assert differences(orm, fast) == []
