"""The model's indexes answer as the scans they replace, and a revalidation after an edit as a full validation."""

from __future__ import annotations

import pytest

from tmtui.model import Model
from tmtui.model.fieldwise import replace
from tmtui.model.records import Boundary, Component, Flow, Mitigation, Threat
from tmtui.model.validation import revalidate, validate


def tangled_model() -> Model:
    """Duplicate ids (within a kind and across kinds), dangling references, a record without an id, a threat
    naming the same target twice, and a mitigation naming the same threat twice."""
    return Model(
        boundaries=[Boundary(id="B1", name="DMZ")],
        components=[
            Component(id="C1", name="API", boundary="B1"),
            Component(id="C2", name="DB", boundary="B9"),
            Component(id="C1", name="API again"),
            Component(id="", name="nameless"),
        ],
        flows=[Flow(id="F1", label="query", source="C1", target="C2"), Flow(id="T3", label="a flow named T3")],
        threats=[
            Threat(id="T1", title="spoof", targets=["C1", "C1", "F1"], status="mitigated"),
            Threat(id="T2", title="tamper", targets=["C2", "C404"], status="mitigated"),
            Threat(id="T3", title="shares an id with a flow", targets=[]),
            Threat(id="", title="no id", targets=["C1"]),
            Threat(id="T1", title="duplicate", targets=["C2"]),
        ],
        mitigations=[
            Mitigation(id="M1", title="mtls", threats=["T1", "T1", "T404"], status="done"),
            Mitigation(id="M2", title="audit", threats=["T2"], status="proposed"),
            Mitigation(id="M3", title="nothing"),
        ],
    )


QUESTIONS = ["C1", "C2", "C3", "C404", "F1", "T1", "T2", "T3", "T404", "B1", "M1", "", "nobody"]


@pytest.mark.parametrize("record_id", QUESTIONS)
def test_threats_targeting_answers_as_a_scan_of_every_threat(record_id: str) -> None:
    model = tangled_model()
    assert model.threats_targeting(record_id) == [t for t in model.threats if record_id in t.targets]


@pytest.mark.parametrize("record_id", QUESTIONS)
def test_mitigations_for_answers_as_a_scan_of_every_mitigation(record_id: str) -> None:
    model = tangled_model()
    assert model.mitigations_for(record_id) == [m for m in model.mitigations if record_id in m.threats]


@pytest.mark.parametrize("record_id", QUESTIONS)
def test_find_gives_the_first_record_with_the_id(record_id: str) -> None:
    model = tangled_model()
    assert model.find(record_id) is next((r for r in model.all_records() if r.id == record_id), None)


def test_an_empty_model_answers_nothing() -> None:
    model = Model()
    assert model.find("T1") is None
    assert model.threats_targeting("C1") == []
    assert model.mitigations_for("T1") == []
    assert model.referrers("C1") == []


def test_an_answer_is_a_new_list_so_changing_it_leaves_the_index_alone() -> None:
    model = tangled_model()
    model.threats_targeting("C1").clear()
    assert [t.title for t in model.threats_targeting("C1")] == ["spoof", "no id"]


def test_referrers_are_the_records_naming_an_id_in_any_reference_field() -> None:
    model = tangled_model()
    assert [r.id for r in model.referrers("C1")] == ["F1", "T1", ""]
    assert [r.id for r in model.referrers("B9")] == ["C2"]


def edited(model: Model, kind: str, index: int, **changes: object) -> Model:
    records = list(model.records(kind))
    records[index] = replace(records[index], **changes)
    return replace(model, **{kind: records})


EDITS = [
    ("threats", 1, {"title": "tampered"}),
    ("threats", 1, {"targets": ["C2"]}),
    ("threats", 1, {"targets": ["M1"]}),
    ("threats", 1, {"status": "open"}),
    ("threats", 1, {"stride": ["nonsense"]}),
    ("threats", 1, {"id": "T1"}),  # makes a third T1
    ("threats", 4, {"id": "T9"}),  # ends a duplicate
    ("threats", 2, {"id": "T7"}),  # ends a cross-kind duplicate, and F… nothing names T3
    ("components", 1, {"id": "C404"}),  # T2's dangling target now resolves, and C2's referrers dangle
    ("components", 0, {"id": "C5"}),
    ("mitigations", 1, {"status": "done"}),  # T2, marked mitigated, now has a done mitigation
    ("mitigations", 0, {"status": "proposed"}),
    ("mitigations", 0, {"threats": ["T404"]}),  # T1 loses its done mitigation
    ("mitigations", 2, {"threats": ["T2"], "status": "done"}),
    ("flows", 1, {"id": "F2"}),
    ("boundaries", 0, {"id": "B9"}),
    ("components", 0, {"name": "\x1b[31m"}),
    ("mitigations", 2, {"threats": [""], "status": "done"}),  # names the id-less threat
]


@pytest.mark.parametrize(("kind", "index", "changes"), EDITS)
def test_revalidating_the_edited_records_finds_what_validating_everything_finds(
    kind: str, index: int, changes: dict[str, object]
) -> None:
    before = tangled_model()
    after = edited(before, kind, index, **changes)
    old_id = before.records(kind)[index].id
    new_id = after.records(kind)[index].id
    assert revalidate(before, after, validate(before), {old_id, new_id}) == validate(after)


def test_revalidating_the_system_checks_only_the_system() -> None:
    before = tangled_model()
    after = replace(before, system=replace(before.system, name="bell\x07"))
    assert revalidate(before, after, validate(before), {"system"}) == validate(after)
