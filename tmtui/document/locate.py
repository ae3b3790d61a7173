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
class _Block:
    """A header's table up to the next top-level header: its line and where it stands in the text."""

    line: int
    start: int
    end: int
    keys: dict[str, int] | None = None  # its keys' lines, found the first time a finding asks


@dataclass
class LineIndex:
    """Where each record's header stands (1-based lines); a record's keys are found when a finding names one."""

    text: str
    headers: dict[tuple[str | None, int | None], _Block] = field(default_factory=dict)

    def line_of(self, finding: Finding) -> int | None:
        if finding.field is not None:
            block = self.headers.get((finding.kind, finding.index))
            line = self._key_line(block, finding.field) if block is not None else None
            if line is not None:
                return line
            if finding.kind is None:  # a whole table such as `threats` of the wrong type
                whole = self.headers.get((finding.field, 0))
                return whole.line if whole is not None else None
        if finding.kind is not None:
            block = self.headers.get((finding.kind, finding.index)) or self.headers.get((finding.kind, None))
            return block.line if block is not None else None
        return None

    def _key_line(self, block: _Block, key: str) -> int | None:
        if block.keys is None:
            block.keys = {}
            text = self.text[block.start : block.end]
            number, counted = block.line, 0
            for start, end, is_header in statements(text):
                number += text.count("\n", counted, start)
                counted = start
                line = text[start:end]
                if is_header:
                    path, _ = header_path(line)
                    if start > 0 and len(path) > 1:  # a sub-table of the record, such as [reviews.metrics]
                        block.keys.setdefault(".".join(path[1:]), number)
                elif match := _KEY.match(line):
                    block.keys.setdefault(_unquote(match.group(1)), number)
        return block.keys.get(key)

    def place(self, findings: list[Finding]) -> list[Finding]:
        """The findings with their line filled in where the text shows it."""
        return [f if f.line is not None else replace(f, line=self.line_of(f)) for f in findings]


def place_findings(findings: list[Finding], text: str) -> list[Finding]:
    """Line numbers for findings; the scan of the text is skipped when there is nothing to place."""
    return index_lines(text).place(findings) if findings else findings


def index_lines(text: str) -> LineIndex:
    """Where each top-level table starts, from the same scan that cuts a file into segments (so a line such as
    `[[threats]]` inside a multi-line string is never taken for a header). Top-level keys are the block
    (None, None); sub-tables such as [reviews.metrics] belong to the record above them."""
    index = LineIndex(text)
    counts: dict[str, int] = {}
    block = index.headers[(None, None)] = _Block(1, 0, len(text))
    number, counted = 1, 0
    for start, end, is_header in statements(text):
        if not is_header:
            continue
        path, array = header_path(text[start:end])
        if not array and len(path) > 1 and path[0] in counts:
            continue  # a sub-table of the latest record
        number += text.count("\n", counted, start)
        counted = start
        block.end = start
        name = ".".join(path)
        if array:
            counts[name] = counts.get(name, 0) + 1
            where: tuple[str | None, int | None] = (name, counts[name] - 1)
        else:
            where = (name, None)
        block = _Block(number, start, len(text))
        index.headers.setdefault(where, block)
    return index
