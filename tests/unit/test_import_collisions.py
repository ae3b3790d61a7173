"""Foreign files whose ids collide never link the wrong record, and the import says what it dropped."""

from __future__ import annotations

import json
import tomllib

from tmtui.document.edit import Document
from tmtui.exchange.imported import load_json, parse_json
from tmtui.exchange.merge import apply_import
from tmtui.exchange.sarif import cwes_of, read_sarif
from tmtui.exchange.threat_composer import read_threat_composer
from tmtui.exchange.threat_dragon import read_threat_dragon


def imported(reader, content: dict) -> tuple[dict, str]:
    document = Document.from_text("schema = 1\n")
    summary = apply_import(document, reader(parse_json(json.dumps(content).encode(), "test")))
    return tomllib.loads(document.text()), summary.describe()


def test_a_threat_composer_threat_and_mitigation_with_one_id_stay_two_records_linked_right():
    data, _ = imported(
        read_threat_composer,
        {
            "threats": [{"id": "same", "threatAction": "replay a request"}],
            "mitigations": [{"id": "same", "content": "Sign requests"}],
            "mitigationLinks": [{"mitigationId": "same", "linkedId": "same"}],
            "assumptions": [{"id": "same", "content": "TLS everywhere"}],
            "assumptionLinks": [
                {"type": "Threat", "assumptionId": "same", "linkedId": "same"},
                {"type": "Mitigation", "assumptionId": "same", "linkedId": "same"},
            ],
        },
    )
    (threat,), (mitigation,), (assumption,) = data["threats"], data["mitigations"], data["assumptions"]
    assert mitigation["threats"] == [threat["id"]]
    assert threat["assumptions"] == [assumption["id"]] == mitigation["assumptions"]


def test_an_assumption_link_without_a_type_to_two_records_is_dropped_and_said():
    data, summary = imported(
        read_threat_composer,
        {
            "threats": [{"id": "same", "threatAction": "replay"}],
            "mitigations": [{"id": "same", "content": "Sign"}],
            "assumptions": [{"id": "a1", "content": "TLS"}],
            "assumptionLinks": [{"assumptionId": "a1", "linkedId": "same"}],
        },
    )
    assert "assumptions" not in data["threats"][0] and "assumptions" not in data["mitigations"][0]
    assert "1 assumption link to no single record dropped" in summary


def test_a_repeated_threat_composer_id_is_dropped_with_a_note():
    data, summary = imported(
        read_threat_composer,
        {"threats": [{"id": "t", "threatAction": "first"}, {"id": "t", "threatAction": "second"}], "mitigations": []},
    )
    assert [t["action"] for t in data["threats"]] == ["first"]
    assert "1 threat dropped: its id repeats one before" in summary


def _td_cell(cell_id: str, shape: str, **data) -> dict:
    return {"id": cell_id, "shape": shape, "data": {"type": f"tm.{shape.capitalize()}", **data}}


def test_a_threat_dragon_threat_id_equal_to_a_cell_id_targets_the_cell_not_itself():
    threat = {"id": "cell-1", "title": "Spoof the user", "type": "Spoofing", "mitigation": "Use MFA"}
    web = _td_cell("cell-1", "process", name="Web", threats=[threat])
    db = _td_cell("cell-2", "store", name="DB", threats=[{"id": "cell-1", "title": "Same id again"}])
    flow = {"id": "cell-3", "shape": "flow", "source": {"cell": "cell-1"}, "target": {"cell": "cell-2"}}
    flow["data"] = {"type": "tm.Flow", "name": "query", "threats": [{"id": "cell-2", "title": "Tamper"}]}
    data, summary = imported(
        read_threat_dragon,
        {"summary": {"title": "Shop"}, "detail": {"diagrams": [{"title": "Main", "cells": [web, db, flow]}]}},
    )
    components = {c["td_id"]: c["id"] for c in data["components"]}
    flows = {f["td_id"]: f["id"] for f in data["flows"]}
    threats = {t["title"]: t for t in data["threats"]}
    assert threats["Spoof the user"]["targets"] == [components["cell-1"]]
    assert threats["Tamper"]["targets"] == [flows["cell-3"]]
    assert data["flows"][0]["from"] == components["cell-1"] and data["flows"][0]["to"] == components["cell-2"]
    (mitigation,) = data["mitigations"]
    assert mitigation["threats"] == [threats["Spoof the user"]["id"]]
    assert "Same id again" not in threats and "1 threat dropped" in summary


def test_duplicate_threat_dragon_cell_ids_keep_the_first_and_say_so():
    first, second = _td_cell("c", "process", name="First"), _td_cell("c", "process", name="Second")
    data, summary = imported(
        read_threat_dragon,
        {"summary": {"title": "Shop"}, "detail": {"diagrams": [{"cells": [first]}, {"cells": [second]}]}},
    )
    assert [c["name"] for c in data["components"]] == ["First"]
    assert "1 component dropped" in summary


def _run(tool: str, rule: str, uri: str) -> dict:
    result = {"ruleId": rule, "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]}
    return {"tool": {"driver": {"name": tool, "rules": [{"id": rule}]}}, "results": [result]}


def test_one_sarif_tool_in_two_runs_is_one_tool_and_one_threat_per_rule():
    content = {"version": "2.1.0", "runs": [_run("semgrep", "sqli", "a.py"), _run("semgrep", "sqli", "b.py")]}
    document = Document.from_text("schema = 1\n")
    apply_import(document, read_sarif(content))
    (threat,) = tomllib.loads(document.text())["threats"]
    assert threat["sarif_results"] == 2 and "a.py" in threat["notes"] and "b.py" in threat["notes"]
    second = {"version": "2.1.0", "runs": [_run("semgrep", "sqli", "a.py"), _run("semgrep", "xss", "c.py")]}
    summary = apply_import(document, read_sarif(second))
    assert "no longer reported" not in summary.describe()  # the rule of run 1 is not "gone" because of run 2


def test_absurd_cwe_numbers_in_sarif_tags_are_left_out():
    rule = {"properties": {"tags": ["CWE-99999999999999999999", "cwe-" + "9" * 5000, "CWE-89"], "cwe": 10**30}}
    assert cwes_of(rule, "x") == [89]
    content = {"version": "2.1.0", "runs": [_run("semgrep", "sqli", "a.py")]}
    content["runs"][0]["tool"]["driver"]["rules"][0] |= rule
    imported = read_sarif(content)
    assert imported.records[0].fields["stride"] == ["tampering"]
    assert "3 CWE numbers ignored: not a CWE id" in imported.notes


def test_lone_surrogates_in_json_are_repaired_with_a_note():
    content, notes = load_json(b'{"name": "caf\\ud800", "ok": "\\ud83d\\ude00"}', "test")
    assert content == {"name": "caf\ufffd", "ok": "\U0001f600"}
    assert notes == ["1 text with invalid characters (lone surrogates) repaired"]
