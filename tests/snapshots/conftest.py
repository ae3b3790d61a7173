from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def _frozen_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cursor stays visible instead of blinking, so a snapshot never catches it half-way."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
