"""The commented starter model that `tmtui new` and the app's "create it" write: it teaches the four questions."""

from __future__ import annotations

import json

from tmtui.paths import bundled


def starter_text(name: str) -> str:
    """The starter model with `name` as the system's name, written as a TOML basic string."""
    # A JSON string is a valid TOML basic string once DEL, which JSON leaves raw and TOML refuses, is escaped
    # too, so the name needs no TOML library to be written safely.
    quoted = json.dumps(name, ensure_ascii=False).replace("\x7f", "\\u007f")
    return bundled("starter.toml").decode("utf-8").replace("__NAME__", quoted)
