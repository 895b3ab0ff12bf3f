"""A call prepared once: overrides split, traits applied, fields ordered.

:class:`Call` is what every row of one factory call shares. Its :class:`Shape`
(the fields in the order they resolve, what traits add, what waits for a
parent's row under create) depends only on the factory and on which kinds of
overrides were passed, so it is cached on the options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asyncfactories._build.options import FactoryOptions, UnknownDeclaredFieldError
from asyncfactories._declare import (
    MISSING,
    SKIP,
    Declaration,
    Maybe,
    PostDeclaration,
    PostMaybe,
    Preset,
    SubFactory,
    Trait,
)
from asyncfactories._declare import Row as RowView
from asyncfactories._errors import (
    CyclicDeclarationError,
    FactoryArgumentError,
    FactoryDefinitionError,
    UnknownFieldError,
    close_match,
)
from asyncfactories._state import bind_field

__all__ = ("AfterPostGeneration", "Call", "Shape", "check_definition", "model_name")

_PLAIN = object()
_CACHE_LIMIT = 512


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
        listed += f"; other fields of {model_name(options)}: {', '.join(others)}"
    fix = f"did you mean {close}=? " if close else ""
    return UnknownFieldError(
        options.name,
        key,
        f"is not a field of {model_name(options)}",
        f"{fix}pass one of its fields ({listed})",
    )


def model_name(options: FactoryOptions) -> str:
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
