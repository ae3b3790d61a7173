"""Line numbers for records and keys, found by scanning the text, so fast-path findings can name a line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tmtui.model.findings import Finding

_AOT_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*(.*)$""")


def _unquote(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


@dataclass
class LineIndex:
    """Where each record's header and each of its keys stand (1-based lines)."""

    headers: dict[tuple[str, int | None], int] = field(default_factory=dict)
    keys: dict[tuple[str | None, int | None, str], int] = field(default_factory=dict)

    def line_of(self, finding: Finding) -> int | None:
        if finding.field is not None:
            line = self.keys.get((finding.kind, finding.index, finding.field))
            if line is not None:
                return line
            if finding.kind is None:  # a whole table such as `threats` of the wrong type
                return self.headers.get((finding.field, 0)) or self.keys.get((None, None, finding.field))
        if finding.kind is not None:
            return self.headers.get((finding.kind, finding.index)) or self.headers.get((finding.kind, None))
        return None

    def place(self, findings: list[Finding]) -> list[Finding]:
        """The findings with their line filled in where the text shows it."""
        return [f if f.line is not None else replace(f, line=self.line_of(f)) for f in findings]


def place_findings(findings: list[Finding], text: str) -> list[Finding]:
    """Line numbers for findings; the scan of the text is skipped when there is nothing to place."""
    return index_lines(text).place(findings) if findings else findings


def index_lines(text: str) -> LineIndex:
    index = LineIndex()
    counts: dict[str, int] = {}
    current: tuple[str | None, int | None] = (None, None)
    open_string: str | None = None  # the delimiter of a multi-line string we are inside
    for number, line in enumerate(text.split("\n"), start=1):
        if open_string is not None:
            if line.count(open_string) % 2 == 1:
                open_string = None
            continue
        if match := _AOT_HEADER.match(line):
            name = _unquote(match.group(1))
            counts[name] = counts.get(name, 0) + 1
            current = (name, counts[name] - 1)
            index.headers.setdefault(current, number)
            continue
        if match := _TABLE_HEADER.match(line):
            name = _unquote(match.group(1))
            parent, _, sub = name.partition(".")
            if sub and parent in counts:
                # a sub-table of the latest record, such as [reviews.metrics]
                current = (parent, counts[parent] - 1)
                index.keys.setdefault((*current, sub), number)
            else:
                current = (name, None)
                index.headers.setdefault(current, number)
            continue
        if match := _KEY.match(line):
            key = _unquote(match.group(1))
            index.keys.setdefault((*current, key), number)
            value = match.group(2)
            for delimiter in ('"""', "'''"):
                if value.count(delimiter) % 2 == 1:
                    open_string = delimiter
                    break
    return index
