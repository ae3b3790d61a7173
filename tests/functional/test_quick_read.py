"""The app draws its first screen from the quick read, and should that read ever differ from tomllib's, reads the
file again in full before anything is edited."""

from __future__ import annotations

import tomllib
from typing import Any

from textual.widgets import Input

from tests.functional.pilot_helpers import settle
from tmtui.document import edit
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.record_screen import RecordScreen

MODEL = 'schema = 1\n\n[system]\nname = "Shop"\n\n# Login\n[[threats]]\nid = "T1"\ntitle = "Stolen session"\n'


def counted_reads(monkeypatch, change: str | None = None) -> list[str]:
    """Count the quick reads; with `change`, each one misreads the first threat's title as it."""
    reads: list[str] = []
    quick_read = edit.quick_read

    def counted(text: str) -> dict[str, Any] | None:
        reads.append(text)
        data = quick_read(text)
        if data is not None and change is not None:
            data["threats"][0]["title"] = change
        return data

    monkeypatch.setattr(edit, "quick_read", counted)
    return reads


async def test_the_first_screen_is_drawn_from_the_quick_read_and_checked_before_an_edit(tmp_path, monkeypatch):
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL, encoding="utf-8")
    reads = counted_reads(monkeypatch)
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert reads == [MODEL]
        assert app.session is not None
        await app.workers.wait_for_complete()
        document = app.session.document
        assert not document._unverified and not document.misread
        assert not app._notifications


async def test_a_quick_read_unlike_tomllibs_is_replaced_by_a_full_read_before_any_edit(tmp_path, monkeypatch):
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL, encoding="utf-8")
    reads = counted_reads(monkeypatch, change="Misread")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(reads) == 1  # the second read is tomllib's alone
        assert app.session is not None and not app.session.document.misread
        assert app.session.model.threats[0].title == "Stolen session"
        assert [n.title for n in app._notifications] == ["Read again"]
        await pilot.press("2", "enter")
        assert isinstance(app.screen, RecordScreen) and app.screen.record_id == "T1"
        app.screen.query_one("#field-title Input", Input).value = "Session stolen"
        await pilot.press("tab")
        await settle(app, pilot)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["threats"][0]["title"] == "Session stolen"
