"""What tmtui keeps for itself under the user state folder: a backup of each model before its first save in a
session, and the models opened recently."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from pathlib import Path

from tmtui.document.save import write_atomically
from tmtui.paths import state_dir

BACKUPS_KEPT = 20
RECENT_KEPT = 10


def backup_folder() -> Path:
    return state_dir() / "backups"


def back_up(path: Path, folder: Path | None = None) -> Path | None:
    """Copy the model as it is on disk; keep the newest BACKUPS_KEPT copies of each file. None if nothing to copy."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    folder = folder or backup_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # one family of backups per model, named after it and told apart from same-named models by its full path
    family = f"{path.stem}-{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]}"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{family}-{stamp}{path.suffix}"
    write_atomically(target, data)
    for old in sorted(folder.glob(f"{family}-*{path.suffix}"))[:-BACKUPS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


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
