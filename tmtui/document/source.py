"""Bytes to text and back, remembering what the file looked like: a UTF-8 BOM and CRLF line endings."""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING, Any

from tmtui.model.fieldwise import fieldwise

if TYPE_CHECKING:
    from pathlib import Path

BOM = b"\xef\xbb\xbf"
# The most a model (or an imported file) may hold. Real models are kilobytes; this keeps `/dev/zero`-like
# inputs and mistakes (a database dump named .toml) from filling memory. Checked while reading, not after.
MAX_MODEL_BYTES = 50 * 1024 * 1024
# Arrays, tables and dotted keys deeper than this are refused: tomllib and tomlkit recurse per level (a
# RecursionError at about 1,000) and read a key of many dotted parts in quadratic time, so such a key is refused
# before a parser sees it, and any other deep nesting once tomllib has read the file (`check_depth`).
MAX_NESTING = 64
_READ_CHUNK = 1024 * 1024
# Strings and comments are skipped whole so that brackets and dots inside them are not counted; an unterminated
# string runs to the end of its line (or of the file for a multi-line one), as a parser would read it.
# (a pattern string: `re` compiles it the first time the exact scan runs, which most files never need)
_TOML_TOKEN = (
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?'
    r"|#[^\n]*|[\[\]{}=,.\n]"
)


class UnreadableError(Exception):
    """The file cannot be read as a model at all: missing, a folder, not text, or from a newer tmtui."""

    def __init__(self, path: Path | str | None, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@fieldwise(frozen=True)
class Source:
    """A file's text with its line endings normalised to LF, and how to write it back as it was."""

    text: str
    bom: bool = False
    crlf: bool = False

    def encode(self, text: str) -> bytes:
        """`text` (LF endings) as the file would hold it: CRLF and the BOM restored where the file had them."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (BOM if self.bom else b"") + text.encode("utf-8")


# A raw control character, or an escape that can make one in a basic string (\b, \f, \r, \u, \U). Finding none
# proves no value of the file holds one; a match (also a harmless `\\b`) only means each value must be checked.
# (Two searches, each in C: a class of characters is found many times faster than an alternation is tried.)
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ESCAPE = re.compile(r"\\[bfruU]")


def may_hold_control(text: str) -> bool:
    """Whether some value parsed from this TOML text might hold a control character."""
    return _RAW_CONTROL.search(text) is not None or ("\\" in text and _CONTROL_ESCAPE.search(text) is not None)


class TooDeepError(ValueError):
    """Text nested beyond MAX_NESTING levels, found before any parser recursed into it."""

    def __init__(self) -> None:
        super().__init__(f"too deeply nested (more than {MAX_NESTING} levels of arrays, tables or dotted keys)")


# A key of MAX_NESTING dotted parts needs a line of that many dots; this pattern finds one in C, at a cost of at
# most MAX_NESTING steps per dot of the text. Past _SCREENED_DOTS dots the exact scan is cheaper in the worst case.
_MANY_DOTS = re.compile(rf"\.(?:[^.\n]*+\.){{{MAX_NESTING - 1}}}")
_SCREENED_DOTS = 100_000


def screen_nesting(text: str) -> None:
    """Raise TooDeepError, before any parser sees the text, for what would make a parser slow or recurse
    without bound: a key of more than MAX_NESTING dotted parts. Text without a line that holds that many dots
    (nearly every file) is let through at once; any other deep nesting is found by `check_depth` after parsing.
    """
    dots = text.count(".")
    if dots >= MAX_NESTING and (dots > _SCREENED_DOTS or _MANY_DOTS.search(text)):
        check_nesting(text)


def check_depth(data: dict[str, Any]) -> None:
    """Raise TooDeepError when the parsed data nests arrays and tables deeper than MAX_NESTING, counted as
    `check_nesting` counts the text (a `[[kind]]` record is two levels, its array and its table). Where the two
    differ (an array of tables inside another, one level deeper here), this one, which always runs, decides."""
    level: list[Any] = [data]
    for _ in range(MAX_NESTING + 1):
        below = []
        for container in level:
            for value in container.values() if container.__class__ is dict else container:
                if value.__class__ is dict or value.__class__ is list:
                    below.append(value)
        if not below:
            return
        level = below
    raise TooDeepError


def check_nesting(text: str) -> None:
    """Raise TooDeepError when brackets, braces and dotted keys outside strings nest deeper than MAX_NESTING.

    One linear pass: the depth of a point is its open `[`/`{` plus the dots of the key being read there (a table
    header's dots count for the keys under it, and a `[[...]]` header one more, for its array).
    """
    stack: list[tuple[str, int]] = []  # open brackets, each with the key depth where it opened
    in_header, expect_key = False, True
    key_dots = table_dots = header_array = 0
    for match in re.finditer(_TOML_TOKEN, text):
        token = match.group()
        if in_header:
            if token == ".":
                key_dots += 1
            elif token == "[":
                header_array = 1
            elif token in "]\n":
                in_header, expect_key = False, token == "\n"
                # the table itself is a level below its parent, and an array of tables another
                table_dots = key_dots = key_dots + 1 + header_array
        elif token == "[" and not stack and expect_key:
            in_header, key_dots, header_array = True, 0, 0
        elif token in "[{":
            stack.append((token, key_dots))
            expect_key = token == "{"
        elif token in "]}":
            if stack:
                key_dots = stack.pop()[1]
            expect_key = False
        elif token == "." and expect_key:
            key_dots += 1
        elif token == "=":
            expect_key = False
        elif token == "," and stack and stack[-1][0] == "{":
            expect_key, key_dots = True, stack[-1][1]
        elif token == "\n" and not stack:
            expect_key, key_dots = True, table_dots
        if len(stack) + key_dots > MAX_NESTING:
            raise TooDeepError


def decode(data: bytes, path: Path | str | None = None) -> Source:
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM) :]
    if b"\x00" in data:
        raise UnreadableError(path, "this is a binary file, not a TOML model")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableError(path, f"line {line}: not UTF-8 text (byte {error.start})") from None
    # Only a file whose every line ends in CRLF is normalised; a mixed file is kept exactly as it is.
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    try:
        screen_nesting(text)
    except TooDeepError as error:
        raise UnreadableError(path, str(error)) from None
    return Source(text=text, bom=bom, crlf=crlf)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read or written (a folder, a named pipe, a device), or None for a file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "this is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "this is a device, not a regular file"
    return "this is not a regular file"


def read_regular(path: str | Path, limit: int = MAX_MODEL_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnreadableError for anything else.

    The file is opened without blocking (a FIFO with no writer would wait forever) and checked on the opened
    descriptor, so it cannot be swapped for something else between the check and the read.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableError(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableError(path, "this is a folder, not a file") from None
    except OSError as error:
        raise UnreadableError(path, error.strerror or str(error)) from None
    try:
        info = os.fstat(fd)
        reason = not_regular(info.st_mode)
        if reason:
            raise UnreadableError(path, reason)
        too_large = f"too large: more than {limit // (1024 * 1024)} MB, the most tmtui reads"
        if info.st_size > limit:
            raise UnreadableError(path, too_large)
        chunks, size = [], 0
        while size <= limit:  # the file may grow after fstat: the limit holds for what is read
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableError(path, too_large)
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableError(path, error.strerror or str(error)) from None
    finally:
        os.close(fd)


def read_source(path: Path) -> tuple[Source, str]:
    """The decoded file and the hash of its bytes, which a save compares before replacing the file."""
    data = read_regular(path)
    return decode(data, path), content_hash(data)


def content_hash(data: bytes) -> str:
    import hashlib  # only where a file is saved or compared: commands that only read do not pay for it

    return hashlib.sha256(data).hexdigest()
