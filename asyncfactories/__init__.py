"""asyncfactories: async-first test-data factories for SQLAlchemy 2.x ``AsyncSession``.

factory_boy's declarations, awaited, typed, bulk-fast and pytest-native::

    class AgentFactory(AsyncFactory[Agent]):
        name = Faker("company")
        maturity = fuzzy.FuzzyChoice(AgentMaturity)

    agent = await AgentFactory.create()
    agents = await AgentFactory.create_batch(10_000)   # one INSERT per table
"""

from asyncfactories import fuzzy, random
from asyncfactories._compat_declarations import (
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
from asyncfactories._declarations import (
    SKIP,
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    PostGeneration,
    SelfAttribute,
    Sequence,
    Trait,
    post_generation,
)
from asyncfactories._errors import (
    AsyncDeclarationError,
    AutofillError,
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
from asyncfactories._helpers import (
    BUILD_STRATEGY,
    CREATE_STRATEGY,
    STUB_STRATEGY,
    DictFactory,
    Factory,
    ListFactory,
    StubFactory,
    StubObject,
    build,
    build_batch,
    create,
    create_batch,
    generate,
    generate_batch,
    make_factory,
    simple_generate,
    simple_generate_batch,
    stub,
    stub_batch,
    use_strategy,
)
from asyncfactories._lint import LintReport, LintResult, lint
from asyncfactories._random import seed
from asyncfactories._session import use_session
from asyncfactories._subfactory import RelatedFactory, RelatedFactoryList, SubFactory

__version__ = "0.1.0"

__all__ = (
    "BUILD_STRATEGY",
    "CREATE_STRATEGY",
    "SKIP",
    "STUB_STRATEGY",
    "AsyncDeclarationError",
    "AsyncFactory",
    "AutofillError",
    "ContainerAttribute",
    "CyclicDeclarationError",
    "DeclarationValueError",
    "Dict",
    "DictFactory",
    "Factory",
    "FactoryArgumentError",
    "FactoryDefinitionError",
    "FactoryError",
    "Faker",
    "Iterator",
    "LazyAttribute",
    "LazyAttributeSequence",
    "LazyFunction",
    "LintReport",
    "LintResult",
    "List",
    "ListFactory",
    "LoadInterruptedError",
    "Maybe",
    "NoSessionError",
    "PersistenceError",
    "PostGeneration",
    "PostGenerationMethodCall",
    "RelatedFactory",
    "RelatedFactoryList",
    "SelfAttribute",
    "Sequence",
    "StubFactory",
    "StubObject",
    "SubFactory",
    "Trait",
    "Transformer",
    "UnknownAttributeError",
    "UnknownDeclaredFieldError",
    "UnknownFieldError",
    "__version__",
    "build",
    "build_batch",
    "container_attribute",
    "create",
    "create_batch",
    "fast_path_enabled",
    "fuzzy",
    "generate",
    "generate_batch",
    "iterator",
    "lazy_attribute",
    "lazy_attribute_sequence",
    "lint",
    "make_factory",
    "post_generation",
    "random",
    "seed",
    "sequence",
    "set_fast_path",
    "simple_generate",
    "simple_generate_batch",
    "stub",
    "stub_batch",
    "use_session",
    "use_strategy",
)
