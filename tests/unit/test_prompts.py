"""The brainstorm's questions: each kind of element is asked its STRIDE categories in plain words, naming it, and
names are put in as written; ideas, their triage list and their merge are plain values."""

from __future__ import annotations

from tmtui.model import Model, Threat, model_from_data
from tmtui.model.coverage import EXPECTED
from tmtui.rules.prompts import (
    QUESTIONS,
    Element,
    elements,
    idea_fields,
    ideas_on,
    ideas_to_triage,
    merged,
    prompts_for,
)

HOSTILE = "{target} [bold]x[/] [@click=app.quit] \x1b[2J %s {0}"


def model_of(data: dict[str, object]) -> Model:
    return model_from_data(data)[0]


def shop(**extra: object) -> Model:
    return model_of(
        {
            "components": [
                {"id": "C1", "name": "Payment provider", "kind": "external"},
                {"id": "C2", "name": "Checkout", "kind": "process"},
                {"id": "C3", "name": "Orders DB", "kind": "store"},
                {"id": "C4", "name": "Payments API"},  # no kind: a process
                {"name": "No id"},
            ],
            "flows": [
                {"id": "F1", "from": "C2", "to": "C4", "label": "POST /pay"},
                {"id": "F2", "from": "C9", "label": "dangling"},
            ],
            **extra,
        }
    )


def by_id(model: Model) -> dict[str, Element]:
    return {e.record_id: e for e in elements(model)}


def test_components_come_in_file_order_then_flows_and_a_record_without_an_id_is_left_out():
    assert [(e.record_id, e.element) for e in elements(shop())] == [
        ("C1", "external"),
        ("C2", "process"),
        ("C3", "store"),
        ("C4", "process"),
        ("F1", "flow"),
        ("F2", "flow"),
    ]


def test_each_kind_is_asked_its_stride_per_element_categories_in_stride_order():
    asked = {key: [p.category.letter for p in prompts_for(e)] for key, e in by_id(shop()).items()}
    assert asked == {
        "C1": ["S", "R"],
        "C2": ["S", "T", "R", "I", "D", "E"],
        "C3": ["T", "R", "I", "D"],
        "C4": ["S", "T", "R", "I", "D", "E"],
        "F1": ["T", "I", "D"],
        "F2": ["T", "I", "D"],
    }
    assert {kind: tuple(questions) for kind, questions in QUESTIONS.items()} == EXPECTED


def test_the_questions_name_the_element_in_plain_words():
    elements_ = by_id(shop())
    questions = {(key, p.category.letter): p.question for key, e in elements_.items() for p in prompts_for(e)}
    assert questions["C1", "S"] == "Could someone pretend to be Payment provider?"
    assert questions["F1", "T"] == "Could someone change what Checkout sends to Payments API on the way?"
    assert questions["C3", "D"] == "Could Orders DB be made unavailable, or fill up?"
    for (key, _), question in questions.items():
        element = elements_[key]
        assert question.startswith("Could ") and question.endswith("?")
        assert element.name in question if element.element != "flow" else element.target in question
        assert "{" not in question


def test_every_question_has_a_one_line_hint():
    for questions in QUESTIONS.values():
        for question in questions.values():
            assert question.hint and "\n" not in question.hint and len(question.hint) <= 110


def test_a_flow_with_a_missing_end_is_still_asked_about():
    flow = by_id(shop())["F2"]
    assert (
        prompts_for(flow)[0].question
        == "Could someone change what an unknown sender sends to an unknown receiver on the way?"
    )


def test_hostile_names_are_put_in_as_written_never_read_as_placeholders_or_markup():
    model = model_of(
        {
            "components": [
                {"id": "C1", "name": HOSTILE, "kind": "external"},
                {"id": "C2", "name": "{name}", "kind": "store"},
            ],
            "flows": [{"id": "F1", "from": "C1", "to": "C2", "label": HOSTILE}],
        }
    )
    external, store, flow = elements(model)
    assert prompts_for(external)[0].question == f"Could someone pretend to be {HOSTILE}?"
    assert prompts_for(store)[-1].question == "Could {name} be made unavailable, or fill up?"
    assert prompts_for(flow)[1].question == f"Could someone read what {HOSTILE} sends to {{name}} on the way?"
    assert flow.name == HOSTILE
    assert prompts_for(flow)[1].parts == (
        ("Could someone read what ", False),
        (HOSTILE, True),
        (" sends to ", False),
        ("{name}", True),
        (" on the way?", False),
    )


def test_an_idea_is_a_threat_on_the_element_in_the_category_tagged_brainstorm():
    prompt = prompts_for(by_id(shop())["C3"])[2]
    assert idea_fields(HOSTILE, prompt) == {
        "title": HOSTILE,
        "stride": ["information_disclosure"],
        "targets": ["C3"],
        "tags": ["brainstorm"],
    }


def test_the_ideas_of_a_prompt_are_the_threats_on_that_element_in_that_category():
    model = shop(
        threats=[
            {
                "id": "T1",
                "title": "dump",
                "targets": ["C3"],
                "stride": ["information_disclosure"],
                "tags": ["brainstorm"],
            },
            {"id": "T2", "title": "old", "targets": ["C3", "C2"], "stride": ["information_disclosure", "tampering"]},
            {"id": "T3", "title": "other category", "targets": ["C3"], "stride": ["tampering"]},
            {"id": "T4", "title": "other element", "targets": ["C2"], "stride": ["information_disclosure"]},
        ]
    )
    prompt = prompts_for(by_id(model)["C3"])[2]
    assert [t.id for t in ideas_on(model, prompt)] == ["T1", "T2"]


def test_triage_takes_this_brainstorms_ideas_and_every_earlier_idea_still_untriaged():
    idea = {"targets": ["C2"], "stride": ["spoofing"], "tags": ["brainstorm"]}
    model = shop(
        threats=[
            {"id": "T1", "title": "rated, from now", **idea, "likelihood": "low", "severity": "low"},
            {"id": "T2", "title": "rated, from before", **idea, "likelihood": "low", "severity": "high"},
            {"id": "T3", "title": "half rated, from before", **idea, "likelihood": "low"},
            {"id": "T4", "title": "ruled out, from before", **idea, "status": "not_applicable"},
            {"id": "T5", "title": "not an idea", "targets": ["C2"]},
            {"id": "T6", "title": "unrated, from before", **idea},
        ]
    )
    assert ideas_to_triage(model, {"T1"}) == ["T1", "T3", "T6"]


def test_a_merge_puts_the_duplicates_title_and_notes_in_the_notes_and_joins_targets_and_stride():
    kept = Threat(id="T1", title="Card data leaks", targets=["C3"], stride=["information_disclosure"], notes="Seen.\n")
    gone = Threat(id="T2", title=HOSTILE, targets=["F1", "C3"], stride=["tampering", "spoofing"], notes="Twice.")
    assert merged(kept, gone) == {
        "notes": f"Seen.\nAlso raised as: {HOSTILE}\nTwice.",
        "targets": ["C3", "F1"],
        "stride": ["spoofing", "tampering", "information_disclosure"],
    }
    assert merged(Threat(id="T1", title="a"), Threat(id="T2", title="b"))["notes"] == "Also raised as: b"
