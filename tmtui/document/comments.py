"""Comment ownership: each table owns the comment lines written above its header.

tomlkit files a comment written above `[[threats]]` under the *previous* table, so deleting or moving a record
would carry its neighbour's comments. After every parse, `rehome_comments` moves those lines into the `indent` of
the header below them, where tomlkit renders them unchanged. A comment glued to the last line of a table (no blank
line between) stays with that table.

Within a header's indent, the comment block directly above the header is the record's own; anything above a blank
line (a section banner such as `# ---- Threats ----`) belongs to the place, and stays when the record goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tomlkit.container import Container
from tomlkit.items import AoT, Comment, Item, Table, Whitespace


def header_tables(container: Container) -> Iterator[Table]:
    """Every table that renders a `[header]` or `[[header]]`, in the order they appear in the text."""
    return tables_in(container.body)


def tables_in(body: list[tuple[Any, Item]]) -> Iterator[Table]:
    """The header tables of some items of a body, in text order; lazy, so the first one costs little."""
    for _, item in body:
        if isinstance(item, AoT):
            for table in item.body:
                yield table
                yield from header_tables(table.value)
        elif isinstance(item, Table):
            if not item.is_super_table():
                yield item
            yield from header_tables(item.value)


def last_header_table(container: Container) -> Table | None:
    """The table rendered last, found from the end of the text rather than by walking all of it."""
    for _, item in reversed(container.body):
        if isinstance(item, AoT) and item.body:
            return last_header_table(item.body[-1].value) or item.body[-1]
        if isinstance(item, Table):
            inner = last_header_table(item.value)
            if inner is not None:
                return inner
            if not item.is_super_table():
                return item
    return None


def _trailing_trivia_start(container: Container) -> int:
    """Index where the movable comments and blank lines at the end of a body begin."""
    body = container.body
    start = len(body)
    while start > 0 and isinstance(body[start - 1][1], (Comment, Whitespace)):
        start -= 1
    # Comment lines straight after the last key, before any blank line, are glued to this table.
    while start < len(body) and isinstance(body[start][1], Comment):
        start += 1
    return start


def rehome_comments(document: Container) -> None:
    owners: list[Container] = [document, *(table.value for table in header_tables(document))]
    tables = list(header_tables(document))
    for owner, next_table in zip(owners, tables, strict=False):
        next_table.trivia.indent = take_tail(owner) + next_table.trivia.indent


def take_tail(container: Container) -> str:
    """Remove and return the comments and blank lines that close a body (those `rehome_comments` would move)."""
    start = _trailing_trivia_start(container)
    tail = "".join(item.as_string() for _, item in container.body[start:])
    del container.body[start:]
    return tail


def split_indent(indent: str) -> tuple[str, str]:
    """(what belongs to the place, what belongs to the record) of a header's indent.

    The record's own part is the comment block right above its header with the blank lines above that block,
    and the header's own indentation.
    """
    head, _, header_ws = indent.rpartition("\n")
    if not _:
        return "", indent
    lines = (head + "\n").splitlines(keepends=True)
    cut = len(lines)
    while cut > 0 and lines[cut - 1].lstrip().startswith("#"):
        cut -= 1
    while cut > 0 and not lines[cut - 1].strip():
        cut -= 1
    return "".join(lines[:cut]), "".join(lines[cut:]) + header_ws


def banner_end(trivia: str, names: tuple[str, ...]) -> int:
    """Where the last comment block of `trivia` whose first line holds one of `names` ends; 0 when none does.

    A banner is a block of comment lines set off by blank lines; its first line says what it introduces
    (`# ---- 2. What could go wrong? ----`), the lines below explain.
    """
    end = offset = 0
    named = False
    in_block = False
    for line in trivia.splitlines(keepends=True):
        offset += len(line)
        if not line.lstrip().startswith("#"):
            in_block = False
            continue
        if not in_block:
            in_block = True
            first = line.lower()
            named = any(name in first for name in names)
        if named:
            end = offset
    return end


def append_trivia(container: Container, text: str) -> None:
    """Keep comment text at the end of a body, where nothing follows to take it."""
    if text:
        container.body.append((None, Whitespace(text)))
