"""A list with hundreds of records is updated after an edit, not cleared and refilled: the edited row changes in
place, every other row keeps its key and its cells, and a resize only sets column widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tmtui.document.settings import Settings
from tmtui.model.sentence import threats_by_risk
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.widgets.record_list import RecordList

THREATS = 300


def big_model(threats: int) -> str:
    lines = ["schema = 1", "", "[system]", 'name = "Big"', ""]
    for i in range(1, 11):
        lines += [f"# Component {i}", "[[components]]", f'id = "C{i}"', f'name = "Service {i}"', ""]
    for i in range(1, threats + 1):
        lines += [
            f"# Threat {i}",
            "[[threats]]",
            f'id = "T{i}"',
            f'title = "Threat number {i}"',
            f'targets = ["C{i % 10 + 1}"]',
            f'likelihood = "{("low", "medium", "high")[i % 3]}"',
            f'severity = "{("high", "medium", "low")[i % 3]}"',
            "",
        ]
    return "\n".join(lines)


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(big_model(THREATS), encoding="utf-8")
    return path


def threats_table(app: TmtuiApp) -> DataTable:
    assert isinstance(app.screen, MainScreen)
    return app.screen.query_one("#threats", RecordList).table


def shown_ids(table: DataTable) -> list[str]:
    """The ids in the order the table draws its rows (the Id column, after the mark)."""
    return [table.get_row_at(index)[1].plain for index in range(table.row_count)]


def expected_ids(app: TmtuiApp) -> list[str]:
    assert app.session is not None
    return [t.id for t in threats_by_risk(app.session.model.threats)]


class ClearSpy:
    """Counts the calls of a table's `clear`, still clearing."""

    def __init__(self, table: DataTable, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = table.clear

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(table, "clear", counted)


async def open_threats(pilot, app: TmtuiApp) -> DataTable:
    while not isinstance(app.screen, MainScreen):
        await pilot.pause(0.01)
    await pilot.press("2")
    await pilot.pause()
    table = threats_table(app)
    assert table.row_count == THREATS
    return table


async def test_editing_a_title_updates_that_row_and_leaves_every_other_row_as_it_was(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        spy = ClearSpy(table, monkeypatch)
        keys = [table.coordinate_to_cell_key((index, 0)).row_key for index in range(table.row_count)]
        cells = {key: table.get_row(key) for key in keys}
        app.edit_field("T7", "title", "Renamed by hand")
        await pilot.pause()
        assert spy.calls == 0
        assert [table.coordinate_to_cell_key((index, 0)).row_key for index in range(table.row_count)] == keys
        edited = keys[shown_ids(table).index("T7")]
        assert table.get_row(edited)[2].plain == "Renamed by hand"
        for key in keys:
            if key != edited:
                assert all(a is b for a, b in zip(table.get_row(key), cells[key], strict=True))


async def test_a_resize_sets_column_widths_and_does_not_refill_the_table(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        spy = ClearSpy(table, monkeypatch)
        before = table.columns[next(iter(k for k in table.columns if str(k.value) == "Threat"))].width
        await pilot.resize_terminal(90, 40)
        await pilot.pause()
        after = table.columns[next(iter(k for k in table.columns if str(k.value) == "Threat"))].width
        assert spy.calls == 0
        assert after < before
        assert shown_ids(table) == expected_ids(app)


async def test_a_threat_whose_risk_changes_moves_to_its_place_without_a_refill(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        spy = ClearSpy(table, monkeypatch)
        low = expected_ids(app)[-1]
        app.edit_field(low, "likelihood", "high")
        app.edit_field(low, "severity", "high")
        await pilot.pause()
        assert spy.calls == 0
        assert shown_ids(table) == expected_ids(app)
        assert shown_ids(table)[0] == low


async def test_adding_and_deleting_a_threat_adds_and_removes_one_row(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        spy = ClearSpy(table, monkeypatch)
        new_id = app.create_record("threats", {"title": "A new one", "likelihood": "medium", "severity": "high"})
        await pilot.pause()
        assert table.row_count == THREATS + 1
        assert shown_ids(table) == expected_ids(app)
        assert app.session is not None and new_id is not None
        app.session.delete_record("T3")
        app.after_edit(frozenset({"T3"}))
        await pilot.pause()
        assert spy.calls == 0
        assert table.row_count == THREATS
        assert shown_ids(table) == expected_ids(app)


async def test_a_threat_added_last_is_appended_without_redrawing_the_other_rows(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        assert isinstance(app.screen, MainScreen)
        threat_list = app.screen.query_one("#threats", RecordList)
        redraws = []
        monkeypatch.setattr(threat_list, "_render_rows", lambda changed: redraws.append(changed))
        keys = [table.coordinate_to_cell_key((index, 0)).row_key for index in range(table.row_count)]
        cells = {key: table.get_row(key) for key in keys}
        new_id = app.create_record("threats", {"title": "Unrated, so it goes last"})
        await pilot.pause()
        assert redraws == []
        assert shown_ids(table) == expected_ids(app) and shown_ids(table)[-1] == new_id
        assert table.get_row_at(THREATS)[2].plain == "Unrated, so it goes last"
        for key in keys:
            assert all(a is b for a, b in zip(table.get_row(key), cells[key], strict=True))


async def test_a_change_that_names_no_records_is_diffed_into_the_table_not_refilled(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)
        spy = ClearSpy(table, monkeypatch)
        assert app.session is not None
        app.session.set_field("T9", "title", "Changed where the app cannot tell")
        app.after_edit(None)
        await pilot.pause()
        assert spy.calls == 0
        assert "Changed where the app cannot tell" in [table.get_row_at(i)[2].plain for i in range(table.row_count)]
        assert shown_ids(table) == expected_ids(app)


async def test_a_mark_follows_a_finding_that_an_edit_of_another_record_ends(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TmtuiApp(big_file, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_threats(pilot, app)

        def mark_of(record_id: str) -> str:
            return table.get_row_at(shown_ids(table).index(record_id))[0].plain

        app.edit_field("T4", "status", "mitigated")  # a warning: no done mitigation addresses it
        await pilot.pause()
        assert mark_of("T4") == "?"
        spy = ClearSpy(table, monkeypatch)
        app.create_record("mitigations", {"title": "Fix it", "threats": ["T4"], "status": "done"})
        await pilot.pause()
        assert mark_of("T4") == " "
        assert spy.calls == 0
