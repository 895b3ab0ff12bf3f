"""Resolution: from a factory's options and a call's overrides to built objects.

One call is prepared once (overrides split, traits applied, fields ordered so
that each declaration runs after the fields it reads), then every object of
the call is resolved by the same loop in :meth:`Builder.build`. The loop is an
``async def`` so that ``async def`` declarations and sub-factories are simply
awaited; ``build()`` drives the very same loop without an event loop, which
works because it refuses async declarations up front.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Coroutine, Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstanceState

from asyncfactories._build.options import FactoryOptions, UnknownDeclaredFieldError
from asyncfactories._declare import (
    MISSING,
    SKIP,
    Declaration,
    Maybe,
    Pool,
    PoolMembers,
    PostDeclaration,
    PostMaybe,
    Preset,
    SubFactory,
    Trait,
)
from asyncfactories._declare import Row as RowView
from asyncfactories._errors import (
    AsyncDeclarationError,
    CyclicDeclarationError,
    FactoryArgumentError,
    FactoryDefinitionError,
    FactoryError,
    UnknownAttributeError,
    UnknownFieldError,
    close_match,
)
from asyncfactories._state import Hierarchy, bind_field, last_resolved_session, using_hook_session

__all__ = ("Builder", "Call", "StubObject", "check_definition", "options_of", "run_sync")

_COROUTINE = types.CoroutineType
_PLAIN = object()
_CACHE_LIMIT = 512


def options_of(factory: object) -> FactoryOptions:
    """The options of a factory class (the SubFactory target of a row)."""
    options: FactoryOptions = factory._options  # type: ignore[attr-defined]
    return options


def run_sync(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Drive a coroutine that never suspends (a ``build()``) to its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()  # pragma: no cover - build() refuses whatever could suspend
    raise RuntimeError("a build suspended")  # pragma: no cover


class Shape:
    """The parts of a call that do not depend on override values: cached per factory."""

    __slots__ = (
        "async_field",
        "deferred",
        "order",
        "post",
        "post_extracted",
        "post_kwargs",
        "trait_nested",
        "trait_values",
    )

    def __init__(
        self,
        order: tuple[tuple[str, object, bool], ...],
        trait_values: dict[str, object],
        trait_nested: dict[str, dict[str, object]],
        post: tuple[tuple[str, PostDeclaration], ...],
        async_field: str | None,
        post_extracted: dict[str, object] | None = None,
        post_kwargs: dict[str, dict[str, object]] | None = None,
        deferred: frozenset[str] = frozenset(),
    ) -> None:
        #: (name, class declaration or trait value, taken from the call's overrides?)
        self.order = order
        self.trait_values = trait_values
        self.trait_nested = trait_nested
        self.post = post
        self.async_field = async_field
        #: What traits pass to post declarations: ``Trait(reviews=0)``, ``Trait(reviews__score=1)``.
        self.post_extracted = post_extracted or {}
        self.post_kwargs = post_kwargs or {}
        #: Fields that read a SubFactory object: under create they are resolved
        #: once that object's row is written (so they see its generated key).
        self.deferred = deferred


class Call:
    """One factory call with its overrides: what every row of the call shares."""

    __slots__ = (
        "after",
        "deferred_steps",
        "hooked",
        "lookup",
        "nested",
        "options",
        "post",
        "shape",
        "steps",
    )

    def __init__(self, options: FactoryOptions, overrides: Mapping[str, object]) -> None:
        self.options = options
        root: dict[str, object] = {}
        nested: dict[str, dict[str, object]] = {}
        extracted: dict[str, object] = {}
        post_kwargs: dict[str, dict[str, object]] = {}
        if options.nested_body:
            overrides = {**options.nested_body, **overrides}
        for key, value in overrides.items():
            head, sep, rest = key.partition("__")
            if sep and head in options.post:
                post_kwargs.setdefault(head, {})[rest] = value
            elif sep:
                nested.setdefault(head, {})[rest] = value
            elif head in options.post:
                extracted[head] = value
            elif options.known(head):
                root[head] = value
                if isinstance(value, Declaration):
                    value.check(options.name, head)  # an override is checked as a declaration
                elif isinstance(value, Trait):
                    raise FactoryDefinitionError(
                        options.name,
                        head,
                        f"got {value!r} as a value; a Trait only works in class Params",
                        f"pass {head}=True for a Trait declared in Params, or a plain value",
                    )
            else:
                raise _unknown_override(options, key)
        shape = _shape(options, root)
        self.shape = shape
        for head, extra in shape.trait_nested.items():
            nested[head] = {**extra, **nested.get(head, {})}
        for head in nested:
            target = root.get(head, shape.trait_values.get(head, options.fields.get(head)))
            if not isinstance(target, SubFactory):
                raise UnknownFieldError(
                    options.name,
                    f"{head}__{next(iter(nested[head]))}",
                    f"reaches into {head!r}, which is not a SubFactory or RelatedFactory here",
                    f"override {head!r} itself, or declare it as a SubFactory",
                )
        self.nested = nested
        steps = []
        for name, value, from_call in shape.order:
            if from_call:
                value = root[name]
                # factory_boy's Transformer also transforms the value a call passes.
                declared = options.fields.get(name)
                given = (
                    getattr(declared, "given", None) if isinstance(declared, Declaration) else None
                )
                if given is not None:
                    value = given(value)
            if isinstance(value, Declaration):
                # Each field draws from its own stream (seed, factory, field): bound once per call.
                value = bind_field(options.stream_name, name, value)
            steps.append((name, value, isinstance(value, Declaration)))
        self.steps = tuple(steps)
        self.lookup = {name: value for name, value, _ in self.steps}
        deferred = shape.deferred
        self.deferred_steps = tuple(step for step in self.steps if step[0] in deferred)
        for key in options.get_or_create:
            if key not in self.lookup:
                raise FactoryArgumentError(
                    options.name,
                    f"Meta.get_or_create[{key!r}]",
                    f"has no value: {key!r} is neither declared nor passed",
                    f"declare {key!r} in the factory or pass it to the call",
                )
        self.post = tuple(
            (
                name,
                declaration,
                extracted.get(name, shape.post_extracted.get(name, MISSING)),
                {**shape.post_kwargs.get(name, {}), **post_kwargs.get(name, {})},
            )
            for name, declaration in shape.post
        )
        hooks = options.hooks
        #: The object is made through factory_boy hooks the factory overrides.
        self.hooked = options.prepares
        self.after = (
            AfterPostGeneration(hooks.after_postgeneration)
            if hooks.after_postgeneration is not None
            else None
        )


def _unknown_override(options: FactoryOptions, key: str) -> UnknownFieldError:
    declared = sorted(n for n in options.fields if n not in options.params)
    params = sorted(options.params)
    others = sorted(
        n
        for n in options.model_fields or ()
        if not n.startswith("_") and n not in options.fields and n not in options.post
    )
    valid = [*declared, *params, *options.post, *others]
    close = close_match(key, valid)
    listed = f"declared: {', '.join(declared) or 'none'}"
    if params:
        listed += f"; params and traits: {', '.join(params)}"
    if others:
        listed += f"; other fields of {_model_name(options)}: {', '.join(others)}"
    fix = f"did you mean {close}=? " if close else ""
    return UnknownFieldError(
        options.name,
        key,
        f"is not a field of {_model_name(options)}",
        f"{fix}pass one of its fields ({listed})",
    )


def _instantiate(options: FactoryOptions, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call the model with the resolved fields, naming the factory if it refuses them."""
    try:
        return options.model(*args, **kwargs) if args else options.make(kwargs)
    except TypeError as exc:
        raise UnknownFieldError(
            options.name,
            None,
            f"{_model_name(options)}(...) refused the resolved fields ({exc})",
            "make the declared fields match what the model accepts",
        ) from exc


def _model_name(options: FactoryOptions) -> str:
    return str(getattr(options.model, "__name__", options.model))


def _shape_key(
    options: FactoryOptions, root: Mapping[str, object]
) -> frozenset[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    for key, value in root.items():
        if key in options.traits:
            items.append((key, value if isinstance(value, Declaration) else bool(value)))
        elif isinstance(value, Declaration):
            items.append((key, value))
        else:
            items.append((key, _PLAIN))
    return frozenset(items)


def _shape(options: FactoryOptions, root: Mapping[str, object]) -> Shape:
    key = _shape_key(options, root)
    cache = options.orders
    shape: Shape | None = cache.get(key)
    if shape is None:
        shape = _make_shape(options, root)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = shape
    return shape


def _make_shape(options: FactoryOptions, root: Mapping[str, object]) -> Shape:
    declared: dict[str, object] = dict(options.fields)
    post: dict[str, PostDeclaration] = dict(options.post)
    trait_values: dict[str, object] = {}
    trait_nested: dict[str, dict[str, object]] = {}
    applied: set[str] = set()

    def apply(flag: str) -> None:
        if flag in applied:
            return
        applied.add(flag)
        for key, value in options.traits[flag].overrides.items():
            head, sep, rest = key.partition("__")
            if sep:
                trait_nested.setdefault(head, {})[rest] = value
            elif key in options.traits:
                if value:
                    apply(key)
            elif isinstance(value, PostDeclaration):
                # A trait may add a RelatedFactory or a hook: it runs after the object.
                post[key] = value
                declared.pop(key, None)
            else:
                trait_values[key] = value

    for flag in options.traits:
        setting = root.get(flag, options.trait_defaults[flag])
        if isinstance(setting, Declaration):
            # A switch decided per object: every field it touches becomes a Maybe.
            declared[flag] = setting
            extras: dict[str, dict[str, object]] = {}
            presets: dict[str, tuple[object, dict[str, object]]] = {}
            for key, value in options.traits[flag].overrides.items():
                head, sep, rest = key.partition("__")
                if sep and isinstance(declared.get(head), SubFactory):
                    extras.setdefault(head, {})[rest] = value
                elif head in post and not isinstance(value, PostDeclaration):
                    extracted, kwargs = presets.get(head, (MISSING, {}))
                    if sep:
                        kwargs = {**kwargs, rest: value}
                    else:
                        extracted = value
                    presets[head] = (extracted, kwargs)
                elif isinstance(value, PostDeclaration):
                    post[key] = PostMaybe(Maybe(flag, value, post.get(key, SKIP)))
                else:
                    declared[key] = Maybe(flag, value, declared.get(key, SKIP))
            for head, (extracted, kwargs) in presets.items():
                # ``Trait(reviews=0)`` per object: the post declaration with those values.
                plain_post = post[head]
                post[head] = PostMaybe(
                    Maybe(flag, Preset(plain_post, extracted, kwargs), plain_post)
                )
            for head, extra in extras.items():
                # ``Trait(author__name="x")`` per object: the SubFactory with those defaults.
                plain = declared[head]
                assert isinstance(plain, SubFactory)
                declared[head] = Maybe(flag, plain.with_defaults(extra), plain)
        elif setting:
            apply(flag)
    # Values a trait gives to post declarations are what a call would pass them.
    post_extracted = {k: trait_values.pop(k) for k in list(trait_values) if k in post}
    post_kwargs = {k: trait_nested.pop(k) for k in list(trait_nested) if k in post}
    declared.update(trait_values)
    from_call = set()
    for key in root:
        if key not in options.traits:
            declared[key] = root[key]
            from_call.add(key)
    names = _ordered(options, declared)
    order = tuple(
        (name, None if name in from_call else declared[name], name in from_call) for name in names
    )
    # An async post_generation hook does not stop build(): it is called with
    # create=False and, unless it really awaits something, finishes at once.
    async_field = next(
        (n for n in names if getattr(declared[n], "is_async", False)),
        None,
    )
    return Shape(
        order,
        trait_values,
        trait_nested,
        tuple(post.items()),
        async_field,
        post_extracted,
        post_kwargs,
        _deferred(names, declared),
    )


def _makes_parent(value: object) -> bool:
    if isinstance(value, SubFactory):
        return True
    return isinstance(value, Maybe) and any(_makes_parent(part) for part in (value.yes, value.no))


def _deferred(names: list[str], declared: Mapping[str, object]) -> frozenset[str]:
    """The fields that read (directly or through another field) a SubFactory's object."""
    parents = {name for name in names if _makes_parent(declared[name])}
    if not parents:
        return frozenset()
    deferred: set[str] = set()
    for name in names:  # dependencies come first in this order
        value = declared[name]
        if name in parents or not isinstance(value, Declaration):
            continue
        if any(dep in parents or dep in deferred for dep in value.depends_on()):
            deferred.add(name)
    return frozenset(deferred)


def _ordered(options: FactoryOptions, declared: Mapping[str, object]) -> list[str]:
    """Declaration order, except that a field comes after the fields it reads."""
    done: dict[str, bool] = {}  # False while visiting, True once placed
    names: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        state = done.get(name)
        if state:
            return
        if state is False:
            start = path.index(name)
            raise CyclicDeclarationError(options.name, (*path[start:], name))
        done[name] = False
        value = declared[name]
        if isinstance(value, Declaration):
            for dependency in value.depends_on():
                if dependency in declared:
                    visit(dependency, (*path, name))
                elif options.model_fields is not None and dependency not in options.model_fields:
                    close = close_match(dependency, [*declared, *options.model_fields])
                    raise UnknownDeclaredFieldError(
                        options.name,
                        name,
                        f"{value!r} reads {dependency!r}, which is neither declared nor a field",
                        (f"did you mean {close!r}? " if close else "")
                        + "fix the name or declare it (in class Params if it is not a model field)",
                    )
        done[name] = True
        names.append(name)

    for name in declared:
        visit(name, ())
    return names


def check_definition(options: FactoryOptions) -> None:
    """Prepare the no-override call once, so cycles and bad reads fail at class definition."""
    _shape(options, {})


class Resolved:
    """What ``LazyAttribute`` receives: the object being built, field by field."""

    __slots__ = ("_row",)

    def __init__(self, row: Row) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._row.read(name)  # UnknownAttributeError, so getattr(o, x, default) works

    def __repr__(self) -> str:
        return f"<{self._row.call.options.name} being built: {self._row.values!r}>"


class Row:
    """One object being resolved (the ``row`` every declaration receives)."""

    __slots__ = ("_stub", "builder", "call", "field", "n", "parent", "resolving", "values")

    def __init__(self, call: Call, n: int, parent: Row | None, builder: Builder) -> None:
        self.call = call
        self.n = n
        self.parent = parent
        self.builder = builder
        self.values: dict[str, object] = {}
        self.field = ""
        self.resolving: list[str] | None = None
        self._stub: Resolved | None = None

    @property
    def factory_name(self) -> str:
        """The factory building this object."""
        return self.call.options.name

    @property
    def hierarchy(self) -> Hierarchy:
        """The sequence counter and unique memories of the factory."""
        return self.call.options.hierarchy

    @property
    def stub(self) -> Resolved:
        """The object handed to ``LazyAttribute``."""
        if self._stub is None:
            self._stub = Resolved(self)
        return self._stub

    def read(self, name: str) -> object:
        """The value of field ``name``, resolving it now if it has not been yet."""
        values = self.values
        if name in values:
            value = values[name]
            if value is SKIP:
                raise UnknownAttributeError(
                    self.factory_name,
                    self.field,
                    f"reads {name!r}, which a Maybe left unset",
                    "give it a value",
                )
            return value
        declared = self.call.lookup.get(name, MISSING)
        if declared is not MISSING:
            return self._resolve_now(name, declared)
        if name == "factory_parent":
            return self.parent.stub if self.parent is not None else None
        close = close_match(name, self.call.lookup)
        raise UnknownAttributeError(
            self.factory_name,
            self.field,
            f"reads {name!r}, which {self.factory_name} does not declare",
            (f"did you mean {close!r}? " if close else "")
            + "declare it, pass it as an override, or fix the name",
        )

    def _resolve_now(self, name: str, declared: object) -> object:
        resolving = self.resolving if self.resolving is not None else []
        self.resolving = resolving
        if name in resolving:
            start = resolving.index(name)
            raise CyclicDeclarationError(self.factory_name, (*resolving[start:], name))
        reader = self.field
        resolving.append(name)
        self.field = name
        try:
            value = declared.evaluate(self) if isinstance(declared, Declaration) else declared
        finally:
            self.field = reader
            resolving.pop()
        if type(value) is _COROUTINE:
            value.close()
            raise AsyncDeclarationError(
                self.factory_name,
                name,
                f"is async and {reader!r} reads it before it was resolved",
                f"declare {name!r} before {reader!r}",
            )
        self.values[name] = value
        return value

    def recurse(
        self, factory: object, defaults: Mapping[str, object], *, same_sequence: bool = False
    ) -> object:
        """Build the SubFactory object of the current field.

        ``same_sequence`` gives it this object's sequence number (factory_boy's
        ``FORCE_SEQUENCE``, which ``Dict`` and ``List`` use).
        """
        nested = self.call.nested.get(self.field)
        overrides = {**defaults, **nested} if nested else defaults
        return self.builder.one(
            options_of(factory), overrides, self, self.n if same_sequence else None
        )

    def relate(self, factory: object, overrides: list[dict[str, object]]) -> object:
        """Build the related objects of the current post declaration."""
        return self.builder.many(options_of(factory), overrides, self)

    def pooled(self, pool: Pool) -> object:
        """This row's member of ``pool``; the call makes the members on first use."""
        found = self.builder.pools.get(pool.key)
        if found is not None:
            return found[1].next()
        if pool.objects is not None:
            if self.call.nested.get(self.field):
                raise FactoryArgumentError(
                    self.factory_name,
                    f"{self.field}__{next(iter(self.call.nested[self.field]))}",
                    f"reaches into {pool!r}, which shares given objects",
                    "set the field on those objects, or pool a factory",
                )
            return self.builder.share(pool, list(pool.objects)).next()
        coroutine = self._fill_pool(pool)
        return coroutine if self.builder.create else run_sync(coroutine)

    async def _fill_pool(self, pool: Pool) -> object:
        nested = self.call.nested.get(self.field)
        overrides = {**pool.defaults, **nested} if nested else pool.defaults
        options = options_of(pool.factory.resolve(self.factory_name, self.field))
        members = await self.builder.build(options, overrides, pool.size)
        return self.builder.share(pool, members).next()


class StubObject:
    """What ``stub()`` makes: a plain object with the resolved fields as attributes.

    Example:
        >>> StubObject(name="x").name
        'x'
    """

    def __init__(self, **kwargs: Any) -> None:
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"StubObject({inner})"


class AfterPostGeneration(PostDeclaration):
    """factory_boy's ``_after_postgeneration(instance, create, results)`` hook, run last."""

    __slots__ = ("hook",)
    runs_after_persist = True

    def __init__(self, hook: Any) -> None:
        self.hook = hook

    def call(
        self, row: RowView, obj: object, create: bool, extracted: object, kwargs: dict[str, object]
    ) -> object:
        """Call the hook with the results of the object's post declarations."""
        return self.hook(obj, create=create, results=extracted)

    def __repr__(self) -> str:
        return "_after_postgeneration"


def _finish_now(coroutine: Any, factory: str, field: str) -> object:
    """Run an ``async def`` hook under build(): fine unless it really awaits something."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise AsyncDeclarationError(
        factory,
        field,
        "awaited something under build(), which has no event loop",
        "return early when `create` is False, or use `await create()`",
    )


class Builder:
    """Builds the objects of one public call, recording what ``create`` must insert."""

    __slots__ = (
        "_calls",
        "attributes_only",
        "create",
        "created",
        "deferred",
        "hooks",
        "pools",
        "session",
        "stub",
    )

    def __init__(
        self,
        *,
        create: bool,
        attributes_only: bool = False,
        stub: bool = False,
        pools: dict[int, tuple[Pool, PoolMembers]] | None = None,
    ) -> None:
        self.create = create
        #: The members of each Pool this call used, by ``pool.key``; a load passes
        #: the same dict to every chunk's builder, so the pool is made once.
        self.pools = pools if pools is not None else {}
        self.attributes_only = attributes_only
        #: factory_boy's stub strategy: every level is a StubObject, not the model.
        self.stub = stub
        # A create call resolves its session just before it makes its Builder;
        # a factory's own ``_create`` hook writes through that session.
        self.session = last_resolved_session() if create else None
        # A SubFactory passes the same overrides mapping for every parent row:
        # prepare its call once per batch, not once per row.
        self._calls: dict[tuple[int, int], tuple[Mapping[str, object], Call]] = {}
        #: Every object made, children after the parents they were built for.
        self.created: list[tuple[FactoryOptions, object]] = []
        #: post_generation hooks to run once the rows exist, with the object's results.
        self.hooks: list[
            tuple[str, PostDeclaration, Row, object, object, dict[str, object], dict[str, object]]
        ] = []
        #: id(object) -> (its row, the fields left until its parents are written).
        self.deferred: dict[int, tuple[Row, tuple[tuple[str, object, bool], ...]]] = {}

    def share(self, pool: Pool, members: list[Any]) -> PoolMembers:
        """Record the members of ``pool`` for the rest of the call."""
        shared = PoolMembers(members, pool)
        self.pools[pool.key] = (pool, shared)  # the pool is kept, so its key stays its own
        return shared

    def one(
        self,
        options: FactoryOptions,
        overrides: Mapping[str, object],
        parent: Row,
        sequence: int | None = None,
    ) -> object:
        """A sub-object: the object itself in a build, an awaitable of it in a create."""
        coroutine = self._first(options, overrides, parent, sequence)
        return coroutine if self.create else run_sync(coroutine)

    async def _first(
        self,
        options: FactoryOptions,
        overrides: Mapping[str, object],
        parent: Row,
        sequence: int | None,
    ) -> object:
        return (await self.build(options, overrides, 1, parent, sequence))[0]

    def many(
        self, options: FactoryOptions, overrides: list[dict[str, object]], parent: Row
    ) -> object:
        """Related objects, one per overrides mapping."""
        coroutine = self._each(options, overrides, parent)
        return coroutine if self.create else run_sync(coroutine)

    async def _each(
        self, options: FactoryOptions, overrides: list[dict[str, object]], parent: Row
    ) -> list[object]:
        return [(await self.build(options, item, 1, parent))[0] for item in overrides]

    async def build(
        self,
        options: FactoryOptions,
        overrides: Mapping[str, object],
        count: int,
        parent: Row | None = None,
        sequence: int | None = None,
    ) -> list[Any]:
        """Resolve and make ``count`` objects of one factory."""
        key = (id(options), id(overrides))
        cached = self._calls.get(key)
        if cached is not None and cached[0] is overrides:
            call = cached[1]
        else:
            call = Call(options, overrides)
            self._calls[key] = (overrides, call)
        create = self.create
        if not create and call.shape.async_field is not None:
            raise AsyncDeclarationError(
                options.name,
                call.shape.async_field,
                "is an async declaration and build() cannot await it",
                "use `await create()` / `create_batch()`, or make the declaration a plain function",
            )
        if sequence is None:
            first, step = options.hierarchy.take(count)
        else:
            first, step = sequence, 1
        steps = call.steps
        # A factory's own _create hook writes the object at once: nothing can wait.
        later = call.shape.deferred if create and not call.hooked else frozenset()
        made: list[Any] = []
        for index in range(count):
            row = Row(call, first + step * index, parent, self)
            values = row.values
            try:
                for name, value, is_declaration in steps:
                    if name in values or name in later:
                        continue
                    if is_declaration:
                        row.field = name
                        value = value.evaluate(row)  # type: ignore[attr-defined]
                        if type(value) is _COROUTINE:
                            if not create:
                                value.close()
                                raise AsyncDeclarationError(
                                    options.name,
                                    name,
                                    "returned an awaitable and build() cannot await it",
                                    "use `await create()`, or return a plain value",
                                )
                            value = await value
                    values[name] = value
                if call.hooked:
                    obj = await self._construct_hooked(call, row)
                else:
                    obj = self._construct(call, row)
                if later:
                    self.deferred[id(obj)] = (row, call.deferred_steps)
                if (call.post and not isinstance(obj, dict)) or call.after is not None:
                    await self._run_post(call, row, obj)
                made.append(obj)
            except FactoryError:
                raise
            except Exception as exc:
                exc.add_note(f"while resolving {options.name}.{row.field or '<model>'}")
                raise
        return made

    def _construct(self, call: Call, row: Row) -> Any:
        options = call.options
        params = options.params
        kwargs = {k: v for k, v in row.values.items() if v is not SKIP and k not in params}
        if self.attributes_only and row.parent is None:
            return kwargs
        row.field = ""
        if self.stub:
            return StubObject(**kwargs)
        return self._made(options, _instantiate(options, (), kwargs))

    async def _construct_hooked(self, call: Call, row: Row) -> Any:
        """Make the object through the factory_boy hooks the factory overrides."""
        options = call.options
        hooks = options.hooks
        kwargs: dict[str, Any] = {k: v for k, v in row.values.items() if v is not SKIP}
        if hooks.adjust_kwargs is not None:
            kwargs = hooks.adjust_kwargs(**kwargs)
        params = options.params
        exclude = options.exclude
        kwargs = {
            k: v
            for k, v in kwargs.items()
            if k not in params and k not in exclude and v is not SKIP
        }
        for old, new in options.rename.items():
            if old in kwargs:
                kwargs[new] = kwargs.pop(old)
        if self.attributes_only and row.parent is None:
            return kwargs
        args = tuple(kwargs.pop(name) for name in options.inline_args if name in kwargs)
        row.field = ""
        if self.stub:
            return StubObject(**kwargs)
        if self.create and hooks.create is not None:
            return await self._through_create_hook(options, args, kwargs)
        if hooks.build is not None and (not self.create or options.mapper is None):
            obj = hooks.build(options.model, *args, **kwargs)
        else:
            obj = _instantiate(options, args, kwargs)
        return self._made(options, obj)

    def _made(self, options: FactoryOptions, obj: Any) -> Any:
        """Record a new object of a mapped model for the INSERTs of a create."""
        if self.create and options.mapper is not None:
            self.created.append((options, obj))
        return obj

    async def _through_create_hook(
        self, options: FactoryOptions, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """factory_boy's ``_create(model_class, **kwargs)``: the factory writes its own object.

        A transient result joins the batch's INSERTs, as the ORM would write
        it; a result the hook added to the session is flushed there, so the
        objects built after it can point at it.
        """
        assert options.hooks.create is not None
        session = self.session
        if session is not None and self.created and options.mapper is not None:
            # What the batch made so far may be linked to this object: write it
            # through the ORM now, as the hook's own flush would have to.
            session.add_all([made for _, made in self.created])
            await session.flush()
            self.created = []
        with using_hook_session(session):
            obj = options.hooks.create(options.model, *args, **kwargs)
            if inspect.isawaitable(obj):
                obj = await obj
        state = sa_inspect(obj, raiseerr=False)
        if not isinstance(state, InstanceState):
            return obj
        if state.key is None and state.session_id is None:
            self.created.append((options, obj))
            return obj
        if state.key is None and session is not None and obj in session:
            await session.flush()
        return obj

    async def _run_post(self, call: Call, row: Row, obj: object) -> None:
        # Related factories run now, so their rows join this batch's INSERTs;
        # post_generation hooks wait until the rows exist (under create).
        create = self.create
        results: dict[str, object] = {}
        for name, declaration, extracted, kwargs in call.post:
            row.field = name
            if create and declaration.runs_after_persist:
                self.hooks.append((name, declaration, row, obj, extracted, kwargs, results))
                continue
            result = declaration.call(row, obj, create, extracted, dict(kwargs))
            if type(result) is _COROUTINE:
                result = await result if create else _finish_now(result, call.options.name, name)
            results[name] = result
        if call.after is not None:
            if create:
                self.hooks.append(("", call.after, row, obj, MISSING, {}, results))
            else:
                call.after.call(row, obj, False, results, {})

    async def finish(self, objects: list[Any]) -> None:
        """Resolve the deferred fields of ``objects``, whose parents' rows now exist."""
        deferred = self.deferred
        if not deferred:
            return
        for obj in objects:
            pending = deferred.pop(id(obj), None)
            if pending is None:
                continue
            row, steps = pending
            params = row.call.options.params
            values = row.values
            try:
                for name, value, is_declaration in steps:
                    if name not in values:
                        if is_declaration:
                            row.field = name
                            value = value.evaluate(row)  # type: ignore[attr-defined]
                            if type(value) is _COROUTINE:
                                value = await value
                        values[name] = value
                    if name not in params and values[name] is not SKIP:
                        setattr(obj, name, values[name])
            except FactoryError:
                raise
            except Exception as exc:
                exc.add_note(f"while resolving {row.call.options.name}.{row.field}")
                raise

    async def run_hooks(self, replaced: Mapping[int, object]) -> None:
        """Run the post_generation hooks recorded during a create, in order.

        An object get_or_create swapped for an existing row is not the one
        returned: its hooks run on the row that was.
        """
        for name, declaration, row, made, extracted, kwargs, results in self.hooks:
            obj = replaced.get(id(made), made)
            result = declaration.call(
                row, obj, True, results if not name else extracted, dict(kwargs)
            )
            if type(result) is _COROUTINE:
                result = await result
            if name:
                results[name] = result
