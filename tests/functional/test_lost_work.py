"""Nothing a person typed is lost: every way out of a field commits it, a change on disk to the field being typed
is asked about, and a file that cannot be written never traps the user. Driven with the real keys through Pilot."""

from __future__ import annotations

import signal
import threading
import tomllib
from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.functional.pilot_helpers import big_model, burst, settle
from tmtui import session as session_module
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.screens.save_as_screen import SaveAsScreen

TYPED = " (typed)"


def make_app(path: Path, **settings: object) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(**settings), watch_interval=None)  # type: ignore[arg-type]


def threat(path: Path, record_id: str) -> dict | None:
    return next((t for t in tomllib.loads(path.read_text())["threats"] if t["id"] == record_id), None)


def notified(app: TmtuiApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def type_into_t1_title(app: TmtuiApp, pilot) -> None:
    """Open T1 and type at the end of its title, without leaving the field."""
    await pilot.press("2", "enter")
    assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "T1"
    assert isinstance(app.focused, Input)
    await pilot.press("end", *TYPED)


async def test_typed_text_is_saved_by_ctrl_s(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into_t1_title(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Nothing to save" not in notified(app)
        assert threat(commented_file, "T1")["title"] == "SQL injection" + TYPED


async def test_typed_text_is_saved_by_ctrl_q(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into_t1_title(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert threat(commented_file, "T1")["title"] == "SQL injection" + TYPED


async def test_escape_on_the_system_form_commits_the_field_and_leaves_it(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.screen.active_pane.open_section("system")
        await pilot.pause()
        name = app.screen.query_one("#system #field-name Input", Input)
        name.focus()
        await pilot.press("end", *TYPED, "escape")
        await settle(app, pilot)
        assert not isinstance(app.focused, Input)
        await pilot.press("2")  # the keys are the app's again
        assert app.screen.query_one("#tab-2").display
    assert tomllib.loads(commented_file.read_text())["system"]["name"] == "Shop" + TYPED


@pytest.mark.parametrize("leave", [["escape", "ctrl+q"], ["ctrl+q"]], ids=["escape", "quit"])
async def test_a_new_record_whose_only_field_is_typed_is_added_when_left(commented_file, leave):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.screen.active_pane.open_section("assumptions")
        app.screen.active_pane.focus_main()
        await pilot.press("n")
        assert isinstance(app.screen, RecordScreen) and app.screen.kind == "assumptions"
        await pilot.press(*"TLS ends at the edge", *leave)
        await settle(app, pilot)
        assert not app.is_running
    assumptions = tomllib.loads(commented_file.read_text())["assumptions"]
    assert assumptions[-1]["text"] == "TLS ends at the edge"


async def test_switching_panes_from_the_palette_commits_the_field_first(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into_t1_title(app, pilot)
        await pilot.press("ctrl+p", *"going to do about")
        for _ in range(50):  # the palette searches on a worker: wait for its answer, within a bound
            await pilot.pause(0.02)
            if "What are we going to do about it?" in str(app.screen.query("CommandList").first().render()):
                break
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#tab-3").display
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert threat(commented_file, "T1")["title"] == "SQL injection" + TYPED


async def test_opening_the_editor_commits_the_field_first_even_when_the_editor_fails(commented_file, monkeypatch):
    app = make_app(commented_file, editor="false")
    monkeypatch.setattr(app, "suspend", nullcontext)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "enter")
        notes = app.screen.query_one("#field-notes TextArea", TextArea)
        notes.focus()
        notes.move_cursor(notes.document.end)
        await pilot.press(*"Line three.", "ctrl+e")
        await settle(app, pilot)
        assert threat(commented_file, "T1")["notes"] == "Line one.\nLine two.Line three."


async def test_a_resize_commits_the_field(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into_t1_title(app, pilot)
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        assert threat(commented_file, "T1")["title"] == "SQL injection" + TYPED


async def test_ctrl_z_in_a_field_undoes_the_typing_and_outside_says_when_there_is_nothing(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.press("ctrl+z")
        assert "Nothing to undo." in notified(app)
        await pilot.press("enter", "end", "x", "y", "ctrl+z")
        assert app.screen.query_one("#field-title Input", Input).value == "SQL injectionx"
        await pilot.press("tab", "escape", "ctrl+z")
        await settle(app, pilot)
        assert "Undid: edit T1.title" in notified(app)
        assert app.session.model.find("T1").title == "SQL injection"


async def test_keys_in_a_burst_that_opens_a_form_are_applied_in_order(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        burst(app, ["enter", "ctrl+u", *"Burst title", "enter", "escape"])
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert threat(commented_file, "T1")["title"] == "Burst title"


async def test_a_burst_into_an_open_form_clears_before_it_types(commented_file):
    # ctrl+u is a binding the app runs once the key has bubbled up; the letters after it are typed by the input
    # itself, so without waiting for ctrl+u they were typed first and then cleared
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")
        burst(app, ["ctrl+u", *"Fast", "enter"])
        await settle(app, pilot)
        assert app.screen.query_one("#field-title Input", Input).value == "Fast"
    assert threat(commented_file, "T1")["title"] == "Fast"


async def test_keys_right_after_escape_reach_the_list(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")
        burst(app, ["ctrl+u", *"First", "escape", "down", "enter", "ctrl+u", *"Second", "escape"])
        await settle(app, pilot)
    titles = {t["id"]: t["title"] for t in tomllib.loads(commented_file.read_text())["threats"]}
    assert titles["T1"] == "First"
    assert "Second" in titles.values()


async def test_the_model_changing_while_a_form_opens_does_not_crash(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = RecordScreen(app.session, "threats", "T1")
        app.push_screen(screen)
        screen.refresh_from_model()  # as a change on disk would, before the form has composed
        screen.form.refresh_from_model()
        app.model_changed.publish(None)
        await settle(app, pilot)
        assert app.screen is screen
        assert "SQL injection" in str(screen.query_one("#record-title").render())


# ---- a change on disk to the field being typed ------------------------------------------------------------------


def change_t1_title_on_disk(path: Path) -> None:
    path.write_text(path.read_text().replace('title = "SQL injection"', 'title = "theirs"'))


@pytest.mark.parametrize(("answers", "expected"), [(["m"], "mine"), (["t"], "theirs"), (["b", "m"], "mine")])
async def test_a_disk_change_to_the_field_being_typed_is_asked_about(commented_file, answers, expected):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter", "ctrl+u", *"mine")
        change_t1_title_on_disk(commented_file)
        app.check_disk()
        await settle(app, pilot)
        assert app.screen.query_one("#field-title Input", Input).value == "mine"  # the typing is left alone
        await pilot.press("tab")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "T1.title changed on disk while you were typing it" in str(app.screen.query_one(".question").render())
        for answer in answers:
            if answer == "m" and "b" in answers:  # "see both" shows each value in full before the choice
                detail = str(app.screen.query_one(".detail").render())
                assert "Mine:\n'mine'" in detail and "In the file:\n'theirs'" in detail
            await pilot.press(answer)
            await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.query_one("#field-title Input", Input).value == expected
    assert threat(commented_file, "T1")["title"] == expected


@pytest.mark.parametrize("answer", ["k", "d"])
async def test_a_record_deleted_on_disk_while_typed_can_be_kept_with_the_typing(commented_file, answer):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")
        assert app.screen.record_id == "T1"
        await pilot.press("end", *TYPED)
        text = commented_file.read_text()
        start = text.index("# Comment about T1")
        commented_file.write_text(text[:start] + text[text.index("# Comment about T2") :])
        app.check_disk()
        await settle(app, pilot)
        await pilot.press("tab")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "T1 was deleted while you were editing it" in str(app.screen.query_one(".question").render())
        await pilot.press(answer)
        await settle(app, pilot)
        assert "there is no record" not in notified(app)
    kept = threat(commented_file, "T1")
    if answer == "k":
        assert kept is not None and kept["title"] == "SQL injection" + TYPED
        assert kept["severity"] == "high" and kept["targets"] == ["C1"]
    else:
        assert kept is None


# ---- a file that cannot be written never traps the user ----------------------------------------------------------


async def quit_with_a_file_that_no_longer_parses(app: TmtuiApp, pilot, path: Path) -> None:
    app.edit_field("T1", "title", "mine")
    path.write_text("[[threats]\nbroken")
    await pilot.press("ctrl+q")
    await settle(app, pilot)
    assert isinstance(app.screen, ChoiceModal)
    assert "Your 1 unsaved edit cannot be saved" in str(app.screen.query_one(".question").render())


async def test_quitting_when_the_file_cannot_be_merged_can_save_elsewhere(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await quit_with_a_file_that_no_longer_parses(app, pilot, commented_file)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SaveAsScreen)
        assert app.screen.query_one(Input).value == str(commented_file.with_name("threatmodel.mine.toml"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.is_running
    assert commented_file.read_text() == "[[threats]\nbroken"
    assert threat(commented_file.with_name("threatmodel.mine.toml"), "T1")["title"] == "mine"


async def test_quitting_when_the_file_cannot_be_merged_can_drop_the_edits(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await quit_with_a_file_that_no_longer_parses(app, pilot, commented_file)
        assert "Quit, drop 1 edit (d)" in [str(b.label) for b in app.screen.query("Button")]
        await pilot.press("d")
        await settle(app, pilot)
        assert not app.is_running
    assert commented_file.read_text() == "[[threats]\nbroken"


async def test_quitting_when_the_file_cannot_be_merged_can_stay(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await quit_with_a_file_that_no_longer_parses(app, pilot, commented_file)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert app.session.model.find("T1").title == "mine"


async def test_quitting_when_the_folder_is_gone_saves_elsewhere_at_a_path_typed_in(tmp_path, commented_text):
    # a folder that vanished is unwritable even for root, unlike a chmod'ed one
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "threatmodel.toml"
    path.write_text(commented_text)
    elsewhere = tmp_path / "rescued.toml"
    app = make_app(path, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.edit_field("T1", "title", "mine")
        path.unlink()
        folder.rmdir()
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("s")
        await settle(app, pilot)
        app.screen.query_one(Input).value = str(elsewhere)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.is_running
    assert threat(elsewhere, "T1")["title"] == "mine"


async def test_save_as_asks_before_replacing_an_existing_file(commented_file, monkeypatch):
    monkeypatch.setattr(session_module, "can_write", lambda path: path != commented_file)
    mine = commented_file.with_name("threatmodel.mine.toml")
    mine.write_text("# someone's\n")
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert f"{mine} exists. Replace it?" in str(app.screen.query_one(".question").render())
        await pilot.press("n")  # choose another name
        await settle(app, pilot)
        assert isinstance(app.screen, SaveAsScreen)
        assert mine.read_text() == "# someone's\n"


# ---- read-only files -------------------------------------------------------------------------------------------


async def test_a_read_only_file_opens_read_only_and_the_first_edit_offers_save_as(commented_file, monkeypatch):
    # the tests may run as root, who can write any file: the session's writability check stands in for chmod
    monkeypatch.setattr(session_module, "can_write", lambda path: path != commented_file)
    before = commented_file.read_bytes()
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "read-only" in app.sub_title
        await type_into_t1_title(app, pilot)
        await pilot.press("tab")
        await settle(app, pilot)
        assert isinstance(app.screen, SaveAsScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        mine = commented_file.with_name("threatmodel.mine.toml")
        assert app.model_path == mine and "read-only" not in app.sub_title
        await pilot.press("escape", "enter", "end", "!", "tab")  # the app goes on with the new file
        await settle(app, pilot)
    assert commented_file.read_bytes() == before
    assert threat(mine, "T1")["title"] == "SQL injection" + TYPED + "!"


async def test_a_hang_up_with_a_file_that_cannot_be_written_puts_the_edits_in_a_new_file_beside_it(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into_t1_title(app, pilot)
        commented_file.write_text("[[threats]\nbroken")
        app._hang_up(signal.SIGHUP)
        assert app.hang_up_timer is not None
        app.hang_up_timer.cancel()  # in the real app it ends a process whose terminal is gone; here, the tests'
        await settle(app, pilot)
    assert commented_file.read_text() == "[[threats]\nbroken"
    (rescued,) = commented_file.parent.glob("threatmodel.unsaved-*.toml")
    assert threat(rescued, "T1")["title"] == "SQL injection" + TYPED


@pytest.mark.parametrize("asked_first", [False, True], ids=["hang-up-while-typing", "hang-up-while-asked"])
async def test_a_hang_up_keeps_typing_that_met_a_change_on_disk_in_a_new_file(commented_file, asked_first):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter", "ctrl+u", *"mine")
        change_t1_title_on_disk(commented_file)
        app.check_disk()
        await settle(app, pilot)
        if asked_first:
            await pilot.press("tab")
            await settle(app, pilot)
            assert isinstance(app.screen, ChoiceModal)
        app._hang_up(signal.SIGHUP)
        assert app.hang_up_timer is not None
        app.hang_up_timer.cancel()
        await settle(app, pilot)
    assert threat(commented_file, "T1")["title"] == "theirs"  # nobody was asked: the file's change stands
    (rescued,) = commented_file.parent.glob("threatmodel.unsaved-*.toml")
    assert threat(rescued, "T1")["title"] == "mine"  # and the typing is kept beside it


async def test_quitting_while_the_field_being_typed_changed_on_disk_asks_first(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter", "ctrl+u", *"mine")
        change_t1_title_on_disk(commented_file)
        app.check_disk()
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, ChoiceModal)
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not app.is_running
    assert threat(commented_file, "T1")["title"] == "mine"


async def test_keys_typed_while_a_large_model_is_read_are_applied_once_it_opens(tmp_path, monkeypatch):
    """Type-ahead, as a shell keeps it: a burst sent the moment the app starts (tmux send-keys after launching)
    is not dropped by the loading screen."""
    from tmtui.tui.screens.file_screens import LoadingScreen

    monkeypatch.setattr("tmtui.tui.app.LOADING_SCREEN_DELAY", 0)  # shown at once, as for a read that takes a while
    path = tmp_path / "big.toml"
    path.write_text(big_model(400), encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoadingScreen)
        burst(app, ["2", "enter", "ctrl+u", *"Typed ahead", "enter", "escape"])
        await settle(app, pilot)
        while isinstance(app.screen, LoadingScreen) or app._held_keys:
            await pilot.pause(0.05)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    titles = [t["title"] for t in tomllib.loads(path.read_text(encoding="utf-8"))["threats"]]
    assert "Typed ahead" in titles


async def test_keys_typed_ahead_for_a_model_that_does_not_open_are_dropped(tmp_path):
    from tmtui.tui.screens.file_screens import LoadingScreen

    path = tmp_path / "big.toml"
    path.write_text(big_model(400) + "\n[[threats]\n", encoding="utf-8")  # a syntax error at the end
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["2", "enter", *"xyz"])
        await settle(app, pilot)
        while isinstance(app.screen, LoadingScreen) or app._held_keys:
            await pilot.pause(0.05)
        assert app.session is None and not app._held_keys
    assert path.read_bytes() == before


def slow_model_app(tmp_path: Path, monkeypatch) -> tuple[TmtuiApp, threading.Event]:
    """The app on a large model whose read waits until the event returned is set."""
    from tmtui.session import Session

    release = threading.Event()
    real_open = Session.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls: type[Session], path: Path, quick: bool = False) -> Session:
        release.wait(10)
        return real_open(cls, path, quick=quick)

    monkeypatch.setattr(Session, "open", classmethod(slow_open))
    path = tmp_path / "big.toml"
    path.write_text(big_model(400), encoding="utf-8")
    return make_app(path), release


async def quits_within(app: TmtuiApp, pilot, seconds: float) -> bool:
    """Whether the app quits within `seconds`, looked at every 20 ms."""
    for _ in range(round(seconds / 0.02)):
        if app.return_code is not None:
            break
        await pilot.pause(0.02)
    return app.return_code is not None


async def quit_while_reading(app: TmtuiApp, pilot, release: threading.Event) -> bool:
    """Whether the app quit before the read was let end (then it is let end)."""
    quit_early = await quits_within(app, pilot, 1) and not release.is_set()
    release.set()
    return quit_early


async def test_ctrl_q_quits_at_once_while_a_large_model_is_read(tmp_path, monkeypatch):
    """A quit must not wait for a large model to be read when nothing typed waits for it."""
    app, release = slow_model_app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["ctrl+q"])
        assert await quit_while_reading(app, pilot, release)


async def test_ctrl_q_typed_ahead_quits_after_the_keys_before_it_and_saves_what_they_typed(tmp_path, monkeypatch):
    app, release = slow_model_app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        burst(app, ["2", "enter", "ctrl+u", *"Typed then quit", "ctrl+q"])
        assert not await quit_while_reading(app, pilot, release)
        assert [n.title for n in app._notifications] == ["Quit"]
        assert await quits_within(app, pilot, 10)
    titles = [t["title"] for t in tomllib.loads(app.model_path.read_text(encoding="utf-8"))["threats"]]
    assert "Typed then quit" in titles


async def test_ctrl_q_pressed_twice_while_keys_wait_for_the_model_quits_at_once(tmp_path, monkeypatch):
    app, release = slow_model_app(tmp_path, monkeypatch)
    before = app.model_path.read_bytes()
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["2", "enter", "ctrl+u", *"Dropped", "ctrl+q", "ctrl+q"])
        assert await quit_while_reading(app, pilot, release)
    assert app.model_path.read_bytes() == before


async def test_a_quit_typed_ahead_of_a_model_that_does_not_open_still_quits(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(big_model(400) + "\n[[threats]\n", encoding="utf-8")  # a syntax error at the end
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        burst(app, ["2", "enter", *"xyz", "ctrl+q"])
        assert await quits_within(app, pilot, 10)
    assert path.read_bytes() == before


async def test_ctrl_c_while_a_large_model_is_read_says_at_once_how_to_quit(tmp_path, monkeypatch):
    app, release = slow_model_app(tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        burst(app, ["2", "ctrl+c"])
        for _ in range(50):
            if app._notifications:
                break
            await pilot.pause(0.02)
        titles = [n.title for n in app._notifications]
        assert not release.is_set() and titles == ["Do you want to quit?"]
        release.set()
