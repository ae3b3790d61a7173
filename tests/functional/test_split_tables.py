"""A threat appended by hand after the reviews (what a `git merge` often leaves): the app opens the file, adds a
threat and edits the appended one, and each change lands where a person expects with every comment kept."""

from __future__ import annotations

import tomllib

from textual.widgets import Input

from tests.functional.pilot_helpers import changed_lines, settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList

APPENDED = '\n# appended after the reviews\n[[threats]]\nid = "T4"\ntitle = "Replay"\n'


async def test_a_threat_appended_after_the_reviews_is_edited_and_a_new_one_follows_it(commented_file, commented_text):
    text = commented_text + APPENDED
    commented_file.write_text(text)
    app = TmtuiApp(commented_file, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "n")
        assert isinstance(app.screen, RecordScreen)
        await pilot.press(*"Session fixation", "tab")
        await settle(app, pilot)
        assert changed_lines(text, commented_file.read_text()) == [
            "+",
            "+[[threats]]",
            '+id = "T5"',
            '+title = "Session fixation"',
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        app.screen.query_one("#threats", RecordList).table.select("T4")
        await pilot.press("enter")
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "T4"
        app.screen.query_one("#field-title Input", Input).value = "Replay of old tokens"
        await pilot.press("tab")
        await settle(app, pilot)
    after = commented_file.read_text()
    assert after == text.replace('title = "Replay"', 'title = "Replay of old tokens"') + (
        '\n[[threats]]\nid = "T5"\ntitle = "Session fixation"\n'
    )
    assert [t["id"] for t in tomllib.loads(after)["threats"]] == ["T1", "T2", "T3", "T4", "T5"]


async def test_a_kind_the_app_cannot_edit_says_so_when_the_file_opens(tmp_path):
    path = tmp_path / "threatmodel.toml"
    path.write_text('system.name = "S"\n\n[[threats]]\nid = "T1"\ntitle = "t"\n', encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if n.title == "Read-only"]
        assert len(notes) == 1 and notes[0].message.startswith("system can be read but not edited here: ")
        assert isinstance(app.screen, MainScreen)


async def test_the_file_is_cut_for_editing_on_a_worker_once_the_first_pane_is_drawn(tmp_path, monkeypatch):
    import threading

    from tmtui.document.edit import Document

    cuts: list[bool] = []
    make_cut = Document._cut

    def cut(document):
        cuts.append(threading.current_thread() is threading.main_thread())
        make_cut(document)

    monkeypatch.setattr(Document, "_cut", cut)
    path = tmp_path / "threatmodel.toml"
    path.write_text('[system]\nname = "S"\n\n[[threats]]\nid = "T1"\ntitle = "t"\n', encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert cuts == [False]  # once, and not on the thread that draws
        app.edit_field("T1", "title", "Edited")
        assert cuts == [False]
        assert app.session is not None and 'title = "Edited"' in app.session.document.text()


async def test_the_form_of_a_kind_the_app_cannot_edit_says_why_and_takes_no_typing(tmp_path):
    from textual.widgets import Input, Static

    from tmtui.tui.widgets.fields import FieldEditor

    path = tmp_path / "threatmodel.toml"
    text = 'system.name = "S"\n\n[[threats]]\nid = "T1"\ntitle = "t"\n'
    path.write_text(text, encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await app.screen.active_pane.open_section("system")
        await pilot.pause()
        form = app.screen.query_one("#system")
        reason = form.query_one(".read-only-reason", Static)
        assert "dotted keys" in str(reason.render())
        name = form.query_one("#field-name", FieldEditor)
        assert name.query_one(Input).value == "S" and not name.query_one(Input).focusable  # disabled
        await pilot.press("escape")
        app.open_record("threats", "T1")  # a threat, which this file lets the app edit: its form takes typing
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        title = app.screen.query_one("#field-title", FieldEditor)
        assert not title.disabled and not app.screen.query(".read-only-reason")
    assert path.read_text(encoding="utf-8") == text
