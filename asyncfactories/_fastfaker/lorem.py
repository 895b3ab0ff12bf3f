"""Fast-path closures for Faker's lorem provider (word, words, sentence, paragraph, text).

The word list and the "+/-40 %" length tables of ``randomize_nb_elements`` are
prepared once; each call then only draws indices. The control flow of
``text()`` (words under 25 characters, sentences under 100, paragraphs above,
dropping the unit that overflows) is reproduced step for step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat as _repeat
from typing import Any

from faker.providers.lorem import Provider as Lorem

from asyncfactories._fastfaker.nodes import Fn, Node, Pick, ValueBuilder, draw_list
from asyncfactories._fastfaker.text import Resolver, TextBuilder, accept, registrar
from asyncfactories._random_source import compile_rng

__all__ = ("TEXT", "VALUES")

#: The compiled forms of the lorem providers: text nodes, and ``words`` as a value.
TEXT: dict[object, TextBuilder] = {}
register = registrar(TEXT)

_STOCK = (
    "get_words_list",
    "words",
    "word",
    "sentence",
    "sentences",
    "paragraph",
    "text",
    "random_choices",
    "random_sample",
    "randomize_nb_elements",
)


def _word_list(prov: Any, part_of_speech: object, ext_word_list: object) -> tuple[str, ...] | None:
    """Mirror ``get_words_list``; ``None`` where Faker would raise or the list is empty."""
    cls = type(prov)
    if any(getattr(cls, n) is not getattr(Lorem, n) for n in _STOCK):
        return None
    if ext_word_list is not None:
        source = ext_word_list
    elif part_of_speech:
        source = getattr(prov, "parts_of_speech", {}).get(part_of_speech)
    else:
        source = getattr(prov, "word_list", None)
    if not isinstance(source, Sequence) or isinstance(source, str) or not source:
        return None
    return tuple(str(w) for w in source)


def _counts(number: int, variable: bool) -> tuple[int, ...]:
    # randomize_nb_elements(number, min=1): int(number * randint(60, 140) / 100), at least 1.
    if not variable:
        return (number,)
    return tuple(max(int(number * k / 100), 1) for k in range(60, 141))


def _patterns(words: tuple[str, ...], counts: tuple[int, ...], prov: Any) -> list[list[Any]]:
    """Per entry of ``counts``, the word table each word of such a sentence is drawn from.

    A sentence is ``k`` uniform words with the first title-cased and the
    punctuation after the last; drawing the first from a title-cased copy of the
    list and the last from a punctuated copy gives exactly that, with one join.
    """
    punctuation: str = prov.sentence_punctuation
    first = tuple(w.title() for w in words)
    last = tuple(w + punctuation for w in words)
    only = tuple(w + punctuation for w in first)
    return [[only] if k == 1 else [first, *[words] * (k - 2), last] for k in counts]


def _sentence_parts(
    words: tuple[str, ...], nb_words: int, variable: bool, prov: Any
) -> Callable[[], str]:
    """Return a closure building one ``sentence(nb_words, variable)``."""
    if nb_words <= 0:
        return lambda: ""
    join = str(prov.word_connector).join
    patterns = _patterns(words, _counts(nb_words, variable), prov)
    n, nc = float(len(words)), float(len(patterns))
    random, floor = compile_rng().random, math.floor
    return lambda: join([t[floor(random() * n)] for t in patterns[floor(random() * nc)]])


def _paragraph(words: tuple[str, ...], nb: int, variable: bool, prov: Any) -> Callable[[], str]:
    if nb <= 0:
        return lambda: ""
    # Sentences are joined with the same connector as their words, so a
    # paragraph is one join over the concatenated sentence patterns.
    join = str(prov.word_connector).join
    patterns = _patterns(words, _counts(6, True), prov)
    counts = _counts(nb, variable)
    n, npat, nc = float(len(words)), float(len(patterns)), float(len(counts))
    random, floor = compile_rng().random, math.floor

    def draw() -> str:
        tables: list[Any] = []
        for _ in _repeat(None, counts[floor(random() * nc)]):
            tables += patterns[floor(random() * npat)]
        return join([t[floor(random() * n)] for t in tables])

    return draw


def _text(words: tuple[str, ...], max_nb_chars: int, prov: Any) -> Callable[[], str]:
    connector: str = prov.word_connector
    punctuation: str = prov.sentence_punctuation
    if max_nb_chars < 25:
        word = Pick(words).compile()

        def join_words() -> str:
            text: list[str] = []
            while not text:
                size = 0
                while size < max_nb_chars:
                    piece = (connector if size else "") + word()
                    text.append(piece)
                    size += len(piece)
                text.pop()
            text[0] = text[0][0].upper() + text[0][1:]
            text[-1] += punctuation
            return "".join(text)

        return join_words
    if max_nb_chars < 100:
        unit, separator = _sentence_parts(words, 6, True, prov), connector
    else:
        unit, separator = _paragraph(words, 3, True, prov), "\n"

    def join_units() -> str:
        text: list[str] = []
        while not text:
            size = 0
            while size < max_nb_chars:
                piece = (separator if size else "") + unit()
                text.append(piece)
                size += len(piece)
            text.pop()
        return "".join(text)

    return join_units


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register(Lorem.word)
def _word(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, part_of_speech=None, ext_word_list=None)
    words = None if args is None else _word_list(prov, *args.values())
    return None if words is None else Pick(words)


@register(Lorem.sentence)
def _sentence_node(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, nb_words=6, variable_nb_words=True, ext_word_list=None)
    if args is None or (nb := _int(args["nb_words"])) is None:
        return None
    words = _word_list(prov, None, args["ext_word_list"])
    variable = bool(args["variable_nb_words"])
    return None if words is None else Fn(lambda: _sentence_parts(words, nb, variable, prov))


@register(Lorem.paragraph)
def _paragraph_node(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, nb_sentences=3, variable_nb_sentences=True, ext_word_list=None)
    if args is None or (nb := _int(args["nb_sentences"])) is None:
        return None
    words = _word_list(prov, None, args["ext_word_list"])
    variable = bool(args["variable_nb_sentences"])
    return None if words is None else Fn(lambda: _paragraph(words, nb, variable, prov))


@register(Lorem.text)
def _text_node(res: Resolver, prov: Any, kw: dict[str, object]) -> Node | None:
    args = accept(kw, max_nb_chars=200, ext_word_list=None)
    if args is None or (limit := _int(args["max_nb_chars"])) is None or limit < 5:
        return None
    words = _word_list(prov, None, args["ext_word_list"])
    return None if words is None else Fn(lambda: _text(words, limit, prov))


def _words(prov: Any, kw: dict[str, object]) -> Callable[[], object] | None:
    args = accept(kw, nb=3, ext_word_list=None, part_of_speech=None, unique=False)
    if args is None or (nb := _int(args["nb"])) is None or nb < 0:
        return None
    words = _word_list(prov, args["part_of_speech"], args["ext_word_list"])
    if words is None:
        return None
    population = list(words)
    if args["unique"]:
        if nb > len(population):
            return None
        sample = compile_rng().sample
        return lambda: sample(population, nb)
    return draw_list(population, nb) if nb else list


VALUES: dict[object, ValueBuilder] = {Lorem.words: _words}
