"""What a model accepts, and the fast constructor: the same object SQLAlchemy's would make."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import instance_state

from asyncfactories._build.model import accepted_fields, constructor_for
from tests.fidelity import models as m


def _state(obj: Any) -> tuple[dict[str, Any], bool, bool]:
    values = {k: v for k, v in vars(obj).items() if not k.startswith("_sa_")}
    state = instance_state(obj)
    return values, state.transient, state.modified


def test_a_mapped_class_accepts_columns_relationships_and_settable_properties() -> None:
    fields, mapper = accepted_fields(m.Validated)
    assert mapper is not None
    assert fields is not None
    assert {"id", "label", "code", "raw_name", "name"} <= fields  # name: a hybrid with a setter
    fields, _ = accepted_fields(m.Post)
    assert fields is not None
    assert {"author", "author_id", "tags"} <= fields


def test_a_plain_class_accepts_its_signature_and_kwargs_accepts_anything() -> None:
    @dataclasses.dataclass
    class Point:
        x: int
        y: int = 0

    class Anything:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

    assert accepted_fields(Point) == (frozenset({"x", "y"}), None)
    assert accepted_fields(Anything) == (None, None)


def test_the_fast_constructor_makes_what_the_model_constructor_makes() -> None:
    """Plain columns straight into the dict; validators, hybrids and backrefs still run."""
    make = constructor_for(m.Validated, sa_inspect(m.Validated))
    kwargs = {"label": "x", "code": "abc", "name": "ada lovelace"}
    fast, real = make(dict(kwargs)), m.Validated(**kwargs)
    assert _state(fast) == _state(real)
    assert fast.code == "ABC"  # @validates ran
    assert fast.raw_name == "Ada Lovelace"  # the hybrid's setter ran

    author = m.Author(label="a")
    post = constructor_for(m.Post, sa_inspect(m.Post))({"label": "p", "author": author})
    assert author.posts == [post]  # the backref fired, as Post(author=author) fires it
