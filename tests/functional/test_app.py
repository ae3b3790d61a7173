"""The app driven with Pilot: every pane adds, edits, links, deletes and undoes, and the file on disk is checked
after each step (comments intact, only the intended change)."""

from __future__ import annotations

import tomllib
from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.widgets import Input, SelectionList

from tests.functional.pilot_helpers import big_model, changed_lines, settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.commands import ModelCommands
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.export_screen import ExportScreen
from tmtui.tui.screens.file_screens import BrokenFileScreen, MissingFileScreen
from tmtui.tui.screens.help_screen import HelpScreen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList, RecordTable


def make_app(path: Path, **settings) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(**settings), watch_interval=None)


async def test_opening_and_quitting_without_an_edit_leaves_the_file_byte_for_byte(commented_file):
    before = commented_file.read_bytes()
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in "1234":
            await pilot.press(key)
        await pilot.press("ctrl+q")
    assert commented_file.read_bytes() == before


async def test_keys_switch_panes_and_focus_the_main_list(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        for key, kind in (("2", "threats"), ("3", "mitigations"), ("4", "reviews"), ("1", "components")):
            await pilot.press(key)
            assert isinstance(app.focused, RecordTable)
            assert app.focused.kind == kind


async def test_new_threat_is_written_after_the_last_threat_with_comments_intact(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "n")
        assert isinstance(app.screen, RecordScreen)
        assert isinstance(app.focused, Input)  # the title, ready to type
        await pilot.press(*"Session fixation", "tab")
        await settle(app, pilot)
        after = commented_file.read_text()
        assert sorted(changed_lines(commented_text, after)) == sorted(
            ["+", "+[[threats]]", '+id = "T4"', '+title = "Session fixation"']
        )
        assert 'targets = ["C1"]\n\n[[threats]]\nid = "T4"\ntitle = "Session fixation"\n\n# ---- Mitigations' in after
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        threats = app.screen.query_one("#threats", RecordList)
        assert "T4" in [r.id for r in threats._records]
        assert threats.table.selected_id == "T4"


async def test_editing_a_field_changes_only_its_line(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "enter")  # T1 is first: highest risk
        assert app.screen.record_id == "T1"
        title = app.screen.query_one("#field-title Input", Input)
        title.value = "SQL injection in search"
        await pilot.press("tab")
        await settle(app, pilot)
    assert changed_lines(commented_text, commented_file.read_text()) == [
        '-title = "SQL injection"',
        '+title = "SQL injection in search"',
    ]


async def test_linking_a_mitigation_to_threats_edits_the_array_in_place(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3", "enter")
        assert app.screen.record_id == "M1"
        threats = app.screen.query_one("#field-threats SelectionList", SelectionList)
        threats.select("T3")
        await settle(app, pilot)
    assert changed_lines(commented_text, commented_file.read_text()) == [
        '-threats = ["T1"]',
        '+threats = ["T1", "T3"]',
    ]


async def test_deleting_asks_first_and_can_drop_references(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")  # T1 is selected, and M1 names it
        await pilot.press("delete")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")  # cancel
        await settle(app, pilot)
        assert commented_file.read_text() == commented_text
        await pilot.press("delete", "d")  # delete and drop the references
        await settle(app, pilot)
    after = commented_file.read_text()
    data = tomllib.loads(after)
    assert [t["id"] for t in data["threats"]] == ["T2", "T3"]
    assert data["mitigations"][0]["threats"] == []
    assert "# Comment about T1" not in after and "# Comment about T2" in after


async def test_undo_and_redo_restore_the_file_exactly(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "delete", "y")
        await settle(app, pilot)
        deleted = commented_file.read_text()
        assert deleted != commented_text
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert commented_file.read_text() == commented_text
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert commented_file.read_text() == deleted


async def test_validation_problems_show_in_the_list_and_beside_the_field(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[[threats]]\nid = "T1"\ntitle = "x"\ntargets = ["C9"]\n')
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#threats-table", RecordTable)
        assert table.get_row_at(table.row_ids.index("T1"))[0].plain == "!"
        await pilot.press("enter")
        problems = app.screen.query_one("#field-targets .field-problems")
        assert "targets names C9" in str(problems.render())
        assert app.screen.query_one("#field-targets").has_class("has-error")


async def test_export_screen_writes_the_report_beside_the_model(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("w")
        await settle(app, pilot)
        report = commented_file.with_suffix(".md")
        assert report.read_text().startswith("# Threat model: Shop\n")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_export_never_writes_over_the_model_and_asks_before_replacing_a_file(commented_file, commented_text):
    other = commented_file.with_name("notes.md")
    other.write_text("my notes\n")
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = commented_file.name
        app.screen.action_write()
        await settle(app, pilot)
        assert commented_file.read_text() == commented_text
        path_input.value = other.name
        app.screen.action_write()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("n")
        await settle(app, pilot)
        assert other.read_text() == "my notes\n"


async def test_copy_uses_the_clipboard_escape_sequence(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        for _ in range(100):  # the export screen renders its report first: wait for it, within a bound
            if isinstance(app.screen, ExportScreen) and app.screen.is_mounted:
                break
            await pilot.pause(0.01)
        await pilot.press("c")
        for _ in range(100):
            if app.clipboard:
                break
            await pilot.pause(0.01)
        assert app.clipboard.startswith("# Threat model: Shop")


async def test_a_file_that_does_not_parse_is_shown_and_never_written(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[system]\nname = "x\n[[threats]]\n')
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, BrokenFileScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(".excerpt"))
        assert 'name = "x' in shown
        await pilot.press("n", "ctrl+s", "r")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before


async def test_a_broken_file_fixed_elsewhere_opens_by_itself(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[system]\nname = "x\n')
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, BrokenFileScreen)
        path.write_text('[system]\nname = "fixed"\n')
        app.check_disk()
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.session.model.system.name == "fixed"


async def test_a_missing_file_offers_a_starter_model(tmp_path):
    path = tmp_path / "threatmodel.toml"
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, MissingFileScreen)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert "What could go wrong?" in path.read_text()


async def test_recording_a_review_keeps_todays_figures(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "r")
        assert isinstance(app.screen, RecordScreen)
        await settle(app, pilot)
    review = tomllib.loads(commented_file.read_text())["reviews"][-1]
    assert review["id"] == "R2"
    assert review["metrics"] == {"threats": 3, "open": 3, "open_high_risk": 1, "mitigated_percent": 0}


async def test_mitigating_an_open_threat_from_pane_three(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        app.screen.query_one("#unmitigated-table", RecordTable).focus()
        await pilot.press("m")
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id is None
        await pilot.press(*"Lock the DB", "enter")
        await settle(app, pilot)
    mitigations = tomllib.loads(commented_file.read_text())["mitigations"]
    assert mitigations[-1] == {"id": "M2", "threats": ["T2"], "title": "Lock the DB"}


async def test_a_change_on_disk_is_reloaded_when_there_are_no_edits(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        commented_file.write_text(commented_file.read_text().replace('"SQL injection"', '"SQLi"'))
        app.check_disk()
        await settle(app, pilot)
        assert app.session.model.find("T1").title == "SQLi"
        assert "The file changed on disk; reloaded." in [n.message for n in app._notifications]


async def test_a_change_on_disk_is_merged_with_unsaved_edits(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.edit_field("T2", "title", "mine")
        theirs = commented_file.read_text().replace('"Brute force"', '"theirs"')
        commented_file.write_text(theirs)
        await pilot.press("ctrl+s")  # refused: the file changed; merged instead, then saved
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    titles = [t["title"] for t in tomllib.loads(commented_file.read_text())["threats"]]
    assert titles == ["SQL injection", "mine", "theirs"]


@pytest.mark.parametrize(("answer", "expected"), [("m", "mine"), ("t", "theirs")])
async def test_a_field_changed_on_both_sides_is_asked_about(commented_file, answer, expected):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.edit_field("T2", "title", "mine")
        commented_file.write_text(commented_file.read_text().replace('"Password dump"', '"theirs"'))
        app.check_disk()
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "T2.title changed here and on disk" in str(app.screen.query_one(".question").render())
        await pilot.press(answer)
        await settle(app, pilot)
        assert app.session.model.find("T2").title == expected
        await pilot.press("ctrl+q")
    assert tomllib.loads(commented_file.read_text())["threats"][1]["title"] == expected


async def test_long_text_can_be_edited_in_the_editor(commented_file, tmp_path, monkeypatch):
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor.\\nSecond line.\\n" > "$1"\n')
    editor.chmod(0o755)
    app = make_app(commented_file, editor=str(editor))
    monkeypatch.setattr(app, "suspend", nullcontext)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "enter")
        notes = app.screen.query_one("#field-notes TextArea")
        for _ in range(4):  # from the title back round the form's last fields to the notes, as a person would
            await pilot.press("shift+tab")
            if app.focused is notes:
                break
        assert app.focused is notes
        await pilot.press("ctrl+e")
        await settle(app, pilot)
    notes = tomllib.loads(commented_file.read_text())["threats"][0]["notes"]
    assert notes == "Written in the editor.\nSecond line."


async def test_help_lists_every_key(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        from tmtui.tui.screens.help_screen import help_markdown

        text = help_markdown()
        for key in ("`n`", "`Delete`", "`Ctrl+S`", "`x`", "`Ctrl+Z`", "`1`", "set-clipboard"):
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_palette_offers_every_action_and_the_terminal_theme_is_remembered(commented_file):
    from tmtui.document.settings import load_settings

    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        titles += [title for title, _, _ in ModelCommands(app.screen).commands()]
        for title in ("Export", "Save", "Help", "Add a threat", "Record a review", "Open T1 SQL injection"):
            assert title in titles
        app.action_ansi_theme()
        await pilot.pause()
    assert load_settings().theme == "ansi-dark"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_tab_titles_shorten_before_they_vanish(commented_file, size):
    app = make_app(commented_file)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        labels = [str(tab.label) for tab in app.screen.query("Tab")]
        assert [label[0] for label in labels] == ["1", "2", "3", "4"]
        assert sum(len(label) + 2 for label in labels) <= size[0]


async def test_mapping_a_component_picks_its_boundary_from_the_existing_ones(commented_file):
    from textual.widgets import Select

    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "n")
        assert app.screen.kind == "components"
        await pilot.press(*"Cache", "tab")
        await settle(app, pilot)
        assert app.screen.record_id == "C3"
        assert "C3" in str(app.screen.query_one("#record-title").render())
        kind = app.screen.query_one("#field-kind Select", Select)
        kind.value = "store"
        assets = app.screen.query_one("#field-assets SelectionList", SelectionList)
        assets.select("A2")
        await settle(app, pilot)
    component = tomllib.loads(commented_file.read_text())["components"][-1]
    assert component == {"id": "C3", "name": "Cache", "kind": "store", "assets": ["A2"]}


async def test_the_system_summary_is_edited_in_place(commented_file, commented_text):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await app.screen.active_pane.open_section("system")
        await pilot.pause()
        name = app.screen.query_one("#system #field-name Input", Input)
        name.focus()
        name.value = "Shop 2"
        await pilot.press("tab")
        await settle(app, pilot)
    assert changed_lines(commented_text, commented_file.read_text()) == [
        '-name = "Shop"  # the shop',
        '+name = "Shop 2"  # the shop',
    ]


async def test_threat_filters_narrow_the_list(commented_file):
    from textual.widgets import Select

    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        pane = app.screen.active_pane
        pane.query_one("#filter-target", Select).value = "C2"
        await pilot.pause()
        assert [r.id for r in pane.main_list()._records] == ["T2"]
        pane.query_one("#filter-target", Select).value = Select.NULL
        pane.query_one("#filter-stride", Select).value = "tampering"
        await pilot.pause()
        assert [r.id for r in pane.main_list()._records] == ["T1"]


async def test_a_threat_filter_opens_its_list_on_enter_or_a_click_and_narrows_the_list(commented_file):
    """The filters make their drop-down list when first opened: keys and clicks still open it, pick, and close it."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        pane = app.screen.active_pane
        target = pane.query_one("#filter-target", Select)
        assert not target.query(SelectOverlay)  # no list until it is opened
        target.focus()
        await pilot.press("enter")
        assert target.expanded and isinstance(app.focused, SelectOverlay)
        await pilot.press("down", "down", "enter")  # past "Any target" and C1
        await pilot.pause()
        assert target.value == "C2" and not target.expanded and app.focused is target
        assert [r.id for r in pane.main_list()._records] == ["T2"]

        stride = pane.query_one("#filter-stride", Select)
        await pilot.click(stride)
        assert stride.expanded and isinstance(app.focused, SelectOverlay)
        await pilot.press("escape")
        assert not stride.expanded and stride.value == Select.NULL and app.focused is stride
        await pilot.click(stride)
        await pilot.press(*"tamp", "enter")
        await pilot.pause()
        assert stride.value == "tampering"
        assert [r.id for r in pane.main_list()._records] == []
        assert "No threat matches these filters." in str(pane.main_list().query_one(".empty-hint").render())

        target.value = Select.NULL
        await pilot.pause()
        assert [r.id for r in pane.main_list()._records] == ["T1"]


async def test_the_threat_form_previews_the_sentence_and_the_risk(commented_file):
    from textual.widgets import Static

    app = make_app(commented_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "enter")
        screen = app.screen
        screen.query_one("#field-source Input", Input).value = "An attacker"
        screen.query_one("#field-action Input", Input).value = "inject SQL"
        screen.query_one("#field-impact Input", Input).value = "data loss"
        await pilot.pause()
        sentence = str(screen.query_one("#sentence", Static).render())
        assert sentence == "An attacker can inject SQL, which leads to data loss."
        assert "critical" in str(screen.query_one("#risk", Static).render())
        assert "M1 Prepared statements" in str(screen.query_one("#linked-mitigations", Static).render())


async def test_a_large_model_is_read_on_a_worker_behind_a_loading_screen(tmp_path, monkeypatch):
    from tmtui.tui.screens.file_screens import LoadingScreen

    monkeypatch.setattr("tmtui.tui.app.LOADING_SCREEN_DELAY", 0)  # shown at once, as for a read that takes a while
    path = tmp_path / "big.toml"
    path.write_text(big_model(400))
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoadingScreen)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("2")
        assert len(app.screen.query_one("#threats", RecordList)._records) == 400
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before


async def test_the_first_save_backs_up_the_file_as_it_was(commented_file, commented_text):
    from tmtui.state import backup_folder

    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        app.edit_field("T1", "title", "one")
        await settle(app, pilot)
        app.edit_field("T1", "title", "two")
        await settle(app, pilot)
    backups = list(backup_folder().glob("threatmodel-*.toml"))
    assert [b.read_text() for b in backups] == [commented_text]


async def test_recent_models_can_be_opened_from_the_palette(commented_file, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[system]\nname = "Other"\n')
    app = make_app(other)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        wanted = f"Open recent: {other.resolve()}"
        command = next(run for title, _, run in ModelCommands(app.screen).commands() if title == wanted)
        command()
        await settle(app, pilot)
        assert app.session.model.system.name == "Other"
        assert isinstance(app.screen, MainScreen)


async def test_ctrl_n_on_a_threat_starts_a_mitigation_for_it(commented_file):
    app = make_app(commented_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "enter")
        assert app.screen.record_id == "T1"
        await pilot.press("ctrl+n")
        assert app.screen.kind == "mitigations" and app.screen.record_id is None
        await pilot.press(*"WAF rule", "tab")
        await settle(app, pilot)
    assert tomllib.loads(commented_file.read_text())["mitigations"][-1]["threats"] == ["T1"]


async def test_an_empty_threat_list_teaches_the_next_step(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[[components]]\nid = "C1"\nname = "API"\n')
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        threats = app.screen.query_one("#threats", RecordList)
        assert threats.has_class("empty")
        hint = str(threats.query_one(".empty-hint").render())
        assert hint.startswith("No threats yet — press n, or ask: what could go wrong with C1 (API)? ")
        assert all(f"{key} " in hint for key in ("s suggests", "b starts a brainstorm", "t takes one threat"))


async def test_records_in_an_inline_array_are_refused_with_a_message_not_a_crash(tmp_path):
    path = tmp_path / "m.toml"
    text = 'threats = [{id = "T1", title = "inline"}]\n'
    path.write_text(text)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "n")  # no form to type a new threat into, only the reason
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("delete", "y")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)  # the threat's form shows it, says why, and takes no typing
        assert "inline array" in str(app.screen.query_one(".read-only-reason").render())
        assert not app.screen.query_one("#field-title Input", Input).focusable
        messages = [f"{n.title}: {n.message}" for n in app._notifications]
    assert path.read_text() == text
    assert any(m.startswith("Not added:") and "inline array" in m for m in messages)
    assert any(m.startswith("Not deleted:") for m in messages)


async def test_duplicate_and_missing_ids_open_with_marks_instead_of_crashing(tmp_path):
    path = tmp_path / "m.toml"
    text = (
        '[[threats]]\nid = "T1"\ntitle = "one"\n\n'
        '[[threats]]\nid = "T1"\ntitle = "two"\n\n'
        '[[threats]]\ntitle = "none"\n'
    )
    path.write_text(text)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#threats-table", RecordTable)
        assert sorted(table.row_ids) == ["", "T1", "T1"]
        assert [table.get_row_at(i)[0].plain for i in range(3)] == ["!", "!", "!"]
        table.move_cursor(row=table.row_ids.index(""))
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen)  # no form for a record without an id, a warning instead
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert "This record has no id, so tmtui cannot edit it: give it one in the file." in warnings
        await pilot.press("ctrl+q")
    assert path.read_text() == text


ODD_MODELS = {
    "wrong types": 'schema = 1\n[system]\nname = 3\n[[threats]]\nid = "T1"\ntitle = 5\ntargets = "C1"\nlikelihood = 2\n'
    '[[reviews]]\nid = "R1"\ndate = "yesterday"\nmetrics = 7\n',
    "system not a table": 'system = "x"\n[[components]]\nid = "C1"\nname = "API"\n',
    "threats as a table": '[threats]\nid = "T1"\n',
    "array of numbers": "assets = [1, 2]\n",
    "unknown enum values": '[[threats]]\nid = "T1"\ntitle = "t"\nstride = ["sneaking"]\nstatus = "pending"\n'
    'severity = "extreme"\n[[components]]\nid = "C1"\nname = "c"\nkind = "cloud"\n',
}


@pytest.mark.parametrize("text", ODD_MODELS.values(), ids=ODD_MODELS.keys())
async def test_odd_but_readable_models_can_be_browsed_and_edited_without_a_crash(tmp_path, text):
    path = tmp_path / "m.toml"
    path.write_text(text)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        for pane in "1234":
            await pilot.press(pane, "enter")
            await settle(app, pilot)
            if isinstance(app.screen, RecordScreen):
                first = app.screen.query(Input).first() if app.screen.query(Input) else None
                if first is not None:
                    first.focus()
                    first.value = "edited"
                await pilot.press("tab", "escape")
                await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
        await pilot.press("1")
        await app.screen.active_pane.open_section("system")
        await pilot.pause()
        name = app.screen.query_one("#system #field-name Input", Input)
        editable = name.focusable
        name.focus()
        name.value = "Renamed"
        await pilot.press("tab")
        await settle(app, pilot)
        reasons = [str(r.render()) for r in app.screen.query("#system .read-only-reason")]
        await pilot.press("ctrl+q")
    system = tomllib.loads(path.read_text()).get("system")  # whatever was saved still parses
    if isinstance(system, dict):
        assert editable and system["name"] == "Renamed"
    else:  # a system that is not a table: its form says why and takes no typing, and the file keeps it as written
        assert not editable and len(reasons) == 1 and "[system]" in reasons[0] and "fix it by hand" in reasons[0]
        assert system == "x"


async def test_quitting_with_a_change_on_disk_merges_it_saves_and_quits(commented_file):
    app = make_app(commented_file, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.edit_field("T2", "title", "mine")
        commented_file.write_text(commented_file.read_text().replace('"Brute force"', '"theirs"'))
        await pilot.press("ctrl+q")  # the save is refused, the change merged, and the merged model saved
        await settle(app, pilot)
        assert not app.is_running
    titles = [t["title"] for t in tomllib.loads(commented_file.read_text())["threats"]]
    assert titles == ["SQL injection", "mine", "theirs"]
