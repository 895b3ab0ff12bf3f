"""``Factory._meta``: a read-only view of a factory's options under factory_boy's names.

factory_boy code reads ``cls._meta.model`` and, inside a ``_create`` hook,
``cls._meta.sqlalchemy_session``; here that is the session of the create call
in progress (else ``Meta.sqlalchemy_session``), so a migrated hook keeps working.
"""

from __future__ import annotations

from typing import Any

from asyncfactories._build.options import FactoryOptions
from asyncfactories._state import hook_session

__all__ = ("MetaDescriptor", "MetaView")


class MetaView:
    """What ``cls._meta`` shows: model, abstract, strategy, sessions, declarations."""

    __slots__ = ("_options",)

    def __init__(self, options: FactoryOptions) -> None:
        self._options = options

    @property
    def model(self) -> Any:
        """``Meta.model``."""
        return self._options.model

    @property
    def abstract(self) -> bool:
        """``Meta.abstract`` (or no model)."""
        return self._options.abstract

    @property
    def strategy(self) -> str:
        """``Meta.strategy``."""
        return self._options.strategy

    @property
    def exclude(self) -> tuple[str, ...]:
        """``Meta.exclude``."""
        return tuple(self._options.exclude)

    @property
    def rename(self) -> dict[str, str]:
        """``Meta.rename``."""
        return dict(self._options.rename)

    @property
    def inline_args(self) -> tuple[str, ...]:
        """``Meta.inline_args``."""
        return self._options.inline_args

    @property
    def sqlalchemy_session(self) -> Any:
        """The create call's session inside a ``_create`` hook, else ``Meta.sqlalchemy_session``."""
        current = hook_session()
        if current is not None:
            return current
        return self._options.session

    @property
    def sqlalchemy_session_factory(self) -> Any:
        """``Meta.sqlalchemy_session_factory`` (alias ``session_factory``)."""
        return self._options.session_factory

    @property
    def sqlalchemy_session_persistence(self) -> str:
        """``Meta.sqlalchemy_session_persistence``: ``"flush"`` or ``"commit"``."""
        return self._options.persistence

    @property
    def sqlalchemy_get_or_create(self) -> tuple[str, ...]:
        """``Meta.sqlalchemy_get_or_create``."""
        return self._options.get_or_create

    @property
    def declarations(self) -> dict[str, object]:
        """The declared fields, parameters and post declarations, by name."""
        return {**self._options.fields, **self._options.post}

    def __repr__(self) -> str:
        return f"<{self._options.name}._meta model={self.model!r}>"


class MetaDescriptor:
    """Gives each factory class its :class:`MetaView` as ``cls._meta``."""

    __slots__ = ()

    def __get__(self, instance: object, owner: type) -> MetaView:
        options = owner.__dict__.get("_options")
        if not isinstance(options, FactoryOptions):
            options = next(
                (b.__dict__["_options"] for b in owner.__mro__ if "_options" in b.__dict__), None
            )
        if options is None:
            raise AttributeError("_meta")
        return MetaView(options)
