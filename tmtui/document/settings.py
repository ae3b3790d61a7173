"""The user's `config.toml` (theme, autosave, editor): read with tomllib, written with tomlkit so a person's
comments in it survive."""

from __future__ import annotations

import os
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tmtui.document.save import write_atomically
from tmtui.paths import config_dir

DEFAULT_THEME = "textual-dark"


@dataclass
class Settings:
    theme: str = DEFAULT_THEME
    autosave: bool = True
    editor: str = ""  # empty: $VISUAL, then $EDITOR, then vi
    problems: list[str] = field(default_factory=list)  # what was wrong with the file, for a notification

    def editor_command(self) -> list[str]:
        command = self.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        return shlex.split(command)


def settings_path() -> Path:
    return config_dir() / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The settings, or the defaults for whatever is missing or unreadable (noted in `problems`)."""
    path = path or settings_path()
    settings = Settings()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        settings.problems.append(f"{path}: {error}; using the default settings")
        return settings
    for key, kind in (("theme", str), ("autosave", bool), ("editor", str)):
        if key in data:
            if isinstance(data[key], kind):
                setattr(settings, key, data[key])
            else:
                settings.problems.append(f"{path}: {key} should be a {kind.__name__}; ignored")
    return settings


def save_setting(key: str, value: str | bool, path: Path | None = None) -> None:
    """Change one setting in config.toml, keeping everything else in the file as written."""
    import tomlkit

    path = path or settings_path()
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
        document.add(tomlkit.comment("tmtui settings: theme, autosave (true/false), editor (a command)"))
    document[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, tomlkit.dumps(document).encode("utf-8"))
