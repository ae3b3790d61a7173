"""Making text from a model safe for the place it lands in a Markdown report or a Mermaid diagram."""

from __future__ import annotations

import re
from typing import Any, cast


class _Compiled:
    """A pattern compiled when first used. Exports start faster: compiling classes of Unicode characters like
    these costs 0.1-0.5 ms each, and a JSON export, or a report of plain text, uses few of them or none."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only until the first use: then the methods are attributes
        compiled = re.compile(*self._source)
        self.search, self.match, self.sub = compiled.search, compiled.match, compiled.sub
        return getattr(compiled, name)


def _later(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Compiled(pattern, flags))


# Control characters (Unicode category Cc: C0, DEL and C1; terminal escapes among them) but newline and tab, and
# the bidirectional overrides that can make a report read differently from what it says ("Trojan Source").
_UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_UNSAFE = _later(f"[{_UNSAFE_CHARS}]")
_MARKDOWN_SPECIAL = _later(r"([\\`*_{}\[\]<>|#~!])")
_LINE_START = _later(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
# Whitespace but the space and the newline: the characters `str.isspace` and `\s` know (a test holds them equal)
OTHER_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def clean(text: str) -> str:
    """Drop control characters (terminal escapes among them) and bidi overrides; keep newlines; tabs as spaces."""
    return _UNSAFE.sub("", text).replace("\t", " ")


# Plain text passes through after searches in C for one character of a class (an alternation of patterns would
# try each at every position, several times slower): the characters `_escaped` escapes or drops (tab included,
# which `clean` makes a space), and, for inline text, every other whitespace but a space, which it joins.
_ESCAPED_CHARS = r"\\`*_{}\[\]<>|#~!&@" + _UNSAFE_CHARS + "\t"
_ESCAPED_WORK = _later(f"[{_ESCAPED_CHARS}]")
_INLINE_WORK = _later(f"[{_ESCAPED_CHARS}{OTHER_SPACE}\n]")
_ISSUE_PREFIX = _later("(?i:GH-)")  # `GH-12`, which `_REFERENCE` breaks; searched for only after a "-"
# Where GitHub would read `@name` as a mention (notifying that person or team) or `#12`, `repo#12`, `GH-12` as a
# link to an issue (putting a note in its timeline), which no backslash prevents: a zero-width space goes
# between, written as an entity so that it can be seen in the Markdown. A report pasted into a pull request then
# pings nobody. An `@` after an ASCII letter or digit is an e-mail address's and stays as written.
_REFERENCE = _later(r"(?<![A-Za-z0-9_]@)(?<=@)(?=[A-Za-z0-9])|(?<=\\#)(?=[0-9])|(?i:(?<=\bGH-))(?=[0-9])")


def _escaped(text: str) -> str:
    """`clean` text with every character that could be markup or a reference made plain."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text).replace("&", "&amp;"))
    return _REFERENCE.sub("&#8203;", text) if "@" in text or "#" in text or "-" in text else text


def _escapes_nothing(text: str) -> bool:
    """Whether `_escaped(text) == text`."""
    return _ESCAPED_WORK.search(text) is None and _names_no_issue(text)


def _names_no_issue(text: str) -> bool:
    """Whether `text` holds no `GH-` that `_REFERENCE` could break (its other cases need a character `_ESCAPED_WORK`
    finds)."""
    return "-" not in text or _ISSUE_PREFIX.search(text) is None


def _joins_no_spaces(text: str) -> bool:
    """Whether `" ".join(text.split())` is `text`, given that it holds no whitespace but spaces."""
    return "  " not in text and text[:1] != " " and text[-1:] != " "


def inline(text: str) -> str:
    """Text that renders as itself inside a paragraph, list item or heading: no markup, no raw HTML."""
    if not text or (text.isascii() and text.isalnum()):  # an empty cell, an id
        return text
    if _INLINE_WORK.search(text) is None and _joins_no_spaces(text) and _names_no_issue(text):
        # most titles: nothing to escape, no spaces to join
        return text
    return " ".join(_escaped(text).split())


# Many texts at once (a column of a report): one search in C over all of them joined, where a call per text would
# cost more than its search. The joint is a private-use character that no pattern here knows: it escapes nothing,
# joins no spaces and starts no line, so joining hides no work that a text needs and makes none. (Blocks are joined
# by newlines instead: each text must start a line there.)
_JOINT = "\ue000"


def all_inline_plain(texts: list[str]) -> bool:
    """True only if `inline(text) == text` for every text: nothing to escape, no spaces to join (true of most).
    False can also mean only that some text needs `inline`'s own look."""
    joined = _JOINT.join(texts)
    return (
        _INLINE_WORK.search(joined) is None
        and _joins_no_spaces(joined)
        and f" {_JOINT}" not in joined
        and f"{_JOINT} " not in joined
        and _names_no_issue(joined)
    )


def inline_all(texts: list[str]) -> list[str]:
    """`[inline(text) for text in texts]`, in one search where every text is plain."""
    return list(texts) if all_inline_plain(texts) else list(map(inline, texts))


def block_all(texts: list[str]) -> list[str]:
    """`[block(text) for text in texts]`, in one search where every text is plain (threats' sentences, notes)."""
    joined = "\n".join(texts)  # each text starts a line, as `_LINE_START` needs
    if not _escapes_nothing(joined) or _LINE_START.search(joined) is not None:
        return list(map(block, texts))
    if joined.count("\n") == len(texts) - 1:  # one line each
        return [text.strip() for text in texts]
    return list(map(_paragraphs, texts))


def block(text: str) -> str:
    """Multi-line text as paragraphs that render as written: line breaks kept, no markup, no raw HTML."""
    if not _escapes_nothing(text):
        text = _escaped(text)
    elif "\n" not in text and _LINE_START.match(text) is None:  # one plain line, as a threat's sentence usually is
        return text.strip()
    if _LINE_START.search(text) is not None:
        text = _LINE_START.sub(_escape_line_start, text)
    return _paragraphs(text)


def _paragraphs(text: str) -> str:
    """Escaped text as Markdown paragraphs, each line break kept."""
    # Paragraphs are runs of lines with text; a line of only whitespace ends one. Each line is stripped, and a
    # trailing backslash makes a hard line break, so single newlines inside a paragraph survive.
    lines = [line.strip() for line in text.split("\n")]
    if "" not in lines:  # one paragraph
        return " \\\n".join(lines)
    paragraphs = [p.strip("\n") for p in "\n".join(lines).split("\n\n")]
    return "\n\n".join([p.replace("\n", " \\\n") for p in paragraphs if p])


def _escape_line_start(match: re.Match[str]) -> str:
    """`- x`, `+ x`, `= x` and `1. x` at a line start would become lists or headings."""
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def cell(text: str) -> str:
    """Text for a table cell: one line, `|` escaped, line breaks as <br>."""
    if "\n" not in text:
        return inline(text)
    parts = [inline(line) for line in clean(text).split("\n") if line.strip()]
    return "<br>".join(parts)


# Characters that could end a quoted label, start a comment or directive (`%%{init}%%`), end a statement (`;`)
# or an edge label (`|`), as Mermaid's own entity codes, written in one pass so no code is escaped twice.
_MERMAID_CODES = {c: f"#{ord(c)};" for c in "#`%;|&"} | {'"': "#quot;", "<": "#lt;", ">": "#gt;"}
_MERMAID_CHARS = re.escape("".join(_MERMAID_CODES))
_MERMAID_SPECIAL = _later(f"[{_MERMAID_CHARS}]")
# Words Mermaid reads as keywords where a node id stands; an id that is one gets a prefix.
_MERMAID_KEYWORDS = {"end", "subgraph", "graph", "flowchart", "click", "call", "href", "style", "classdef"}
_MERMAID_KEYWORDS |= {"class", "linkstyle", "direction", "default", "interpolate", "callback"}


_MERMAID_WORK = _later(f"[{_MERMAID_CHARS}{_UNSAFE_CHARS}{OTHER_SPACE}\n]")


def mermaid_label(text: str) -> str:
    """Text inside a Mermaid `["..."]` label: one line, with every character that could close it or start a
    directive as a Mermaid entity code."""
    if _MERMAID_WORK.search(text) is None and _joins_no_spaces(text):
        return text  # most names: nothing to code, no spaces to join
    text = " ".join(clean(text).split())
    return _MERMAID_SPECIAL.sub(lambda m: _MERMAID_CODES[m.group()], text)


_JSON_RAW_CONTROL = _later("[\x7f-\x9f]")


def json_safe(dumped: str) -> str:
    """JSON text from `json.dumps` with DEL and C1 escaped as well (json escapes only C0), so that printing a
    JSON export to a terminal can never start an escape sequence. These characters occur only inside strings."""
    if dumped.isascii() and "\x7f" not in dumped:  # two quick passes in C: no C1 outside ASCII, and no DEL
        return dumped
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def mermaid_id(record_id: str) -> str:
    """A node id Mermaid reads as a name: letters, digits and `_` only, and never one of its keywords.

    An id that had to be changed gets a suffix from its own characters, so `C-1` and `C_1` stay two nodes.
    """
    plain = record_id.isascii() and record_id.isalnum()  # most ids: letters and digits, as they are
    name = record_id if plain else re.sub(r"[^A-Za-z0-9_]", "_", record_id) or "_"
    if name != record_id:
        import zlib  # only for an id that had to be changed: most reports have none

        name += "_" + zlib.crc32(record_id.encode("utf-8", "surrogatepass")).to_bytes(4, "big").hex()
    return f"id_{name}" if name.lower() in _MERMAID_KEYWORDS else name
