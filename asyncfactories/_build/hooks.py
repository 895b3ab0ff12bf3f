"""factory_boy's overridable hooks: which ones a factory overrides, bound to its class.

The library's own versions (in ``_factory_boy``) carry the :func:`default_hook`
mark, so an override is told apart from the default once, at class
definition, and a factory that overrides none stays on the fast path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ("Hooks", "default_hook", "hooks_of")

_DEFAULT_HOOK = "__asyncfactories_default_hook__"
_HOOK_NAMES = (
    "_create",
    "_build",
    "_adjust_kwargs",
    "_after_postgeneration",
    "_setup_next_sequence",
)

F = TypeVar("F", bound=Callable[..., Any])


def default_hook(function: F) -> F:
    """Mark the library's own version of a factory_boy hook, so overrides can be told apart."""
    setattr(function, _DEFAULT_HOOK, True)
    return function


@dataclasses.dataclass(frozen=True)
class Hooks:
    """The factory_boy classmethods a factory overrides, bound to its class (``None`` if not)."""

    create: Callable[..., Any] | None = None
    build: Callable[..., Any] | None = None
    adjust_kwargs: Callable[..., Any] | None = None
    after_postgeneration: Callable[..., Any] | None = None
    setup_next_sequence: Callable[[], int] | None = None


def hooks_of(cls: type) -> Hooks:
    """The hooks ``cls`` overrides (its own or inherited), bound to it."""
    found: dict[str, Any] = {}
    for name in _HOOK_NAMES:
        method = getattr(cls, name, None)
        function = getattr(method, "__func__", method)
        if method is not None and not getattr(function, _DEFAULT_HOOK, False):
            found[name.lstrip("_")] = method
    return Hooks(**found)
