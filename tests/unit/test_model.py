import datetime as dt
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tmtui.exchange.markdown import to_markdown
from tmtui.model import (
    Mitigation,
    Model,
    Risk,
    Severity,
    Threat,
    compute_metrics,
    model_from_data,
    next_id,
    parse_risk,
    risk_from,
    split_id,
    validate,
)
from tmtui.model.build import SchemaTooNewError, record_to_data
from tmtui.model.ids import MAX_ID_DIGITS


@pytest.mark.parametrize(
    ("likelihood", "severity", "risk"),
    [
        ("low", "low", Risk.NOTE),
        ("medium", "low", Risk.LOW),
        ("high", "low", Risk.MEDIUM),
        ("low", "medium", Risk.LOW),
        ("medium", "medium", Risk.MEDIUM),
        ("high", "medium", Risk.HIGH),
        ("low", "high", Risk.MEDIUM),
        ("medium", "high", Risk.HIGH),
        ("high", "high", Risk.CRITICAL),
        (None, "high", Risk.UNRATED),
        ("high", None, Risk.UNRATED),
        ("extreme", "high", Risk.UNRATED),
    ],
)
def test_risk_follows_the_owasp_matrix(likelihood, severity, risk):
    assert risk_from(likelihood, severity) is risk


def test_parse_risk_refuses_unrated_and_nonsense():
    assert parse_risk("HIGH") is Risk.HIGH
    for text in ("unrated", "severe"):
        with pytest.raises(ValueError, match="expected one of"):
            parse_risk(text)


_ID_PATTERN = re.compile(r"^([A-Z]+)(\d+)$")


@settings(max_examples=400)
@example("a1")
@example("Ta1")
@example("T12\n")
@example("T\u0661\u0662")
@example("T\u00b2")
@example("")
@given(
    st.one_of(
        st.from_regex(r"[A-Z]{1,3}[0-9]{1,4}\n?", fullmatch=True),
        st.text(alphabet="ATUSaz09\n \u0661\u00b2-", max_size=8),
        st.text(max_size=6),
    )
)
def test_split_id_reads_an_id_as_its_pattern_does(record_id: str) -> None:
    """split_id reads ASCII ids with string methods: the same answer as the pattern, which a final newline, other
    digits (Arabic-Indic, superscripts) and lower case must not change."""
    match = _ID_PATTERN.match(record_id)
    expected = (match.group(1), int(match.group(2))) if match and len(match.group(2)) <= MAX_ID_DIGITS else None
    assert split_id(record_id) == expected


@pytest.mark.parametrize("record_id", ["T" + "1" * 5000, "T" + "\u0661" * 5000, "T" + "1" * (MAX_ID_DIGITS + 1)])
def test_an_id_of_a_number_too_long_to_count_is_no_number_and_the_report_is_written(record_id: str) -> None:
    """Python refuses to read more than 4,300 digits as an int: such an id stopped every export."""
    assert split_id(record_id) is None and split_id("T" + "1" * MAX_ID_DIGITS) == ("T", int("1" * MAX_ID_DIGITS))
    model, _ = model_from_data({"threats": [{"id": record_id, "title": "x"}, {"id": "T2", "title": "y"}]})
    assert record_id in to_markdown(model) and next_id("T", [record_id, "T2"]) == "T3"


def test_next_id_is_one_past_the_highest_and_never_below_what_was_issued():
    assert next_id("T", ["T1", "T7", "M9", "AS3"]) == "T8"
    assert next_id("AS", ["A1", "AS3"]) == "AS4"
    assert next_id("US", []) == "US1"
    assert next_id("T", ["T1"], at_least=5) == "T6"


def _model(data):
    model, findings = model_from_data(data)
    return model, findings + validate(model)


def _messages(findings):
    return [(f.severity.value, f.record_id, f.field, f.message) for f in findings]


def test_a_clean_model_has_no_findings():
    _, findings = _model(
        {
            "system": {"name": "S"},
            "components": [{"id": "C1", "name": "Web", "kind": "process"}],
            "threats": [{"id": "T1", "title": "x", "targets": ["C1"], "status": "mitigated"}],
            "mitigations": [{"id": "M1", "title": "y", "threats": ["T1"], "status": "done"}],
        }
    )
    assert findings == []


def test_validation_names_duplicates_dangling_references_and_bad_values():
    _, findings = _model(
        {
            "components": [
                {"id": "C1", "name": "Web", "kind": "server", "boundary": "B9"},
                {"id": "C1", "name": "Again"},
            ],
            "flows": [{"id": "F1", "label": "f", "from": "C1", "to": "T1"}],
            "threats": [{"id": "T1", "title": "x", "stride": ["spoofing", "sneaking"], "targets": ["C7"]}],
            "mitigations": [{"id": "M1", "threats": ["T2"]}],
        }
    )
    messages = _messages(findings)
    assert ("error", "C1", "id", "duplicate id C1") in messages
    assert ("error", "C1", "kind", "kind 'server' is not one of process, store, external") in messages
    assert ("error", "C1", "boundary", "boundary names B9, but there is no trust boundary with that id") in messages
    assert ("error", "F1", "to", "to names T1, which is a threat, not a component") in messages
    assert any(m[1] == "T1" and "'sneaking'" in m[3] for m in messages)
    assert ("error", "T1", "targets", "targets names C7, but there is no component or data flow with that id") in (
        messages
    )
    assert ("error", "M1", "title", "this mitigation needs a title") in messages
    assert ("error", "M1", "threats", "threats names T2, but there is no threat with that id") in messages


def test_an_empty_choice_or_an_empty_id_is_named_but_an_unset_one_is_not():
    """`status = ""` is a wrong choice and `boundary = ""` names nothing; a key left out is simply unset."""
    _, findings = _model(
        {
            "components": [{"id": "C1", "name": "Web", "kind": "", "boundary": ""}, {"id": "C2", "name": "Db"}],
            "threats": [{"id": "T1", "title": "", "status": "", "stride": [""]}],
        }
    )
    messages = _messages(findings)
    assert ("error", "C1", "kind", "kind '' is not one of process, store, external") in messages
    assert ("error", "C1", "boundary", "boundary names , but there is no trust boundary with that id") in messages
    assert ("error", "T1", "title", "this threat needs a title") in messages
    assert any(m[1:3] == ("T1", "status") for m in messages) and any(m[1:3] == ("T1", "stride") for m in messages)
    assert not [m for m in messages if m[1] == "C2"]


def test_wrong_types_are_errors_and_unknown_keys_are_kept():
    model, findings = _model(
        {
            "schema": 1,
            "assets": [{"id": "A1", "name": 3, "x-team": "red"}],
            "threats": {"id": "T1"},
            "custom": {"a": 1},
        }
    )
    messages = _messages(findings)
    assert ("error", "A1", "name", "name should be a string, not an integer") in messages
    assert any("threats should be an array of tables" in m[3] for m in messages)
    assert model.assets[0].extra == {"x-team": "red"}
    assert model.extra == {"custom": {"a": 1}}


def test_a_mitigated_threat_without_a_done_mitigation_is_a_warning():
    _, findings = _model(
        {
            "threats": [{"id": "T1", "title": "x", "status": "mitigated"}],
            "mitigations": [{"id": "M1", "title": "y", "threats": ["T1"], "status": "planned"}],
        }
    )
    assert [(f.severity, f.record_id, f.field) for f in findings] == [(Severity.WARNING, "T1", "status")]


def test_an_id_that_is_not_prefix_and_number_is_a_warning():
    _, findings = _model({"threats": [{"id": "login-1", "title": "x"}]})
    assert [(f.severity, f.message) for f in findings] == [
        (Severity.WARNING, "id 'login-1' is not T and a number (like T1)")
    ]


def test_schema_too_new_is_refused_and_missing_schema_is_one():
    assert model_from_data({})[0].schema == 1
    with pytest.raises(SchemaTooNewError, match="schema 7"):
        model_from_data({"schema": 7})


def test_metrics_count_open_risk_and_coverage():
    model = Model(
        threats=[
            Threat(id="T1", title="a", likelihood="high", severity="high"),
            Threat(id="T2", title="b", likelihood="low", severity="low", status="mitigated"),
            Threat(id="T3", title="c", status="accepted"),
            Threat(id="T4", title="d", likelihood="medium", severity="high", status="open"),
        ],
        mitigations=[Mitigation(id="M1", title="m", threats=["T1", "T2"], status="done")],
    )
    metrics = compute_metrics(model)
    assert (metrics.threats, metrics.open, metrics.open_high_risk, metrics.mitigated_percent) == (4, 2, 2, 25)
    assert metrics.threats_without_mitigation == ["T4"]
    assert metrics.open_by_risk[Risk.CRITICAL] == 1
    assert metrics.snapshot() == {"threats": 4, "open": 2, "open_high_risk": 2, "mitigated_percent": 25}


def test_record_to_data_writes_file_keys_and_keeps_extra():
    model, _ = model_from_data(
        {
            "flows": [{"id": "F1", "label": "x", "from": "C1", "to": "C2", "x": 1}],
            "reviews": [{"id": "R1", "date": dt.date(2026, 1, 2)}],
        }
    )
    assert record_to_data(model.flows[0]) == {"id": "F1", "label": "x", "from": "C1", "to": "C2", "x": 1}
    assert model.reviews[0].label == "2026-01-02"


def test_diff_names_added_removed_changed_and_risk_moves():
    from tmtui.model.diff import diff_models

    old, _ = model_from_data(
        {
            "system": {"name": "S"},
            "threats": [
                {"id": "T1", "title": "a", "likelihood": "low", "severity": "high"},
                {"id": "T2", "title": "b"},
            ],
        }
    )
    new, _ = model_from_data(
        {
            "system": {"name": "S2"},
            "threats": [
                {"id": "T1", "title": "a", "likelihood": "high", "severity": "high", "x": 1},
                {"id": "T3", "title": "c"},
            ],
        }
    )
    result = diff_models(old, new)
    assert [c.record_id for c in result.added] == ["T3"]
    assert [c.record_id for c in result.removed] == ["T2"]
    assert [(c.record_id, [(f.key, f.old, f.new) for f in c.changes]) for c in result.changed] == [
        ("system", [("name", "S", "S2")]),
        ("T1", [("likelihood", "low", "high"), ("x", None, 1)]),
    ]
    assert [(m.record_id, m.old, m.new) for m in result.risk_moved] == [("T1", Risk.MEDIUM, Risk.CRITICAL)]
    assert diff_models(old, old).empty


def test_diff_sees_records_without_an_id_and_every_copy_of_a_repeated_id():
    """Both are errors `check` names, and a diff on a pull request must still show what such a change does."""
    from tmtui.model.diff import diff_models

    old, _ = model_from_data(
        {
            "threats": [
                {"title": "kept, no id"},
                {"title": "edited, no id"},
                {"id": "T1", "title": "first T1"},
                {"id": "T1", "title": "second T1"},
            ]
        }
    )
    new, _ = model_from_data(
        {
            "threats": [
                {"title": "kept, no id"},
                {"title": "edited now, no id"},
                {"id": "T1", "title": "first T1"},
                {"id": "T1", "title": "second T1, changed"},
                {"id": "T1", "title": "third T1"},
            ]
        }
    )
    result = diff_models(old, new)
    assert [(c.shown_id, c.label) for c in result.added] == [("(no id)", "edited now, no id"), ("T1", "third T1")]
    assert [(c.shown_id, c.label) for c in result.removed] == [("(no id)", "edited, no id")]
    assert [(c.record_id, [(f.key, f.old, f.new) for f in c.changes]) for c in result.changed] == [
        ("T1", [("title", "second T1", "second T1, changed")])
    ]
    assert diff_models(new, new).empty


def test_control_characters_in_any_text_field_are_a_warning_naming_record_and_field():
    model, _ = model_from_data(
        {
            "system": {"name": "Shop\x1b[2J", "owners": ["ok"]},
            "threats": [
                {
                    "id": "T1",
                    "title": "Replay\x9b",
                    "notes": "tab\tand\nnewline are layout",
                    "tags": ["fine", "bell\x07"],
                    "review": {"who": "del\x7f"},
                }
            ],
            "mitigations": [{"id": "M1\x1b]52;c;x\x07", "title": "Sign"}],
        }
    )
    found = {(f.record_id or f.kind, f.field) for f in validate(model) if "control characters" in f.message}
    assert found == {("system", "name"), ("T1", "title"), ("T1", "tags"), ("T1", "review"), ("M1\x1b]52;c;x\x07", "id")}
    assert all(f.severity is Severity.WARNING for f in validate(model) if "control characters" in f.message)
