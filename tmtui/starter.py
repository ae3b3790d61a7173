"""The commented starter model that `tmtui new` and the app's "create it" write: it teaches the four questions."""

from __future__ import annotations

import json

from tmtui.paths import bundled


def starter_text(name: str) -> str:
    # A JSON string is a valid TOML basic string, so the name needs no TOML library to be written safely.
    return bundled("starter.toml").decode("utf-8").replace("__NAME__", json.dumps(name, ensure_ascii=False))
