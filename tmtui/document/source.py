"""Bytes to text and back, remembering what the file looked like: a UTF-8 BOM and CRLF line endings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"


class UnreadableError(Exception):
    """The file cannot be read as a model at all: missing, a folder, not text, or from a newer tmtui."""

    def __init__(self, path: Path | str | None, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
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
    return Source(text=text, bom=bom, crlf=crlf)


def read_source(path: Path) -> tuple[Source, str]:
    """The decoded file and the hash of its bytes, which a save compares before replacing the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableError(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableError(path, "this is a folder, not a model file") from None
    except OSError as error:
        raise UnreadableError(path, error.strerror or str(error)) from None
    return decode(data, path), content_hash(data)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
