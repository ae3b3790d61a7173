"""Snapshots of the quick threat at 80×24, the smallest terminal: the pick list of parts, and the last question."""

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
    return TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None, capture="Log4Shell")


def test_quick_threat_pick_list_at_80x24(snap_compare, demo_app: TmtuiApp) -> None:
    assert snap_compare(demo_app, press=["enter", "down", "space"], terminal_size=(80, 24))


def test_quick_threat_what_would_we_do_at_80x24(snap_compare, demo_app: TmtuiApp) -> None:
    keys = ["enter", "down", "space", "down", "space", "enter", "y", "h", "m"]
    assert snap_compare(demo_app, press=keys, terminal_size=(80, 24))
