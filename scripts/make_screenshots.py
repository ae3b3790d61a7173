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
SHOTS = [
    ("1-what-are-we-building", ["1"]),
    ("1-system-map", ["1", "shift+tab", "end"]),
    ("2-what-could-go-wrong", ["2"]),
    ("2-threat-form", ["2", "enter"]),
    ("3-what-are-we-going-to-do", ["3"]),
    ("4-how-well-did-we-do", ["4"]),
    ("export", ["x"]),
]


async def shoot(name: str, keys: list[str]) -> None:
    app = TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        await pilot.pause(0.3)
        app.save_screenshot(f"{name}.svg", str(OUT))


def main() -> None:
    Input._toggle_cursor = lambda self: None  # a still cursor, not one caught mid-blink
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        Path("threatmodel.toml").write_bytes(bundled("demo.toml"))
        for name, keys in SHOTS:
            asyncio.run(shoot(name, keys))
            print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    main()
