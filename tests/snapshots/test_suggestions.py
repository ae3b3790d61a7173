"""A snapshot of the suggestions view at 80×24, the smallest terminal: grouped rows, the detail of the first.

The model answers every STRIDE category of its one component, so only the two hand-made library entries are offered:
the picture changes with this view, not with the wording of the packaged library or the rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tmtui.document.settings import Settings
from tmtui.rules import Library
from tmtui.tui.app import TmtuiApp

MODEL = """\
schema = 1

[system]
name = "Shop"

[[boundaries]]
id = "B1"
name = "Data centre"

[[components]]
id = "C1"
name = "Web"
kind = "process"
boundary = "B1"
tags = ["sql", "webhook"]

[[threats]]
id = "T1"
title = "Anything at all"
stride = [
  "spoofing", "tampering", "repudiation", "information_disclosure", "denial_of_service", "elevation_of_privilege",
]
targets = ["C1"]
"""


def entry(entry_id: str, title: str, tag: str, stride: list[str]) -> dict[str, object]:
    return {
        "id": entry_id,
        "title": title,
        "stride": stride,
        "applies_to": ["process"],
        "tags": [tag],
        "source": "An attacker who can send input to {target}",
        "prerequisites": "where that input is joined into a query",
        "action": "change the query",
        "impact": "reading any row",
        "cwe": [89],
        "mitigations": [{"title": "Bound parameters", "description": "Bind every value."}],
    }


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TmtuiApp:
    monkeypatch.chdir(tmp_path)  # a relative path, so the header reads the same on every machine
    Path("threatmodel.toml").write_text(MODEL, encoding="utf-8")
    app = TmtuiApp(Path("threatmodel.toml"), settings=Settings(), watch_interval=None)
    app.suggestion_library = Library.from_data(
        {
            "schema": 1,
            "entries": [
                entry("test.injection", "Injection through {target}", "sql", ["tampering", "information_disclosure"]),
                entry("test.forged-hooks", "Forged webhooks reach {target}", "webhook", ["spoofing"]),
            ],
        }
    )
    return app


def test_suggestions_at_80x24(snap_compare, app: TmtuiApp) -> None:
    async def open_suggestions(pilot) -> None:
        await pilot.press("2", "s")
        for _ in range(3):  # the rules run on a worker
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_suggestions)
