"""Where tmtui keeps its own files, as platformdirs says for this platform."""

from __future__ import annotations

from pathlib import Path

# platformdirs and importlib.resources are imported when a folder or a bundled file is asked for: commands that
# only read a model (`tmtui check` in CI) never ask, and start sooner.

APP = "tmtui"
DEFAULT_MODEL = "threatmodel.toml"


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir(APP))


def bundled(name: str) -> bytes:
    """A file shipped in tmtui/data (the demo model, the starter template)."""
    from importlib import resources

    return resources.files("tmtui.data").joinpath(name).read_bytes()
