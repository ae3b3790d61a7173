"""Line numbers for records and keys, found in the text, so fast-path findings can name a line.

Most files are indexed with a few searches in C, checked against what tomllib read (`_plain_headers`); any other
file with the same scan that cuts a file into segments, which reads it line by line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from tmtui.document.headers import holds_text, plain_headers
from tmtui.model.fieldwise import field, fieldwise, replace
from tmtui.model.findings import Finding

_KEY = re.compile(r"""[ \t]*("[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)[ \t]*[=.]""")
# Where a record stands: (kind, index) for `[[kind]]`, (name, None) for `[name]`, (None, None) for the top.
Where = tuple[str | None, int | None]


def _unquote(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


@fieldwise()
class LineIndex:
    """Where each top-level table's header stands (its block runs to the next one). Lines (1-based) are counted
    when a finding asks for one, and a record's keys are found when a finding names one."""

    text: str
    headers: dict[Where, int] = field(default_factory=dict)  # the number of each place's block
    # what tomllib read from the text, when the headers were checked against it: lets a key be found by a search
    data: dict[str, Any] | None = None
    _starts: list[int] = field(default_factory=list)  # where each block starts, in order
    _keys: dict[int, dict[str, int]] = field(default_factory=dict)  # a block's keys and their lines, once asked
    # lines counted so far: offsets in increasing order and the line each is on, so that findings asked for in
    # file order cost one pass over the text in all
    _offsets: list[int] = field(default_factory=lambda: [0])
    _lines: list[int] = field(default_factory=lambda: [1])
    _records: dict[str, int] = field(default_factory=dict)  # `[[name]]` headers added so far, by name

    def __post_init__(self) -> None:
        self._add((None, None), 0)  # the top-level keys

    def add_header(self, name: str, array: bool, start: int) -> None:
        """A header's block starts at `start`, after every block added before: `[[name]]` is the next record of
        its kind, `[name]` a table."""
        if array:
            self._records[name] = self._records.get(name, 0) + 1
        self._add((name, self._records[name] - 1 if array else None), start)

    def has_records(self, name: str) -> bool:
        return name in self._records

    def _add(self, where: Where, start: int) -> None:
        self.headers.setdefault(where, len(self._starts))  # the first header of a place wins
        self._starts.append(start)

    def line_at(self, offset: int) -> int:
        known = bisect_right(self._offsets, offset) - 1
        line = self._lines[known] + self.text.count("\n", self._offsets[known], offset)
        if known == len(self._offsets) - 1:
            self._offsets.append(offset)
            self._lines.append(line)
        return line

    def header_line(self, where: Where) -> int:
        """The line of the header of a place in `headers`."""
        return self.line_at(self._starts[self.headers[where]])

    def line_of(self, finding: Finding) -> int | None:
        where = (finding.kind, finding.index)
        if finding.field is not None:
            block = self.headers.get(where)
            line = self._key_line(block, finding.field, where) if block is not None else None
            if line is not None:
                return line
            if finding.kind is None:  # a whole table such as `threats` of the wrong type
                whole = self.headers.get((finding.field, 0))
                return self.line_at(self._starts[whole]) if whole is not None else None
        if finding.kind is not None:
            block = self.headers.get(where)
            if block is None:
                block = self.headers.get((finding.kind, None))
            return self.line_at(self._starts[block]) if block is not None else None
        return None

    def _span(self, block: int) -> tuple[int, int]:
        end = self._starts[block + 1] if block + 1 < len(self._starts) else len(self.text)
        return self._starts[block], end

    def _key_line(self, block: int, key: str, where: Where) -> int | None:
        quick = self._plain_key_line(block, key, where)
        if quick is not None:
            return quick
        from tmtui.document.segments import header_path, statements

        keys = self._keys.get(block)
        if keys is None:
            keys = self._keys[block] = {}
            start, end = self._span(block)
            text = self.text[start:end]
            number, counted = self.line_at(start), 0
            for begin, end, is_header in statements(text):
                number += text.count("\n", counted, begin)
                counted = begin
                line = text[begin:end]
                if is_header:
                    path, _ = header_path(line)
                    if begin > 0 and len(path) > 1:  # a sub-table of the record, such as [reviews.metrics]
                        keys.setdefault(".".join(path[1:]), number)
                elif match := _KEY.match(line):
                    keys.setdefault(_unquote(match.group(1)), number)
        return keys.get(key)

    def _plain_key_line(self, block: int, key: str, where: Where) -> int | None:
        """The line of `key = ...` written plainly in the block, found with one search, when the record's data
        holds no string with the key's name (which a line inside a multi-line string would be)."""
        if self.data is None or where[0] is None:
            return None
        row = self.data.get(where[0])
        if where[1] is not None:
            row = row[where[1]] if isinstance(row, list) and where[1] < len(row) else None
        if not isinstance(row, dict) or holds_text(row, {key}, key):
            return None
        match = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE).search(self.text, *self._span(block))
        return self.line_at(match.start()) if match is not None else None

    def place(self, findings: list[Finding]) -> list[Finding]:
        """The findings with their line filled in where the text shows it."""
        return [f if f.line is not None else replace(f, line=self.line_of(f)) for f in findings]


def place_findings(findings: list[Finding], text: str, data: dict[str, Any] | None = None) -> list[Finding]:
    """Line numbers for findings; the text is not read when there is nothing to place. `data`, what tomllib
    read from `text`, lets most files be indexed without reading them line by line (see `_plain_headers`)."""
    if not findings:
        return findings
    plain = _plain_headers(text, data) if data is not None else None
    return (plain or index_lines(text)).place(findings)


def _plain_headers(text: str, data: dict[str, Any]) -> LineIndex | None:
    """The index of a file whose headers `segments.plain_headers` finds without reading it line by line."""
    headers = plain_headers(text, data)
    if headers is None:
        return None
    index = LineIndex(text, data=data)
    for header in headers:
        if header.part is None:  # a sub-table is in the block of the record above it
            index.add_header(header.name, header.array, header.start)
    return index


def index_lines(text: str) -> LineIndex:
    """Where each top-level table starts, from the same scan that cuts a file into segments (so a line such as
    `[[threats]]` inside a multi-line string is never taken for a header). Top-level keys are the block
    (None, None); sub-tables such as [reviews.metrics] belong to the record above them."""
    from tmtui.document.segments import header_path, statements

    index = LineIndex(text)
    for start, end, is_header in statements(text):
        if not is_header:
            continue
        path, array = header_path(text[start:end])
        if not array and len(path) > 1 and index.has_records(path[0]):
            continue  # a sub-table of the latest record
        index.add_header(".".join(path), array, start)
    return index
