"""The build stage: a factory's options, parsed once, and the loop that resolves its fields.

``options`` parses ``Meta``, ``Params`` and the class body into a frozen
:class:`FactoryOptions` (``checks`` refuses what cannot work, ``model`` reads
what the model accepts); ``call`` prepares a call once (traits applied, fields
ordered, cycles refused); ``row`` is the object being resolved as declarations
see it; ``resolver`` resolves each row in one async loop, calling the model; ``meta`` is the
read-only ``cls._meta`` view factory_boy code reads; ``autofill`` (with its
``autofill_types`` and ``autofill_parents``) the declarations for the columns a
factory leaves out, added while the options are parsed.
"""

from asyncfactories._build.autofill import live_factories, remember_factory, unique_counters
from asyncfactories._build.hooks import default_hook
from asyncfactories._build.meta import MetaDescriptor, MetaView
from asyncfactories._build.options import (
    STRATEGIES,
    FactoryOptions,
    own_options,
    parse_options,
)
from asyncfactories._build.call import check_definition
from asyncfactories._build.resolver import Builder
from asyncfactories._build.row import StubObject, options_of, run_sync

__all__ = (
    "STRATEGIES",
    "Builder",
    "FactoryOptions",
    "MetaDescriptor",
    "MetaView",
    "StubObject",
    "check_definition",
    "default_hook",
    "live_factories",
    "options_of",
    "own_options",
    "parse_options",
    "remember_factory",
    "run_sync",
    "unique_counters",
)
