"""Comment ownership: each table owns the comment lines written above its header.

The file's segments follow this rule (see `segments`). Inside one segment edited with tomlkit, tomlkit files a
comment written above a sub-table's header under the table before it; after a parse, `rehome_comments` moves
those lines into the `indent` of the header below them, where tomlkit renders them unchanged, so a new key lands
above them. A comment glued to the last line of a table (no blank line between) stays with that table.

The rules for the lines above a header, which are plain text, are in `segments` (`split_indent`, `banner_end`).
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
