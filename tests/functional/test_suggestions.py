"""The suggestions view driven with Pilot: a suggestion accepted or ruled out is a threat in the file, its
mitigations are added or linked, and an answered suggestion is not offered again, not even after reopening."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.functional.pilot_helpers import settle
from tmtui.document.settings import Settings
from tmtui.paths import config_dir
from tmtui.rules import Library
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens import suggestion_answers, suggestions_screen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.suggestion_answers import MitigationOfferScreen, RuleOutScreen
from tmtui.tui.screens.suggestions_screen import NO_ELEMENTS_HINT, AcceptedThreatScreen, SuggestionsScreen
from tmtui.tui.widgets.building_pane import BuildingPane

MODEL = """\
schema = 1

[system]
name = "Shop"

[[boundaries]]
id = "B1"
name = "Internet"

[[boundaries]]
id = "B2"
name = "Data centre"

[[components]]
id = "C1"
name = "Customer"
kind = "external"
boundary = "B1"

[[components]]
id = "C2"
name = "Web"
kind = "process"
boundary = "B2"
tags = ["sql"]

[[components]]
id = "C3"
name = "Orders DB"
kind = "store"
boundary = "B2"

[[flows]]
id = "F1"
label = "orders"
from = "C1"
to = "C2"

[[mitigations]]
id = "M1"
title = "Prepared statements"
"""

ZEBRA = {
    "id": "test.zebra-injection",
    "title": "Zebra injection through {target}",
    "stride": ["tampering", "information_disclosure"],
    "applies_to": ["process"],
    "tags": ["sql"],
    "source": "An attacker who can send input to {target}",
    "prerequisites": "where that input is joined into a query",
    "action": "change the query",
    "impact": "reading any row",
    "goals": ["confidentiality"],
    "cwe": [89],
    "mitigations": [
        {"title": "Parameterised zebra queries", "description": "Bind every value."},
        {"title": "Prepared statements everywhere", "description": "Never join strings into SQL."},
    ],
}


def library(*entries: dict[str, Any]) -> Library:
    return Library.from_data({"schema": 1, "entries": list(entries)})


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def make_app(path: Path, with_library: Library | None = None) -> TmtuiApp:
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    app.suggestion_library = with_library
    return app


def records(path: Path, kind: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in tomllib.loads(path.read_text(encoding="utf-8")).get(kind, [])}


def suggestions(app: TmtuiApp) -> SuggestionsScreen:
    screen = app.screen
    assert isinstance(screen, SuggestionsScreen)
    return screen


def shown_text(app: TmtuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_lines(app: TmtuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def click_actions(app: TmtuiApp) -> list[str]:
    """The click actions anything on screen carries: model text must bring none."""
    strips = app.screen._compositor.render_strips()
    return [seg.style.meta["@click"] for strip in strips for seg in strip if seg.style and "@click" in seg.style.meta]


async def open_on_zebra(app: TmtuiApp, pilot) -> None:
    """Pane 2, `s`, and the zebra suggestion found with `/`."""
    await pilot.press("2", "s")
    await settle(app, pilot)
    await pilot.press("slash", *"zebra", "enter")
    await pilot.pause()
    highlighted = suggestions(app).highlighted_candidate
    assert highlighted is not None and highlighted.rule == "test.zebra-injection"


async def test_accepting_a_suggestion_writes_its_threat_opens_its_form_then_adds_and_links_its_mitigations(
    model_file: Path,
) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, AcceptedThreatScreen)
        threat_id = form.record_id
        assert threat_id is not None
        assert app.focused is form.form.query_one("#field-likelihood").input
        threat = records(model_file, "threats")[threat_id]
        assert threat == {
            "id": threat_id,
            "title": "Zebra injection through Web",
            "stride": ["tampering", "information_disclosure"],
            "source": "An attacker who can send input to Web",
            "prerequisites": "where that input is joined into a query",
            "action": "change the query",
            "impact": "reading any row",
            "targets": ["C2"],
            "goals": ["confidentiality"],
            "references": ["CWE-89"],
            "rule": "test.zebra-injection",
        }

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MitigationOfferScreen)
        assert "Parameterised zebra queries" in shown_text(app, "#offer")
        await pilot.press("a")  # the first offered mitigation, added as new
        await settle(app, pilot)
        assert "Prepared statements everywhere" in shown_text(app, "#offer")
        lines = screen_lines(app)
        first_listed = next(n for n, line in enumerate(lines) if "│ M" in line)
        assert "M1  Prepared statements" in lines[first_listed]  # the closest title first
        await pilot.press("enter")  # linked to M1 instead of added
        await settle(app, pilot)
        assert isinstance(app.screen, SuggestionsScreen)
        assert "test.zebra-injection" not in {c.rule for c in suggestions(app).candidates}

    mitigations = records(model_file, "mitigations")
    assert mitigations["M1"]["threats"] == [threat_id]
    added = [m for m in mitigations.values() if m["id"] != "M1"]
    assert added == [
        {
            "id": added[0]["id"],
            "title": "Parameterised zebra queries",
            "description": "Bind every value.",
            "threats": [threat_id],
        },
    ]


async def test_escape_from_the_mitigation_offer_adds_nothing_more(
    model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggestion_answers, "MOST_PICKS", 0)
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("enter", "escape")  # enter accepts too
        await settle(app, pilot)
        assert isinstance(app.screen, MitigationOfferScreen)
        assert any("… and 1 more, less alike: / finds them" in line for line in screen_lines(app))
        await pilot.press("s")  # the first skipped
        await pilot.press("escape")  # the second not answered at all
        await settle(app, pilot)
        assert isinstance(app.screen, SuggestionsScreen)
    assert list(records(model_file, "mitigations")) == ["M1"]
    assert "threats" not in records(model_file, "mitigations")["M1"]


async def test_a_ruled_out_suggestion_is_a_not_applicable_threat_and_is_not_offered_after_reopening(
    model_file: Path,
) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("d")
        assert isinstance(app.screen, RuleOutScreen)
        await pilot.press("enter")  # a reason is required
        assert isinstance(app.screen, RuleOutScreen)
        await pilot.press(*"no SQL here", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SuggestionsScreen)
        assert "test.zebra-injection" not in {c.rule for c in suggestions(app).candidates}
    threat = next(iter(records(model_file, "threats").values()))
    assert {k: threat[k] for k in ("title", "status", "rule", "notes", "targets")} == {
        "title": "Zebra injection through Web",
        "status": "not_applicable",
        "rule": "test.zebra-injection",
        "notes": "no SQL here",
        "targets": ["C2"],
    }

    reopened = make_app(model_file, library(ZEBRA))
    async with reopened.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(reopened, pilot)
        assert suggestions(reopened).candidates  # the others are still offered
        assert "test.zebra-injection" not in {c.rule for c in suggestions(reopened).candidates}


async def test_escape_from_the_reason_adds_nothing(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("d", *"not", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SuggestionsScreen)
        assert "test.zebra-injection" in {c.rule for c in suggestions(app).candidates}
    assert records(model_file, "threats") == {}


async def test_a_reason_typed_then_ctrl_q_at_once_is_in_the_file(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("d", *"internal only", "ctrl+q")
        await pilot.pause()
    (threat,) = records(model_file, "threats").values()
    assert (threat["status"], threat["rule"], threat["notes"]) == (
        "not_applicable",
        "test.zebra-injection",
        "internal only",
    )


async def test_s_in_pane_one_shows_the_suggestions_of_the_selected_component_only(model_file: Path) -> None:
    app = make_app(model_file)  # the library tmtui ships, read on the first `s`
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("down", "s")  # pane 1 opens on its components: C2
        await settle(app, pilot)
        screen = suggestions(app)
        assert screen.candidates and all("C2" in c.targets for c in screen.candidates)
        assert "for C2 Web" in shown_text(app, "#suggestions-heading")
        await pilot.press("escape", "2", "s")
        await settle(app, pilot)
        assert {c.element for c in suggestions(app).candidates} > {"C2"}


async def test_s_in_pane_one_away_from_components_and_flows_shows_every_suggestion(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        pane = app.screen.query_one(BuildingPane)
        await pane.open_section("boundaries")
        pane.focus_main()
        await pilot.press("s")
        await settle(app, pilot)
        assert suggestions(app).target is None
        assert shown_text(app, "#suggestions-heading").endswith("unanswered suggestions")


async def test_the_list_follows_edits_made_while_it_is_open(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert "test.zebra-injection" in {c.rule for c in suggestions(app).candidates}
        app.edit_field("C2", "tags", [])
        await settle(app, pilot)
        assert "test.zebra-injection" not in {c.rule for c in suggestions(app).candidates}
        count = len(suggestions(app).candidates)
        assert shown_text(app, "#suggestions-heading") == f"{count} unanswered suggestions"


async def test_the_list_follows_a_change_on_disk(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert "test.zebra-injection" in {c.rule for c in suggestions(app).candidates}
        model_file.write_text(MODEL.replace('tags = ["sql"]\n', ""), encoding="utf-8")
        app.check_disk()
        await settle(app, pilot)
        assert "test.zebra-injection" not in {c.rule for c in suggestions(app).candidates}


async def test_hostile_names_show_as_written_in_the_view(tmp_path: Path) -> None:
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL.replace('name = "Web"', 'name = "[@click=app.quit]x[/] \\u001b[31m"'), encoding="utf-8")
    app = make_app(path, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "C2 [@click=app.quit]x[/] ␛[31m" in text
        assert "\x1b" not in text
        assert not [action for action in click_actions(app) if "quit" in action]


async def test_a_model_with_no_components_says_how_to_get_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "threatmodel.toml"
    path.write_text('schema = 1\n\n[system]\nname = "Empty"\n', encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert shown_text(app, "#suggestions-hint") == NO_ELEMENTS_HINT


async def test_a_broken_user_library_is_named_with_its_line_and_the_built_in_one_still_suggests(
    model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_library = config_dir() / "library.toml"
    user_library.parent.mkdir(parents=True, exist_ok=True)
    user_library.write_text('schema = 1\n\n[[entries]]\nid = "Bad id"\n', encoding="utf-8")
    app = make_app(model_file)
    warnings: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: warnings.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert suggestions(app).candidates  # the built-in library and the rules still speak
        assert len(warnings) == 1 and str(user_library) in warnings[0] and "line 3" in warnings[0]


async def test_a_long_list_stops_at_its_limit_and_says_how_to_see_the_rest(
    model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggestions_screen, "MOST_LISTED", 2)
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        screen = suggestions(app)
        more = len(screen.candidates) - 2
        assert more > 0
        assert len([row for row in screen._rows if row is not None]) == 2
        assert any(f"… and {more} more: / narrows the list" in line for line in screen_lines(app))


async def test_escape_ends_the_filter_first_then_goes_back(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        filtered = len([row for row in suggestions(app)._rows if row is not None])
        await pilot.press("escape")
        await pilot.pause()
        screen = suggestions(app)
        assert not screen.has_class("filtering")
        assert len([row for row in screen._rows if row is not None]) > filtered
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_model_that_answers_everything_says_so(tmp_path: Path) -> None:
    path = tmp_path / "threatmodel.toml"
    path.write_text(
        'schema = 1\n\n[system]\nname = "Tiny"\n\n[[boundaries]]\nid = "B1"\nname = "Outside"\n\n'
        '[[components]]\nid = "C1"\nname = "Partner"\nkind = "external"\nboundary = "B1"\n\n'
        '[[threats]]\nid = "T1"\ntitle = "Partner pretends"\nstride = ["spoofing", "repudiation"]\ntargets = ["C1"]\n',
        encoding="utf-8",
    )
    app = make_app(path, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert suggestions(app).candidates == []
        assert shown_text(app, "#suggestions-hint").startswith("Every suggestion is answered")
        assert shown_text(app, "#suggestions-heading") == "0 unanswered suggestions"


async def test_a_reason_kept_by_a_resize_is_corrected_by_enter_or_taken_back_by_escape(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("d", *"internal")
        await pilot.resize_terminal(100, 30)  # the app keeps what is typed whenever it is asked to
        await settle(app, pilot)
        assert [t["notes"] for t in records(model_file, "threats").values()] == ["internal"]
        await pilot.press(*" only", "enter")
        await settle(app, pilot)
        assert [t["notes"] for t in records(model_file, "threats").values()] == ["internal only"]

        await pilot.press("escape")  # the filter ends: every other suggestion again
        other = suggestions(app).highlighted_candidate
        assert other is not None
        await pilot.press("d", *"maybe")
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert len(records(model_file, "threats")) == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert other.key in {c.key for c in suggestions(app).candidates}
    assert [t["notes"] for t in records(model_file, "threats").values()] == ["internal only"]


async def test_one_undo_in_the_form_takes_an_accepted_suggestion_back(model_file: Path) -> None:
    app = make_app(model_file, library(ZEBRA))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on_zebra(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AcceptedThreatScreen)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert isinstance(app.screen, AcceptedThreatScreen)  # it says the threat no longer exists
        await pilot.press("escape")  # the offer of its mitigations is skipped: there is nothing to link them to
        await settle(app, pilot)
        assert isinstance(app.screen, SuggestionsScreen)
        assert "test.zebra-injection" in {c.rule for c in suggestions(app).candidates}
    assert records(model_file, "threats") == {}
