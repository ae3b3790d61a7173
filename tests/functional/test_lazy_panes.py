"""A pane's lists and forms are composed the first time it is shown. Whatever reaches a pane before that (a
command, a change on disk, a quit) still works: the pane, once shown, holds the model as it is then."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Input

from tests.functional.pilot_helpers import settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.commands import ModelCommands
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList


def make_app(path: Path, **settings: object) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(**settings), watch_interval=None)  # type: ignore[arg-type]


def composed(app: TmtuiApp, number: int) -> bool:
    return bool(app.screen.query_one(f"#pane-{number}").query(RecordList))


def shown_ids(app: TmtuiApp, list_id: str) -> list[str]:
    return list(app.screen.query_one(f"#{list_id}", RecordList).table.row_ids)


def shown_titles(app: TmtuiApp, list_id: str) -> list[str]:
    record_list = app.screen.query_one(f"#{list_id}", RecordList)
    return [row.cells[1].plain for row in record_list._rows]


async def test_a_mitigation_opened_from_the_palette_before_pane_3_was_shown_is_edited_and_listed(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, MainScreen)
        assert not composed(app, 3)
        command = next(run for title, _, run in ModelCommands(app.screen).commands() if title.startswith("Open M1"))
        command()
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "M1"
        assert isinstance(app.focused, Input)  # the title
        await pilot.press("ctrl+u", *"Parameterised queries", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("3")
        assert composed(app, 3)
        assert shown_titles(app, "mitigations") == ["Parameterised queries"]
    mitigations = tomllib.loads(commented_file.read_text())["mitigations"]
    assert mitigations[0]["title"] == "Parameterised queries"


async def test_a_change_on_disk_while_panes_3_and_4_were_never_shown_shows_in_them(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        assert shown_ids(app, "threats") == ["T1", "T2", "T3"]
        assert not composed(app, 3) and not composed(app, 4)
        text = commented_file.read_text().replace('title = "Prepared statements"', 'title = "Parameterised queries"')
        text = text.replace("[[mitigations]]", '[[threats]]\nid = "T4"\ntitle = "Cache poisoning"\n\n[[mitigations]]')
        commented_file.write_text(text)
        app.check_disk()
        await settle(app, pilot)
        assert "T4" in shown_ids(app, "threats")  # the pane in view, at once
        await pilot.press("3")
        assert shown_titles(app, "mitigations") == ["Parameterised queries"]
        assert "T4" in shown_ids(app, "unmitigated")
        await pilot.press("4")
        assert str(app.screen.query_one("#headline").render()).startswith("4 threats")


async def test_typing_in_the_system_form_then_ctrl_q_saves_it_with_the_other_panes_never_composed(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.screen.active_pane.open_section("system")
        await pilot.pause()
        name = app.screen.query_one("#system #field-name Input", Input)
        name.focus()
        await pilot.press("end", *" typed")
        assert not any(composed(app, number) for number in (2, 3, 4))
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert tomllib.loads(commented_file.read_text())["system"]["name"] == "Shop typed"
