"""What tmtui keeps for itself under the user state folder: a backup of each model before its first save in a
session, and the models opened recently."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tmtui.document.save import write_atomically
from tmtui.document.source import UnreadableError, read_regular
from tmtui.paths import state_dir

BACKUPS_KEPT = 20
RECENT_KEPT = 10
_STAMP = "%Y%m%d-%H%M%S-%f"


def backup_folder() -> Path:
    return state_dir() / "backups"


def back_up(path: Path, folder: Path | None = None) -> Path | None:
    """Copy the model as it is on disk; keep the newest BACKUPS_KEPT copies of each file. None if nothing to copy."""
    try:
        data = read_regular(path)
    except UnreadableError:
        return None
    folder = folder or backup_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime(_STAMP)
    target = folder / f"{_family(path)}-{stamp}{path.suffix}"
    write_atomically(target, data)
    for old in _family_files(path, folder)[:-BACKUPS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _family(path: Path) -> str:
    """One family of backups per model, named after it and told apart from same-named models by its full path (its
    bytes as the system holds them: a name that is not UTF-8 has no other encoding, and a UTF-8 one the same)."""
    return f"{path.stem}-{hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:8]}"


def _family_files(path: Path, folder: Path) -> list[Path]:
    """The backups of `path`, oldest first (their names end in a sortable time stamp)."""
    return sorted(folder.glob(f"{glob.escape(_family(path))}-*{glob.escape(path.suffix)}"))


@dataclass(frozen=True)
class Backup:
    """One copy of a model in the backup folder: where it is, when it was taken, and its size in bytes."""

    path: Path
    taken: dt.datetime
    size: int


def backups_of(path: Path, folder: Path | None = None) -> list[Backup]:
    """The backups kept of `path`, newest first."""
    found = []
    for file in reversed(_family_files(path, folder or backup_folder())):
        try:
            info = file.stat()
        except OSError:
            continue
        stamp = file.name[len(_family(path)) + 1 : len(file.name) - len(path.suffix)]
        try:
            taken = dt.datetime.strptime(stamp, _STAMP)
        except ValueError:
            taken = dt.datetime.fromtimestamp(info.st_mtime)
        found.append(Backup(file, taken, info.st_size))
    return found


def restore_backup(path: Path, backup: Backup, folder: Path | None = None) -> Path | None:
    """Put `backup` back at `path` atomically, after backing up the file as it is now (returned; None if missing).

    The backup is read before the current file is backed up, since that may prune the oldest copies.
    """
    data = read_regular(backup.path)
    saved = back_up(path, folder)
    write_atomically(path, data)
    return saved


def recent_file() -> Path:
    return state_dir() / "recent.json"


def recent_models() -> list[Path]:
    """Models opened recently, newest first, those that still exist."""
    try:
        entries = json.loads(recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    paths = [Path(e) for e in entries if isinstance(e, str)] if isinstance(entries, list) else []
    return [p for p in paths if p.is_file()]


def remember(path: Path) -> None:
    resolved = path.resolve()
    entries = [resolved, *[p for p in recent_models() if p != resolved]][:RECENT_KEPT]
    with contextlib.suppress(OSError):
        recent_file().parent.mkdir(parents=True, exist_ok=True)
        write_atomically(recent_file(), json.dumps([str(p) for p in entries], indent=1).encode("utf-8"))
