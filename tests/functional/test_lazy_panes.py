"""A pane's lists and forms are composed the first time it is shown. Whatever reaches a pane before that (a
command, a change on disk, a quit) still works: the pane, once shown, holds the model as it is then."""

from __future__ import annotations

import asyncio
import threading
import tomllib
from pathlib import Path

from textual.widgets import Input, TabbedContent

from tests.functional.pilot_helpers import big_model, burst, settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.commands import ModelCommands
from tmtui.tui.screens.file_screens import LoadingScreen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList


def make_app(path: Path, **settings: object) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(**settings), watch_interval=None)  # type: ignore[arg-type]


def large_model_app(tmp_path: Path, monkeypatch, loading_screen_delay: float) -> TmtuiApp:
    """The app on a model of 400 threats, large enough to be read on a worker, with the loading screen's delay."""
    monkeypatch.setattr("tmtui.tui.app.LOADING_SCREEN_DELAY", loading_screen_delay)
    path = tmp_path / "big.toml"
    path.write_text(big_model(400), encoding="utf-8")
    return make_app(path)


def assert_pane_2_shows_every_threat(app: TmtuiApp) -> None:
    assert app.screen.query_one("#panes", TabbedContent).active == "tab-2"
    assert len(shown_ids(app, "threats")) == 400


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


# ---- the first screen of a large model: keys typed while it is read ------------------------------------------------


async def wait_until_open(app: TmtuiApp, pilot) -> None:
    """Until the model read on the worker is open and every key typed meanwhile is applied."""
    while app.main_screen is None or not app.main_screen.first_pane_chosen or app._held_keys:
        await pilot.pause(0.02)
    await settle(app, pilot)


async def test_a_large_model_read_before_the_loading_screen_is_due_opens_without_it_and_keeps_the_keys_typed(
    tmp_path, monkeypatch
):
    shown: list[LoadingScreen] = []
    monkeypatch.setattr(LoadingScreen, "on_mount", shown.append, raising=False)
    app = large_model_app(tmp_path, monkeypatch, 60)  # the read always ends before
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["2", "enter", "ctrl+u", *"Typed ahead", "enter", "escape"])
        await wait_until_open(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert not shown
    titles = [t["title"] for t in tomllib.loads(app.model_path.read_text(encoding="utf-8"))["threats"]]
    assert "Typed ahead" in titles


async def test_a_read_that_takes_longer_than_the_delay_shows_the_loading_screen_then_the_model(tmp_path, monkeypatch):
    read_may_end = threading.Event()
    read = TmtuiApp._read_session

    def slow_read(app: TmtuiApp, quick: bool):
        read_may_end.wait(timeout=30)
        return read(app, quick)

    monkeypatch.setattr(TmtuiApp, "_read_session", slow_read)
    app = large_model_app(tmp_path, monkeypatch, 0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        while not isinstance(app.screen, LoadingScreen):
            await pilot.pause(0.02)
        burst(app, ["2"])
        read_may_end.set()
        await wait_until_open(app, pilot)
        assert not any(isinstance(screen, LoadingScreen) for screen in app.screen_stack)
        assert_pane_2_shows_every_threat(app)


async def test_2_typed_while_the_model_is_read_opens_pane_2_first_and_pane_1_only_once_asked_for(tmp_path, monkeypatch):
    app = large_model_app(tmp_path, monkeypatch, 60)
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["2"])
        await wait_until_open(app, pilot)
        assert_pane_2_shows_every_threat(app)
        assert app.focused is app.screen.query_one("#threats", RecordList).table
        assert not composed(app, 1)  # never built: nobody looked at it
        await pilot.press("1")
        assert composed(app, 1)
        assert shown_ids(app, "components")[:2] == ["C1", "C2"]
        assert app.focused is app.screen.query_one("#components", RecordList).table


async def test_keys_typed_ahead_that_are_not_a_panes_act_on_pane_1_once_it_is_composed(tmp_path, monkeypatch):
    app = large_model_app(tmp_path, monkeypatch, 60)
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["down", "enter"])
        await wait_until_open(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert (app.screen.kind, app.screen.record_id) == ("components", "C2")


async def test_2_pressed_while_the_first_screen_is_being_put_together_shows_every_threat(tmp_path, monkeypatch):
    """The moment a terminal user presses 2 as soon as the panes appear: the screen is up, not yet built."""
    app = large_model_app(tmp_path, monkeypatch, 60)
    async with app.run_test(size=(100, 30)) as pilot:
        while not isinstance(app.screen, MainScreen):
            await asyncio.sleep(0.001)
        burst(app, ["2"])
        await wait_until_open(app, pilot)
        assert_pane_2_shows_every_threat(app)
        assert app.focused is app.screen.query_one("#threats", RecordList).table


async def test_the_main_screen_is_not_styled_again_as_it_first_comes_into_view_but_is_when_it_comes_back(
    commented_file, monkeypatch
):
    from textual import events

    restyled: list[MainScreen] = []
    restyle = MainScreen.update_node_styles

    def counted(self: MainScreen, animate: bool = True) -> None:
        restyled.append(self)
        restyle(self, animate)

    monkeypatch.setattr(MainScreen, "update_node_styles", counted)
    app = make_app(commented_file)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and restyled == []
        app.screen.post_message(events.ScreenResume())  # back in view after another screen (and maybe a theme)
        await pilot.pause()
        assert restyled == [app.screen]
