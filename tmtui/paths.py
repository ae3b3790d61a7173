"""Where tmtui keeps its own files, as platformdirs says for this platform."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import platformdirs

APP = "tmtui"
DEFAULT_MODEL = "threatmodel.toml"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))


def bundled(name: str) -> bytes:
    """A file shipped in tmtui/data (the demo model, the starter template)."""
    return resources.files("tmtui.data").joinpath(name).read_bytes()
