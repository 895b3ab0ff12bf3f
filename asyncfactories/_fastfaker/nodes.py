"""String templates compiled once into closures for the fast Faker path.

Faker builds most strings by picking a format, parsing its ``{{token}}``
placeholders and replacing ``#``/``?`` markers, every call. Here a format becomes
a small tree of nodes (constant text, weighted picks, sequences, alternatives)
that is compiled into a closure drawing from the source :func:`compile_rng` names
(one compile per field stream; the tree itself is built once and shared).

Character-by-character transformations (lower-casing, transliteration) commute
with concatenation, so :meth:`Node.map` applies them to the tables at compile
time instead of to every generated string.
"""

from __future__ import annotations

import bisect
import itertools
import math
import string
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from asyncfactories._random_source import compile_rng

__all__ = (
    "Alt",
    "Const",
    "Fn",
    "Node",
    "Pick",
    "ValueBuilder",
    "bothify",
    "draw_list",
    "draw_one",
    "element_table",
    "pick_of",
    "seq",
    "stock",
)

Draw = Callable[[], str]
_Mapper = Callable[[str], str]

T = TypeVar("T")
ValueBuilder = Callable[[Any, dict[str, object]], Callable[[], object] | None]
"""Builds a closure for ``provider_instance.method(**kwargs)`` returning a non-string value."""

"""Faker provider function -> builder, for providers whose values are not strings."""


def _uniform(values: Sequence[T]) -> Callable[[], T]:
    # floor(random() * n) is what random.choices itself does for equal weights;
    # math.floor is a plain builtin call, cheaper than calling the int type.
    n = float(len(values))
    random, floor = compile_rng().random, math.floor
    return lambda: values[floor(random() * n)]


def _weighted(values: Sequence[T], cum: Sequence[float]) -> Callable[[], T]:
    # Same arithmetic as random.choices(cum_weights=...), minus its per-call setup.
    total = float(cum[-1])
    hi = len(cum) - 1
    random, bisect_right = compile_rng().random, bisect.bisect_right
    return lambda: values[bisect_right(cum, random() * total, 0, hi)]


def draw_one(values: Sequence[T], weights: Sequence[float] | None) -> Callable[[], T]:
    """Return a closure drawing one of ``values`` (weighted when ``weights`` is given)."""
    if weights is None:
        return _uniform(values)
    return _weighted(values, tuple(itertools.accumulate(weights)))


def draw_list(values: Sequence[T], length: int) -> Callable[[], list[T]]:
    """Return a closure drawing ``length`` values uniformly with replacement.

    This is the list comprehension ``random.choices`` runs, inlined; short lengths
    skip the comprehension's own frame.
    """
    n = float(len(values))
    random, floor = compile_rng().random, math.floor
    if length == 1:
        return lambda: [values[floor(random() * n)]]
    if length == 2:
        return lambda: [values[floor(random() * n)], values[floor(random() * n)]]
    if length == 3:
        return lambda: [
            values[floor(random() * n)],
            values[floor(random() * n)],
            values[floor(random() * n)],
        ]
    slots = (None,) * length
    return lambda: [values[floor(random() * n)] for _ in slots]


class Node:
    """A compiled-once description of a random string."""

    def compile(self) -> Draw:
        """Return a zero-argument closure drawing one string."""
        raise NotImplementedError

    def map(self, fn: _Mapper) -> Node:
        """Apply a character-local ``fn`` to every piece this node can produce."""
        raise NotImplementedError

    def leaves(self) -> Iterator[str] | None:
        """Yield every literal piece this node can produce, or ``None`` if unknown."""
        raise NotImplementedError


class Const(Node):
    """Fixed text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def compile(self) -> Draw:
        """Return a closure yielding the text."""
        text = self.text
        return lambda: text

    def map(self, fn: _Mapper) -> Node:
        """Transform the text now."""
        return Const(fn(self.text))

    def leaves(self) -> Iterator[str]:
        """Yield the text."""
        yield self.text


class Pick(Node):
    """One value from a table, uniformly or by weight."""

    def __init__(self, values: Sequence[str], weights: Sequence[float] | None = None) -> None:
        self.values = tuple(values)
        self.weights = tuple(weights) if weights is not None else None

    def compile(self) -> Draw:
        """Return a closure drawing one value."""
        if len(self.values) == 1:
            return Const(self.values[0]).compile()
        return draw_one(self.values, self.weights)

    def map(self, fn: _Mapper) -> Node:
        """Transform the table now, keeping weights and duplicates."""
        return Pick([fn(v) for v in self.values], self.weights)

    def leaves(self) -> Iterator[str]:
        """Yield the table's values."""
        yield from self.values


class Alt(Node):
    """One of several sub-templates, uniformly or by weight."""

    def __init__(self, options: Sequence[Node], weights: Sequence[float] | None = None) -> None:
        self.options = tuple(options)
        self.weights = tuple(weights) if weights is not None else None

    def compile(self) -> Draw:
        """Return a closure choosing an option, then drawing it."""
        draws = [o.compile() for o in self.options]
        if len(draws) == 1:
            return draws[0]
        if self.weights is None:
            n = float(len(draws))
            random, floor = compile_rng().random, math.floor
            return lambda: draws[floor(random() * n)]()
        cum = tuple(itertools.accumulate(self.weights))
        total, hi = cum[-1], len(cum) - 1
        random, bisect_right = compile_rng().random, bisect.bisect_right
        return lambda: draws[bisect_right(cum, random() * total, 0, hi)]()

    def map(self, fn: _Mapper) -> Node:
        """Transform every option."""
        return Alt([o.map(fn) for o in self.options], self.weights)

    def leaves(self) -> Iterator[str] | None:
        """Yield the leaves of every option."""
        return _chain_leaves(self.options)


class Seq(Node):
    """Concatenation of parts."""

    def __init__(self, parts: Sequence[Node]) -> None:
        self.parts = tuple(parts)

    def compile(self) -> Draw:
        """Return a closure joining the parts through one ``%`` format."""
        draws: list[Draw] = []
        fmt = ""
        for part in self.parts:
            if isinstance(part, Const):
                fmt += part.text.replace("%", "%%")
            else:
                fmt += "%s"
                draws.append(part.compile())
        if not draws:
            return Const(fmt.replace("%%", "%")).compile()
        if fmt == "%s":
            return draws[0]
        if len(draws) == 1:
            (a,) = draws
            return lambda: fmt % a()
        if len(draws) == 2:
            a, b = draws
            return lambda: fmt % (a(), b())
        if len(draws) == 3:
            a, b, c = draws
            return lambda: fmt % (a(), b(), c())
        return lambda: fmt % tuple([d() for d in draws])

    def map(self, fn: _Mapper) -> Node:
        """Transform every part."""
        return Seq([p.map(fn) for p in self.parts])

    def leaves(self) -> Iterator[str] | None:
        """Yield the leaves of every part."""
        return _chain_leaves(self.parts)


class Fn(Node):
    """A value computed by an arbitrary closure (opaque to compile-time checks).

    It holds what makes the closure, not the closure: a node is shared by every
    source it is compiled against, and ``make`` reads :func:`compile_rng` anew.
    """

    def __init__(self, make: Callable[[], Draw], alphabet: str | None = None) -> None:
        self.make = make
        self.alphabet = alphabet

    def compile(self) -> Draw:
        """Return a new closure."""
        return self.make()

    def map(self, fn: _Mapper) -> Node:
        """Transform each drawn value at call time."""
        make = self.make
        alphabet = None if self.alphabet is None else "".join(fn(c) for c in self.alphabet)
        return Fn(lambda: _mapped(fn, make()), alphabet)

    def leaves(self) -> Iterator[str] | None:
        """Yield the declared alphabet's characters, if any."""
        return None if self.alphabet is None else iter(self.alphabet)


def _mapped(fn: _Mapper, draw: Draw) -> Draw:
    return lambda: fn(draw())


def _chain_leaves(nodes: Sequence[Node]) -> Iterator[str] | None:
    parts = [n.leaves() for n in nodes]
    if any(p is None for p in parts):
        return None
    return itertools.chain.from_iterable(p for p in parts if p is not None)


def seq(parts: Sequence[Node]) -> Node:
    """Concatenate ``parts``, merging neighbouring constants and nested sequences."""
    flat: list[Node] = []
    for part in parts:
        for p in part.parts if isinstance(part, Seq) else (part,):
            if isinstance(p, Const) and flat and isinstance(flat[-1], Const):
                flat[-1] = Const(flat[-1].text + p.text)
            elif not (isinstance(p, Const) and not p.text):
                flat.append(p)
    if not flat:
        return Const("")
    return flat[0] if len(flat) == 1 else Seq(flat)


def _impl(cls: type, name: str) -> object:
    # Classmethods come back bound to each class; compare the functions underneath.
    attr = getattr(cls, name, None)
    return getattr(attr, "__func__", attr)


def stock(provider: object, base: type, *names: str) -> bool:
    """Whether ``provider`` uses ``base``'s own ``names``: the helpers a mirrored method calls.

    A locale or user provider that overrides one of them has logic of its own,
    so its values stay with Faker.
    """
    cls = type(provider)
    return all(_impl(cls, name) is _impl(base, name) for name in names)


def element_table(
    elements: object, use_weighting: bool
) -> tuple[Sequence[object], Sequence[float] | None] | None:
    """The values and weights Faker's ``random_element(s)`` draws from, or ``None``.

    ``None`` where Faker would raise or behave otherwise (a plain dict, an empty
    table); weights only for an OrderedDict with weighting on.
    """
    if isinstance(elements, dict):
        if not isinstance(elements, OrderedDict) or not elements:
            return None
        return tuple(elements), tuple(elements.values()) if use_weighting else None
    if not isinstance(elements, (Sequence, set, frozenset)) or not elements:
        return None
    return tuple(elements), None


def pick_of(elements: object, use_weighting: bool) -> Pick | None:
    """Mirror ``BaseProvider.random_element(elements)`` for a format's text: weighted for an OrderedDict."""
    table = element_table(elements, use_weighting)
    if table is None:
        return None
    values, weights = table
    return Pick([str(v) for v in values], [float(w) for w in weights] if weights else None)


_DIGITS = string.digits
# Faker's numerify markers: '!' is "digit or empty" (50 % empty), '@' is
# "non-zero digit or empty"; the weights reproduce those two-step draws.
_MARKERS: dict[str, Pick] = {
    "#": Pick(_DIGITS),
    "%": Pick(_DIGITS[1:]),
    "$": Pick(_DIGITS[2:]),
    "!": Pick(["", *_DIGITS], [10.0] + [1.0] * 10),
    "@": Pick(["", *_DIGITS[1:]], [9.0] + [1.0] * 9),
}
_LETTER = Pick(string.ascii_letters)
BOTHIFY_MARKERS = "#%$!@?"


def bothify(text: str, letters: bool = True) -> Node:
    """Compile Faker's ``numerify`` (and ``lexify`` when ``letters``) of a literal."""
    parts: list[Node] = []
    for ch in text:
        if ch in _MARKERS:
            parts.append(_MARKERS[ch])
        elif letters and ch == "?":
            parts.append(_LETTER)
        else:
            parts.append(Const(ch))
    return seq(parts)
