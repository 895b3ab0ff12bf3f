"""One importer for every dotted path users give (SubFactory, CLI, plugin, workers)."""

from __future__ import annotations

import pytest

from asyncfactories._imports import PathNotFound, import_path


def test_import_path_walks_nested_attributes() -> None:
    """``module`` + ``A.b`` gives the attribute ``b`` of ``A``."""
    assert import_path("collections", "OrderedDict.fromkeys") is not None


def test_a_missing_module_keeps_its_import_error() -> None:
    """The ImportError is kept as ``cause`` so each caller can name it."""
    with pytest.raises(PathNotFound) as info:
        import_path("no_such_module_here", "X")
    assert isinstance(info.value.cause, ImportError)


def test_a_missing_attribute_names_module_and_attribute() -> None:
    """No ``cause``; the problem names the module and the attribute."""
    with pytest.raises(PathNotFound, match="module 'collections' has no 'Nope'") as info:
        import_path("collections", "Nope")
    assert info.value.cause is None
