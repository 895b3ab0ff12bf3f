"""The ``Faker`` declaration: a Faker provider, checked when the class is defined.

Values are drawn through the fast path of :mod:`asyncfactories._fastfaker.compile`
when one exists for the provider, locale and arguments, and through Faker
itself otherwise. ``unique=True`` composes with both.

Bound to a field's stream (:meth:`Faker.bind`), both paths draw from it: the
fast path is compiled against the stream's ``random.Random``, and Faker itself
runs with that ``random.Random`` swapped into its generator for the call.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import random
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from asyncfactories._declare.base import Declaration, Row, argument_error, bind_part
from asyncfactories._errors import (
    AsyncDeclarationError,
    DeclarationValueError,
    FactoryDefinitionError,
    close_match,
)
from asyncfactories._fastfaker import compile_fast
from asyncfactories._random_source import bound_to, current, rng
from asyncfactories._state import DEFAULT_LOCALE, faker_for, fast_path_enabled

__all__ = ("Faker",)

# Faker.override_default_locale(): per task, so concurrent tests keep their own.
_default_locale: ContextVar[str | None] = ContextVar("asyncfactories_faker_locale", default=None)


_REFUSALS = (TypeError, ValueError, AttributeError, KeyError, IndexError)


class Faker(Declaration):
    """A value from the Faker provider ``provider``, called with ``kwargs``.

    Args:
        provider: the Faker method name, e.g. ``"email"`` or ``"text"``.
        unique: never repeat a value within the factory hierarchy until
            ``reset_sequence()``; once the provider runs dry, values get the
            row's sequence number in a form valid for their kind.
        locale: a Faker locale such as ``"de_DE"`` (default ``en_US``).
        fast: draw through the fast path when one exists (the default); set
            ``False`` to get Faker's own stream for this field.
        provider_unique: passed to the provider as its own ``unique=`` argument
            (``random_elements``, ``random_sample``...), which ``unique`` is not.
        **kwargs: passed to the provider; a declaration here is evaluated per object.

    Example:
        >>> email = Faker("email", unique=True)
        >>> bio = Faker("text", max_nb_chars=200)
        >>> tags = Faker("random_elements", elements=["a", "b", "c"], provider_unique=True)
    """

    __slots__ = (
        "_checked",
        "_draw",
        "_explicit",
        "_fast_draw",
        "_method",
        "_source",
        "fast",
        "kwargs",
        "locale",
        "provider",
        "unique",
    )

    def __init__(
        self,
        provider: str,
        *,
        unique: bool = False,
        locale: str | None = None,
        fast: bool = True,
        provider_unique: bool | None = None,
        **kwargs: Any,
    ) -> None:
        shown = f"Faker({provider!r}, ...)"
        if not isinstance(provider, str):
            raise argument_error(
                "Faker",
                f"Faker({provider!r}) needs a provider name, got {type(provider).__name__}",
                'name the Faker method as a string, e.g. Faker("email")',
            )
        for label, flag in (("unique", unique), ("fast", fast)):
            if not isinstance(flag, bool):
                raise argument_error(
                    "Faker",
                    f"{shown} got {label}={flag!r}, not True or False",
                    f"pass {label}=True or {label}=False",
                )
        if locale is not None and not isinstance(locale, str):
            raise argument_error(
                "Faker",
                f"{shown} got locale={locale!r}, not a locale name",
                'pass a string such as locale="de_DE"',
            )
        if provider_unique is not None:
            kwargs["unique"] = provider_unique
        self.provider = provider
        self.unique = unique
        self.locale = locale or DEFAULT_LOCALE
        self._explicit = locale is not None
        self.fast = fast
        self.kwargs = kwargs
        self._method: Callable[..., Any] | None = None
        self._fast_draw: Callable[[], object] | None = None
        self._draw: Callable[[], object] | None = None
        self._checked = False
        #: The field stream this copy draws from; ``None``: the shared sources.
        self._source: random.Random | None = None

    def bind(self, source: random.Random) -> Faker:
        """A copy drawing from ``source``, fast path and Faker alike; lazy arguments too."""
        bound = copy.copy(self)
        bound._source = source
        bound._method = bound._fast_draw = bound._draw = None
        bound.kwargs = {k: bind_part(v, source) for k, v in self.kwargs.items()}
        return bound

    def _lazy_kwargs(self) -> bool:
        return any(isinstance(v, Declaration) for v in self.kwargs.values())

    def depends_on(self) -> tuple[str, ...]:
        """Fields read by declarations among the provider arguments."""
        names: list[str] = []
        for value in self.kwargs.values():
            if isinstance(value, Declaration):
                names.extend(value.depends_on())
        return tuple(dict.fromkeys(names))

    def check(self, factory: str, field: str) -> None:
        """Check that the locale and provider exist and accept the arguments."""
        if self._checked:  # overrides are checked per call: the answer does not change
            return
        try:
            generator = faker_for(self.locale)
        except AttributeError:
            raise FactoryDefinitionError(
                factory,
                field,
                f"{self!r} names an unknown locale",
                'use one such as "en_US" or "de_DE"',
            ) from None
        method = getattr(generator, self.provider, None)
        if not callable(method) or self.provider.startswith("_"):
            close = close_match(self.provider, _provider_names(generator))
            fix = f"use Faker({close!r}) if that is meant" if close else "pick a Faker provider"
            raise FactoryDefinitionError(factory, field, f"{self!r} names no Faker provider", fix)
        for key, value in self.kwargs.items():
            if isinstance(value, Declaration) and value.is_async:
                raise FactoryDefinitionError(
                    factory,
                    field,
                    f"{self!r} passes an async declaration as {key}=, "
                    "and a Faker provider cannot await it",
                    f"compute {key} with a plain function, or make the whole field an "
                    "async LazyAttribute that calls Faker itself",
                )
            if isinstance(value, Declaration):
                value.check(factory, field)
        try:
            inspect.signature(method).bind(**self.kwargs)
        except TypeError as exc:
            raise FactoryDefinitionError(
                factory,
                field,
                f"{self!r} passes arguments the provider does not take ({exc})",
                f"check the arguments of Faker's {self.provider}()",
            ) from None
        except ValueError:  # pragma: no cover - builtins without a signature
            pass
        self._checked = True

    def _compile(self) -> Callable[[], object]:
        method: Callable[..., object] = getattr(faker_for(self.locale), self.provider)
        self._method = method
        kwargs = self.kwargs
        source = self._source
        if self.fast and not self._lazy_kwargs():
            self._fast_draw = compile_fast(self.provider, self.locale, kwargs, source)
        if source is not None:
            self._draw = _drawing_from(source, self.locale, method, kwargs)
        elif kwargs:
            self._draw = lambda: method(**kwargs)
        else:
            self._draw = method
        return self._draw

    def _drawer(self) -> Callable[[], object]:
        draw = self._draw or self._compile()
        if self._fast_draw is not None and fast_path_enabled():
            return self._fast_draw
        return draw

    def draw(self) -> object:
        """Draw one value (no uniqueness), outside any factory.

        Called from a user's function computing a field, it draws from that field's stream.
        """
        source = current[0]
        if source is not rng and self._source is None:
            bound: Faker = bound_to(self, source)
            return bound._drawer()()
        return self._drawer()()

    @classmethod
    def add_provider(cls, provider: Any, locale: str | None = None) -> None:
        """Add a Faker provider class to ``locale``'s generator (default ``en_US``).

        Call it before the factories that use the provider are defined: their
        providers are checked at class definition.

        Example:
            >>> from faker.providers import BaseProvider
            >>> class SmileProvider(BaseProvider):
            ...     def smile(self):
            ...         return ":-)"
            >>> Faker.add_provider(SmileProvider)
        """
        generator = faker_for(locale)
        instance = provider(generator) if isinstance(provider, type) else provider
        # Faker rebinds every public method of the new provider, random_element
        # too: give it the weighting of the stock providers, or OrderedDict
        # weights (Faker's own locale data) would silently turn uniform.
        stock = next((p for p in generator.providers if hasattr(p, "__use_weighting__")), None)
        if stock is not None:
            instance.__use_weighting__ = stock.__use_weighting__
        generator.add_provider(instance)

    @classmethod
    @contextlib.contextmanager
    def override_default_locale(cls, locale: str) -> Iterator[None]:
        """Within the block, Faker declarations without ``locale=`` draw from ``locale``.

        Example:
            >>> with Faker.override_default_locale("fr_FR"):
            ...     user = UserFactory.build()  # doctest: +SKIP
        """
        token = _default_locale.set(locale)
        try:
            yield
        finally:
            _default_locale.reset(token)

    def evaluate(self, row: Row) -> object:
        """Draw a value; make it unique within the hierarchy when asked."""
        override = _default_locale.get()
        if override is not None and not self._explicit:
            return self._evaluate_in(row, override)
        if self._lazy_kwargs():
            return self._evaluate_lazy(row)
        draw = self._drawer()
        try:  # inline: this is the hot path of every Faker field
            value = draw()
        except _REFUSALS as exc:
            raise self._refused(row, exc) from exc
        if self.unique:
            return self._unique(row, value, draw)
        return value

    def _evaluate_in(self, row: Row, locale: str) -> object:
        method = getattr(faker_for(locale), self.provider)
        kwargs = {
            k: (v.evaluate(row) if isinstance(v, Declaration) else v)
            for k, v in self.kwargs.items()
        }
        draw = self._slow(locale, method, kwargs)
        value = draw()
        return self._unique(row, value, draw) if self.unique else value

    def _evaluate_lazy(self, row: Row) -> object:
        method = self._method or getattr(faker_for(self.locale), self.provider)
        kwargs = {
            k: (v.evaluate(row) if isinstance(v, Declaration) else v)
            for k, v in self.kwargs.items()
        }
        for key, value in kwargs.items():
            if inspect.iscoroutine(value):  # not checked (a standalone draw): refuse cleanly
                value.close()
                raise AsyncDeclarationError(
                    row.factory_name,
                    row.field,
                    f"{self!r} got an awaitable for {key}=, and a Faker provider cannot await it",
                    f"compute {key} with a plain function",
                )
        draw = self._slow(self.locale, method, kwargs)
        try:
            value = draw()
        except _REFUSALS as exc:
            raise self._refused(row, exc) from exc
        return self._unique(row, value, draw) if self.unique else value

    def _slow(
        self, locale: str, method: Callable[..., object], kwargs: dict[str, Any]
    ) -> Callable[[], object]:
        if self._source is not None:
            return _drawing_from(self._source, locale, method, kwargs)
        return lambda: method(**kwargs)

    def _refused(self, row: Row, exc: Exception) -> FactoryDefinitionError:
        """A provider refusing its argument values (their names were checked at definition)."""
        error = DeclarationValueError if isinstance(exc, ValueError) else FactoryDefinitionError
        return error(
            row.factory_name,
            row.field,
            f"{self!r}: the provider raised {type(exc).__name__}: {exc}",
            f"check the values passed to Faker's {self.provider}()",
        )

    def _unique(self, row: Row, value: object, draw: Callable[[], object]) -> object:
        store = row.hierarchy.unique(row.field)
        try:
            hash(value)
        except TypeError:
            # Lists and dicts (random_elements, pydict): remembered by a frozen key.
            keyed = store.take(_Keyed(value), lambda: _Keyed(draw()), row.n)
            result = keyed.value if isinstance(keyed, _Keyed) else None
        else:
            result = store.take(value, draw, row.n)
        if result is None:
            raise DeclarationValueError(
                row.factory_name,
                row.field,
                f"{self!r} ran out of distinct values",
                "widen the provider's range or drop unique=True",
            )
        return result

    def __repr__(self) -> str:
        parts = [repr(self.provider)]
        parts += [
            f"{'provider_unique' if k == 'unique' else k}={v!r}" for k, v in self.kwargs.items()
        ]
        if self.unique:
            parts.append("unique=True")
        if self.locale != DEFAULT_LOCALE:
            parts.append(f"locale={self.locale!r}")
        return f"Faker({', '.join(parts)})"


def _drawing_from(
    source: random.Random, locale: str, method: Callable[..., object], kwargs: dict[str, Any]
) -> Callable[[], object]:
    """``method(**kwargs)`` with ``source`` as the generator's random for the call."""
    generator = faker_for(locale)

    def draw() -> object:
        shared = generator.random
        generator.random = source
        try:
            return method(**kwargs)
        finally:
            generator.random = shared

    return draw


class _Keyed:
    """An unhashable value made comparable by a frozen form of it, for unique memories."""

    __slots__ = ("key", "value")

    def __init__(self, value: object) -> None:
        self.value = value
        self.key = _frozen(value)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and self.key == other.key


def _frozen(value: object) -> object:
    if isinstance(value, dict):
        return ("dict", frozenset((_frozen(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(_frozen(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return value


def _provider_names(generator: Any) -> list[str]:
    return [name for name in dir(generator) if not name.startswith("_")]
