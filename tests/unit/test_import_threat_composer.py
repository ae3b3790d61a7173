"""Threat Composer in and out: field by field, re-import, round trip, and an export its own schema accepts."""

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from tmtui.document.edit import Document
from tmtui.document.read import load_text
from tmtui.document.source import decode
from tmtui.exchange.imported import ImportRefused, parse_json
from tmtui.exchange.merge import apply_import
from tmtui.exchange.threat_composer import read_threat_composer, to_threat_composer

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXCHANGE = FIXTURES / "exchange"


def load(name: str):
    return parse_json((EXCHANGE / name).read_bytes(), "Threat Composer")


def imported_document(name: str) -> tuple[Document, object]:
    document = Document.from_text("schema = 1\n")
    summary = apply_import(document, read_threat_composer(load(name)))
    return document, summary


def check_clean(document: Document) -> None:
    loaded = load_text(decode(document.to_bytes()))
    assert loaded.findings == []


def test_small_workspace_field_by_field():
    document, summary = imported_document("small.tc.json")
    data = tomllib.loads(document.text())
    assert data["system"]["name"] == "Photo sharing"
    description = data["system"]["description"]
    assert description.startswith("Users upload and share photos.")
    assert "## Architecture\n\nA web app in front of an object store." in description
    assert "Architecture diagram: an image in the Threat Composer file, not copied" in description
    assert "base64" not in document.text()
    assert [a["name"] for a in data["assets"]] == ["photos", "storage budget"]
    assert data["assumptions"] == [
        {
            "id": "AS1",
            "text": "The CDN strips EXIF data.",
            "comments": "Confirmed with the CDN team.",
            "tags": ["cdn"],
            "tc_id": "aaaaaaaa-0000-4000-8000-000000000001",
        }
    ]
    first, second = data["threats"]
    assert first == {
        "id": "T1",
        "title": "Upload files larger than the storage quota",
        "stride": ["denial_of_service", "tampering"],
        "source": "An external threat actor",
        "prerequisites": "with a valid account",
        "action": "upload files larger than the storage quota",
        "impact": "exhausted storage",
        "assets": ["A1", "A2"],
        "goals": ["availability"],
        "tags": ["uploads"],
        "severity": "high",
        "status": "mitigated",
        "notes": "Seen in the pentest.",
        "tc_id": "cccccccc-0000-4000-8000-000000000001",
    }
    assert "likelihood" not in first
    assert second["status"] == "not_applicable" and second["severity"] == "low"
    assert second["assumptions"] == ["AS1"]
    m1, m2 = data["mitigations"]
    assert (m1["title"], m1["status"], m1["threats"]) == (
        "Signed upload URLs that expire after 5 minutes",
        "done",
        ["T1"],
    )
    assert (m2["status"], m2["threats"], m2["assumptions"], m2["tags"]) == (
        "in_progress",
        ["T1", "T2"],
        ["AS1"],
        ["dos"],
    )
    assert summary.describe() == (
        "Threat Composer: 2 assets, 1 assumption, 2 threats, 2 mitigations, 8 links; 2 images not copied"
    )
    check_clean(document)


def test_odd_files_with_nulls_and_missing_keys_take_what_is_readable():
    document, _ = imported_document("odd.tc.json")
    data = tomllib.loads(document.text())
    assert [t["title"] for t in data["threats"]] == ["Something bad happens"]
    assert "mitigations" not in data
    check_clean(document)


def test_an_empty_workspace_gives_only_the_system():
    document, summary = imported_document("empty.tc.json")
    assert tomllib.loads(document.text()) == {"schema": 1, "system": {"name": "Nothing yet"}}
    assert summary.describe() == "Threat Composer: no records, 0 links"


def test_reimport_updates_instead_of_duplicating_and_keeps_user_edits_elsewhere():
    document, _ = imported_document("small.tc.json")
    document.set_field("T1", "likelihood", "medium")  # tmtui's own field, which Threat Composer has not
    changed = load("small.tc.json")
    changed["threats"][0]["threatImpact"] = "a huge bill"
    summary = apply_import(document, read_threat_composer(changed))
    data = tomllib.loads(document.text())
    assert [t["id"] for t in data["threats"]] == ["T1", "T2"]
    assert data["threats"][0]["impact"] == "a huge bill"
    assert data["threats"][0]["likelihood"] == "medium"
    assert summary.added["threats"] == 0 and summary.updated["threats"] == 1


def test_round_trip_keeps_counts_links_statuses_stride_and_priority():
    original = load("small.tc.json")
    document, _ = imported_document("small.tc.json")
    exported = to_threat_composer(document.model)
    for key in ("threats", "mitigations", "assumptions"):
        assert {e["id"] for e in exported[key]} == {e["id"] for e in original[key]}
    as_pairs = lambda links: sorted(tuple(sorted(link.items())) for link in links)  # noqa: E731
    assert as_pairs(exported["mitigationLinks"]) == as_pairs(original["mitigationLinks"])
    assert as_pairs(exported["assumptionLinks"]) == as_pairs(original["assumptionLinks"])
    by_id = {t["id"]: t for t in exported["threats"]}
    for threat in original["threats"]:
        assert by_id[threat["id"]]["status"] == threat["status"]
        original_meta = {m["key"]: m["value"] for m in threat["metadata"]}
        exported_meta = {m["key"]: m["value"] for m in by_id[threat["id"]]["metadata"]}
        assert exported_meta.get("Priority") == original_meta.get("Priority")
        assert sorted(exported_meta.get("STRIDE", [])) == sorted(original_meta.get("STRIDE", []))
    statuses = {m["id"]: m.get("status") for m in exported["mitigations"]}
    assert statuses == {m["id"]: m.get("status") for m in original["mitigations"]}
    assert {m["content"] for m in exported["mitigations"]} == {m["content"] for m in original["mitigations"]}


def test_export_of_a_native_model_validates_against_threat_composers_schema(commented_text):
    schema = json.loads((FIXTURES / "threat-composer-v1.schema.json").read_text())
    document = Document.from_text(commented_text)
    document.set_field("T1", "tags", ["a-tag-that-is-far-longer-than-thirty-characters", " "])
    document.set_field("T2", "notes", "x" * 5000)
    exported = to_threat_composer(document.model)
    jsonschema.validate(exported, schema)
    assert all(len(t["id"]) == 36 for t in exported["threats"])
    # stable: the same model exports the same ids
    assert to_threat_composer(document.model) == exported


def test_the_demo_exports_valid_threat_composer():
    from tmtui.document.read import read_model_bytes
    from tmtui.paths import bundled

    schema = json.loads((FIXTURES / "threat-composer-v1.schema.json").read_text())
    model = read_model_bytes(bundled("demo.toml")).model
    jsonschema.validate(to_threat_composer(model), schema)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not JSON"),
        (b"[1, 2, 3]", "expected a JSON object with applicationInfo"),
        (b'{"schema": 2, "threats": []}', "schema 2 is newer"),
        (b"[" * 200 + b"]" * 200, "nested"),
    ],
)
def test_bad_input_is_refused(content, message):
    with pytest.raises(ImportRefused, match=message):
        read_threat_composer(parse_json(content, "Threat Composer"))


def test_a_file_that_is_too_large_is_refused(monkeypatch):
    monkeypatch.setattr("tmtui.exchange.imported.MAX_BYTES", 10)
    with pytest.raises(ImportRefused, match="too large"):
        parse_json(b'{"threats": [], "x": "' + b"y" * 20 + b'"}', "Threat Composer")
