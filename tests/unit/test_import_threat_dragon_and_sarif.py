"""Threat Dragon (v2 and v1 layouts) and SARIF reports, field by field, with re-import."""

import tomllib
from pathlib import Path

import pytest

from tmtui.document.edit import Document
from tmtui.document.read import load_text
from tmtui.document.source import decode
from tmtui.exchange.imported import ImportRefused, parse_json
from tmtui.exchange.merge import apply_import
from tmtui.exchange.sarif import read_sarif
from tmtui.exchange.threat_dragon import read_threat_dragon

EXCHANGE = Path(__file__).parent.parent / "fixtures" / "exchange"


def import_new(reader, name: str):
    document = Document.from_text("schema = 1\n")
    summary = apply_import(document, reader(parse_json((EXCHANGE / name).read_bytes(), "test")))
    assert load_text(decode(document.to_bytes())).findings == []  # tmtui check is clean
    return tomllib.loads(document.text()), summary, document


def by(rows, key, value):
    return next(r for r in rows if r.get(key) == value)


def test_threat_dragon_v2_elements_boundaries_and_flows():
    data, summary, _ = import_new(read_threat_dragon, "three-tier.td2.json")
    assert data["system"] == {"name": "Shop", "description": "A web shop", "owners": ["Team Shop"]}
    boundaries = {b["td_id"]: b for b in data["boundaries"]}
    assert boundaries["box-outer"]["name"] == "Data centre"
    assert boundaries["box-inner"]["name"] == "Trust boundary 2 (Main)"
    assert boundaries["curve-1"]["name"] == "Internet edge"
    components = {c["td_id"]: c for c in data["components"]}
    customer, web, orders = components["actor-1"], components["proc-1"], components["store-1"]
    assert (customer["kind"], customer["provides_authentication"], "boundary" not in customer) == (
        "external",
        True,
        True,
    )
    assert (web["name"], web["kind"], web["web_application"], web["privilege_level"]) == (
        "Web server",
        "process",
        True,
        "www-data",
    )
    assert web["boundary"] == boundaries["box-outer"]["id"]
    assert orders["boundary"] == boundaries["box-inner"]["id"]  # the innermost box it sits in
    assert (orders["kind"], orders["encrypted"], orders["stores_credentials"]) == ("store", True, False)
    browse, unnamed = data["flows"]
    assert (browse["label"], browse["protocol"], browse["encrypted"], browse["public_network"]) == (
        "browse",
        "https",
        True,
        True,
    )
    assert (browse["from"], browse["to"]) == (customer["id"], web["id"])
    assert unnamed["label"] == "Web server to Orders DB"
    assert summary.added["threats"] == 5


def test_threat_dragon_threats_and_their_mitigations():
    data, _, _ = import_new(read_threat_dragon, "three-tier.td2.json")
    threats = {t["td_id"]: t for t in data["threats"]}
    hijack = threats["t-1"]
    assert hijack["stride"] == ["spoofing"]
    assert (hijack["severity"], hijack["tags"], hijack["status"]) == ("high", ["critical"], "open")
    assert hijack["notes"] == "Cookies without Secure flag."
    assert hijack["td_score"] == "9"
    linkable = threats["t-2"]
    assert ("stride" not in linkable, linkable["tags"], linkable["status"]) == (
        True,
        ["linddun:linkability"],
        "not_applicable",
    )
    assert threats["t-4"]["status"] == "avoided" and "eliminated" in threats["t-4"]["tags"]
    assert threats["t-5"]["status"] == "accepted"
    assert threats["t-5"]["targets"] == [by(data["flows"], "td_id", "flow-1")["id"]]
    mitigations = {m["td_id"]: m for m in data["mitigations"]}
    assert set(mitigations) == {"t-1:mitigation", "t-3:mitigation"}
    sqli = mitigations["t-3:mitigation"]
    assert (sqli["title"], sqli["status"], sqli["threats"]) == (
        "Use prepared statements everywhere.",
        "done",
        [threats["t-3"]["id"]],
    )
    assert sqli["description"] == "Use prepared statements everywhere.\nReview ORM raw queries."


def test_threat_dragon_v1_layout():
    data, _, _ = import_new(read_threat_dragon, "demo.td1.json")
    assert [c["name"] for c in data["components"]] == ["Browser", "Web Application", "Logs"]
    assert [c["kind"] for c in data["components"]] == ["external", "process", "store"]
    assert data["components"][2]["is_a_log"] is True
    assert data["components"][2]["tags"] == ["logging"]  # what the element is, as the threat library reads it
    assert "tags" not in data["components"][0]
    requests, second = data["flows"]
    assert (requests["label"], requests["protocol"], requests["encrypted"]) == ("requests", "HTTP/S", True)
    assert second["label"] == "Web Application to Logs"
    assert [t["title"] for t in data["threats"]] == ["XSS", "Sniffing"]
    assert data["threats"][1]["stride"] == ["information_disclosure"]
    assert [m["title"] for m in data["mitigations"]] == ["Encode output.", "TLS 1.2+"]
    assert data["boundaries"][0]["name"] == "Trust boundary 1 (Only diagram)"


def test_threat_dragon_reimport_updates():
    _, _, document = import_new(read_threat_dragon, "three-tier.td2.json")
    before = len(document.model.threats)
    summary = apply_import(
        document, read_threat_dragon(parse_json((EXCHANGE / "three-tier.td2.json").read_bytes(), "x"))
    )
    assert len(document.model.threats) == before
    assert sum(summary.added.values()) == 0


@pytest.mark.parametrize("content", [b'{"threats": []}', b'{"summary": {"title": "x"}, "detail": {}}', b"[]"])
def test_a_file_that_is_not_a_threat_dragon_model_is_refused(content):
    with pytest.raises(ImportRefused, match="not a Threat Dragon model"):
        read_threat_dragon(parse_json(content, "Threat Dragon"))


def test_sarif_makes_one_threat_per_rule_with_counts_and_locations():
    data, summary, _ = import_new(read_sarif, "scan.sarif")
    sqli = by(data["threats"], "sarif_rule", "python.sqli")
    assert sqli["title"] == "semgrep python.sqli: SQL built from user input"
    assert (sqli["stride"], sqli["severity"], sqli["status"]) == (["tampering"], "high", "open")
    assert sqli["sarif_tool"] == "semgrep" and sqli["sarif_results"] == 12
    notes = sqli["notes"].splitlines()
    assert notes[0] == "12 results from semgrep rule python.sqli (sql-injection)."
    assert "CWE: CWE-89" in notes
    assert notes[-11:] == [f"- app/db.py:{n}" for n in range(1, 11)] + ["- and 2 more"]
    weak = by(data["threats"], "sarif_rule", "python.weak-hash")
    assert (weak["stride"], weak["severity"]) == (["information_disclosure"], "medium")
    bandit = by(data["threats"], "sarif_rule", "B602")
    assert (bandit["sarif_tool"], bandit["severity"], bandit["stride"]) == ("bandit", "low", ["tampering"])
    assert "- /src/run.py:3" in bandit["notes"]
    assert len(data["threats"]) == 3  # the rule that never fired is not a threat
    assert summary.notes == ["14 results in 3 rules"]


def test_sarif_reimport_updates_notes_keeps_triage_and_names_rules_that_disappeared():
    _, _, document = import_new(read_sarif, "scan.sarif")
    sqli = next(t for t in document.model.threats if t.extra.get("sarif_rule") == "python.sqli")
    document.set_field(sqli.id, "status", "accepted")
    document.set_field(sqli.id, "likelihood", "low")
    newer = read_sarif(parse_json((EXCHANGE / "scan-newer.sarif").read_bytes(), "SARIF"))
    summary = apply_import(document, newer)
    after = document.model.find(sqli.id)
    assert (after.status, after.likelihood) == ("accepted", "low")
    assert after.notes.startswith("1 result from semgrep rule python.sqli")
    assert len(document.model.threats) == 3
    weak = next(t for t in document.model.threats if t.extra.get("sarif_rule") == "python.weak-hash")
    assert f"no longer reported by semgrep: python.weak-hash ({weak.id})" in summary.notes
    assert not any("B602" in note for note in summary.notes)  # bandit did not run this time


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'{"version": "1.0.0", "runs": []}', "not supported"), (b'{"runs": {}}', "list of runs"), (b"{", "not JSON")],
)
def test_sarif_refuses_what_it_cannot_read(content, message):
    with pytest.raises(ImportRefused, match=message):
        read_sarif(parse_json(content, "SARIF"))
