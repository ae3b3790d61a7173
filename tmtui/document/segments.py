"""The file as a person sees it: a preamble, then one block of lines per top-level table, then closing comments.

A block (a segment) is a header such as `[[threats]]` or `[system]`, its keys, its sub-tables (`[reviews.metrics]`)
and the comment lines written above the header; the file is exactly its segments joined. Headers are found by a
linear scan that knows where multi-line strings, arrays and inline tables begin and end, so a line such as
`[[threats]]` inside a multi-line string is text, not a header.

Ownership of the lines between two blocks (the gap) follows comment rules the README promises: comment lines right
after a block's last line (no blank line between) are glued to it; the rest of the gap opens the next segment.
Within that opening, the comment block right above the header (and the blank lines above that block) is the
record's own; anything above it (a section banner set off by a blank line) belongs to the place, see `lead_end`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tmtui.document.headers import plain_headers

# Strings and comments are skipped whole, so brackets, quotes and `#` inside them count for nothing. Possessive
# quantifiers keep long strings linear.
_TOKEN = re.compile(
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"{3,5}'
    r"|'''[\s\S]*?'{3,5}"
    r'|"(?:[^"\\\n]++|\\.)*+"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}\n]"
)
_KEY_PART = r"""[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'"""
_HEADER = re.compile(rf"[ \t]*(\[\[?)[ \t]*((?:{_KEY_PART})(?:[ \t]*\.[ \t]*(?:{_KEY_PART}))*)[ \t]*\]")
_PART = re.compile(_KEY_PART)
# A key whose value ends on its own line: a string, a scalar, or a flat array of them. Most lines that hold a
# bracket are this, and one match settles them; anything else is read token by token.
_ONE_LINE_ITEM = r"""(?:"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+'|[^\s\[\]{}"'#,=]++)"""
_ONE_LINE = re.compile(
    rf"[ \t]*(?:{_KEY_PART})(?:[ \t]*\.[ \t]*(?:{_KEY_PART}))*[ \t]*=[ \t]*"
    rf"(?:{_ONE_LINE_ITEM}|\[[ \t]*(?:{_ONE_LINE_ITEM}[ \t]*(?:,[ \t]*{_ONE_LINE_ITEM}[ \t]*)*,?[ \t]*)?\])"
    r"[ \t]*(?:#[^\n]*)?\r?(?=\n|\Z)"
)


class ScanError(ValueError):
    """The scan met something it cannot read as TOML; the file parsed with tomllib, so this is a scanner bug."""


@dataclass(frozen=True, eq=False)
class Segment:
    """One block of the file's text. Segments compare by identity: an edit replaces a segment, never changes it.

    `path` holds the keys of its header (`("threats",)` for `[[threats]]`, `("reviews", "metrics")` for a
    `[reviews.metrics]` written apart from its record), empty for the preamble and the closing comments; `array`
    tells `[[...]]` from `[...]`; `header` is where the header's `[` stands in `text`. A segment that holds a record
    (or the system table) carries its id and its data, `row`, which is never changed in place.
    """

    text: str
    path: tuple[str, ...] = ()
    array: bool = False
    header: int = 0
    record_id: str | None = None
    row: dict[str, Any] | None = None

    @property
    def name(self) -> str | None:
        """The first key of the header: the kind of record (`threats`), `system`, or another table's name."""
        return self.path[0] if self.path else None

    @property
    def is_record(self) -> bool:
        return self.array and len(self.path) == 1

    def lead_end(self) -> int:
        """Where the part of the opening that belongs to the place (banners) ends and the record's own begins."""
        place, _ = split_indent(self.text[: self.header])
        return len(place)

    def holding(self, record_id: str | None, row: dict[str, Any] | None) -> Segment:
        return Segment(self.text, self.path, self.array, self.header, record_id, row)


@dataclass(frozen=True)
class Split:
    """A text cut into segments: the preamble (keys and comments before the first header, possibly empty), the
    header segments, and the closing comments after the last block (possibly empty)."""

    preamble: str
    segments: list[Segment]
    closing: str


def statements(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_header) of each top-level statement: a header line or a key with its whole value.

    Lines between statements are blank or comment lines. Linear in the length of the text: only a line that may
    open a multi-line value (a bracket, a brace, triple quotes) is read token by token.
    """
    length = len(text)
    pos = skip = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if start < skip:  # inside a multi-line value
            continue
        first = line.lstrip(" \t")[:1]
        if first in ("", "\r", "#"):
            continue
        end = min(pos, length)
        if first == "[":
            yield start, end, True
        elif ("[" in line or "{" in line or '"""' in line or "'''" in line) and not _ONE_LINE.match(text, start):
            skip = _value_end(text, start)
            yield start, skip, False
        else:
            yield start, end, False


def _value_end(text: str, start: int) -> int:
    """The end of the key statement starting at `start`: past the newline where its brackets are all closed."""
    depth = 0
    for match in _TOKEN.finditer(text, start):
        token = match.group()
        if token == "\n":
            if depth == 0:
                return match.end()
        elif token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
    return len(text)


def header_path(line: str) -> tuple[tuple[str, ...], bool]:
    """The keys of a header line and whether it is an array header (`[[...]]`)."""
    match = _HEADER.match(line)
    if match is None:
        raise ScanError(f"not a table header: {line.strip()!r}")
    return tuple(_unquote(part) for part in _PART.findall(match.group(2))), match.group(1) == "[["


def _unquote(part: str) -> str:
    if part[0] == "'":
        return part[1:-1]
    if part[0] == '"':
        if "\\" not in part:
            return part[1:-1]
        key: str = tomllib.loads(f"k = {part}")["k"]
        return key
    return part


def _glued_end(text: str, start: int, stop: int) -> int:
    """The end of the comment lines at `start` before any blank line: they stay with the block above them."""
    pos = start
    while pos < stop:
        newline = text.find("\n", pos, stop)
        end = stop if newline < 0 else newline + 1
        if text[pos:end].lstrip(" \t")[:1] != "#":
            break
        pos = end
    return pos


# A comment line that holds triple quotes: it might be the last line of a multi-line string instead.
_COMMENT_WITH_QUOTES = re.compile(r"\n[ \t]*#[^\n]*(?:\"\"\"|\'\'\')")


def _quick_split(text: str, data: dict[str, Any]) -> Split | None:
    """`split(text)` for a file whose headers `plain_headers` finds, without reading it line by line: a block
    ends at the last line before the next header that is neither blank nor a comment. None where that could be
    wrong (a comment-looking line that could close a multi-line string): the scan decides."""
    headers = plain_headers(text, data)
    if headers is None or _COMMENT_WITH_QUOTES.search("\n" + text):
        return None
    boundaries: list[int] = []
    heads: list[tuple[int, tuple[str, ...], bool]] = []
    for header in headers:
        if header.part is not None:
            continue  # a sub-table of the record above: part of its segment
        boundaries.append(_glued_end(text, _statement_end_before(text, header.start), header.start))
        line = text[header.start : text.find("\n", header.start) % (len(text) + 1)]
        heads.append((header.start + len(line) - len(line.lstrip(" \t")), (header.name,), header.array))
    return _cut(text, boundaries, heads, _glued_end(text, _statement_end_before(text, len(text)), len(text)))


def _statement_end_before(text: str, stop: int) -> int:
    """The end (past its newline) of the last line before `stop` that is neither blank nor a comment; 0 if none."""
    end = stop
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1
        first = text[start:end].lstrip(" \t\r\n")[:1]
        if first and first != "#":
            return end
        end = start
    return 0


def split(text: str, at_file_start: bool = True, data: dict[str, Any] | None = None) -> Split:
    """Cut `text` into segments. With `at_file_start` false, `text` is a stretch of a file that starts where a
    block ended, so comment lines at its start are glued to nothing before them only if it is the file's start.
    `data`, what tomllib read from the whole file, lets most files be cut without reading them line by line."""
    if data is not None and at_file_start:
        quick = _quick_split(text, data)
        if quick is not None:
            return quick
    boundaries: list[int] = []  # where each segment's text starts
    heads: list[tuple[int, tuple[str, ...], bool]] = []
    current: str | None = None
    block_end = 0  # end of the last statement seen
    started = at_file_start  # at the file start, comment lines before any blank line are glued to it
    for start, end, is_header in statements(text):
        if is_header:
            path, array = header_path(text[start:end])
            continuation = current is not None and len(path) > 1 and path[0] == current
            if not continuation:
                boundary = _glued_end(text, block_end, start) if started else block_end
                boundaries.append(boundary)
                line = text[start:end]
                heads.append((start + len(line) - len(line.lstrip(" \t")), path, array))
                current = path[0]
        started = True
        block_end = end
    return _cut(text, boundaries, heads, _glued_end(text, block_end, len(text)) if started else 0)


def _cut(text: str, boundaries: list[int], heads: list[tuple[int, tuple[str, ...], bool]], closing_start: int) -> Split:
    """The split of `text` whose segments start at `boundaries`, each with its head (where its header's `[`
    stands, its path, whether it is an array), and whose closing comments start at `closing_start`."""
    if not heads:
        return Split(text[:closing_start], [], text[closing_start:])
    ends = [*boundaries[1:], closing_start]
    segments = [
        Segment(text[begin:finish], path, array, bracket - begin)
        for begin, finish, (bracket, path, array) in zip(boundaries, ends, heads, strict=True)
    ]
    return Split(text[: boundaries[0]], segments, text[closing_start:])


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
