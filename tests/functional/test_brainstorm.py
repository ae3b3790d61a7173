"""The group brainstorm driven with Pilot: ideas typed element by element are threats on disk at once, the group
moves back and forth through the questions, and the triage leaves on disk exactly what it decided."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Static

from tests.functional.pilot_helpers import settle
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.brainstorm_screen import BrainstormScreen
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.screens.triage_screen import MergePick, TriageScreen

HOSTILE = "[bold]x[/] [@click=app.quit] \x1b[2J"

SHOP = """\
schema = 1

[system]
name = "Shop"

[[components]]
id = "C1"
name = "Payment provider"
kind = "external"

[[components]]
id = "C2"
name = "Orders DB"
kind = "store"

[[components]]
id = "C3"
name = "Checkout"
kind = "process"

[[flows]]
id = "F1"
from = "C3"
to = "C1"
label = "charge"

# Written before the brainstorm: not an idea, never in the triage.
[[threats]]
id = "T1"
title = "Card data leaks"
stride = ["information_disclosure"]
targets = ["C2"]
"""


def make_app(path: Path, **settings: object) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(**settings), watch_interval=None)  # type: ignore[arg-type]


def model_file(tmp_path: Path, text: str = SHOP) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(text, encoding="utf-8")
    return path


def threats(path: Path) -> dict[str, dict]:
    return {t["id"]: t for t in tomllib.loads(path.read_text(encoding="utf-8")).get("threats", [])}


def shown(app: TmtuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def say(pilot, idea: str) -> None:
    """Type an idea and press Enter, as someone in the room would."""
    await pilot.press(*idea, "enter")
    await pilot.pause()


async def test_a_brainstorm_captures_ideas_moves_about_and_ends_with_the_triage_on_disk(tmp_path):
    path = model_file(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        assert isinstance(app.screen, BrainstormScreen)
        assert shown(app, "#progress").startswith("Element 1 of 4 · question 1 of 2 · Spoofing")
        assert shown(app, "#question") == "Could someone pretend to be Payment provider?"
        await say(pilot, "Fake provider callback")  # T2: C1, spoofing
        assert threats(path)["T2"]["title"] == "Fake provider callback"  # saved at Enter, before anything else
        assert app.screen.query_one("#idea", Input).value == ""
        assert "T2  Fake provider callback" in shown(app, "#ideas")  # still on the question, with what was said
        await pilot.press("pagedown", "pagedown")  # C1 done; the store is skipped for now
        assert shown(app, "#progress").startswith("Element 3 of 4 · question 1 of 6")
        await pilot.press("pageup")  # back to the store
        assert shown(app, "#question") == "Could someone change or delete what is kept in Orders DB?"
        await say(pilot, "Someone edits orders in the DB")  # T3: C2, tampering
        await pilot.press("up")  # back a question: the external entity's last one
        assert shown(app, "#progress").startswith("Element 1 of 4 · question 2 of 2 · Repudiation")
        await say(pilot, "Provider callback is forged")  # T4: C1, repudiation; the same idea as T2
        await pilot.press("enter")  # an empty Enter: the next question
        assert shown(app, "#progress").startswith("Element 2 of 4 · question 1 of 4")
        assert "T3  Someone edits orders in the DB" in shown(app, "#ideas")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(r)[0]) for r in range(table.row_count)] == ["T2", "T3", "T4"]
        await pilot.press("t", "3", "6")  # T2: tampering too, likelihood high, severity high
        await pilot.press("down", "i", "2", "5", "s", "s")  # T3: information disclosure, medium, medium; S on, off
        await pilot.press("down", "m")  # T4 repeats T2
        assert isinstance(app.screen, MergePick)
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["T2", "T3"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.query_one(DataTable).row_count == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        merged = path.read_text()
        await pilot.press("ctrl+z")  # the whole merge is one step: T4 comes back, T2 as it was before
        await settle(app, pilot)
        assert sorted(threats(path)) == ["T1", "T2", "T3", "T4"] and "Also raised as" not in path.read_text()
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert path.read_text() == merged

    on_disk = threats(path)
    assert sorted(on_disk) == ["T1", "T2", "T3"]
    assert on_disk["T1"] == {
        "id": "T1",
        "title": "Card data leaks",
        "stride": ["information_disclosure"],
        "targets": ["C2"],
    }
    assert on_disk["T2"] == {
        "id": "T2",
        "title": "Fake provider callback",
        "stride": ["spoofing", "tampering", "repudiation"],
        "targets": ["C1"],
        "tags": ["brainstorm"],
        "likelihood": "high",
        "severity": "high",
        "notes": "Also raised as: Provider callback is forged",
    }
    assert on_disk["T3"] == {
        "id": "T3",
        "title": "Someone edits orders in the DB",
        "stride": ["tampering", "information_disclosure"],
        "targets": ["C2"],
        "tags": ["brainstorm"],
        "likelihood": "medium",
        "severity": "medium",
    }
    assert "# Written before the brainstorm" in path.read_text(encoding="utf-8")


async def test_an_idea_typed_and_then_ctrl_q_is_kept(tmp_path):
    path = model_file(tmp_path)
    app = make_app(path, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "down", *"Provider denies a refund")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    idea = threats(path)["T2"]
    assert (idea["title"], idea["targets"], idea["stride"], idea["tags"]) == (
        "Provider denies a refund",
        ["C1"],
        ["repudiation"],
        ["brainstorm"],
    )


async def test_a_save_in_the_middle_of_an_idea_keeps_it_in_the_field_and_makes_one_idea(tmp_path):
    path = model_file(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", *"Fake provider")
        app.commit_typing()  # what a resize, ctrl+s or the palette does
        await settle(app, pilot)
        assert threats(path)["T2"]["title"] == "Fake provider"
        assert app.screen.query_one("#idea", Input).value == "Fake provider"
        await say(pilot, " callback")
        await settle(app, pilot)
        assert app.screen.query_one("#idea", Input).value == ""
    assert [t["title"] for t in threats(path).values()] == ["Card data leaks", "Fake provider callback"]


async def test_names_and_ideas_with_markup_and_escapes_are_shown_and_saved_as_written(tmp_path):
    path = model_file(tmp_path, SHOP.replace('"Payment provider"', '"[bold]x[/] [@click=app.quit] \\u001b[2J"'))
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        assert shown(app, "#question") == "Could someone pretend to be [bold]x[/] [@click=app.quit] ␛[2J?"
        assert shown(app, "#element") == "C1 [bold]x[/] [@click=app.quit] ␛[2J · an external entity"
        await say(pilot, "[red]Spoofed[/] [@click=app.quit]")
        assert "T2  [red]Spoofed[/] [@click=app.quit]" in shown(app, "#ideas")
        await pilot.press("escape")
        await pilot.pause()
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert [str(cell) for cell in row] == [
            "T2",
            "C1 [bold]x[/] [@c…",
            "S·····",
            "·",
            "·",
            "[red]Spoofed[/] [@click=a…",
        ]
    assert threats(path)["T2"]["title"] == "[red]Spoofed[/] [@click=app.quit]"


async def test_at_80x24_the_heading_the_question_the_field_and_the_keys_all_fit(tmp_path):
    app = make_app(model_file(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        screen = app.screen
        banner = shown(app, "#banner").splitlines()
        assert len(banner) == 3 and max(len(line) for line in banner) <= 80
        for selector in ("#progress", "#question", "#hint", "#idea", "#ideas-title"):
            region = screen.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23, selector  # above the footer
        assert app.focused is screen.query_one("#idea", Input)
        keys = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
        assert {"up", "pageup", "pagedown", "escape"} <= keys
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        assert shown(app, "#banner") == "What could go wrong?"  # too narrow for the large letters


async def test_with_no_components_or_flows_it_says_where_to_start(tmp_path):
    app = make_app(model_file(tmp_path, 'schema = 1\n\n[system]\nname = "Empty"\n'))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        assert "add what you are building in pane 1 first" in shown(app, "#brainstorm-empty")
        assert not app.screen.query_one("#brainstorm-body").display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.query_one("#triage-empty").display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_in_the_triage_delete_asks_first_and_enter_opens_the_idea_in_its_form(tmp_path):
    path = model_file(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await say(pilot, "Fake provider callback")
        await say(pilot, "Replayed refund")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "T3"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
    assert sorted(threats(path)) == ["T1", "T3"]
