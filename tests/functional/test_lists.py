"""Lists find and link: `/` filters every list and pick list, a threat links existing mitigations, columns and
wide text fit, help scrolls, the palette speaks plainly, and each pane shows its question at every size."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Select, SelectionList

from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.commands import ModelCommands
from tmtui.tui.screens.help_screen import HelpScreen, help_markdown
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList

MODEL = """\
schema = 1

[system]
name = "Shop"

[[boundaries]]
id = "B1"
name = "Internet"

[[boundaries]]
id = "B2"
name = "Data centre"

[[boundaries]]
id = "B3"
name = "DMZ"

[[components]]
id = "C1"
name = "Web"
kind = "process"
boundary = "B1"

[[components]]
id = "C2"
name = "注文データベース（顧客情報と支払い記録を保存する主要なストア）"
kind = "store"
boundary = "B2"

[[flows]]
id = "F1"
label = "Orders with the customer's address, card token and basket, sent on every checkout"
from = "C1"
to = "C2"
protocol = "postgres wire protocol over TLS"
encrypted = false

[[threats]]
id = "T1"
title = "SQL injection in search"
likelihood = "high"
severity = "high"
status = "mitigated"
targets = ["C1"]

[[threats]]
id = "T2"
title = "Password dump"
likelihood = "medium"
severity = "medium"
notes = "Found by the red team in the backups"
targets = ["C2"]

[[threats]]
id = "T3"
title = "注文データベースの顧客情報が暗号化されずに外部のバックアップ先へ複製され続ける危険性について"
targets = ["C2"]

[[mitigations]]
id = "M1"
title = "Prepared statements"
threats = ["T1"]
status = "done"

[[mitigations]]
id = "M2"
title = "Encrypted backups"
status = "planned"
"""

QUESTIONS = (
    "What are we building?",
    "What could go wrong?",
    "What are we going to do about it?",
    "How well did we do?",
)


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def make_app(path: Path) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(), watch_interval=None)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_lines(app: TmtuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_lines(app: TmtuiApp, selector: str) -> list[str]:
    """The lines a widget draws on screen, read from the screen itself."""
    region = app.screen.query_one(selector).region
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


def shown_ids(app: TmtuiApp, list_id: str) -> list[str]:
    return app.screen.query_one(f"#{list_id}", RecordList).table.row_ids


def saved(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_each_pane_shows_its_question_in_full_at_every_size(model_file: Path, size: tuple[int, int]) -> None:
    async with make_app(model_file).run_test(size=size) as pilot:
        for number, question in enumerate(QUESTIONS, start=1):
            await pilot.press(str(number))
            await settle(pilot)
            assert question in "\n".join(screen_lines(pilot.app)), question
        assert "How did we do?" not in "\n".join(screen_lines(pilot.app))


async def test_slash_filters_the_focused_list_by_id_title_or_any_text_and_escape_ends_it(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        assert "/" in "\n".join(screen_lines(app)).splitlines()[-1]  # the footer names the key
        assert shown_ids(app, "threats") == ["T1", "T2", "T3"]
        await pilot.press("slash", *"red team")  # a word of T2's notes
        await settle(pilot)
        assert shown_ids(app, "threats") == ["T2"]
        threats = app.screen.query_one("#threats", RecordList)
        assert threats.table.region.width == threats.region.width  # the filter line takes a row, not columns
        await pilot.press(*["backspace"] * 8, *"t3")
        await settle(pilot)
        assert shown_ids(app, "threats") == ["T3"]
        await pilot.press("enter")  # back to the list, the filter kept, and enter opens what it shows
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "T3"
        await pilot.press("escape")
        await settle(pilot)
        assert shown_ids(app, "threats") == ["T3"]
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert shown_ids(app, "threats") == ["T1", "T2", "T3"]
        assert app.focused is app.screen.query_one("#threats", RecordList).table


async def test_filtering_a_pick_list_keeps_what_the_filter_hides_selected(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(100, 40)) as pilot:
        app = pilot.app
        await pilot.press("3", "enter")
        await settle(pilot)
        assert app.screen.record_id == "M1"
        picks = app.screen.query_one("#field-threats SelectionList", SelectionList)
        picks.focus()
        await pilot.press("slash", *"password")
        await settle(pilot)
        assert [picks.get_option_at_index(i).value for i in range(picks.option_count)] == ["T2"]
        await pilot.press("enter", "space")
        await settle(pilot)
        assert saved(model_file)["mitigations"][0]["threats"] == ["T1", "T2"]
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)  # escape ended the filter, not the form
        assert picks.option_count == 3
        assert sorted(picks.selected) == ["T1", "T2"]


async def test_filtering_a_reference_choice_narrows_its_options(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(100, 40)) as pilot:
        app = pilot.app
        await pilot.press("1")
        await app.screen.query_one("#pane-1").open_section("components")
        await settle(pilot)
        app.screen.query_one("#components", RecordList).table.focus()
        await pilot.press("enter")
        await settle(pilot)
        boundary = app.screen.query_one("#field-boundary Select", Select)
        boundary.focus()
        await pilot.press("slash", *"data")
        await settle(pilot)
        # the value chosen stays among the options, so the field keeps it; the filter lets B2 through, not B3
        assert [value for _, value in boundary._options if value is not Select.NULL] == ["B1", "B2"]
        await pilot.press("escape")
        await settle(pilot)
        assert [value for _, value in boundary._options if value is not Select.NULL] == ["B1", "B2", "B3"]
        assert boundary.value == "B1"


async def test_a_threat_links_and_unlinks_an_existing_mitigation_on_the_mitigations_side(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(100, 40)) as pilot:
        app = pilot.app
        app.open_record("threats", "T2")
        await settle(pilot)
        picks = app.screen.query_one("#field-mitigations SelectionList", SelectionList)
        assert picks.selected == []
        picks.select("M2")
        await settle(pilot)
        mitigations = saved(model_file)["mitigations"]
        assert mitigations[1]["threats"] == ["T2"]
        assert mitigations[0]["threats"] == ["T1"]  # M1 untouched
        picks.deselect("M2")
        await settle(pilot)
        assert saved(model_file)["mitigations"][1]["threats"] == []


async def test_columns_keep_their_widths_after_returning_from_a_form(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press(*" now")
        await pilot.resize_terminal(81, 24)  # the list is redrawn while the form covers it
        await settle(pilot)
        await pilot.press("escape")  # and again as the typing is committed on the way out
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        shown = "\n".join(screen_lines(app))
        assert "critical" in shown and "mitigated" in shown and "medium" in shown


async def test_wide_text_is_clipped_with_an_ellipsis_by_cell_width(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#threats", RecordList).table
        row = next(i for i, record_id in enumerate(table.row_ids) if record_id == "T3")
        title = table.get_row_at(row)[2]
        threat_column = table.ordered_columns[2]
        assert title.plain.endswith("…")
        assert cell_len(title.plain) <= threat_column.width
        line = next(line for line in screen_lines(app) if " T3 " in line)
        assert "…" in line and cell_len(line) == 80


async def test_the_map_keeps_its_boxes_at_80_columns(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await app.screen.query_one("#pane-1").open_section("map")
        await settle(pilot)
        drawn = [line.rstrip() for line in widget_lines(app, "#map-text") if line.strip()]
        assert drawn[0].startswith("┌ Internet")
        for line in drawn:
            assert line.startswith(("┌", "│", "└", "Legend")), line
        assert any(line.endswith("…") for line in drawn)


async def test_help_scrolls_with_the_keyboard(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help-scroll")
        await pilot.press("down", "down")
        await settle(pilot)
        assert scroll.scroll_y == 2
        await pilot.press("pagedown")
        await settle(pilot)
        assert scroll.scroll_y > 2
        await pilot.press("end")
        await settle(pilot)
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        await pilot.press("home")
        await settle(pilot)
        assert scroll.scroll_y == 0
    assert "| `/` | Filter |" in help_markdown()


async def test_the_palette_says_add_an_asset_and_writes_keys_as_people_do(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(100, 30)) as pilot:
        app = pilot.app
        await pilot.press("ctrl+p", *"add an")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette searches on a timer
        shown = "\n".join(screen_lines(app))
        assert "Add an asset" in shown and "Add an assumption" in shown
        assert "New asset" not in shown and "Add a asset" not in shown
        await pilot.press(*["backspace"] * 6, *"help")
        await settle(pilot)
        await pilot.pause(0.3)
        shown = "\n".join(screen_lines(app))
        assert "Key: ?" in shown and "question_mark" not in shown


async def test_the_palette_offers_each_kind_to_add_a_review_to_record_and_every_record_to_open(
    model_file: Path,
) -> None:
    app = make_app(model_file)
    async with app.run_test(size=(100, 30)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Export", "Save", "Help"):
            assert title in titles
        model_titles = [title for title, _, _ in ModelCommands(app.screen).commands()]
        for title in ("Add a threat", "Add a trust boundary", "Record a review", "Open T1 SQL injection in search"):
            assert title in model_titles


async def test_editing_the_only_threat_shows_the_new_title_in_the_list(tmp_path: Path) -> None:
    """An edit updates its row in place; with as many records changed as the list holds (a new model's first
    threat), the row was left showing the old title."""
    path = tmp_path / "threatmodel.toml"
    path.write_text('[system]\nname = "S"\n\n[[threats]]\nid = "T1"\ntitle = "Old title"\n', encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "enter", "ctrl+u", *"New title", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one("#pane-2 RecordList").table
        assert [str(cell) for cell in table.get_row_at(0)][1:3] == ["T1", "New title"]
        await app.workers.wait_for_complete()


async def test_home_and_end_go_to_the_first_and_last_record_of_a_list(model_file: Path) -> None:
    async with make_app(model_file).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#threats", RecordList).table
        await pilot.press("end")
        assert table.selected_id == shown_ids(app, "threats")[-1] != shown_ids(app, "threats")[0]
        await pilot.press("home")
        assert table.selected_id == shown_ids(app, "threats")[0]
