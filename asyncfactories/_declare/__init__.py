"""The declaration stage: what a factory's class body says about each field.

``declarations`` holds the base class, the sentinels, the read-only ``Row``
view and the value declarations (Sequence, LazyAttribute, Iterator, Maybe,
Trait, PostGeneration...); ``subfactory`` the SubFactory family and ``pool``
its shared form; ``faker`` the ``Faker`` declaration; ``compat`` factory_boy's remaining names; ``fuzzy`` the
fuzzy declarations behind :mod:`asyncfactories.fuzzy`.
"""

from asyncfactories._declare.compat import (
    ContainerAttribute,
    Dict,
    LazyAttributeSequence,
    List,
    PostGenerationMethodCall,
    Transformer,
    container_attribute,
    iterator,
    lazy_attribute,
    lazy_attribute_sequence,
    sequence,
)
from asyncfactories._declare.declarations import (
    MISSING,
    SKIP,
    Declaration,
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    PostDeclaration,
    PostGeneration,
    PostMaybe,
    Preset,
    Row,
    SelfAttribute,
    Sequence,
    Trait,
    argument_error,
    call_repr,
    is_whole,
    post_generation,
)
from asyncfactories._declare.faker import Faker
from asyncfactories._declare.pool import Pool, PoolMembers
from asyncfactories._declare.subfactory import RelatedFactory, RelatedFactoryList, SubFactory

__all__ = (
    "MISSING",
    "SKIP",
    "ContainerAttribute",
    "Declaration",
    "Dict",
    "Faker",
    "Iterator",
    "LazyAttribute",
    "LazyAttributeSequence",
    "LazyFunction",
    "List",
    "Maybe",
    "Pool",
    "PoolMembers",
    "PostDeclaration",
    "PostGeneration",
    "PostGenerationMethodCall",
    "PostMaybe",
    "Preset",
    "RelatedFactory",
    "RelatedFactoryList",
    "Row",
    "SelfAttribute",
    "Sequence",
    "SubFactory",
    "Trait",
    "Transformer",
    "argument_error",
    "call_repr",
    "container_attribute",
    "is_whole",
    "iterator",
    "lazy_attribute",
    "lazy_attribute_sequence",
    "post_generation",
    "sequence",
)
