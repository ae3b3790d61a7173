"""What the Pilot tests of the app share: waiting until an edit has landed, reading what a save changed, and a
model large enough to be read behind the loading screen."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from textual.pilot import Pilot

from tmtui.tui.app import TmtuiApp


async def settle(app: TmtuiApp, pilot: Pilot[int]) -> None:
    """Let messages, the save worker and the redraw finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a change removed (`-`) and added (`+`), without context."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def big_model(threats: int) -> str:
    """The benchmarks' generated model (comments above every record, multi-line notes) with this many threats."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench import generate

    return generate(threats)
