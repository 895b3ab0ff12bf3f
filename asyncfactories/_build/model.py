"""What a model accepts and how to make one from keyword arguments.

Read once per factory, when its class is defined: the field names a call may
pass (columns, relationships, settable properties, a custom ``__init__``'s
parameters) and the cheapest faithful constructor.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, configure_mappers

__all__ = ("accepted_fields", "constructor_for", "signature_names")


def accepted_fields(model: Any) -> tuple[frozenset[str] | None, Mapper[Any] | None]:
    """The names ``model`` accepts (``None``: any, it takes ``**kwargs``) and its mapper, if mapped."""
    mapper = sa_inspect(model, raiseerr=False) if isinstance(model, type) else None
    if isinstance(mapper, Mapper):
        names = set(mapper.all_orm_descriptors.keys()) - {"__mapper__"}
        # SQLAlchemy's constructor sets any attribute of the class: plain
        # properties with a setter are fields too.
        names |= {
            key
            for klass in model.__mro__
            for key, value in vars(klass).items()
            if isinstance(value, property) and value.fset is not None
        }
        init = getattr(mapper.class_manager, "original_init", None)
        if init is not None and init is not mapper.registry.constructor:
            extra = signature_names(init)
            if extra is None:
                return None, mapper
            names |= extra
        return frozenset(names), mapper
    if model is None:
        return None, None
    names = signature_names(model)
    return (frozenset(names) if names is not None else None), None


def signature_names(target: Any) -> set[str] | None:
    """The keyword names ``target`` takes, or ``None`` when it takes any (or cannot be read)."""
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters if p.name != "self"}


def constructor_for(model: Any, mapper: Mapper[Any] | None) -> Callable[[dict[str, Any]], Any]:
    """A function making ``model`` from keyword arguments, as cheaply as is faithful.

    For a mapped class with SQLAlchemy's default constructor, plain column
    values go straight into the instance dict, as SQLAlchemy's own loading
    does: the constructor's per-attribute events cost ~90% of the object, and
    nothing listens to them on a transient object. Relationships (backrefs),
    columns with listeners (validators, mutable types) still go through
    ``setattr``; a custom ``__init__``, init events or polymorphic identities
    keep the real constructor.
    """
    if mapper is None:
        return lambda kwargs: model(**kwargs)
    manager = mapper.class_manager
    if (
        manager.original_init is not mapper.registry.constructor
        or mapper.polymorphic_on is not None
        or any(getattr(fn, "__name__", "") != "_event_on_init" for fn in manager.dispatch.init)
    ):
        return lambda kwargs: model(**kwargs)
    new_instance = manager.new_instance
    # Worked out on first use, not at class definition: reading the column
    # attributes configures the mappers, and a factory may be defined before
    # every model its model points at is imported (factory_boy allows it).
    direct: frozenset[str] = frozenset()
    configured: list[bool] = []

    def make(kwargs: dict[str, Any]) -> Any:
        nonlocal direct
        if not configured:
            configure_mappers()  # what the skipped init event would have ensured
            direct = frozenset(
                p.key for p in mapper.column_attrs if not manager[p.key].dispatch.set
            )
            configured.append(True)
        obj = new_instance()
        values = obj.__dict__
        for key, value in kwargs.items():
            if key in direct:
                values[key] = value
            else:
                setattr(obj, key, value)
        return obj

    return make
