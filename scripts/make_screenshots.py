"""Regenerate screenshots/: an SVG of each pane and of the export screen, on the bundled demo model.

Run from the repository root:  python scripts/make_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from textual.widgets import Input

from tmtui.document.settings import Settings
from tmtui.paths import bundled
from tmtui.tui.app import TmtuiApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (110, 32)


def typed(text: str) -> list[str]:
    """The keys that type `text`."""
    return ["space" if character == " " else character for character in text]


SHOTS = [
    ("1-what-are-we-building", ["1"]),
    ("1-system-map", ["1", "shift+tab", "end"]),
    ("2-what-could-go-wrong", ["2"]),
    ("2-threat-form", ["2", "enter"]),
    ("2-suggestions", ["2", "s", "down", "down", "down"]),
    ("2-quick-threat", ["t", *typed("Remote code execution in our logging library"), "enter", "down", "space"]),
    ("2-brainstorm", ["b", "enter", *typed("Merchant denies asking for the refund"), "enter"]),
    ("3-what-are-we-going-to-do", ["3"]),
    ("4-how-well-did-we-do", ["4"]),
    ("export", ["x"]),
]


async def shoot(name: str, keys: list[str]) -> None:
    app = TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        await app.workers.wait_for_complete()  # the suggestions are worked out on a worker
        await pilot.pause(0.3)
        app.save_screenshot(f"{name}.svg", str(OUT))


def main() -> None:
    Input._toggle_cursor = lambda self: None  # a still cursor, not one caught mid-blink
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        # the shots show the bundled library and settings, never this machine's, and leave no backups behind
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(Path(folder) / variable.lower())
        Path("threatmodel.toml").write_bytes(bundled("demo.toml"))
        for name, keys in SHOTS:
            asyncio.run(shoot(name, keys))
            print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    main()
