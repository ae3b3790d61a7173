"""The one-threat exercise, driven with the real keys: news of an attack, and in a dozen keys the answer is on disk."""

from __future__ import annotations

import signal
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.functional.pilot_helpers import settle
from tmtui import cli
from tmtui.document.settings import Settings
from tmtui.tui import app as app_module
from tmtui.tui.app import TmtuiApp
from tmtui.tui.keymap import KEYMAP
from tmtui.tui.screens.capture_screen import CaptureScreen
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.help_screen import help_markdown
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.widgets.pick_list import PickSelection

BUDGET = 12  # keys besides the text typed, for the common paths
HOSTILE = "[bold]x[/] [@click=app.quit] \x1b[31mred"


def make_app(path: Path, capture: str | None = None) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(), watch_interval=None, capture=capture)


def read(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def record(path: Path, kind: str, record_id: str) -> dict:
    return next(r for r in read(path)[kind] if r["id"] == record_id)


class Keys:
    """Presses keys through Pilot and counts them; the text typed into a field is not counted."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)


@pytest.fixture
def hostile_file(commented_file: Path) -> Path:
    text = commented_file.read_text(encoding="utf-8")
    text = text.replace('name = "DB"', 'name = "[bold]x[/] [@click=app.quit] \\u001b[31mred"')
    commented_file.write_text(text, encoding="utf-8")
    return commented_file


async def test_yes_with_one_target_and_a_new_mitigation_is_on_disk_within_the_key_budget(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = Keys(pilot)
        await keys.press("2", "t")
        assert isinstance(app.screen, CaptureScreen)
        await keys.type("Log4Shell")
        await keys.press("enter")
        await keys.press("space", "enter")  # the first part of the system: C1 Web
        await keys.press("y", "h", "m")  # it affects us: likely, and it would be bad
        await keys.press("n")
        await keys.type("Upgrade log4j")
        await keys.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#tab-2").display  # the app shows it in pane 2
        assert app.screen.active_pane.main_list().table.selected_id == "T4"
    assert keys.count <= BUDGET
    assert record(commented_file, "threats", "T4") == {
        "id": "T4",
        "title": "Log4Shell",
        "targets": ["C1"],
        "likelihood": "high",
        "severity": "medium",
    }
    assert record(commented_file, "mitigations", "M2") == {"id": "M2", "title": "Upgrade log4j", "threats": ["T4"]}


async def test_no_with_a_reason_is_saved_as_not_applicable_within_the_key_budget(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = Keys(pilot)
        await keys.press("t")
        await keys.type("Exchange server zero-day")
        await keys.press("enter", "down", "space", "enter", "n")
        await keys.type("We run no Exchange server")
        await keys.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert keys.count <= BUDGET
    threat = record(commented_file, "threats", "T4")
    assert threat["targets"] == ["C2"]
    assert threat["status"] == "not_applicable"
    assert threat["notes"] == "We run no Exchange server"
    assert "likelihood" not in threat and len(read(commented_file)["mitigations"]) == 1


async def test_a_link_is_kept_in_references_and_an_existing_mitigation_is_linked_through_the_filter(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Supply chain attack", "tab", *"https://example.org/advisory", "enter")
        await pilot.press("enter", "y", "l", "l", "l", "slash", *"prepared", "enter", "space", "enter")
        await settle(app, pilot)
    threat = record(commented_file, "threats", "T4")
    assert threat["references"] == ["https://example.org/advisory"] and "targets" not in threat
    assert record(commented_file, "mitigations", "M1")["threats"] == ["T1", "T4"]
    assert len(read(commented_file)["mitigations"]) == 1


async def test_escape_goes_back_a_step_and_the_answers_stay(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Token theft", "enter", "space", "enter", "y")
        screen = app.screen
        assert isinstance(screen, CaptureScreen) and screen.state == "likelihood"
        await pilot.press("escape", "escape")
        assert screen.state == "where" and screen.targets() == ["C1"]
        await pilot.press("escape")
        assert screen.state == "what" and isinstance(app.focused, Input) and app.focused.value == "Token theft"
        await pilot.press("enter", "enter", "n", *"No tokens here", "enter")
        await settle(app, pilot)
    threat = record(commented_file, "threats", "T4")
    assert threat["targets"] == ["C1"] and threat["status"] == "not_applicable" and "likelihood" not in threat


async def test_escape_on_the_first_step_with_nothing_typed_leaves_the_file_as_it_was(commented_file):
    before = commented_file.read_bytes()
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert commented_file.read_bytes() == before


async def test_escape_on_the_first_step_after_typing_asks_and_keep_writes_the_threat(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Phishing the admins", "escape")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert record(commented_file, "threats", "T4") == {"id": "T4", "title": "Phishing the admins"}


async def test_dropping_on_the_first_step_takes_back_a_threat_written_mid_flow(commented_file):
    before = commented_file.read_text(encoding="utf-8")
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Phishing the admins", "enter")
        await pilot.resize_terminal(100, 30)  # the app commits typing on a resize, as on a save
        await settle(app, pilot)
        assert "Phishing the admins" in commented_file.read_text(encoding="utf-8")
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert commented_file.read_text(encoding="utf-8") == before


async def test_a_title_typed_then_ctrl_q_keeps_the_threat(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Typed then quit", "ctrl+q")
        await settle(app, pilot)
    assert record(commented_file, "threats", "T4") == {"id": "T4", "title": "Typed then quit"}


async def test_ctrl_q_mid_flow_keeps_every_answer_so_far(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(
            "t", *"Half answered", "enter", "space", "enter", "y", "l", "h", "n", *"Rotate keys", "ctrl+q"
        )
        await settle(app, pilot)
    threat = record(commented_file, "threats", "T4")
    assert threat["targets"] == ["C1"] and threat["likelihood"] == "low" and threat["severity"] == "high"
    assert record(commented_file, "mitigations", "M2") == {"id": "M2", "title": "Rotate keys", "threats": ["T4"]}


async def test_a_hang_up_mid_flow_keeps_the_threat(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Typed then hung up", "enter", "space", "enter", "n", *"Not ours")
        app._hang_up(signal.SIGHUP)
        assert app.hang_up_timer is not None
        app.hang_up_timer.cancel()  # in the real app it ends a process whose terminal is gone; here, the tests'
    threat = record(commented_file, "threats", "T4")
    assert threat["targets"] == ["C1"] and threat["status"] == "not_applicable" and threat["notes"] == "Not ours"


async def test_capture_from_the_command_line_starts_in_the_flow_with_the_title_typed(commented_file):
    app = make_app(commented_file, capture="Log4Shell in the logger")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        assert app.screen.query_one("#title", Input).value == "Log4Shell in the logger"
        await pilot.press("enter", "enter", "n", *"Not Java", "enter")
        await settle(app, pilot)
    assert record(commented_file, "threats", "T4")["title"] == "Log4Shell in the logger"


async def test_a_title_from_the_command_line_is_not_written_until_something_is_answered(commented_file):
    """The app commits typing on every resize, one as it starts: the file stays as it was until an answer."""
    before = commented_file.read_bytes()
    app = make_app(commented_file, capture="Just looking")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        assert commented_file.read_bytes() == before
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceModal)  # the title was typed on the command line: asked, not dropped
        await pilot.press("d")
        await settle(app, pilot)
    assert commented_file.read_bytes() == before


async def test_a_title_from_the_command_line_and_then_ctrl_q_is_kept(commented_file):
    """The person typed it, on the command line: quitting straight away keeps it as a threat."""
    app = make_app(commented_file, capture="XZ backdoor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert record(commented_file, "threats", "T4")["title"] == "XZ backdoor"


def test_the_capture_command_opens_the_app_on_the_path_with_the_title(monkeypatch, tmp_path):
    calls: list[tuple[Path, str | None]] = []

    def run_app(path: Path, capture: str | None = None, typed_ahead: str = "") -> int:
        calls.append((path, capture))
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    assert cli.main(["capture", str(tmp_path / "model.toml"), "[bold]Log4Shell"]) == 0
    assert cli.main(["capture", "Just a title"]) == 0
    assert calls == [(tmp_path / "model.toml", "[bold]Log4Shell"), (Path(cli.DEFAULT_MODEL), "Just a title")]


async def test_component_names_are_shown_literally_in_the_pick_list(hostile_file):
    app = make_app(hostile_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Anything", "enter")
        selection = app.screen.query_one("#targets PickSelection", PickSelection)
        prompt = selection.get_option_at_index(1).prompt
        assert prompt.plain == "C2  [bold]x[/] [@click=app.quit] ␛[31mred"
        assert not prompt.spans
        await pilot.press("down", "space", "enter", "n", *"no", "enter")
        await settle(app, pilot)
        assert app.is_running  # [@click=app.quit] was never an action
    assert record(hostile_file, "threats", "T4")["targets"] == ["C2"]


async def test_quick_threat_is_in_the_help_and_the_palette(commented_file):
    """Not in the footer: at 80 columns it has room for the list's keys, n and ? (the empty threat list names t)."""
    quick = next(k for k in KEYMAP if k.id == "quick-threat")
    assert quick.key == "t" and quick.scope == "app"
    assert "| `t` | Quick threat |" in help_markdown()
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Quick threat" in titles


async def test_a_threat_written_mid_flow_is_completed_at_the_end_not_written_twice(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Credential stuffing", "enter", "space", "enter")
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        assert record(commented_file, "threats", "T4")["targets"] == ["C1"]
        await pilot.press("escape", "escape", "enter", "down", "space", "enter", "n", *"No login", "enter")
        await settle(app, pilot)
    threats = read(commented_file)["threats"]
    assert [t["id"] for t in threats] == ["T1", "T2", "T3", "T4"]
    assert threats[-1]["targets"] == ["C1", "C2"] and threats[-1]["status"] == "not_applicable"


async def test_links_and_a_mitigation_written_early_follow_the_answers_as_they_change(commented_file):
    """A resize writes what is answered so far; answers changed afterwards take back what that write added."""
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Zero day", "enter", "enter", "y", "l", "h", "l", "space")
        await pilot.resize_terminal(90, 26)  # the app commits typing: the link to M1 is written now
        await settle(app, pilot)
        assert "T4" in record(commented_file, "mitigations", "M1")["threats"]
        await pilot.press("space")  # M1 unticked
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert "T4" not in record(commented_file, "mitigations", "M1").get("threats", [])
        await pilot.press("escape", "n", *"Patch")  # a new mitigation typed, and written by a resize
        await pilot.resize_terminal(90, 26)
        await settle(app, pilot)
        assert [m["threats"] for m in read(commented_file)["mitigations"] if m["title"] == "Patch"] == [["T4"]]
        await pilot.press("escape", "s")  # then: skip after all
        await settle(app, pilot)
    data = read(commented_file)
    assert not any("T4" in m.get("threats", []) for m in data["mitigations"])
    assert [m["title"] for m in data["mitigations"] if m["title"] == "Patch"] == []


async def test_down_from_the_filter_goes_to_the_narrowed_list_and_space_ticks(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", *"Leak", "enter", "slash", *"c2", "down", "space", "enter", "n", *"No", "enter")
        await settle(app, pilot)
    assert record(commented_file, "threats", "T4")["targets"] == ["C2"]
