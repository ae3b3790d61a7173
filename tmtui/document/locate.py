"""Line numbers for records and keys, found by scanning the text, so fast-path findings can name a line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tmtui.document.segments import header_path, statements
from tmtui.model.findings import Finding

_KEY = re.compile(r"""[ \t]*("[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)[ \t]*[=.]""")


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
    """Where each record's header and each of its keys stand, from the same scan that cuts a file into segments
    (so a line such as `[[threats]]` or `title = ...` inside a multi-line string is never taken for one)."""
    index = LineIndex()
    counts: dict[str, int] = {}
    current: tuple[str | None, int | None] = (None, None)
    number, counted = 1, 0
    for start, end, is_header in statements(text):
        number += text.count("\n", counted, start)
        counted = start
        line = text[start:end]
        if is_header:
            path, array = header_path(line)
            name = ".".join(path)
            if array:
                counts[name] = counts.get(name, 0) + 1
                current = (name, counts[name] - 1)
                index.headers.setdefault(current, number)
            elif len(path) > 1 and path[0] in counts:
                # a sub-table of the latest record, such as [reviews.metrics]
                current = (path[0], counts[path[0]] - 1)
                index.keys.setdefault((*current, ".".join(path[1:])), number)
            else:
                current = (name, None)
                index.headers.setdefault(current, number)
        elif match := _KEY.match(line):
            index.keys.setdefault((*current, _unquote(match.group(1))), number)
    return index
