"""asyncfactories: async-first test-data factories for SQLAlchemy 2.x ``AsyncSession``.

factory_boy's declarations, awaited, typed, bulk-fast and pytest-native::

    class AgentFactory(AsyncFactory[Agent]):
        name = Faker("company")
        maturity = fuzzy.FuzzyChoice(AgentMaturity)

    agent = await AgentFactory.create()
    agents = await AgentFactory.create_batch(10_000)   # one INSERT per table
"""

from asyncfactories import fuzzy
from asyncfactories._declarations import (
    SKIP,
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    SelfAttribute,
    Sequence,
    Trait,
    post_generation,
)
from asyncfactories._errors import (
    AsyncDeclarationError,
    CyclicDeclarationError,
    DeclarationValueError,
    FactoryArgumentError,
    FactoryDefinitionError,
    FactoryError,
    LoadInterruptedError,
    NoSessionError,
    PersistenceError,
    UnknownAttributeError,
    UnknownDeclaredFieldError,
    UnknownFieldError,
)
from asyncfactories._factory import AsyncFactory
from asyncfactories._faker import Faker
from asyncfactories._fastfaker import fast_path_enabled, set_fast_path
from asyncfactories._random import seed
from asyncfactories._session import use_session
from asyncfactories._subfactory import RelatedFactory, RelatedFactoryList, SubFactory

__version__ = "0.1.0"

__all__ = (
    "SKIP",
    "AsyncDeclarationError",
    "AsyncFactory",
    "CyclicDeclarationError",
    "DeclarationValueError",
    "FactoryArgumentError",
    "FactoryDefinitionError",
    "FactoryError",
    "Faker",
    "Iterator",
    "LazyAttribute",
    "LazyFunction",
    "LoadInterruptedError",
    "Maybe",
    "NoSessionError",
    "PersistenceError",
    "RelatedFactory",
    "RelatedFactoryList",
    "SelfAttribute",
    "Sequence",
    "SubFactory",
    "Trait",
    "UnknownAttributeError",
    "UnknownDeclaredFieldError",
    "UnknownFieldError",
    "__version__",
    "fast_path_enabled",
    "fuzzy",
    "post_generation",
    "seed",
    "set_fast_path",
    "use_session",
)
