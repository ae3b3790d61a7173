"""A new model built from an import, written as TOML text in one pass (the document layer writes all TOML).

A new file has no comments or styles to keep, and building it value by value through tomlkit costs about a
millisecond per record (a 10,000-threat import would take half a minute), so `merge.apply_import` fills this
plain target instead and `text()` writes it in one pass. The result is read back with tomllib before it is saved.
"""

from __future__ import annotations

import re
from typing import Any

from tmtui.model import RECORD_TYPE_BY_KIND, RECORD_TYPES, next_id

SYSTEM = "system"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# What a TOML basic string must escape: the quote, the backslash, and control characters except tab.
_BASIC_ESCAPE = re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f]')
_MULTILINE_ESCAPE = re.compile(r'["\\\x00-\x08\x0b-\x1f\x7f]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


class FreshModel:
    """The data of a model being built from nothing, with the edit calls `apply_import` makes on a Document."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self._rows: dict[str, dict[str, Any]] = {}
        self._issued: dict[str, int] = {}

    def add_record(self, kind: str, fields: dict[str, Any]) -> str:
        """Append a record of `kind` with the next free id of its prefix; its keys keep the order given."""
        prefix = RECORD_TYPE_BY_KIND[kind].PREFIX
        record_id = next_id(prefix, (), self._issued.get(prefix, 0))
        self._issued[prefix] = self._issued.get(prefix, 0) + 1
        row = {"id": record_id, **{k: v for k, v in fields.items() if v is not None and k != "id"}}
        self.data.setdefault(kind, []).append(row)
        self._rows[record_id] = row
        return record_id

    def set_field(self, record_id: str, key: str, value: Any) -> bool:
        """Set one key of a record (or of the system table); None removes it. Returns whether it changed."""
        row = self.data.setdefault(SYSTEM, {}) if record_id == SYSTEM else self._rows[record_id]
        if value is None:
            return row.pop(key, None) is not None
        changed = row.get(key) != value
        row[key] = value
        return changed

    def text(self) -> str:
        """The model as TOML: the system table, then each kind's records in schema order, a blank line apart."""
        lines = ["schema = 1"]
        if self.data.get(SYSTEM):
            lines += ["", "[system]", *_keys(self.data[SYSTEM])]
        for record_type in RECORD_TYPES:
            for row in self.data.get(record_type.KIND, []):
                lines += ["", f"[[{record_type.KIND}]]", *_keys(row)]
        return "\n".join(lines) + "\n"

    def expected(self) -> dict[str, Any]:
        """What tomllib must read back from `text()`."""
        return {"schema": 1, **{k: v for k, v in self.data.items() if k != SYSTEM or v}}


def _keys(row: dict[str, Any]) -> list[str]:
    return [f"{_key(key)} = {_value(value)}" for key, value in row.items()]


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _multiline(value) if "\n" in value and "\r" not in value else _basic(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"an import cannot write a {type(value).__name__}")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _basic(text: str) -> str:
    return '"' + _BASIC_ESCAPE.sub(_escape, text) + '"'


def _multiline(text: str) -> str:
    # every quote escaped, so no run of three can end the string early; the first newline after the opening
    # quotes is dropped by TOML, so the text starts on the next line
    return '"""\n' + _MULTILINE_ESCAPE.sub(_escape, text) + '"""'
