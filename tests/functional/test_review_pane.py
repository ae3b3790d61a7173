"""Pane 4 driven with Pilot: reviews recorded over time show a trend, and the coverage grid leads to its gaps."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from textual.message import Message
from textual.widgets import Static

from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.messages import NewThreatFor
from tmtui.tui.screens.export_screen import ExportScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.coverage_grid import CoverageGrid


def make_app(path: Path) -> TmtuiApp:
    return TmtuiApp(path, settings=Settings(), watch_interval=None)


def grid_rows(app: TmtuiApp) -> list[str]:
    grid = app.screen.query_one(CoverageGrid)
    return [" ".join(str(cell) for cell in grid.get_row_at(row)) for row in range(grid.row_count)]


def text_of(app: TmtuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def record_review(app: TmtuiApp, pilot) -> None:
    await pilot.press("r")
    assert isinstance(app.screen, RecordScreen) and app.screen.kind == "reviews"
    await pilot.press("escape")
    await pilot.pause()


async def test_two_reviews_and_a_change_show_the_trend_and_the_grid_in_pane_four_and_the_report(commented_file):
    app = make_app(commented_file)
    today = dt.date.today().isoformat()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert grid_rows(app) == ["C1 Web ? ! ? ? ? ?", "C2 DB · ? ? ? ? ·"]
        assert text_of(app, "#coverage-title").startswith("Coverage 10% · 9 gaps")
        await record_review(app, pilot)  # R2: threats 3, open 3
        app.edit_field("T1", "status", "mitigated")
        await pilot.pause()
        await record_review(app, pilot)  # R3: open 2, mitigated 33%
        app.edit_field("T2", "status", "accepted")
        await pilot.pause()
        assert grid_rows(app)[0] == "C1 Web ? ✓ ? ? ? ?"
        trend = text_of(app, "#trend")
        assert trend.startswith(f"Since R3 ({today}): threats 3 → 3")
        assert "open 2 → 1 (-1)" in trend and "mitigated % 33 → 33" in trend
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        report = app.screen.report
    trend_rows = report[report.index("### Trend across reviews") :].splitlines()[2:8]
    assert trend_rows == [
        "| Review | Date | Threats | Open | Open at high risk or above | Mitigated % |",
        "| --- | --- | --- | --- | --- | --- |",
        "| R1 | 2026-01-02 | 3 | 3 |   |   |",
        f"| R2 | {today} | 3 | 3 | 1 | 0% |",
        f"| R3 | {today} | 3 | 2 (-1) | 0 (-1) | 33% (+33) |",
        "| **Now** |   | 3 | 1 (-1) | 0 | 33% |",
    ]
    assert f"### Since the last review (R3, {today})" in report
    assert "| C1 Web | process | ? | ✓ | ? | ? | ? | ? |" in report


async def test_each_cell_of_the_grid_is_one_key_from_what_closes_it(commented_file):
    asked: list[Message] = []
    app = make_app(commented_file)
    async with app.run_test(size=(80, 24), message_hook=asked.append) as pilot:
        await pilot.press("4", "c")
        grid = app.screen.query_one(CoverageGrid)
        assert app.focused is grid
        assert str(app.screen.query_one("#coverage-hint", Static).render()) == "C1 process · ⏎ opens it"
        await pilot.press("enter")  # the element column: the component's own record
        assert isinstance(app.screen, RecordScreen) and (app.screen.kind, app.screen.record_id) == ("components", "C1")
        await pilot.press("escape", "4", "c", "right", "right")  # C1, tampering: open threat T1
        assert "C1 Tampering: open threat · ⏎ opens T1" in str(app.screen.query_one("#coverage-hint", Static).render())
        await pilot.press("enter")
        assert isinstance(app.screen, RecordScreen) and (app.screen.kind, app.screen.record_id) == ("threats", "T1")
        await pilot.press("escape", "4", "c", "down", "right")  # the cursor stayed on T: now C2 (a store), R
        hint = str(app.screen.query_one("#coverage-hint", Static).render())
        assert hint == "C2 R: not yet considered · ⏎ new threat"  # the full name does not fit in 80 columns
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen) and (app.screen.kind, app.screen.record_id) == ("threats", None)
        await pilot.press(*"Denied order", "escape")
        await pilot.pause()
    gaps = list({id(m): m for m in asked if isinstance(m, NewThreatFor)}.values())  # the hook sees each bubble step
    assert [(m.target_id, m.stride) for m in gaps] == [("C2", "repudiation")]
    written = next(t for t in tomllib.loads(commented_file.read_text())["threats"] if t["title"] == "Denied order")
    assert (written["targets"], written["stride"]) == (["C2"], ["repudiation"])


async def test_the_grid_of_a_model_that_check_flags_still_draws(tmp_path):
    path = tmp_path / "threatmodel.toml"
    path.write_text(
        '[[components]]\nid = "C1"\nname = "[bold]x[/bold]"\nkind = "moon"\n\n'
        '[[components]]\nid = "C1"\nname = "twin"\n\n[[flows]]\nlabel = "no id"\n\n'
        '[[threats]]\nid = "T1"\ntitle = "t"\nstride = ["tampering", "nope"]\ntargets = ["C1", "C9"]\n',
        encoding="utf-8",
    )
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert grid_rows(app) == ["C1 [bold]x[/bold] ? ! ? ? ? ?", "C1 twin ? ! ? ? ? ?", "(no id) no id · ? · ? ? ·"]
        await pilot.press("c", "down", "down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, RecordScreen)  # a record with no id cannot be opened: the app says so


async def test_the_grid_scrolls_at_80x24_and_keeps_its_header(tmp_path):
    path = tmp_path / "threatmodel.toml"
    path.write_text("".join(f'[[components]]\nid = "C{n}"\nname = "Part {n}"\n\n' for n in range(1, 31)), "utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "c", *["down"] * 29)
        grid = app.screen.query_one(CoverageGrid)
        assert grid.scroll_offset.y > 0
        assert "Element" in grid.render_line(0).text and "S  T  R  I  D  E" in grid.render_line(0).text
        assert "C30 Part 30" in "".join(grid.render_line(y).text for y in range(grid.size.height))
