"""Reads the threat library: the packaged `tmtui/rules/library.toml` and the user's own, as hostile input."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from tmtui import paths
from tmtui.document.read import parse_data
from tmtui.document.source import UnreadableError, decode, read_regular
from tmtui.rules import Library, LibraryError

USER_LIBRARY = "library.toml"
# A library is prose about a few hundred threats: a megabyte is far beyond any real one.
MAX_LIBRARY_BYTES = 1024 * 1024
_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entries[ \t]*\]\]", re.MULTILINE)


def packaged_library_path() -> str:
    return str(resources.files("tmtui.rules").joinpath(USER_LIBRARY))


def _read(data: bytes, where: Path | str) -> tuple[dict[str, Any], str]:
    source = decode(data, where)
    parsed, finding = parse_data(source, where)
    if parsed is None:
        line = f"line {finding.line}: " if finding and finding.line else ""
        raise UnreadableError(where, f"{line}{finding.message if finding else 'not TOML'}")
    return parsed, source.text


def _line_of(text: str, error: LibraryError) -> int | None:
    """The line of the wrong entry's `[[entries]]` header (counted in the order TOML reads them) or of the wrong
    top-level key, when the text shows it plainly."""
    if error.index is not None:
        for number, match in enumerate(_ENTRY_HEADER.finditer(text)):
            if number == error.index:
                return text.count("\n", 0, match.start()) + 1
    elif error.key is not None:
        found = re.search(
            rf"^[ \t]*(?:{re.escape(error.key)}|\[+[ \t]*{re.escape(error.key)}[ \t]*\]+)[ \t]*(?:=|$)",
            text,
            re.MULTILINE,
        )
        if found:
            return text.count("\n", 0, found.start()) + 1
    return None


def load_library_or_builtin() -> tuple[Library, str | None]:
    """The library to suggest from, and what is wrong with the user's, if anything: a mistake in the user's file
    costs its own entries and a warning, not every suggestion."""
    try:
        return load_library(), None
    except UnreadableError as error:
        if error.path == packaged_library_path():
            raise
        return load_library(include_user=False), f"{error}; suggesting from the built-in library without it"


def load_library(user_path: Path | None = None, include_user: bool = True) -> Library:
    """The packaged library plus the user's (`user_path`, or `library.toml` in the config folder when it exists),
    unless `include_user` is False.

    UnreadableError names the file, the line of the wrong entry, and what was expected.
    """
    packaged = resources.files("tmtui.rules").joinpath(USER_LIBRARY)
    try:
        packaged_bytes = packaged.read_bytes()
    except OSError as error:  # a broken install: the package data was left out
        raise UnreadableError(packaged_library_path(), error.strerror or str(error)) from None
    # Our own file, shipped with the code: read straight, without the checks a stranger's file needs.
    builtin_text = packaged_bytes.decode("utf-8")
    builtin = tomllib.loads(builtin_text)
    user: dict[str, Any] | None = None
    user_text = ""
    if user_path is None and include_user:
        default = paths.config_dir() / USER_LIBRARY
        try:  # a link to nothing is a library that cannot be read, and says so, not one that is not there
            user_path = default if default.exists() or default.is_symlink() else None
        except OSError:  # a config folder we may not search: reading it says why
            user_path = default
    if user_path is not None:
        user, user_text = _read(read_regular(user_path, MAX_LIBRARY_BYTES), user_path)
    try:
        return Library.from_data(builtin, user)
    except LibraryError as error:
        where: Path | str = user_path if error.user and user_path is not None else packaged_library_path()
        line = _line_of(user_text if error.user else builtin_text, error)
        raise UnreadableError(where, f"line {line}: {error.message}" if line else error.message) from None
