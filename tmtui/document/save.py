"""Atomic replace of a file: a temp file beside the real file, fsync, then a rename, keeping the file mode.

A path that is a symbolic link (or a chain of them) is written through: the file it finally names is replaced
and the link stays a link. Errors name the caller's path, never the temp file.

With `expected_hash`, the replace happens only if the file on disk still holds those bytes. On Linux this is
exact: `renameat2(RENAME_EXCHANGE)` swaps the new file in and the old one out in one step, the old one is checked,
and if it is not what was expected it is swapped back. Elsewhere (or on a filesystem that refuses the exchange)
the file is checked just before `os.replace`, which leaves a window of a few microseconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from tmtui.document.source import UnreadableError, content_hash, read_regular

try:
    import fcntl
except ImportError:  # Windows: no flock, and no renameat2 either
    fcntl = None  # type: ignore[assignment]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The filesystem or kernel cannot do the exchange: fall back to check-then-replace.
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM}
# renameat2's number per machine, for a libc without the wrapper (glibc before 2.28, old musl)
_SYS_RENAMEAT2 = {"x86_64": 316, "amd64": 316, "i386": 353, "i686": 353, "aarch64": 276, "arm64": 276,
                  "riscv64": 276, "armv7l": 382, "ppc64le": 357, "ppc64": 357, "s390x": 347}  # fmt: skip


class DiskChangedError(Exception):
    """The file on disk no longer holds the bytes the caller last saw, so it was not replaced."""


def write_atomically(path: Path, data: bytes, expected_hash: str | None = None) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of either.

    With `expected_hash` (a `content_hash`), raise DiskChangedError and leave the file as it is unless the file
    replaced held exactly those bytes; a file that no longer exists is a change too. Any OSError is raised
    naming `path`; no temp file is left behind, and on failure the file on disk is unchanged.
    """
    target = _through_links(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    except OSError as error:
        raise _naming(error, path) from None
    temp: Path | None = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        temp = Path(temp_name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if expected_hash is None:
            os.replace(temp, target)
        else:
            with _folder_lock(target.parent):
                _replace_if_unchanged(temp, target, expected_hash, content_hash(data))
        temp = None
    except OSError as error:
        raise _naming(error, path) from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
    _fsync_folder(target.parent)


def _through_links(path: Path) -> Path:
    """The file `path` finally names: every link followed, also one whose target does not exist yet."""
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # realpath gives up on a loop and returns a link
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return target


def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the user's path instead of the temp file."""
    if error.errno is None:
        return OSError(f"could not save {path}: {error}")
    # OSError(errno, ...) builds the matching subclass: PermissionError, FileNotFoundError...
    return OSError(error.errno, error.strerror or os.strerror(error.errno), str(path))


def _replace_if_unchanged(temp: Path, target: Path, expected_hash: str, our_hash: str) -> None:
    """Move `temp` onto `target` only if `target` holds the bytes hashed `expected_hash`.

    Guaranteed with the exchange: a change saved before our swap is never overwritten; it is swapped back and
    DiskChangedError raised. Two tmtui saves never interleave (the folder lock). If another program replaces the
    file in the microseconds between our swap and our swap-back, its file is put back too: it is the newest, and
    the unseen version goes as it would have had we not been there. Not guaranteed: a program that reads the
    file in that window sees our refused version, and one that rewrites the file in place while holding it open
    across our swap writes into the swapped-out copy, which is then deleted. Editors, git and tmtui replace by
    rename, so they are safe.
    """
    try:
        swapped = _exchange(temp, target)
    except FileNotFoundError:
        raise DiskChangedError(f"{target} no longer exists") from None
    if not swapped:
        _refuse_unseen_change(target, expected_hash)
        os.replace(temp, target)
        return
    # `temp` now holds what was on disk, `target` what we wrote. What was there is deleted only once it is known
    # to be what we expected: a file that cannot be read (or is no regular file) goes back like any change.
    if _hash_or_none(temp) == expected_hash:
        temp.unlink()
        return
    try:
        _exchange(temp, target)  # the unseen change back on disk
    except OSError:
        kept = target.with_name(f"{target.name}.unseen-{os.getpid()}")
        os.replace(temp, kept)  # never deleted by the caller: it is somebody's change
        raise OSError(errno.EIO, f"could not put back a change made on disk; it is kept as {kept}") from None
    if _hash_or_none(temp) != our_hash:
        # A third writer replaced ours between the two swaps: its file is the newest, so it stands.
        _exchange(temp, target)
    raise DiskChangedError(f"{target} changed on disk")  # the caller's finally deletes the temp


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's lock while checking and replacing, so two tmtui saves (threads or processes) never
    interleave their swaps and swap-backs; one's swap-back could otherwise put back the other's stale file.
    Best effort: where the folder cannot be locked, the save goes ahead unlocked."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _refuse_unseen_change(target: Path, expected_hash: str) -> None:
    try:
        current = _hash_of(target)
    except UnreadableError:
        raise DiskChangedError(f"{target} no longer exists as a regular file") from None
    if current != expected_hash:
        raise DiskChangedError(f"{target} changed on disk")


def _hash_of(path: Path) -> str:
    # read_regular never blocks on a FIFO that was swapped in, nor reads a device without end
    return content_hash(read_regular(path))


def _hash_or_none(path: Path) -> str | None:
    try:
        return _hash_of(path)
    except (OSError, UnreadableError):
        return None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False when this system or filesystem cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(os.fsencode(first), os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


def _load_renameat2() -> Callable[[bytes, bytes, int], int] | None:
    """`renameat2(old, new, flags)` relative to the working folder, from libc or as a raw system call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    wrapper = getattr(libc, "renameat2", None)
    if wrapper is not None:
        wrapper.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        wrapper.restype = ctypes.c_int
        return lambda old, new, flags: int(wrapper(_AT_FDCWD, old, _AT_FDCWD, new, flags))
    number = _SYS_RENAMEAT2.get(platform.machine().lower())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    return lambda old, new, flags: int(
        syscall(
            ctypes.c_long(number),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(old),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(new),
            ctypes.c_uint(flags),
        )
    )


_renameat2 = _load_renameat2()


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
