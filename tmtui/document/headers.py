"""Headers found with a few searches in C instead of a scan line by line, for files written the way most are.

The answer is checked against what tomllib read from the same text, so a file that could fool the search (a
header-like line inside a multi-line string, a header written unlike tmtui writes one) gets None, and the scan
of `segments` decides. On the 5,000-threat benchmark model this takes about 30 ms where the scan takes 110.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# A line that starts with `[`: every header does, and so may a line inside a multi-line array or string. Both
# patterns are searched in the text after a newline put before it, which C finds far quicker than `^`.
_BRACKET_LINE = re.compile(r"\n[ \t]*\[")
# A header as tmtui and most people write it: `[name]`, `[[name]]` or `[name.part]`, names starting with a letter
# (so never a value of an array: `[1]`, `[true]`, `[[0]]` start otherwise or are no bare names).
_PLAIN_NAME = r"(?!(?:true|false|inf|nan)\])[A-Za-z][A-Za-z0-9_-]*"
_PLAIN_HEADER = re.compile(rf"\n[ \t]*(\[\[?)({_PLAIN_NAME})(\.{_PLAIN_NAME})?(\]\]?)[ \t]*(?:#[^\n]*)?(?=\n|\Z)")


class PlainHeader(NamedTuple):
    """A header line found by `plain_headers`: where its line starts, its name and its sub-table part, if any."""

    start: int
    name: str
    part: str | None
    array: bool


def plain_headers(text: str, data: dict[str, Any]) -> list[PlainHeader] | None:
    """Every header of a file whose every line that starts with `[` is a plain header, found with searches in C
    instead of `statements`, which reads line by line; None when the file is not like that: the scan decides.

    Such a line inside a multi-line array would be an array of a bare word, which TOML has not; inside a
    multi-line string it would be text of a value. So when no string of `data` (what tomllib read from `text`)
    holds the text of a header, each `[[kind]]` header is as many as the kind's records and each `[name]` a
    table, every such line is a header. A sub-table (`[name.part]`) must follow a header of its `name`.
    """
    lines = "\n" + text
    matches = list(_PLAIN_HEADER.finditer(lines))
    if len(matches) != len(_BRACKET_LINE.findall(lines)):
        return None
    headers: list[PlainHeader] = []
    counts: dict[str, int] = {}
    tables: set[str] = set()
    shown: set[str] = set()
    current = None
    for match in matches:
        opening, name, part, closing = match.groups()
        if len(opening) != len(closing) or (part is not None and (opening == "[[" or name != current)):
            return None
        shown.add(f"{opening}{name}{part or ''}{closing}")
        if part is None:
            if opening == "[[":
                counts[name] = counts.get(name, 0) + 1
            elif name in tables or not isinstance(data.get(name), dict):
                return None
            else:
                tables.add(name)
            current = name
        # the newline found before the header is, in `text`, where the header's line starts
        headers.append(PlainHeader(match.start(), name, part and part[1:], opening == "[["))
    for kind, count in counts.items():
        records = data.get(kind)
        if not isinstance(records, list) or len(records) != count:
            return None
    return None if holds_text(data, shown, "[") else headers


def holds_text(data: dict[str, Any] | list[Any], needles: set[str], mark: str) -> bool:
    """Whether a string anywhere in `data` holds one of `needles`, each of which holds `mark` (a quick test)."""
    level: list[Any] = [data]
    while level:
        below = []
        for container in level:
            for value in container.values() if container.__class__ is dict else container:
                if value.__class__ is str:
                    if mark in value and any(needle in value for needle in needles):
                        return True
                elif value.__class__ is dict or value.__class__ is list:
                    below.append(value)
        level = below
    return False
