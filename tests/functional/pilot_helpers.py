"""What the Pilot tests of the app share: waiting until an edit has landed, and reading what a save changed."""

from __future__ import annotations

import difflib

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
