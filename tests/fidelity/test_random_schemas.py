"""Random small schemas and factories, written both ways: the oracle as a property.

Each example declares one to three tables on a registry of its own: integer
keys, a label, a random set of column kinds (defaults of every sort, nullable
and required columns), a foreign key to an earlier table (nullable or not) and
maybe a key to itself; a factory per table (SubFactory parents, a Maybe child
of the same table); some explicit ``None`` overrides. Then ORM flush and
create_batch must agree on rows and state, after a later flush and a rollback.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, func
from sqlalchemy.orm import registry, relationship

from asyncfactories import AsyncFactory, Maybe, Sequence, SubFactory
from tests.conftest import make_engine
from tests.fidelity.oracle import Shape, differences, drop, write

KINDS = {
    "scalar_default": lambda: Column(Integer, nullable=False, default=5),
    "callable_default": lambda: Column(String(20), nullable=False, default=lambda: "made"),
    "server_default": lambda: Column(String(20), nullable=False, server_default="srv"),
    "nullable": lambda: Column(String(20), nullable=True),
    "nullable_default": lambda: Column(Integer, nullable=True, default=9),
    "flag": lambda: Column(Boolean, nullable=False, default=False),
    "required": lambda: Column(Integer, nullable=False),
    "counted": lambda: Column(Integer, nullable=False, server_default=func.abs(-3)),
}
_names = itertools.count()


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    """Table specs, batch size and explicit None overrides."""
    tables = []
    for index in range(draw(st.integers(1, 3))):
        tables.append(
            {
                "kinds": draw(st.lists(st.sampled_from(sorted(KINDS)), max_size=4, unique=True)),
                "parent": draw(st.sampled_from([None, *range(index)])) if index else None,
                "parent_nullable": draw(st.booleans()),
                "self_ref": draw(st.booleans()),
            }
        )
    top = tables[-1]
    nullable_kinds = [k for k in top["kinds"] if k != "required"]
    nones = draw(st.lists(st.sampled_from(nullable_kinds), unique=True)) if nullable_kinds else []
    return {"tables": tables, "size": draw(st.integers(1, 4)), "nones": nones}


def _declare(spec: dict[str, Any]) -> tuple[MetaData, tuple[Any, ...], Any]:
    """Models and factories for ``spec``; returns (metadata, factories, top factory)."""
    mapper_registry = registry()
    prefix = f"rnd{next(_names)}"
    models: list[Any] = []
    factories: list[Any] = []
    per_table: list[Any] = []
    top: Any = None
    for index, table in enumerate(spec["tables"]):
        name = f"{prefix}_t{index}"
        attrs: dict[str, Any] = {
            "__tablename__": name,
            "id": Column(Integer, primary_key=True),
            "label": Column(String(50), nullable=False),
        }
        for kind in table["kinds"]:
            attrs[kind] = KINDS[kind]()
        if table["parent"] is not None:
            parent = models[table["parent"]]
            attrs["parent_id"] = Column(
                ForeignKey(f"{parent.__tablename__}.id"), nullable=table["parent_nullable"]
            )
            attrs["parent"] = relationship(parent)
        if table["self_ref"]:
            attrs["up_id"] = Column(ForeignKey(f"{name}.id"), nullable=True)
            attrs["up"] = relationship(f"Model{index}", remote_side=f"Model{index}.id")
        model = mapper_registry.mapped(type(f"Model{index}", (), attrs))
        models.append(model)
        body: dict[str, Any] = {
            "Meta": type("Meta", (), {"model": model}),
            "label": Sequence(lambda n, i=index: f"t{i}-{n}"),
        }
        if "required" in table["kinds"]:
            body["required"] = Sequence(lambda n: n)
        if table["parent"] is not None:
            body["parent"] = SubFactory(per_table[table["parent"]])
        root = type(f"Root{index}Factory", (AsyncFactory,), dict(body))
        if table["self_ref"]:
            body["Params"] = type("Params", (), {"nested": True})
            body["up"] = Maybe("nested", SubFactory(root), None)
        factory = type(f"Model{index}Factory", (AsyncFactory,), body)
        factories.extend([root, factory])
        per_table.append(factory)
        top = factory
    return mapper_registry.metadata, tuple(factories), top


async def _both_ways(spec: dict[str, Any]) -> list[str]:
    metadata, factories, top = _declare(spec)
    overrides = dict.fromkeys(spec["nones"])

    async def prepare(session: Any, create: bool) -> dict[str, Any]:
        return dict(overrides)

    shape = Shape("random", top, size=spec["size"], prepare=prepare)
    engine = make_engine("sqlite")
    try:
        orm = await write(engine, shape, orm=True, metadatas=(metadata,), factories=factories)
        fast = await write(engine, shape, orm=False, metadatas=(metadata,), factories=factories)
    finally:
        await drop(engine, (metadata,))
        await engine.dispose()
    return differences(orm, fast)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=schemas())
def test_random_schemas_are_written_as_the_orm_writes_them(spec: dict[str, Any]) -> None:
    """For any small schema and factories, create_batch agrees with the ORM flush."""
    assert asyncio.run(_both_ways(spec)) == []
