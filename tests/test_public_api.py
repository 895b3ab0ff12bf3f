"""The public surface: one door, every name documented."""

from __future__ import annotations

import inspect

import asyncfactories
from asyncfactories import fuzzy


def test_all_is_a_tuple_of_names_that_exist() -> None:
    """__all__ lists exactly the importable public names."""
    assert isinstance(asyncfactories.__all__, tuple)
    for name in asyncfactories.__all__:
        assert hasattr(asyncfactories, name), name
    public = {
        n
        for n in vars(asyncfactories)
        if not n.startswith("_") and not inspect.ismodule(getattr(asyncfactories, n))
    }
    assert public <= set(asyncfactories.__all__)


def test_every_public_object_has_a_docstring() -> None:
    """Each class and function users import explains itself."""
    for module in (asyncfactories, fuzzy):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                assert (obj.__doc__ or "").strip(), f"{module.__name__}.{name} has no docstring"


def test_design_names_are_importable() -> None:
    """Every name DESIGN.md promises is importable from the package or asyncfactories.fuzzy."""
    for name in [
        "AsyncFactory",
        "Faker",
        "LazyFunction",
        "LazyAttribute",
        "SelfAttribute",
        "Sequence",
        "Iterator",
        "SubFactory",
        "RelatedFactory",
        "RelatedFactoryList",
        "Trait",
        "Maybe",
        "post_generation",
        "use_session",
        "seed",
        "FactoryError",
        "FactoryDefinitionError",
        "CyclicDeclarationError",
        "UnknownFieldError",
        "AsyncDeclarationError",
        "NoSessionError",
        "PersistenceError",
    ]:
        assert hasattr(asyncfactories, name), name


def test_factory_boy_names_are_importable() -> None:
    """factory_boy's public surface (DESIGN.md, the migration promise) exists under its names."""
    for name in [
        "Dict",
        "List",
        "LazyAttributeSequence",
        "ContainerAttribute",
        "PostGeneration",
        "PostGenerationMethodCall",
        "Transformer",
        "lazy_attribute",
        "sequence",
        "lazy_attribute_sequence",
        "iterator",
        "container_attribute",
        "post_generation",
        "DictFactory",
        "ListFactory",
        "StubFactory",
        "StubObject",
        "use_strategy",
        "build",
        "build_batch",
        "create",
        "create_batch",
        "stub",
        "stub_batch",
        "generate",
        "generate_batch",
        "simple_generate",
        "simple_generate_batch",
        "make_factory",
        "BUILD_STRATEGY",
        "CREATE_STRATEGY",
        "STUB_STRATEGY",
        "Factory",
    ]:
        assert hasattr(asyncfactories, name), name
    assert asyncfactories.Factory is asyncfactories.AsyncFactory
    for name in ["reseed_random", "get_random_state", "set_random_state"]:
        assert hasattr(asyncfactories.random, name), name
    for name in [
        "stub",
        "stub_batch",
        "generate",
        "generate_batch",
        "simple_generate",
        "simple_generate_batch",
        "_create",
        "_build",
        "_adjust_kwargs",
        "_after_postgeneration",
        "_setup_next_sequence",
    ]:
        assert hasattr(asyncfactories.AsyncFactory, name), name
    assert callable(asyncfactories.Faker.add_provider)
    assert callable(asyncfactories.Faker.override_default_locale)
    for name in [
        "FuzzyChoice",
        "FuzzyInteger",
        "FuzzyFloat",
        "FuzzyDecimal",
        "FuzzyText",
        "FuzzyDate",
        "FuzzyDateTime",
        "FuzzyNaiveDateTime",
        "FuzzyAttribute",
    ]:
        assert hasattr(fuzzy, name), name


def test_version_is_a_string() -> None:
    """__version__ is exposed."""
    assert isinstance(asyncfactories.__version__, str)


def test_package_ships_py_typed() -> None:
    """py.typed marks the package as typed for mypy users."""
    from importlib.resources import files

    assert files("asyncfactories").joinpath("py.typed").is_file()
