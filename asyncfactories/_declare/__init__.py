"""The declaration stage: what a factory's class body says about each field.

``base`` holds the base class, the sentinels and the read-only ``Row`` view;
``declarations`` the value declarations (Sequence, LazyAttribute, Iterator,
Maybe, Trait...); ``post`` what runs once the object is made (post_generation,
PostGeneration); ``subfactory`` the SubFactory family and ``pool`` its shared
form; ``faker`` the ``Faker`` declaration; ``compat`` factory_boy's remaining
names; ``fuzzy`` the fuzzy declarations behind :mod:`asyncfactories.fuzzy`.
"""

from asyncfactories._declare.base import (
    MISSING,
    SKIP,
    Declaration,
    Row,
    argument_error,
    call_repr,
    is_whole,
)
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
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    SelfAttribute,
    Sequence,
    Trait,
)
from asyncfactories._declare.faker import Faker
from asyncfactories._declare.pool import Pool, PoolMembers
from asyncfactories._declare.post import (
    PostDeclaration,
    PostGeneration,
    PostMaybe,
    Preset,
    post_generation,
)
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
