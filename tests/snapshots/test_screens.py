"""Snapshots of each pane and the export screen of the demo model, at 100×30 and 80×24.

A failing snapshot is read in the HTML report (snapshot_report.html) before anyone runs --snapshot-update.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tmtui.document.settings import Settings
from tmtui.paths import bundled
from tmtui.tui.app import TmtuiApp

SIZES = [(100, 30), (80, 24)]
VIEWS = {
    "building": ["1"],
    "threats": ["2"],
    "mitigations": ["3"],
    "review": ["4"],
    "threat-form": ["2", "enter"],
    "export": ["x"],
}


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TmtuiApp:
    # a relative path, so the header reads the same on every machine
    monkeypatch.chdir(tmp_path)
    Path("threatmodel.toml").write_bytes(bundled("demo.toml"))
    return TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", VIEWS)
def test_screen(snap_compare, demo_app: TmtuiApp, view: str, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, press=VIEWS[view], terminal_size=size)
