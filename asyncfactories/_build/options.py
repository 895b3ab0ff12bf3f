"""``class Meta`` and ``class Params`` parsed once, at class definition, into options.

Everything a call needs to know about a factory lives in one
:class:`FactoryOptions`, built by :func:`parse_options` from the class body and
the parent's options. Nothing here changes per call; the only mutable member is
a cache of resolution orders, derived data that any call may fill.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session, async_sessionmaker
from sqlalchemy.orm import Mapper, Session, scoped_session

from asyncfactories._build.autofill import autofill_declarations
from asyncfactories._build.checks import (
    check_keys,
    check_model,
    check_not_a_method,
    check_options,
    check_param_clash,
)
from asyncfactories._build.hooks import Hooks, default_hook, hooks_of
from asyncfactories._build.model import accepted_fields, constructor_for
from asyncfactories._declare import (
    SKIP,
    Declaration,
    Maybe,
    PostDeclaration,
    PostMaybe,
    Trait,
)
from asyncfactories._errors import (
    FactoryDefinitionError,
    UnknownDeclaredFieldError,
    close_match,
)
from asyncfactories._state import Hierarchy

__all__ = (
    "META_KEYS",
    "FactoryOptions",
    "UnknownDeclaredFieldError",
    "own_options",
    "parse_options",
)

META_KEYS = (
    "model",
    "abstract",
    "persistence",
    "session_factory",
    "get_or_create",
    "sqlalchemy_session",
    "strategy",
    "exclude",
    "rename",
    "inline_args",
    "autofill",  # issue 17: True (default), False or "all"; checked by _build.autofill
)
#: factory_boy's strategies, the values of ``Meta.strategy``.
STRATEGIES = ("build", "create", "stub")
_ALIASES = {
    "sqlalchemy_session_factory": "session_factory",
    "sqlalchemy_session_persistence": "persistence",
    "sqlalchemy_get_or_create": "get_or_create",
}
_PERSISTENCE = ("flush", "commit")


def own_options(value: object) -> FactoryOptions | None:
    """The options a factory class was defined with, or ``None`` for anything else.

    The one reader of the ``_options`` attribute outside the factory class
    (autofill and the declarations sit below this stage and read it themselves).
    """
    options = value.__dict__.get("_options") if isinstance(value, type) else None
    return options if isinstance(options, FactoryOptions) else None


@dataclasses.dataclass(frozen=True, eq=False)
class FactoryOptions:
    """What one factory class declares, parsed and checked."""

    name: str
    model: Any
    abstract: bool
    persistence: str
    session_factory: Callable[[], Any] | None
    #: factory_boy's ``Meta.sqlalchemy_session``: an AsyncSession, an
    #: ``async_scoped_session`` or a zero-argument callable returning one.
    session: object
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
    #: factory_boy hooks the class overrides.
    hooks: Hooks = Hooks()
    #: Class-body ``author__name = "x"`` lines: the defaults of a SubFactory's fields.
    nested_body: Mapping[str, object] = dataclasses.field(default_factory=dict)
    #: factory_boy's Meta.strategy: what calling the class does.
    strategy: str = "create"
    #: Meta.exclude: resolved, readable by other declarations, never passed to the model.
    exclude: frozenset[str] = frozenset()
    #: Meta.rename: declared name -> the model's keyword argument.
    rename: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Meta.inline_args: fields passed to the model positionally, in this order.
    inline_args: tuple[str, ...] = ()
    #: ``module.QualName``: what the factory's field streams derive from (with the seed).
    stream_name: str = ""

    @property
    def prepares(self) -> bool:
        """Whether kwargs go through factory_boy's preparation (hooks, exclude, rename...)."""
        hooks = self.hooks
        return bool(
            hooks.create
            or hooks.build
            or hooks.adjust_kwargs
            or self.exclude
            or self.rename
            or self.inline_args
        )

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
        if (
            key == "sqlalchemy_session_factory"
            and value is not None
            and not isinstance(value, async_sessionmaker)
        ):
            # factory_boy's session getter (``lambda: Session()`` of a scoped
            # session, often the test's own): the caller's session, flushed
            # there and never closed, as Meta.sqlalchemy_session is.
            if vars(meta).get("sqlalchemy_session") is not None:
                raise FactoryDefinitionError(
                    name,
                    "Meta.sqlalchemy_session",
                    "is set together with Meta.sqlalchemy_session_factory",
                    "keep one of the two, as factory_boy requires",
                )
            values["sqlalchemy_session"] = value
            continue
        if canonical in values and value is None:
            continue  # sqlalchemy_session = None beside the getter above
        values[canonical] = value
    return values


def _names(
    factory: str, key: str, meta: Mapping[str, object], inherited: tuple[str, ...] | frozenset[str]
) -> tuple[str, ...]:
    value = meta.get(key, inherited)
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise FactoryDefinitionError(
            factory, f"Meta.{key}", f"is {value!r}", "give it a tuple of field names"
        )
    return tuple(str(v) for v in value)


def _post_maybe(factory: str, key: str, value: object) -> object:
    """A Maybe with post-declaration branches runs after the object, as in factory_boy."""
    if not isinstance(value, Maybe):
        return value
    posts = [isinstance(b, PostDeclaration) for b in (value.yes, value.no) if b is not SKIP]
    if not any(posts):
        return value
    if not all(posts):
        raise FactoryDefinitionError(
            factory,
            key,
            f"{value!r} mixes a post declaration with a plain value",
            "make both branches post declarations (or SKIP), or both plain",
        )
    return PostMaybe(value)


def _other_bases(cls: type, parent: FactoryOptions | None) -> list[FactoryOptions]:
    """The options of factory bases beside the first one's line, nearest first."""
    factories = [
        b for b in cls.__mro__[1:] if isinstance(b.__dict__.get("_options"), FactoryOptions)
    ]
    if not factories:
        return []
    first_line = set(factories[0].__mro__)
    return [b.__dict__["_options"] for b in factories if b not in first_line]


def _is_body_value(key: str, value: object) -> bool:
    if key.startswith("__") or key in ("Meta", "Params"):
        return False
    if key.startswith("_"):
        # factory_boy keeps a private name when it holds a declaration.
        return isinstance(value, (Declaration, PostDeclaration))
    return not isinstance(value, (types.FunctionType, classmethod, staticmethod, property))


def parse_options(
    cls: type, parent: FactoryOptions | None, inferred_model: Any = None
) -> FactoryOptions:
    """Build the options of ``cls`` from its body, its ``Meta``/``Params`` and its parent."""
    name = cls.__name__
    meta = _meta_values(name, cls.__dict__.get("Meta"))
    model = meta.get("model", parent.model if parent else None) or inferred_model
    check_model(name, model)
    abstract = bool(meta.get("abstract", False)) or model is None
    persistence = meta.get("persistence", parent.persistence if parent else "flush")
    if persistence is None:  # factory_boy's default: rows are sent anyway
        persistence = "flush"
    if persistence not in _PERSISTENCE:
        raise FactoryDefinitionError(
            name, "Meta.persistence", f"is {persistence!r}", 'use "flush" (the default) or "commit"'
        )
    if meta.get("session_factory") is not None and meta.get("sqlalchemy_session") is not None:
        raise FactoryDefinitionError(
            name,
            "Meta.sqlalchemy_session",
            "is set together with Meta.sqlalchemy_session_factory",
            "keep one of the two, as factory_boy requires",
        )
    # A subclass that names one way to get a session replaces the other it inherited.
    inherit = (
        parent is not None and "session_factory" not in meta and "sqlalchemy_session" not in meta
    )
    session_factory = meta.get(
        "session_factory", parent.session_factory if parent and inherit else None
    )
    session = meta.get("sqlalchemy_session", parent.session if parent and inherit else None)
    if isinstance(session, Session) or (
        isinstance(session, scoped_session) and not isinstance(session, async_scoped_session)
    ):
        raise FactoryDefinitionError(
            name,
            "Meta.sqlalchemy_session",
            f"is a synchronous {type(session).__name__}, which cannot be awaited",
            "give it an AsyncSession, an async_scoped_session or a callable returning an AsyncSession",
        )
    if session is not None and not isinstance(session, AsyncSession) and not callable(session):
        raise FactoryDefinitionError(
            name,
            "Meta.sqlalchemy_session",
            f"is {session!r}",
            "give it an AsyncSession, an async_scoped_session or a callable returning an AsyncSession",
        )
    if session_factory is not None and not callable(session_factory):
        raise FactoryDefinitionError(
            name,
            "Meta.session_factory",
            f"is {session_factory!r}, not a callable",
            "give it a zero-argument callable returning an AsyncSession, e.g. async_sessionmaker(engine)",
        )
    raw_keys = meta.get("get_or_create", parent.get_or_create if parent else ())
    check_keys(name, raw_keys)
    get_or_create = (raw_keys,) if isinstance(raw_keys, str) else tuple(raw_keys)  # type: ignore[arg-type]

    strategy = meta.get("strategy", parent.strategy if parent else "create")
    if strategy not in STRATEGIES:
        raise FactoryDefinitionError(
            name, "Meta.strategy", f"is {strategy!r}", 'use "create", "build" or "stub"'
        )
    exclude = frozenset(_names(name, "exclude", meta, parent.exclude if parent else ()))
    inline_args = _names(name, "inline_args", meta, parent.inline_args if parent else ())
    rename: dict[str, str] = dict(meta.get("rename", parent.rename if parent else {}))  # type: ignore[call-overload]
    fields: dict[str, object] = dict(parent.fields) if parent else {}
    params: set[str] = set(parent.params) if parent else set()
    traits: dict[str, Trait] = dict(parent.traits) if parent else {}
    trait_defaults: dict[str, object] = dict(parent.trait_defaults) if parent else {}
    post: dict[str, PostDeclaration] = dict(parent.post) if parent else {}
    nested_body: dict[str, object] = dict(parent.nested_body) if parent else {}
    for other in _other_bases(cls, parent):
        # Several factory bases (dual inheritance): the first one wins, as for attributes.
        fields = {**other.fields, **fields}
        params |= other.params - frozenset(other.traits)
        traits = {**other.traits, **traits}
        trait_defaults = {**other.trait_defaults, **trait_defaults}
        post = {**other.post, **post}
        nested_body = {**other.nested_body, **nested_body}

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
        check_not_a_method(cls, key, value)
        value = _post_maybe(name, key, value)
        if "__" in key.strip("_"):
            nested_body[key] = value
        elif key in traits:
            trait_defaults[key] = value
        elif isinstance(value, PostDeclaration):
            post[key] = value
            fields.pop(key, None)
        else:
            fields[key] = value
            post.pop(key, None)

    # factory_boy shares the counter when the model is (a subclass of) the parent's model.
    same_model = (
        parent is not None
        and not parent.abstract
        and (
            parent.model is model
            or (
                isinstance(model, type)
                and isinstance(parent.model, type)
                and issubclass(model, parent.model)
            )
        )
    )
    hooks = hooks_of(cls)
    hierarchy = (
        parent.hierarchy
        if same_model and parent is not None
        else Hierarchy(setup=hooks.setup_next_sequence)
    )
    model_fields, mapper = accepted_fields(model) if not abstract else (None, None)
    if hooks.build is not None and mapper is None:
        model_fields = None  # the factory's own _build decides what it accepts (ListFactory)
    check_param_clash(name, cls, params_cls, model_fields)
    # Autofill (issue 17): declarations for the required columns the body leaves out.
    fields, post = autofill_declarations(cls, mapper, fields, post, rename, params)
    options = FactoryOptions(
        name=name,
        model=model,
        abstract=abstract,
        persistence=str(persistence),
        session_factory=session_factory,
        session=session,
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
        hooks=hooks,
        strategy=str(strategy),
        exclude=exclude,
        rename=rename,
        inline_args=inline_args,
        nested_body=nested_body,
        stream_name=_stream_name(cls),
    )
    check_options(options)
    return options


def _stream_name(cls: type) -> str:
    # A script's classes are __mp_main__ in the processes multiprocessing spawns.
    module = "__main__" if cls.__module__ == "__mp_main__" else cls.__module__
    return f"{module}.{cls.__qualname__}"
