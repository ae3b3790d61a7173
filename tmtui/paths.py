"""Where tmtui keeps its own files, as platformdirs says for this platform."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# pathlib, platformdirs and importlib.resources are imported when a folder or a bundled file is asked for:
# commands that only read a model (`tmtui check` in CI) never ask, and start sooner (pathlib alone, with the
# urllib.parse it imports, is 4 ms).

APP = "tmtui"
DEFAULT_MODEL = "threatmodel.toml"


def config_dir() -> Path:
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_state_dir(APP))


def bundled(name: str) -> bytes:
    """A file shipped in tmtui/data (the demo model, the starter template)."""
    from importlib import resources

    return resources.files("tmtui.data").joinpath(name).read_bytes()


def shown_path(text: str) -> str:
    """A path given on the command line as pathlib would write it (`./m.toml` as `m.toml`, `a//b/` as `a/b`),
    for commands that name it in every message without importing pathlib."""
    if os.name != "posix":
        from pathlib import Path

        return str(Path(text))
    # POSIX keeps exactly two leading slashes apart; one, or three and more, are the root
    root = "//" if text[:2] == "//" and text[2:3] != "/" else "/" if text[:1] == "/" else ""
    return root + "/".join([part for part in text.split("/") if part and part != "."]) or "."
