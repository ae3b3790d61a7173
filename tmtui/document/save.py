"""Atomic replace of a file: a temp file in the same folder, fsync, then `os.replace`, keeping the file mode."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, data: bytes, before_replace: Callable[[], None] | None = None) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of either.

    `before_replace` runs after the new bytes are safely on disk and just before the swap; raising there leaves
    the old file untouched (the document uses it to refuse overwriting a change it has not seen).
    """
    folder = path.parent
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def _read_umask() -> int:
    # os.umask can only be read by setting it; do that once, at import, before any worker thread exists.
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _read_umask()


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened for this.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
