"""A snapshot of pane 4's coverage grid at 80×24, the smallest terminal: focused, its cursor on a gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from tmtui.document.settings import Settings
from tmtui.paths import bundled
from tmtui.tui.app import TmtuiApp


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TmtuiApp:
    # a relative path, so the header reads the same on every machine
    monkeypatch.chdir(tmp_path)
    Path("threatmodel.toml").write_bytes(bundled("demo.toml"))
    return TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)


def test_coverage_grid_at_80x24(snap_compare, demo_app: TmtuiApp) -> None:
    # C4 (a process nobody has looked at), information disclosure: a gap, and the hint says what enter does
    keys = ["4", "c", "down", "down", "down", "right", "right", "right", "right"]
    assert snap_compare(demo_app, press=keys, terminal_size=(80, 24))
