"""A quick first read of a model file, for the app's first screen: three times faster than `tomllib`.

Most model files are written in a small part of TOML: tables and arrays of tables under bare names, one sub-table
level (`[reviews.metrics]`), and one key per line holding a string, a list of strings, an integer, a boolean or a
date. `quick_read` reads a file written only in that part, with one regular expression matched line after line in
C, and gives up (None) at the first thing outside it, so that `tomllib` reads the file instead.

It is a second parser, so it is never trusted alone: the document reads the file again with `tomllib` before its
first edit (`Document.prepare_edits`, on a worker once the first screen is drawn) and compares the two with
`same_data`; where they differ nothing is edited and the app reads the file again in full.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_WS = r"[ \t]*"
_COMMENT = r"(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"  # TOML forbids control characters but tab in comments
_BLANK_LINES = rf"(?:{_WS}{_COMMENT}\n)*+"
_NAME = r"[A-Za-z0-9_-]+"
# Only the escapes JSON and TOML write alike; `\u`, `\U` and an escaped line end are left to tomllib.
_BASIC = r'"(?:[^"\\\x00-\x1f\x7f]|\\[btnfr"\\])*+"'
_ARRAY_SPACE = r"[ \t\n]*"  # no comments inside an array: its strings are found again by `_STRING`
# Repeats whose body is more than one character class are possessive (`*+`): giving back a repetition can never
# lead to a match here, and a repeat that may give back keeps a record of every one, some 300 bytes a character
# of a long string (gigabytes for a file near the 50 MB limit).

_STATEMENT = re.compile(
    rf"{_BLANK_LINES}{_WS}(?:"
    rf"\[\[{_WS}({_NAME}){_WS}\]\]"  # 1: [[kind]]
    rf"|\[{_WS}({_NAME}){_WS}\]"  # 2: [table]
    rf"|\[{_WS}({_NAME}){_WS}\.{_WS}({_NAME}){_WS}\]"  # 3, 4: [kind.part]
    rf"|({_NAME}){_WS}={_WS}(?:"  # 5: key =
    r'"([^"\\\x00-\x1f\x7f]*)"'  # 6: a string without escapes
    rf"|({_BASIC})"  # 7: a string with escapes
    rf"|(\[{_ARRAY_SPACE}(?:{_BASIC}{_ARRAY_SPACE},{_ARRAY_SPACE})*+(?:{_BASIC}{_ARRAY_SPACE})?\])"  # 8: strings
    r'|"""\n?((?:[^"\\\x00-\x08\x0b-\x1f\x7f]|\\[btnfr"\\]|"(?!""))*+)"""'  # 9: multi-line string
    r"|'''\n?((?:[^'\x00-\x08\x0b-\x1f\x7f]|'(?!''))*+)'''"  # 10: multi-line literal string
    r"|'([^'\x00-\x08\x0a-\x1f\x7f]*)'"  # 11: literal string
    r"|([+-]?(?:0|[1-9][0-9]{0,17}))"  # 12: an integer well inside 64 bits
    r"|(true|false)"  # 13
    r"|([0-9]{4})-([0-9]{2})-([0-9]{2})"  # 14, 15, 16: a date (a time after it is left to tomllib)
    rf")){_WS}{_COMMENT}(?:\n|\Z)"
)
_END = re.compile(rf"{_BLANK_LINES}{_WS}{_COMMENT}\Z")
_STRING = re.compile(_BASIC)
_ESCAPE = re.compile(r'\\([btnfr"\\])')
_ESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}

_ARRAY, _TABLE, _SUB_TABLE = 1, 2, 4
_PLAIN, _ESCAPED_STRING, _STRINGS, _MULTI_LINE, _INTEGER, _BOOLEAN, _DAY = 6, 7, 8, 9, 12, 13, 16


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: _ESCAPED[match[1]], text) if "\\" in text else text


def quick_read(text: str) -> dict[str, Any] | None:
    """What `tomllib.loads(text)` gives, for a file written only in the part of TOML this reads; else None."""
    root: dict[str, Any] = {}
    table = root
    arrays: set[str] = set()  # names made by [[name]]: the only lists a header may add to
    position = 0
    statement = _STATEMENT.match
    # matched where the last statement ended, never searched for: a search would try every later position and,
    # in a file made to, take time in the square of its size
    while (match := statement(text, position)) is not None:
        position = match.end()
        what = match.lastindex or 0  # the group of the statement's header name or value
        if what == _PLAIN:  # most statements: taken before the headers and the values that need converting
            key = match[5]
            if key in table:
                return None
            table[key] = match[6]
        elif what == _ARRAY:
            name = match[1]
            if name in arrays:
                table = {}
                root[name].append(table)
            elif name in root:
                return None
            else:
                table = {}
                root[name] = [table]
                arrays.add(name)
        elif what == _TABLE:
            name = match[2]
            if name in root:
                return None
            table = root[name] = {}
        elif what == _SUB_TABLE:
            name, part = match[3], match[4]
            parent = root[name][-1] if name in arrays else root.get(name)
            if parent.__class__ is not dict:  # a value, or not yet defined: left to tomllib
                return None
            if part in parent:
                return None
            table = parent[part] = {}
        else:
            key = match[5]
            if key in table:
                return None
            value: Any = match[what]
            if what == _ESCAPED_STRING:
                value = _unescape(value[1:-1])
            elif what == _STRINGS:
                value = [_unescape(string[1:-1]) for string in _STRING.findall(value)]
            elif what == _MULTI_LINE:
                value = _unescape(value)
            elif what == _INTEGER:
                value = int(value)
            elif what == _BOOLEAN:
                value = value == "true"
            elif what == _DAY:
                try:
                    value = dt.date(int(match[14]), int(match[15]), int(match[16]))
                except ValueError:  # no such day: tomllib says where
                    return None
            table[key] = value
    if _END.match(text, position) is None:  # something not read here
        return None
    return root


def same_data(one: Any, other: Any) -> bool:
    """Whether two reads of a file agree exactly: the same types (1, 1.0 and True are equal in Python, not here),
    the same values, and keys in the same order."""
    if one.__class__ is not other.__class__:
        return False
    if one.__class__ is dict:
        return list(one) == list(other) and all(same_data(value, other[key]) for key, value in one.items())
    if one.__class__ is list:
        return len(one) == len(other) and all(same_data(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)
