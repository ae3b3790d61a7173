"""Snapshots of the brainstorm at 80×24 on the demo model: a question with an idea just said, and the triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tmtui.document.settings import Settings
from tmtui.paths import bundled
from tmtui.tui.app import TmtuiApp


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TmtuiApp:
    monkeypatch.chdir(tmp_path)
    Path("threatmodel.toml").write_bytes(bundled("demo.toml"))
    return TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)


def test_brainstorm_question_with_an_idea_at_80x24(snap_compare, demo_app: TmtuiApp) -> None:
    keys = ["b", "enter", *"Merchant denies asking for the refund", "enter"]
    assert snap_compare(demo_app, press=keys, terminal_size=(80, 24))


def test_triage_after_a_brainstorm_at_80x24(snap_compare, demo_app: TmtuiApp) -> None:
    keys = ["b", *"Stolen merchant API key", "enter", "pagedown", *"Card numbers in the logs", "enter", "escape"]
    keys += ["t", "3", "6"]
    assert snap_compare(demo_app, press=keys, terminal_size=(80, 24))
