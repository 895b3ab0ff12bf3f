"""Read the fenced code blocks of a docs page, with the directives written before them.

A page is plain Markdown. What the tests do with each block is said by the
block itself and by an HTML comment just before it (invisible on the site):

- ```` ```python ```` runs in the page's namespace, top-level ``await`` allowed;
- a block with a title (```` ```python title="models.py" ````, Material's
  syntax, shown above the code) is a file of the page's project directory;
- ```` ```bash ```` runs in that directory;
- ```` ```text ```` is output: checked against the block before it when
  marked ``<!-- docs-test: output -->``, otherwise only shown;
- ``<!-- not-run: reason -->`` before a block leaves it out, with the reason;
- ``<!-- docs-test: key=value flag -->`` before a block sets its options
  (``backends=postgresql``, ``exit=2``, ``raises=FactoryDefinitionError``, ``output``);
- ``<!-- docs-page: backends=sqlite,postgresql -->`` anywhere sets the page's options.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

__all__ = ("Block", "Page", "match_lines", "read_page")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_DIRECTIVE = re.compile(
    r"^[ \t]*<!--[ \t]*(?P<kind>not-run|docs-test|docs-page):(?P<body>.*?)-->[ \t]*$"
)
_TITLE = re.compile(r"""title=(?P<quote>["'])(?P<title>.*?)(?P=quote)""")


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced code block of a page.

    Attributes:
        path: the Markdown file the block is in.
        line: the 1-based line number of the block's first line of code.
        language: the fence's language (``python``, ``bash``, ``text``...), or ``""``.
        title: Material's ``title="..."``: the file the block is, or ``None``.
        source: the code, dedented to the fence's indentation.
        options: the ``docs-test`` directive's ``key=value`` pairs (a flag maps to ``""``).
        not_run: the reason given by a ``not-run`` directive, or ``None``.
    """

    path: Path
    line: int
    language: str
    title: str | None
    source: str
    options: dict[str, str]
    not_run: str | None

    @property
    def where(self) -> str:
        """``docs/page.md:12``, the place to look when the block fails."""
        return f"{self.path.as_posix()}:{self.line}"

    def backends(self, default: tuple[str, ...]) -> tuple[str, ...]:
        """The backends the block runs on: its own ``backends=`` or the page's."""
        value = self.options.get("backends")
        return tuple(value.split(",")) if value else default


@dataclasses.dataclass(frozen=True)
class Page:
    """A docs page: its blocks in order, and the page-level options."""

    path: Path
    blocks: tuple[Block, ...]
    options: dict[str, str]

    @property
    def backends(self) -> tuple[str, ...]:
        """The backends the page runs on (``sqlite`` unless the page says otherwise)."""
        value = self.options.get("backends")
        return tuple(value.split(",")) if value else ("sqlite",)


def _options(body: str) -> dict[str, str]:
    """``"backends=postgresql output"`` -> ``{"backends": "postgresql", "output": ""}``.

    Args:
        body: the directive's text after its colon.

    Returns:
        Each word's key and value; a word without ``=`` is a flag with the value ``""``.
    """
    options: dict[str, str] = {}
    for word in body.split():
        key, _, value = word.partition("=")
        options[key] = value
    return options


def _dedent(lines: list[str], indent: str) -> str:
    """The lines of a block indented like its fence (in a list or an admonition), dedented.

    Args:
        lines: the block's lines, newlines kept.
        indent: the fence's indentation.

    Returns:
        The code as it would be in a file.
    """
    width = len(indent)
    return "".join(line[width:] if line.startswith(indent) else line.lstrip() for line in lines)


def read_page(path: Path) -> Page:
    """Parse ``path`` into its code blocks, each with the directives that precede it.

    Args:
        path: a Markdown file.

    Returns:
        The page, its blocks in document order.

    Raises:
        ValueError: a fence that is never closed, or a directive followed by no block.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks: list[Block] = []
    page_options: dict[str, str] = {}
    pending: dict[str, str] | None = None
    not_run: str | None = None
    pending_line = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        fence = _FENCE.match(line)
        if directive:
            kind, body = directive["kind"], directive["body"].strip()
            if kind == "docs-page":
                page_options.update(_options(body))
            elif kind == "not-run":
                not_run = body or "no reason given"
                pending = pending or {}
                pending_line = index + 1
            else:
                pending = {**(pending or {}), **_options(body)}
                pending_line = index + 1
        elif fence:
            indent, marker, info = fence["indent"], fence["fence"], fence["info"]
            language = info.split()[0] if info.split() else ""
            title = _TITLE.search(info)
            close = re.compile(rf"^{re.escape(indent)}{marker[0]}{{{len(marker)},}}[ \t]*$")
            end = index + 1
            while end < len(lines) and not close.match(lines[end].rstrip("\n")):
                end += 1
            if end == len(lines):
                raise ValueError(f"{path}:{index + 1}: the code block is never closed")
            blocks.append(
                Block(
                    path=path,
                    line=index + 2,
                    language=language,
                    title=title["title"] if title else None,
                    source=_dedent(lines[index + 1 : end], indent),
                    options=pending or {},
                    not_run=not_run,
                )
            )
            pending, not_run = None, None
            index = end
        elif line.strip() and pending is not None:
            raise ValueError(f"{path}:{pending_line}: a directive must come just before a block")
        index += 1
    if pending is not None:
        raise ValueError(f"{path}:{pending_line}: a directive must come just before a block")
    return Page(path=path, blocks=tuple(blocks), options=page_options)


def match_lines(expected: str, actual: str) -> str | None:
    """Check that the lines of ``expected`` appear in ``actual``, in order.

    Each non-blank line of ``expected`` must match a whole line of ``actual``,
    after the line matched by the one before it; ``*`` in it stands for any
    text (what changes from run to run, such as timings), every other
    character for itself.

    Args:
        expected: the documented output.
        actual: what the code printed.

    Returns:
        ``None`` when every line was found, else a message naming the first one missing.
    """
    remaining = [line.rstrip() for line in actual.splitlines()]
    for pattern in (p.rstrip() for p in expected.splitlines()):
        if not pattern.strip():
            continue
        regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")))
        for position, line in enumerate(remaining):
            if regex.fullmatch(line):
                remaining = remaining[position + 1 :]
                break
        else:
            return f"no line matching {pattern!r} in the output:\n{actual}"
    return None
