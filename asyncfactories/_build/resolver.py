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
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstanceState

from asyncfactories._build.call import Call, model_name
from asyncfactories._build.options import FactoryOptions
from asyncfactories._build.row import Row, StubObject
from asyncfactories._declare import MISSING, SKIP, Pool, PoolMembers, PostDeclaration
from asyncfactories._errors import AsyncDeclarationError, FactoryError, UnknownFieldError
from asyncfactories._state import last_resolved_session, using_hook_session

__all__ = ("Builder",)

_COROUTINE = types.CoroutineType


def _instantiate(options: FactoryOptions, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call the model with the resolved fields, naming the factory if it refuses them."""
    try:
        return options.model(*args, **kwargs) if args else options.make(kwargs)
    except TypeError as exc:
        raise UnknownFieldError(
            options.name,
            None,
            f"{model_name(options)}(...) refused the resolved fields ({exc})",
            "make the declared fields match what the model accepts",
        ) from exc


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

    async def one(
        self,
        options: FactoryOptions,
        overrides: Mapping[str, object],
        parent: Row,
        sequence: int | None = None,
    ) -> object:
        """A sub-object of ``parent``'s current field, made in this call."""
        return (await self.build(options, overrides, 1, parent, sequence))[0]

    async def many(
        self, options: FactoryOptions, overrides: list[dict[str, object]], parent: Row
    ) -> list[object]:
        """Related objects of ``parent``, one per overrides mapping."""
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
