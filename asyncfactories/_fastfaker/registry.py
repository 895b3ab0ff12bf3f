"""Which Faker functions have a compiled form: one table per kind, from each family module.

Each family module (``text``, ``internet``, ``lorem``, ``values``, ``dates``)
holds the table of the providers it models; this module is the one place they
are put together, so what the fast path covers is read here, not assembled by
imports that register as a side effect.
"""

from __future__ import annotations

from asyncfactories._fastfaker import dates, internet, lorem, text, values
from asyncfactories._fastfaker.nodes import ValueBuilder
from asyncfactories._fastfaker.text import TextBuilder

__all__ = ("TEXT_BUILDERS", "VALUE_BUILDERS")

#: Providers compiled into nodes (weighted picks, parsed formats) a Resolver composes.
TEXT_BUILDERS: dict[object, TextBuilder] = {**text.TEXT, **internet.TEXT, **lorem.TEXT}

#: Providers compiled straight into a draw function from their arguments.
VALUE_BUILDERS: dict[object, ValueBuilder] = {**values.VALUES, **dates.VALUES, **lorem.VALUES}
