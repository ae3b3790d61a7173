"""What an importer returns: records in tmtui's own terms, linked by the source file's ids, and what it noticed.

Importers are plain functions from parsed JSON to `Imported`; `merge.apply_import` then gives the records real ids
in a document. Nothing here prints, exits or touches a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64


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
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"the file is {len(data) // (1024 * 1024)} MB; {what} files over 50 MB are refused")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused(f"not a {what} file: it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"not a {what} file: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ImportRefused(f"not a {what} file: nested too deeply") from None
    if _depth(value) > MAX_DEPTH:
        raise ImportRefused(f"not a {what} file: nested more than {MAX_DEPTH} levels deep")
    return value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


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
