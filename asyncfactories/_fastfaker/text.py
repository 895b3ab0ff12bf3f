"""Fast-path templates for Faker's person, company, job and address providers.

Every builder here is keyed by the Faker *function object* it reproduces, so a
locale whose provider overrides that method (with different logic) finds no
builder and falls back to Faker. Data (name tables, formats, weights) is read
from the locale's provider instance; nothing is copied into this package.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, cast

from faker.generator import Generator
from faker.generator import _re_token as _TOKEN
from faker.providers import BaseProvider
from faker.providers.address import Provider as Address
from faker.providers.address.de_DE import Provider as DeAddress
from faker.providers.address.en_US import Provider as UsAddress
from faker.providers.company import Provider as Company
from faker.providers.job import Provider as Job
from faker.providers.person import Provider as Person
from faker.utils.datasets import add_ordereddicts

from asyncfactories._fastfaker.nodes import Alt, Const, Fn, Node, Pick, bothify, pick_of, seq
from asyncfactories._random_source import compile_rng

__all__ = ("TEXT", "Resolver", "TextBuilder", "accept", "registrar")

TextBuilder = Callable[["Resolver", Any, dict[str, object]], Node | None]
#: The compiled forms of the person, address, company, job and phone providers.
TEXT: dict[object, TextBuilder] = {}


def registrar(
    table: dict[object, TextBuilder],
) -> Callable[..., Callable[[TextBuilder], TextBuilder]]:
    """A decorator entering a builder in ``table`` (a family module's own) for Faker functions."""

    def register(*funcs: object) -> Callable[[TextBuilder], TextBuilder]:
        def deco(builder: TextBuilder) -> TextBuilder:
            for func in funcs:
                table[func] = builder
            return builder

        return deco

    return register


register = registrar(TEXT)


def accept(kwargs: Mapping[str, object], **defaults: object) -> dict[str, object] | None:
    """Merge ``kwargs`` over ``defaults``; ``None`` if any keyword is not a known one."""
    if not kwargs.keys() <= defaults.keys():
        return None
    return {**defaults, **kwargs}


def _base_helpers(prov: BaseProvider) -> bool:
    # Builders assume the stock random_element/numerify semantics.
    cls = type(prov)
    return all(
        getattr(cls, name, None) is getattr(BaseProvider, name)
        for name in ("random_element", "random_elements", "numerify", "lexify", "bothify")
    )


class Resolver:
    """Compiles provider methods of one locale's generator into nodes."""

    def __init__(self, generator: Generator, builders: Mapping[object, TextBuilder]) -> None:
        self.generator = generator
        #: Faker function -> builder of its node (``registry.TEXT_BUILDERS``).
        self._builders = builders
        self._tokens: dict[str, Node | None] = {}
        self._templates: dict[tuple[str, bool], Node | None] = {}
        self._active: set[tuple[int, str]] = set()

    def token(self, name: str) -> Node | None:
        """Return the node for ``{{name}}`` as ``generator.format(name)`` would serve it."""
        if name not in self._tokens:
            bound = getattr(self.generator, name, None)
            prov = getattr(bound, "__self__", None)
            node = self.method(prov, name, {}) if isinstance(prov, BaseProvider) else None
            self._tokens[name] = node
        return self._tokens[name]

    def method(self, prov: BaseProvider, name: str, kwargs: Mapping[str, object]) -> Node | None:
        """Return the node for ``prov.name(**kwargs)``, or ``None`` without a faithful builder."""
        builder = self._builders.get(getattr(type(prov), name, None))
        key = (id(prov), name)
        if builder is None or key in self._active or not _base_helpers(prov):
            return None
        self._active.add(key)
        try:
            return builder(self, prov, dict(kwargs))
        finally:
            self._active.discard(key)

    def template(self, pattern: str, bothify_literals: bool = False) -> Node | None:
        """Compile ``generator.parse(pattern)``; optionally bothify the literal text too."""
        key = (pattern, bothify_literals)
        if key not in self._templates:
            literal: Callable[[str], Node] = bothify if bothify_literals else Const
            parts: list[Node] = []
            pos = 0
            for m in _TOKEN.finditer(pattern):
                name, group = m.groups()
                node = None if group else self.token(name)
                if node is None:
                    self._templates[key] = None
                    return None
                parts += [literal(pattern[pos : m.start()]), node]
                pos = m.end()
            parts.append(literal(pattern[pos:]))
            self._templates[key] = seq(parts)
        return self._templates[key]

    @staticmethod
    def pick(prov: BaseProvider, attr: str) -> Pick | None:
        """Mirror ``prov.random_element(prov.<attr>)``."""
        return pick_of(getattr(prov, attr, None), weighting(prov))

    def formats(self, prov: BaseProvider, attr: str) -> Node | None:
        """Mirror ``generator.parse(prov.random_element(prov.<attr>))``."""
        pick = self.pick(prov, attr)
        if pick is None:
            return None
        options = [self.template(v) for v in pick.values]
        if any(o is None for o in options):
            return None
        return Alt([o for o in options if o is not None], pick.weights)

    def numerify_formats(self, prov: BaseProvider, attr: str, letters: bool) -> Node | None:
        """Mirror ``prov.numerify|bothify(prov.random_element(prov.<attr>))``."""
        pick = self.pick(prov, attr)
        if pick is None:
            return None
        return Alt([bothify(v, letters) for v in pick.values], pick.weights)


def weighting(prov: BaseProvider) -> bool:
    """Whether ``prov.random_element`` honours OrderedDict weights."""
    return bool(getattr(prov, "__use_weighting__", True))


def _element(attr: str) -> TextBuilder:
    return lambda res, prov, kw: None if kw else res.pick(prov, attr)


def _formats(attr: str, fallback: str | None = None) -> TextBuilder:
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        if kw:
            return None
        use = attr if fallback is None or hasattr(prov, attr) else fallback
        return res.formats(prov, use)

    return build


def _gendered(attr: str, fallback: str) -> TextBuilder:
    # e.g. first_name_male: the gendered table if the locale has one, else self.first_name().
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        if kw:
            return None
        return res.pick(prov, attr) if hasattr(prov, attr) else res.method(prov, fallback, {})

    return build


def _numerify(attr: str, letters: bool = False, upper: bool = False) -> TextBuilder:
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        node = None if kw else res.numerify_formats(prov, attr, letters)
        return node.map(str.upper) if node is not None and upper else node

    return build


for _func, _attr in (
    (Person.first_name, "first_names"),
    (Person.last_name, "last_names"),
    (Company.company_suffix, "company_suffixes"),
    (Job.job, "jobs"),
    (Address.city_suffix, "city_suffixes"),
    (Address.street_suffix, "street_suffixes"),
    (Address.country, "countries"),
    (UsAddress.city_prefix, "city_prefixes"),
    (UsAddress.military_ship, "military_ship_prefix"),
    (UsAddress.military_state, "military_state_abbr"),
    (UsAddress.administrative_unit, "states"),
    (DeAddress.city_name, "cities"),
    (DeAddress.street_suffix_short, "street_suffixes_short"),
    (DeAddress.street_suffix_long, "street_suffixes_long"),
    (DeAddress.administrative_unit, "states"),
):
    TEXT[_func] = _element(_attr)

for _gender in ("male", "female", "nonbinary"):
    for _name, _table, _fallback in (
        ("first_name", "first_names", "first_name"),
        ("last_name", "last_names", "last_name"),
        ("prefix", "prefixes", "prefix"),
        ("suffix", "suffixes", "suffix"),
        ("name", "formats", "formats"),
    ):
        _func = getattr(Person, f"{_name}_{_gender}")
        if _name == "name":
            TEXT[_func] = _formats(f"formats_{_gender}", "formats")
        else:
            TEXT[_func] = _gendered(f"{_table}_{_gender}", _fallback)
for _gender in ("male", "female"):
    # job_male / job_female are newer than the oldest Faker accepted: compile them where they exist.
    _job = getattr(Job, f"job_{_gender}", None)
    if _job is not None:
        TEXT[_job] = _gendered(f"jobs_{_gender}", "job")

for _func, _attr in (
    (Person.name, "formats"),
    (Company.company, "formats"),
    (Address.city, "city_formats"),
    (Address.street_name, "street_name_formats"),
    (Address.street_address, "street_address_formats"),
    (Address.address, "address_formats"),
    (DeAddress.city_with_postcode, "city_with_postcode_formats"),
):
    TEXT[_func] = _formats(_attr)

TEXT[Address.building_number] = _numerify("building_number_formats")
TEXT[UsAddress.secondary_address] = _numerify("secondary_address_formats")
TEXT[Address.postcode] = _numerify("postcode_formats", letters=True, upper=True)


def _fixed_numerify(attr: str) -> TextBuilder:
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        text = getattr(prov, attr, None)
        return None if kw or not isinstance(text, str) else bothify(text, letters=False)

    return build


TEXT[UsAddress.military_apo] = _fixed_numerify("military_apo_format")
TEXT[UsAddress.military_dpo] = _fixed_numerify("military_dpo_format")


@register(UsAddress.postcode)
def _us_postcode(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    if kw:
        return None
    return Fn(_us_postcode_draw, "0123456789")


def _us_postcode_draw() -> Callable[[], str]:
    random, floor = compile_rng().random, math.floor
    # Faker: "%05d" % randint(501, 99950)
    return lambda: f"{501 + floor(random() * 99450):05d}"


@register(UsAddress.state_abbr)
def _us_state_abbr(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, include_territories=True, include_freely_associated_states=True)
    if args is None:
        return None
    abbreviations = tuple(getattr(prov, "states_abbr", ()))
    if args["include_territories"]:
        abbreviations += tuple(getattr(prov, "territories_abbr", ()))
    if args["include_freely_associated_states"]:
        abbreviations += tuple(getattr(prov, "freely_associated_states_abbr", ()))
    return pick_of(abbreviations, weighting(prov))


def _prefix_or_suffix(kind: str) -> TextBuilder:
    # Mirrors Person.prefix()/suffix(): one table, the three gendered tables merged,
    # a coin flip between male and female tables, or the empty string.
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        if kw:
            return None
        if hasattr(prov, f"{kind}es"):
            return res.pick(prov, f"{kind}es")
        tables = [getattr(prov, f"{kind}es_{g}", None) for g in ("male", "female", "nonbinary")]
        if all(t is not None for t in tables):
            if not all(isinstance(t, OrderedDict) for t in tables):
                return None
            return pick_of(
                add_ordereddicts(*cast(list[OrderedDict[Any, Any]], tables)), weighting(prov)
            )
        if tables[0] is not None and tables[1] is not None:
            male, female = (pick_of(t, weighting(prov)) for t in tables[:2])
            return None if male is None or female is None else Alt([male, female])
        return Const("")

    return build


TEXT[Person.prefix] = _prefix_or_suffix("prefix")
TEXT[Person.suffix] = _prefix_or_suffix("suffix")
