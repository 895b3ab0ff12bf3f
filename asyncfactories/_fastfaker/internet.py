"""Fast-path templates for Faker's internet provider (user names, emails, domains).

Faker's ``user_name`` parses a format, bothifies it, lower-cases it,
transliterates it (locale ``replacements`` then ``unidecode``) and slugifies it,
on every call. Lower-casing, single-character replacements, transliteration and
dropping non-word characters all act character by character, so they are
applied here to the name tables once; only slugify's ``strip`` and its collapse of
whitespace/hyphen runs look at the whole string, and they run per call only when
the tables can produce whitespace or hyphens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from faker.decode import unidecode
from faker.providers.internet import Provider as Internet

from asyncfactories._fastfaker.nodes import BOTHIFY_MARKERS, Alt, Const, Fn, Node, seq
from asyncfactories._fastfaker.text import Resolver, TextBuilder, accept, registrar

__all__ = ("TEXT",)

#: The compiled forms of the internet providers.
TEXT: dict[object, TextBuilder] = {}
register = registrar(TEXT)

# The two patterns of faker.utils.text.slugify.
_SLUG_DROP = re.compile(r"[^\w\s-]", flags=re.U)
_SPACES = re.compile(r"[-\s]+", flags=re.U)


def _to_ascii(prov: Any) -> Callable[[str], str] | None:
    """Return ``prov._to_ascii`` as a pure function, if it is character-local."""
    if type(prov)._to_ascii is not Internet._to_ascii:
        return None
    found: tuple[tuple[str, str], ...] = getattr(prov, "replacements", ())
    replacements = tuple(found)
    if any(len(search) != 1 for search, _ in replacements):
        return None

    def to_ascii(text: str) -> str:
        for search, replace in replacements:
            text = text.replace(search, replace)
        return unidecode(text)

    return to_ascii


def _finish(node: Node) -> Node | None:
    """Apply slugify's whole-string steps (strip, collapse) when they can matter."""
    leaves = node.leaves()
    if leaves is None:
        return None
    alphabet = "".join(sorted({c for leaf in leaves for c in leaf}))
    if not any(c.isspace() or c == "-" for c in alphabet):
        return node
    return Fn(lambda: _collapsed(node.compile()), alphabet)


def _collapsed(draw: Callable[[], str]) -> Callable[[], str]:
    sub = _SPACES.sub
    return lambda: sub("-", draw().strip())


def _ascii_everywhere(node: Node, fn: Callable[[str], str]) -> bool:
    leaves = node.leaves()
    return leaves is not None and all(fn(leaf).isascii() for leaf in leaves)


@register(Internet.user_name)
def _user_name(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    to_ascii = _to_ascii(prov)
    pick = res.pick(prov, "user_name_formats")
    if kw or to_ascii is None or pick is None:
        return None
    options = [res.template(fmt, bothify_literals=True) for fmt in pick.values]
    nodes = [o for o in options if o is not None]
    if len(nodes) != len(options):
        return None
    combined = Alt(nodes, pick.weights)
    leaves = combined.leaves()
    # bothify runs over the parsed names too; names with markers would be rewritten.
    if leaves is None or any(c in BOTHIFY_MARKERS for leaf in leaves for c in leaf):
        return None
    if not _ascii_everywhere(combined, lambda v: to_ascii(v.lower())):
        return None
    # Non-ASCII never survives unidecode, so slugify's NFKC step is the identity.
    return _finish(combined.map(lambda v: _SLUG_DROP.sub("", to_ascii(v.lower())).lower()))


@register(Internet.domain_word)
def _domain_word(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    to_ascii = _to_ascii(prov)
    company = res.token("company")
    if kw or to_ascii is None or company is None:
        return None

    def slug(v: str) -> str:
        return _SLUG_DROP.sub("", to_ascii(v)).lower()

    leaves = company.leaves()
    if leaves is None:
        return None
    for leaf in leaves:
        chunks = [slug(x) for x in leaf.split(" ")]
        # Splitting on " " must commute with the transformation for it to run first.
        if slug(leaf) != " ".join(chunks) or any(" " in c or not c.isascii() for c in chunks):
            return None
    slugged = company.map(slug)
    alphabet = {c for leaf in slugged.leaves() or () for c in leaf} - {" "}
    return _finish(Fn(lambda: _first_word(slugged.compile()), "".join(sorted(alphabet))))


def _first_word(draw: Callable[[], str]) -> Callable[[], str]:
    return lambda: draw().split(" ", 1)[0]


def _lowered(attr: str) -> Callable[[Resolver, Any, dict[str, object]], Node | None]:
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        pick = None if kw else res.pick(prov, attr)
        return None if pick is None else pick.map(str.lower)

    return build


register(Internet.free_email_domain)(_lowered("free_email_domains"))
register(Internet.safe_domain_name)(_lowered("safe_domain_names"))


@register(Internet.tld)
def _tld(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    return None if kw else res.pick(prov, "tlds")


@register(Internet.domain_name)
def _domain_name(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, levels=1)
    levels = None if args is None else args["levels"]
    if not isinstance(levels, int) or levels < 1:
        return None
    words = [res.method(prov, "domain_word", {}) for _ in range(levels)]
    tld = res.method(prov, "tld", {})
    if tld is None or any(w is None for w in words):
        return None
    return seq([p for w in words for p in (w, Const(".")) if p is not None] + [tld]).map(str.lower)


def _address(domain_method: str) -> Callable[[Resolver, Any, dict[str, object]], Node | None]:
    def build(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
        user = None if kw else res.method(prov, "user_name", {})
        domain = res.method(prov, domain_method, {})
        if user is None or domain is None:
            return None
        return seq([user, Const("@"), domain]).map(str.lower)

    return build


register(Internet.safe_email)(_address("safe_domain_name"))
register(Internet.free_email)(_address("free_email_domain"))
register(Internet.company_email)(_address("domain_name"))


@register(Internet.email)
def _email(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, safe=True, domain=None)
    if args is None:
        return None
    domain, safe = args["domain"], args["safe"]
    user = res.method(prov, "user_name", {})
    if user is None or not (domain is None or isinstance(domain, str)):
        return None
    if domain:
        return seq([user, Const(f"@{domain}")]).map(str.lower)
    if safe:
        return _address("safe_domain_name")(res, prov, {})
    formats = res.formats(prov, "email_formats")
    if formats is None:
        return None
    return formats.map(lambda v: v.replace(" ", "")).map(str.lower)
