"""AWS Threat Composer (`.tc.json`, schema 1): import a workspace, and export one that Threat Composer accepts.

Each record keeps the Threat Composer UUID as `tc_id`, so importing again updates instead of duplicating, and an
export reuses the ids Threat Composer gave.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tmtui.exchange.escape import json_safe
from tmtui.exchange.imported import (
    Imported,
    ImportedRecord,
    ImportRefused,
    items,
    mapping,
    short_title,
    text,
)
from tmtui.model import Model, Record, Stride, split_id, threat_sentence

SOURCE = "Threat Composer"
THREAT_STATUS = {"threatIdentified": "open", "threatResolved": "mitigated", "threatResolvedNotUseful": "not_applicable"}
MITIGATION_STATUS = {
    "mitigationIdentified": "proposed",
    "mitigationInProgress": "in_progress",
    "mitigationResolved": "done",
    "mitigationResolvedWillNotAction": "wont_do",
}
STRIDE_LETTERS = {s.letter: s.value for s in Stride}
THREAT_STATUS_OUT = {ours: theirs for theirs, ours in THREAT_STATUS.items()}
MITIGATION_STATUS_OUT = {ours: theirs for theirs, ours in MITIGATION_STATUS.items()}
# ---- import ------------------------------------------------------------------------------------------------


def _metadata(entry: dict[str, Any]) -> dict[str, Any]:
    return {text(m.get("key")): m.get("value") for m in items(entry.get("metadata")) if isinstance(m, dict)}


def _comments(entry: dict[str, Any]) -> str:
    value = _metadata(entry).get("Comments")
    return value.strip() if isinstance(value, str) else ""


def _tags(entry: dict[str, Any]) -> list[str]:
    return [t.strip() for t in items(entry.get("tags")) if isinstance(t, str) and t.strip()]


def read_threat_composer(data: Any) -> Imported:
    if not isinstance(data, dict) or not ({"threats", "applicationInfo", "mitigations"} & data.keys()):
        raise ImportRefused(
            "not a Threat Composer file: expected a JSON object with applicationInfo, threats and mitigations"
        )
    schema = data.get("schema", 1)
    if isinstance(schema, int | float) and schema > 1:
        raise ImportRefused(f"Threat Composer schema {schema} is newer than the schema 1 this tmtui reads")
    imported = Imported(SOURCE)
    _read_system(data, imported)
    _read_assumptions(data, imported)
    threats = _read_threats(data, imported)
    _read_mitigations(data, imported, threats)
    _link_assumptions(data, imported)
    return imported


def _key(kind: str, tc_id: str) -> str:
    """Threat Composer ids are unique per kind only: a threat and a mitigation may share one."""
    return f"tc:{kind}:{tc_id}"


def _link_assumptions(data: dict[str, Any], imported: Imported) -> None:
    """Each assumption link names the linked record's kind (`type`); without one, a unique match is taken."""
    by_key = {record.key: record for record in imported.records}
    kinds = {"threat": "threats", "mitigation": "mitigations"}
    dropped = 0
    for link in map(mapping, items(data.get("assumptionLinks"))):
        assumption, linked = text(link.get("assumptionId")), text(link.get("linkedId"))
        named = text(link.get("type")).lower()
        candidates = [by_key.get(_key(kind, linked)) for word, kind in kinds.items() if named in ("", word)]
        found = [r for r in candidates if r is not None]
        if len(found) != 1 or _key("assumptions", assumption) not in by_key:
            dropped += 1
            continue
        found[0].fields.setdefault("assumptions", []).append(_key("assumptions", assumption))
    if dropped:
        imported.notes.append(f"{dropped} assumption link{'s' * (dropped != 1)} to no single record dropped")


def _read_system(data: dict[str, Any], imported: Imported) -> None:
    info = mapping(data.get("applicationInfo"))
    parts = [text(info.get("description"))]
    images = 0
    for section, title in (("architecture", "Architecture"), ("dataflow", "Data flow")):
        block = mapping(data.get(section))
        if text(block.get("description")):
            parts.append(f"## {title}\n\n{text(block.get('description'))}")
        if text(block.get("image")):
            images += 1
            parts.append(f"({title} diagram: an image in the Threat Composer file, not copied into the model.)")
    imported.system = {"name": text(info.get("name")), "description": "\n\n".join(p for p in parts if p)}
    if images:
        imported.notes.append(f"{images} image{'s' * (images != 1)} not copied")


def _read_assumptions(data: dict[str, Any], imported: Imported) -> None:
    for entry in map(mapping, items(data.get("assumptions"))):
        tc_id = text(entry.get("id"))
        if not tc_id or not text(entry.get("content")):
            continue
        fields: dict[str, Any] = {"text": text(entry.get("content"))}
        if _comments(entry):
            fields["comments"] = _comments(entry)
        if _tags(entry):
            fields["tags"] = _tags(entry)
        imported.add(ImportedRecord("assumptions", _key("assumptions", tc_id), fields, match={"tc_id": tc_id}))


def _read_threats(data: dict[str, Any], imported: Imported) -> dict[str, ImportedRecord]:
    threats: dict[str, ImportedRecord] = {}
    asset_keys: set[str] = set()
    for entry in map(mapping, items(data.get("threats"))):
        tc_id = text(entry.get("id"))
        if not tc_id:
            continue
        meta = _metadata(entry)
        action = text(entry.get("threatAction"))
        statement = text(entry.get("statement"))
        title = short_title(action[:1].upper() + action[1:] if action else statement) or f"Threat {tc_id[:8]}"
        assets = [a.strip() for a in items(entry.get("impactedAssets")) if isinstance(a, str) and a.strip()]
        for name in assets:
            if f"asset:{name}" not in asset_keys:
                asset_keys.add(f"asset:{name}")
                imported.add(ImportedRecord("assets", f"asset:{name}", {"name": name}, match={"name": name}))
        stride = meta.get("STRIDE")
        priority = meta.get("Priority")
        fields: dict[str, Any] = {
            "title": title,
            "stride": [STRIDE_LETTERS[s] for s in items(stride) if s in STRIDE_LETTERS],
            "source": text(entry.get("threatSource")),
            "prerequisites": text(entry.get("prerequisites")),
            "action": action,
            "impact": text(entry.get("threatImpact")),
            "assets": [f"asset:{name}" for name in assets],
            "goals": [g.strip() for g in items(entry.get("impactedGoal")) if isinstance(g, str) and g.strip()],
            "tags": _tags(entry),
            "severity": priority.lower()
            if isinstance(priority, str) and priority in ("High", "Medium", "Low")
            else None,
            "status": THREAT_STATUS.get(text(entry.get("status"))),
            "notes": _comments(entry),
        }
        record = ImportedRecord("threats", _key("threats", tc_id), fields, match={"tc_id": tc_id})
        threats.setdefault(tc_id, imported.add(record))
    return threats


def _read_mitigations(data: dict[str, Any], imported: Imported, threats: dict[str, ImportedRecord]) -> None:
    links: dict[str, list[str]] = {}
    for link in map(mapping, items(data.get("mitigationLinks"))):
        mitigation, linked = text(link.get("mitigationId")), text(link.get("linkedId"))
        if mitigation and linked in threats:
            links.setdefault(mitigation, []).append(_key("threats", linked))
    for entry in map(mapping, items(data.get("mitigations"))):
        tc_id = text(entry.get("id"))
        content = text(entry.get("content"))
        if not tc_id or not content:
            continue
        fields: dict[str, Any] = {"title": short_title(content), "threats": links.get(tc_id, [])}
        if fields["title"] != content:
            fields["description"] = content
        fields["status"] = MITIGATION_STATUS.get(text(entry.get("status")))
        if _comments(entry):
            fields["comments"] = _comments(entry)
        if _tags(entry):
            fields["tags"] = _tags(entry)
        imported.add(ImportedRecord("mitigations", _key("mitigations", tc_id), fields, match={"tc_id": tc_id}))


# ---- export ------------------------------------------------------------------------------------------------

_NAMESPACE = uuid.UUID("5f0c7d8e-3b1a-4c59-9a57-2f3e7b9c1d20")


def _tc_id(record: Record, system_name: str) -> str:
    """The record's Threat Composer id: the one it came with, or a UUID derived from its tmtui id (stable)."""
    existing = record.extra.get("tc_id")
    if isinstance(existing, str) and len(existing) == 36:
        return existing
    return str(uuid.uuid5(_NAMESPACE, f"{system_name}/{record.id}"))


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _numeric(record: Record, position: int) -> int:
    parts = split_id(record.id)
    return parts[1] if parts else position


def _export_tags(record: Record) -> list[str]:
    tags = getattr(record, "tags", None) or record.extra.get("tags") or []
    return list(dict.fromkeys(_cut(t.strip(), 30) for t in tags if isinstance(t, str) and t.strip()))


def _common(record: Record, position: int, system_name: str, comments: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": _tc_id(record, system_name),
        "numericId": _numeric(record, position),
        "displayOrder": position,
    }
    metadata = [{"key": "Comments", "value": _cut(comments, 1000)}] if comments else []
    if metadata:
        out["metadata"] = metadata
    if _export_tags(record):
        out["tags"] = _export_tags(record)
    return out


def to_threat_composer(model: Model) -> dict[str, Any]:
    """A workspace that validates against Threat Composer's own schema."""
    name = model.system.name
    ids = {r.id: _tc_id(r, name) for r in model.all_records()}
    assets = {a.id: a.name for a in model.assets}
    out: dict[str, Any] = {
        "schema": 1,
        "applicationInfo": {"name": _cut(name, 200), "description": _cut(model.system.description, 100000)},
        "architecture": {},
        "dataflow": {},
        "assumptions": [],
        "mitigations": [],
        "assumptionLinks": [],
        "mitigationLinks": [],
        "threats": [],
    }
    for position, assumption in enumerate(model.assumptions, start=1):
        entry = _common(assumption, position, name, str(assumption.extra.get("comments") or ""))
        entry["content"] = _cut(assumption.text, 1000)
        out["assumptions"].append(entry)
    for position, mitigation in enumerate(model.mitigations, start=1):
        entry = _common(mitigation, position, name, str(mitigation.extra.get("comments") or ""))
        entry["content"] = _cut(mitigation.description or mitigation.title, 1000)
        if mitigation.status in MITIGATION_STATUS_OUT:
            entry["status"] = MITIGATION_STATUS_OUT[mitigation.status]
        out["mitigations"].append(entry)
        for threat_id in mitigation.threats:
            if threat_id in ids:
                out["mitigationLinks"].append({"mitigationId": entry["id"], "linkedId": ids[threat_id]})
        out["assumptionLinks"] += _assumption_links("Mitigation", entry["id"], mitigation.assumptions, ids)
    for position, threat in enumerate(model.threats, start=1):
        entry = _common(threat, position, name, threat.notes)
        metadata = entry.setdefault("metadata", [])
        letters = [Stride(s).letter for s in threat.stride if s in {x.value for x in Stride}]
        if letters:
            metadata.append({"key": "STRIDE", "value": letters})
        if threat.severity in ("low", "medium", "high"):
            metadata.append({"key": "Priority", "value": threat.severity.capitalize()})
        if not metadata:
            del entry["metadata"]
        for key, value in (
            ("threatSource", threat.source),
            ("prerequisites", threat.prerequisites),
            ("threatAction", threat.action or threat.title),
            ("threatImpact", threat.impact),
        ):
            if value:
                entry[key] = _cut(value, 200)
        if threat.goals:
            entry["impactedGoal"] = [_cut(g, 200) for g in threat.goals]
        impacted = [_cut(assets[a], 200) for a in threat.assets if a in assets]
        if impacted:
            entry["impactedAssets"] = impacted
        entry["statement"] = _cut(threat_sentence(threat) or threat.title, 1400)
        if threat.status in THREAT_STATUS_OUT:
            entry["status"] = THREAT_STATUS_OUT[threat.status]
        out["threats"].append(entry)
        out["assumptionLinks"] += _assumption_links("Threat", entry["id"], threat.assumptions, ids)
    return out


def _assumption_links(kind: str, linked_id: str, assumptions: list[str], ids: dict[str, str]) -> list[dict[str, str]]:
    return [{"type": kind, "assumptionId": ids[a], "linkedId": linked_id} for a in assumptions if a in ids]


def to_threat_composer_json(model: Model) -> str:
    return json_safe(json.dumps(to_threat_composer(model), indent=2, ensure_ascii=False)) + "\n"
