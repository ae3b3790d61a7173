"""Keys typed before Python started: the command line takes them off the terminal (with each Enter the shell's
settings made a newline an Enter again) and the app applies them first, as if the driver had read them."""

from __future__ import annotations

import tomllib

from tests.functional.pilot_helpers import burst, settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.main_screen import MainScreen


async def test_keys_typed_before_the_app_started_edit_as_typed_and_before_later_keys(commented_file):
    # 2, Enter (open the first threat), Ctrl+U (clear the title), a title, Enter (commit), Escape (close)
    typed = "2\r\x15Typed before start\r\x1b"
    app = TmtuiApp(commented_file, settings=Settings(), watch_interval=None, typed_ahead=typed)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, ["1"])  # read by the driver after the app started: applied after the keys typed before
        await settle(app, pilot)
        while app.main_screen is None or not app.main_screen.first_pane_chosen or app._held_keys:
            await pilot.pause(0.02)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.active_pane.id == "pane-1"
    threats = tomllib.loads(commented_file.read_text(encoding="utf-8"))["threats"]
    assert threats[0]["title"] == "Typed before start"
