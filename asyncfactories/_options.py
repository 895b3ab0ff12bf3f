"""``class Meta`` and ``class Params`` parsed once, at class definition, into options.

Everything a call needs to know about a factory lives in one
:class:`FactoryOptions`, built by :func:`parse_options` from the class body and
the parent's options. Nothing here changes per call; the only mutable member is
a cache of resolution orders, derived data that any call may fill.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapper, configure_mappers

from asyncfactories._counter import Hierarchy
from asyncfactories._declarations import Declaration, PostDeclaration, Trait
from asyncfactories._errors import FactoryDefinitionError, UnknownDeclaredFieldError, close_match

__all__ = ("META_KEYS", "FactoryOptions", "UnknownDeclaredFieldError", "parse_options")

META_KEYS = ("model", "abstract", "persistence", "session_factory", "get_or_create")
_ALIASES = {
    "sqlalchemy_session_factory": "session_factory",
    "sqlalchemy_session_persistence": "persistence",
    "sqlalchemy_get_or_create": "get_or_create",
}
_PERSISTENCE = ("flush", "commit")


@dataclasses.dataclass(frozen=True, eq=False)
class FactoryOptions:
    """What one factory class declares, parsed and checked."""

    name: str
    model: Any
    abstract: bool
    persistence: str
    session_factory: Callable[[], Any] | None
    get_or_create: tuple[str, ...]
    #: Fields and params in declaration order: plain values or declarations.
    fields: Mapping[str, object]
    params: frozenset[str]
    traits: Mapping[str, Trait]
    trait_defaults: Mapping[str, object]
    post: Mapping[str, PostDeclaration]
    hierarchy: Hierarchy
    #: Names the model accepts, or None when that cannot be known.
    model_fields: frozenset[str] | None
    mapper: Mapper[Any] | None
    #: Makes the model from resolved keyword arguments (see :func:`constructor_for`).
    make: Callable[[dict[str, Any]], Any]
    #: Call shapes already worked out (see the resolver), keyed by override shape.
    orders: dict[frozenset[tuple[str, object]], Any] = dataclasses.field(default_factory=dict)

    def known(self, name: str) -> bool:
        """Whether ``name`` may be given as an override."""
        return (
            name in self.fields
            or name in self.post
            or name in self.traits
            or (self.model_fields is None or name in self.model_fields)
        )


def _meta_values(name: str, meta: type | None) -> dict[str, object]:
    if meta is None:
        return {}
    values: dict[str, object] = {}
    for key, value in vars(meta).items():
        if key.startswith("__"):
            continue
        if key == "sqlalchemy_session":
            raise FactoryDefinitionError(
                name,
                "Meta.sqlalchemy_session",
                "a session object in Meta would be shared by every test and task",
                "set Meta.session_factory = async_sessionmaker(engine) or bind one with use_session()",
            )
        canonical = _ALIASES.get(key, key)
        if canonical not in META_KEYS:
            allowed = ", ".join(META_KEYS + tuple(_ALIASES))
            close = close_match(key, META_KEYS + tuple(_ALIASES))
            hint = f"did you mean Meta.{close}? " if close else ""
            raise FactoryDefinitionError(
                name, f"Meta.{key}", "is not a Meta option", f"{hint}use one of: {allowed}"
            )
        if canonical == "abstract" and not isinstance(value, bool):
            raise FactoryDefinitionError(
                name, "Meta.abstract", f"is {value!r}, not True or False", "write abstract = True"
            )
        values[canonical] = value
    return values


def _model_fields(model: Any) -> tuple[frozenset[str] | None, Mapper[Any] | None]:
    mapper = sa_inspect(model, raiseerr=False) if isinstance(model, type) else None
    if isinstance(mapper, Mapper):
        names = set(mapper.all_orm_descriptors.keys()) - {"__mapper__"}
        init = getattr(mapper.class_manager, "original_init", None)
        if init is not None and init is not mapper.registry.constructor:
            extra = _signature_names(init)
            if extra is None:
                return None, mapper
            names |= extra
        return frozenset(names), mapper
    if model is None:
        return None, None
    names = _signature_names(model)
    return (frozenset(names) if names is not None else None), None


def _signature_names(target: Any) -> set[str] | None:
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters if p.name != "self"}


def _is_body_value(key: str, value: object) -> bool:
    if key.startswith("_") or key in ("Meta", "Params"):
        return False
    return not isinstance(value, (types.FunctionType, classmethod, staticmethod, property))


def parse_options(
    cls: type, parent: FactoryOptions | None, inferred_model: Any = None
) -> FactoryOptions:
    """Build the options of ``cls`` from its body, its ``Meta``/``Params`` and its parent."""
    name = cls.__name__
    meta = _meta_values(name, cls.__dict__.get("Meta"))
    model = meta.get("model", parent.model if parent else None) or inferred_model
    _check_model(name, model)
    abstract = bool(meta.get("abstract", False)) or model is None
    persistence = meta.get("persistence", parent.persistence if parent else "flush")
    if persistence is None:  # factory_boy's default: rows are sent anyway
        persistence = "flush"
    if persistence not in _PERSISTENCE:
        raise FactoryDefinitionError(
            name, "Meta.persistence", f"is {persistence!r}", 'use "flush" (the default) or "commit"'
        )
    session_factory = meta.get("session_factory", parent.session_factory if parent else None)
    if session_factory is not None and not callable(session_factory):
        raise FactoryDefinitionError(
            name,
            "Meta.session_factory",
            f"is {session_factory!r}, not a callable",
            "give it a zero-argument callable returning an AsyncSession, e.g. async_sessionmaker(engine)",
        )
    raw_keys = meta.get("get_or_create", parent.get_or_create if parent else ())
    _check_keys(name, raw_keys)
    get_or_create = (raw_keys,) if isinstance(raw_keys, str) else tuple(raw_keys)  # type: ignore[arg-type]

    fields: dict[str, object] = dict(parent.fields) if parent else {}
    params: set[str] = set(parent.params) if parent else set()
    traits: dict[str, Trait] = dict(parent.traits) if parent else {}
    trait_defaults: dict[str, object] = dict(parent.trait_defaults) if parent else {}
    post: dict[str, PostDeclaration] = dict(parent.post) if parent else {}

    params_cls = cls.__dict__.get("Params")
    if params_cls is not None:
        for key, value in vars(params_cls).items():
            if key.startswith("__"):
                continue
            if isinstance(value, Trait):
                traits[key] = value
                trait_defaults[key] = False
            else:
                fields[key] = value
                params.add(key)
    for key, value in vars(cls).items():
        if not _is_body_value(key, value):
            continue
        if isinstance(value, Trait):
            raise FactoryDefinitionError(
                name, key, f"{value!r} is in the class body", "move it into class Params"
            )
        _check_not_a_method(cls, key, value)
        if key in traits:
            trait_defaults[key] = value
        elif isinstance(value, PostDeclaration):
            post[key] = value
            fields.pop(key, None)
        else:
            fields[key] = value
            post.pop(key, None)

    same_model = parent is not None and not parent.abstract and parent.model is model
    hierarchy = parent.hierarchy if same_model and parent is not None else Hierarchy()
    model_fields, mapper = _model_fields(model) if not abstract else (None, None)
    _check_param_clash(name, cls, params_cls, model_fields)
    options = FactoryOptions(
        name=name,
        model=model,
        abstract=abstract,
        persistence=str(persistence),
        session_factory=session_factory,
        get_or_create=get_or_create,
        fields=fields,
        # Trait switches are parameters too: never passed to the model.
        params=frozenset(params) | frozenset(traits),
        traits=traits,
        trait_defaults=trait_defaults,
        post=post,
        hierarchy=hierarchy,
        model_fields=model_fields,
        mapper=mapper,
        make=constructor_for(model, mapper),
    )
    _check(options)
    return options


def _check_param_clash(
    name: str, cls: type, params_cls: type | None, model_fields: frozenset[str] | None
) -> None:
    """Refuse a model field also listed in Params: as a parameter it never reaches the model.

    A name in Params that is no model field may take its value from the body
    (``class Params: key = None`` with ``key = SelfAttribute("author.id")``).
    """
    if params_cls is None or model_fields is None:
        return
    for key in vars(params_cls):
        if key in cls.__dict__ and key in model_fields and not key.startswith("__"):
            raise FactoryDefinitionError(
                name,
                key,
                "is a model field declared in the class body and also listed in class Params, "
                "so the model would never get it",
                "remove it from Params (parameters are for values the model does not take)",
            )


def _check_model(name: str, model: object) -> None:
    if model is not None and not callable(model):
        raise FactoryDefinitionError(
            name,
            "Meta.model",
            f"is {model!r}, not a class",
            "set it to the model class (a SQLAlchemy-mapped class, a dataclass, any callable)",
        )


def _check_keys(name: str, keys: object) -> None:
    if isinstance(keys, str):
        return
    if not isinstance(keys, (tuple, list)) or not all(isinstance(k, str) for k in keys):
        raise FactoryDefinitionError(
            name,
            "Meta.get_or_create",
            f"is {keys!r}, not field names",
            'give a tuple of field names, e.g. get_or_create = ("email",)',
        )


def _check_not_a_method(cls: type, key: str, value: object) -> None:
    """Refuse a declaration that would hide a method of the factory (``create = ...``)."""
    for base in cls.__mro__[1:]:
        inherited = base.__dict__.get(key)
        if isinstance(inherited, (classmethod, staticmethod, types.FunctionType)):
            raise FactoryDefinitionError(
                cls.__name__,
                key,
                f"would replace the factory's own {key}() method",
                f"a model field named {key!r} can still be given per call "
                f"({cls.__name__}.create({key}=...)); declare its default under another name",
            )


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
    direct = frozenset(p.key for p in mapper.column_attrs if not manager[p.key].dispatch.set)
    new_instance = manager.new_instance
    configured: list[bool] = []

    def make(kwargs: dict[str, Any]) -> Any:
        if not configured:
            configure_mappers()  # what the skipped init event would have ensured
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


def _check(options: FactoryOptions) -> None:
    name = options.name
    for key, value in options.fields.items():
        if isinstance(value, Declaration):
            value.check(name, key)
    for key, post in options.post.items():
        post.check(name, key)
    if options.abstract or options.model_fields is None:
        return
    model_name = getattr(options.model, "__name__", repr(options.model))
    for key in options.fields:
        if key not in options.params and key not in options.model_fields:
            close = close_match(key, options.model_fields)
            raise UnknownDeclaredFieldError(
                name,
                key,
                f"is declared but {model_name} has no such field",
                (f"did you mean {close!r}? " if close else "")
                + "fix the name, or move it into class Params if it is not a model field",
            )
        _check_settable(options, key)
    for key in options.get_or_create:
        if key not in options.model_fields:
            raise UnknownDeclaredFieldError(
                name,
                f"Meta.get_or_create[{key!r}]",
                f"names no field of {model_name}",
                "list field names of the model",
            )
    for flag, trait in options.traits.items():
        for key, value in trait.overrides.items():
            if isinstance(value, Declaration):
                value.check(name, f"Params.{flag}")
            root = key.split("__", 1)[0]
            if not options.known(root):
                close = close_match(root, options.model_fields)
                raise UnknownDeclaredFieldError(
                    name,
                    f"Params.{flag}",
                    f"{trait!r} sets {key!r}, which {model_name} does not have",
                    (f"did you mean {close!r}? " if close else "") + "fix the name in the Trait",
                )


def _check_settable(options: FactoryOptions, key: str) -> None:
    """Refuse a declared hybrid property without a setter: the model could not take the value."""
    mapper = options.mapper
    descriptor = mapper.all_orm_descriptors.get(key) if mapper is not None else None
    if isinstance(descriptor, hybrid_property) and descriptor.fset is None:
        raise FactoryDefinitionError(
            options.name,
            key,
            f"is a read-only hybrid property of {options.model.__name__}",
            "declare the columns it is computed from, or give the hybrid a setter",
        )
