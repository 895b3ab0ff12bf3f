"""The docstring examples of the package run, as doctests, in the ordinary test run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import asyncfactories

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(asyncfactories.__path__, "asyncfactories.")
    if info.name != "asyncfactories.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    """Every example in this module's docstrings gives the output it shows."""
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
