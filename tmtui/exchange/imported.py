"""What an importer returns: records in tmtui's own terms, linked by the source file's ids, and what it noticed.

Importers are plain functions from parsed JSON to `Imported`; `merge.apply_import` then gives the records real ids
in a document. Nothing here prints, exits or touches a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tmtui.document.source import MAX_MODEL_BYTES, MAX_NESTING

MAX_BYTES = MAX_MODEL_BYTES
MAX_DEPTH = MAX_NESTING
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class ImportRefused(ValueError):
    """The input is not something this importer can read; the message says what was expected."""


@dataclass
class ImportedRecord:
    """One record to add or update. `key` is the source's id, which `fields` use for links until merged.

    `match` holds the keys and values (`{"tc_id": "…uuid…"}`) that find the same record on a re-import; they are
    written with the record. `refresh` lists the fields a re-import updates; None means all of them.
    """

    kind: str
    key: str
    fields: dict[str, Any]
    match: dict[str, str] = field(default_factory=dict)
    refresh: frozenset[str] | None = None


@dataclass(frozen=True)
class Family:
    """Threats a source owns (one scanner's rules), so a re-import can say which are no longer reported."""

    scope: dict[str, str]  # {"sarif_tool": "ruff"}
    key: str  # "sarif_rule"
    present: frozenset[str]  # the values of `key` in the new file


@dataclass
class Imported:
    source: str  # "Threat Composer"
    system: dict[str, Any] = field(default_factory=dict)
    records: list[ImportedRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "2 images not copied"
    families: list[Family] = field(default_factory=list)

    def add(self, record: ImportedRecord) -> ImportedRecord:
        self.records.append(record)
        return record


def parse_json(data: bytes, what: str) -> Any:
    """JSON with limits on size and nesting, so a hostile file cannot exhaust memory or the stack."""
    return load_json(data, what)[0]


def load_json(data: bytes, what: str) -> tuple[Any, list[str]]:
    """Like `parse_json`, with what was repaired on the way: text that Unicode cannot hold (a lone surrogate
    escape such as `"\\ud800"`) is replaced by U+FFFD, and a note says how many strings had it."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"too large: more than {MAX_BYTES // (1024 * 1024)} MB, the most tmtui reads")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(f"not a {what} file: it is not UTF-8 text") from None
    if _too_deep(content):
        raise ImportRefused(f"not a {what} file: too deeply nested (more than {MAX_DEPTH} levels)")
    try:
        value = json.loads(content)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"not a {what} file: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ImportRefused(f"not a {what} file: too deeply nested") from None
    except ValueError as error:  # a number of more digits than Python converts
        raise ImportRefused(f"not a {what} file: a number too long to read ({str(error).split(';')[0]})") from None
    repaired = [0]
    if _SURROGATE_ESCAPE.search(content):  # the only way a surrogate gets into text decoded from UTF-8
        value = _repaired(value, repaired)
    notes = [f"{repaired[0]} text{'s' * (repaired[0] != 1)} with invalid characters (lone surrogates) repaired"]
    return value, notes if repaired[0] else []


def _too_deep(content: str) -> bool:
    """Whether arrays and objects outside strings nest deeper than MAX_DEPTH: one linear pass, no recursion."""
    depth = 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
    return False


def _repaired(value: Any, count: list[int]) -> Any:
    """`value` with lone surrogates in its strings (keys too) replaced; nesting is already known to be shallow."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            count[0] += 1
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, list):
        return [_repaired(item, count) for item in value]
    if isinstance(value, dict):
        return {_repaired(key, count): _repaired(item, count) for key, item in value.items()}
    return value


def text(value: Any) -> str:
    """A string field that may be missing, null or of the wrong type in a real file."""
    return value.strip() if isinstance(value, str) else ""


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def short_title(sentence: str, limit: int = 100) -> str:
    """A title from a longer text: its first line, cut at a word before `limit` characters."""
    line = sentence.strip().split("\n", 1)[0].strip()
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
