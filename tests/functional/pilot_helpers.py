"""What the Pilot tests of the app share: waiting until an edit has landed, keys as a terminal delivers them,
reading what a save changed, and a model large enough to be read on a worker."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from tmtui.tui.app import TmtuiApp


async def settle(app: TmtuiApp, pilot: Pilot[int]) -> None:
    """Let messages, the save worker and the redraw finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def burst(app: TmtuiApp, keys: list[str]) -> None:
    """Keys as a terminal delivers a fast paste or tmux send-keys: all queued before any is handled."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


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
