"""The Faker fast path: Faker providers compiled into closures over one seeded source.

``compile`` turns ``(provider, locale, kwargs)`` into a draw function, or
``None`` where the real Faker call must be made; ``nodes`` and ``text`` are the
building blocks (weighted picks, format strings), ``values``, ``dates``,
``internet`` and ``lorem`` the provider families, each with its own table of
the Faker functions it models; ``registry`` puts those tables together.
"""

from asyncfactories._fastfaker.compile import compile_fast

__all__ = ("compile_fast",)
