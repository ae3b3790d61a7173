"""A threat's grammar is complete when source, action and impact are written; the form asks for what is missing in
plain words, and pane 4, the report and `stats` count the complete ones."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Static

from tmtui.cli import _print_stats, stats_data
from tmtui.document.settings import Settings
from tmtui.exchange.markdown import to_markdown
from tmtui.model import Model, Threat, compute_metrics
from tmtui.model.sentence import has_complete_grammar, missing_grammar
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_form import grammar_hint

FULL = {"source": "An attacker", "action": "replay a request", "impact": "a second charge"}


def threat(**parts: object) -> Threat:
    return Threat(id="T1", title="Replay", **parts)  # type: ignore[arg-type]


def test_source_action_and_impact_make_a_complete_grammar_without_prerequisites():
    assert has_complete_grammar(threat(**FULL))
    assert missing_grammar(threat(**FULL, prerequisites="")) == []


@pytest.mark.parametrize("part", ["source", "action", "impact"])
def test_each_of_source_action_and_impact_is_needed(part):
    parts = {**FULL, part: ""}
    assert missing_grammar(threat(**parts)) == [part]
    assert not has_complete_grammar(threat(**parts))


def test_blank_text_or_a_value_of_the_wrong_type_is_not_written():
    assert missing_grammar(threat(source="   ", action=["replay"], impact=3)) == ["source", "action", "impact"]


def test_the_missing_parts_come_in_the_order_of_the_sentence():
    assert missing_grammar(threat()) == ["source", "action", "impact"]


@pytest.mark.parametrize(
    ("part", "hint"),
    [
        ("source", "no threat source yet: who would do this?"),
        ("action", "no action yet: what would they do?"),
        ("impact", "no impact yet: what happens if this works?"),
    ],
)
def test_the_form_says_in_plain_words_what_is_missing(part, hint):
    assert grammar_hint(threat(**{**FULL, part: ""})).plain == hint


def test_the_form_asks_for_every_missing_part_one_a_line():
    assert grammar_hint(threat(action="replay it")).plain.splitlines() == [
        "no threat source yet: who would do this?",
        "no impact yet: what happens if this works?",
    ]


def test_the_form_says_when_the_statement_is_complete():
    assert grammar_hint(threat(**FULL)).plain == "✓ complete threat statement"


def counted_model() -> Model:
    return Model(
        threats=[
            threat(**FULL),
            Threat(id="T2", title="No impact", source="Someone", action="do it"),
            Threat(id="T3", title="Only a title"),
            Threat(id="T4", title="Complete too", **FULL, prerequisites="with a key"),
        ]
    )


def test_metrics_count_the_threats_with_a_complete_grammar():
    assert compute_metrics(counted_model()).threats_with_complete_grammar == 2
    assert compute_metrics(Model()).threats_with_complete_grammar == 0


def test_the_report_and_stats_give_the_count(capsys):
    model = counted_model()
    assert "- **Complete threat statements:** 2 of 4 threats have a source" in to_markdown(model)
    assert json.loads(json.dumps(stats_data(model)))["coverage"]["threats_with_grammar"] == 2
    _print_stats(model)
    assert "2 of 4 threats have a complete threat statement" in capsys.readouterr().out


async def test_the_threat_form_updates_what_is_missing_as_the_person_types(commented_file):
    app = TmtuiApp(commented_file, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")
        assert isinstance(app.screen, RecordScreen)
        hint = app.screen.query_one("#grammar-hint", Static)
        assert "no impact yet: what happens if this works?" in str(hint.render())
        app.screen.query_one("#field-impact Input", Input).focus()
        await pilot.press(*"lost orders")
        await pilot.pause()
        shown = str(hint.render())
        assert "no impact yet" not in shown
        assert "no threat source yet: who would do this?" in shown
