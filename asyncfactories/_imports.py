"""Import an object named by a dotted path: the one importer behind every path users give.

SubFactory's ``"package.module.Factory"``, the CLI's ``package.module:Factory``,
the plugin's ``factories_metadata = package.module:Base`` and the worker
processes' factory paths all come through :func:`import_path`; each caller turns
:class:`PathNotFound` into its own error, which names its own fix.
"""

from __future__ import annotations

import importlib

__all__ = ("PathNotFound", "import_path")


class PathNotFound(LookupError):
    """The module cannot be imported (``cause`` is the ImportError), or lacks the attribute."""

    def __init__(self, problem: str, cause: ImportError | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.cause = cause


def import_path(module_name: str, attribute: str) -> object:
    """Import ``module_name`` and walk ``attribute`` (dotted for nested names; empty: the module).

    Example:
        >>> import_path("collections", "OrderedDict").__name__
        'OrderedDict'
        >>> import_path("collections", "nope")
        Traceback (most recent call last):
        ...
        asyncfactories._imports.PathNotFound: module 'collections' has no 'nope'
    """
    try:
        target: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise PathNotFound(f"cannot import {module_name!r} ({exc})", exc) from None
    for part in attribute.split(".") if attribute else ():
        if not hasattr(target, part):
            raise PathNotFound(f"module {module_name!r} has no {attribute!r}")
        target = getattr(target, part)
    return target
