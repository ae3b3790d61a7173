"""OWASP Threat Dragon models (the v2 layout and the older v1 one): diagrams become components, flows and trust
boundaries; each element's threats become threats targeting it, and their mitigation text a linked mitigation.

Real files are not always valid against Threat Dragon's own schema (nulls, missing keys): whatever is readable
is taken. Each record keeps the Threat Dragon id as `td_id`, so importing again updates instead of duplicating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tmtui.exchange.imported import Imported, ImportedRecord, ImportRefused, items, mapping, short_title, text

SOURCE = "Threat Dragon"
KINDS = {"tm.Actor": "external", "tm.Process": "process", "tm.Store": "store"}
SHAPES = {"actor": "tm.Actor", "process": "tm.Process", "store": "tm.Store", "flow": "tm.Flow"}
SHAPES |= {"trust-boundary-box": "tm.BoundaryBox", "trust-boundary-curve": "tm.Boundary", "td-text-block": "tm.Text"}
STRIDE = {
    "spoofing": "spoofing",
    "tampering": "tampering",
    "repudiation": "repudiation",
    "information disclosure": "information_disclosure",
    "informationdisclosure": "information_disclosure",
    "denial of service": "denial_of_service",
    "denialofservice": "denial_of_service",
    "elevation of privilege": "elevation_of_privilege",
    "elevationofprivilege": "elevation_of_privilege",
}
STATUS = {
    "open": "open",
    "notapplicable": "not_applicable",
    "mitigated": "mitigated",
    "accepted": "accepted",
    "transferred": "transferred",
    "avoided": "avoided",
    "eliminated": "avoided",
}
# Cell flags that rules read, under tmtui's own names; anything else in a cell is left behind.
FLAGS = {
    "isEncrypted": "encrypted",
    "isPublicNetwork": "public_network",
    "isBidirectional": "bidirectional",
    "providesAuthentication": "provides_authentication",
    "storesCredentials": "stores_credentials",
    "isALog": "is_a_log",
    "isSigned": "signed",
    "isWebApplication": "web_application",
    "handlesCardPayment": "handles_card_payment",
    "handlesGoodsOrServices": "handles_goods_or_services",
    "outOfScope": "out_of_scope",
}

# Flags that say what an element is, as the tags the threat library reads, so an imported diagram gets
# suggestions about credentials, logs, web applications and payments rather than STRIDE per element alone.
TAG_OF_FLAG = {
    "storesCredentials": "secrets",
    "isALog": "logging",
    "isWebApplication": "web",
    "handlesCardPayment": "payments",
}


@dataclass
class Cell:
    """One diagram element, whatever the layout it came in."""

    id: str
    type: str
    name: str
    data: dict[str, Any]
    box: tuple[float, float, float, float] | None  # x, y, width, height
    source: str
    target: str


def _key(kind: str, td_id: str) -> str:
    """Threat Dragon ids are not unique across kinds (a threat may reuse a cell's id), so links name the kind."""
    return f"td:{kind}:{td_id}"


def _cell(raw: dict[str, Any]) -> Cell | None:
    data = mapping(raw.get("data"))
    cell_type = text(data.get("type")) or text(raw.get("type")) or SHAPES.get(text(raw.get("shape")), "")
    cell_id = text(raw.get("id"))
    if not cell_id or not cell_type:
        return None
    if not data:  # v1 keeps the flags on the cell itself
        data = raw
    attrs = mapping(raw.get("attrs"))
    labels = [mapping(label) for label in items(raw.get("labels"))]
    label_text = next(
        (
            text(mapping(mapping(label.get("attrs")).get(k)).get("text"))
            for label in labels
            for k in ("text", "labelText")
            if text(mapping(mapping(label.get("attrs")).get(k)).get("text"))
        ),
        "",
    )
    name = text(data.get("name")) or text(mapping(attrs.get("text")).get("text")) or label_text
    position, size = mapping(raw.get("position")), mapping(raw.get("size"))
    box = None
    if all(isinstance(position.get(k), int | float) for k in "xy") and all(
        isinstance(size.get(k), int | float) for k in ("width", "height")
    ):
        box = (position["x"], position["y"], size["width"], size["height"])
    source, target = mapping(raw.get("source")), mapping(raw.get("target"))
    return Cell(
        id=cell_id,
        type=cell_type,
        name=" ".join(name.split()),
        data=data,
        box=box,
        source=text(source.get("cell")) or text(source.get("id")),
        target=text(target.get("cell")) or text(target.get("id")),
    )


def _cells(diagram: dict[str, Any]) -> list[Cell]:
    raw = diagram.get("cells")
    if raw is None:
        raw = mapping(diagram.get("diagramJson")).get("cells")
    return [c for c in map(_cell, (mapping(x) for x in items(raw))) if c is not None]


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    x, y, w, h = inner
    cx, cy = x + w / 2, y + h / 2
    ox, oy, ow, oh = outer
    return ox <= cx <= ox + ow and oy <= cy <= oy + oh


def _flags(cell: Cell) -> dict[str, Any]:
    out = {name: cell.data[flag] for flag, name in FLAGS.items() if isinstance(cell.data.get(flag), bool)}
    if text(cell.data.get("privilegeLevel")):
        out["privilege_level"] = text(cell.data.get("privilegeLevel"))
    if text(cell.data.get("reasonOutOfScope")):
        out["reason_out_of_scope"] = text(cell.data.get("reasonOutOfScope"))
    tags = [tag for flag, tag in TAG_OF_FLAG.items() if cell.data.get(flag) is True]
    if tags:
        out["tags"] = tags
    return out


def read_threat_dragon(data: Any) -> Imported:
    detail = mapping(mapping(data).get("detail"))
    diagrams = detail.get("diagrams")
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict) or not isinstance(diagrams, list):
        raise ImportRefused("not a Threat Dragon model: expected a JSON object with summary and detail.diagrams")
    summary = mapping(data.get("summary"))
    imported = Imported(SOURCE)
    owner = text(summary.get("owner"))
    imported.system = {"name": text(summary.get("title")), "description": text(summary.get("description"))}
    if owner:
        imported.system["owners"] = [owner]
    for number, diagram in enumerate(map(mapping, diagrams), start=1):
        _read_diagram(diagram, number, imported)
    return imported


def _read_diagram(diagram: dict[str, Any], number: int, imported: Imported) -> None:
    cells = _cells(diagram)
    elements = [c for c in cells if c.type in KINDS]
    boxes = [(c, c.box) for c in cells if c.type == "tm.BoundaryBox" and c.box is not None]
    diagram_name = text(diagram.get("title")) or f"diagram {number}"
    boundary_count = 0
    for cell in cells:
        if cell.type in ("tm.Boundary", "tm.BoundaryBox"):
            boundary_count += 1
            name = cell.name or f"Trust boundary {boundary_count} ({diagram_name})"
            boundary: dict[str, Any] = {"name": name}
            if text(cell.data.get("description")):
                boundary["description"] = text(cell.data.get("description"))
            imported.add(ImportedRecord("boundaries", _key("boundaries", cell.id), boundary, match={"td_id": cell.id}))
    names = {c.id: c.name for c in elements}
    for cell in elements:
        fields: dict[str, Any] = {"name": cell.name or f"Unnamed {KINDS[cell.type]}", "kind": KINDS[cell.type]}
        if text(cell.data.get("description")):
            fields["description"] = text(cell.data.get("description"))
        containing = [(b, box) for b, box in boxes if cell.box is not None and _inside(cell.box, box)]
        if containing:  # nested boxes: the innermost one
            innermost = min(containing, key=lambda pair: pair[1][2] * pair[1][3])[0]
            fields["boundary"] = _key("boundaries", innermost.id)
        fields |= _flags(cell)
        imported.add(ImportedRecord("components", _key("components", cell.id), fields, match={"td_id": cell.id}))
        _read_threats(cell, imported)
    for cell in cells:
        if cell.type != "tm.Flow":
            continue
        protocol = text(cell.data.get("protocol"))
        label = cell.name or protocol or f"{names.get(cell.source, '?')} to {names.get(cell.target, '?')}"
        fields = {"label": label, "protocol": protocol}
        if cell.source in names:
            fields["from"] = _key("components", cell.source)
        if cell.target in names:
            fields["to"] = _key("components", cell.target)
        fields |= _flags(cell)
        imported.add(ImportedRecord("flows", _key("flows", cell.id), fields, match={"td_id": cell.id}))
        _read_threats(cell, imported)


def _read_threats(cell: Cell, imported: Imported) -> None:
    for index, threat in enumerate(map(mapping, items(cell.data.get("threats"))), start=1):
        title = text(threat.get("title")) or f"Threat {index} on {cell.name or cell.id}"
        td_id = text(threat.get("id")) or f"{cell.id}:{index}:{title}"
        kind = text(threat.get("type"))
        stride = STRIDE.get(kind.lower()) or STRIDE.get(re.sub(r"\s+", "", kind.lower()))
        tags = []
        if kind and stride is None:
            model_type = text(threat.get("modelType"))
            tags.append(f"{model_type.lower()}:{kind.lower()}" if model_type else kind.lower())
        severity = text(threat.get("severity")).lower()
        if severity == "critical":
            tags.append("critical")
            severity = "high"
        status_text = text(threat.get("status")).lower().replace(" ", "").replace("_", "")
        status = STATUS.get(status_text)
        if status_text == "eliminated":
            tags.append("eliminated")
        fields: dict[str, Any] = {
            "title": title,
            "stride": [stride] if stride else [],
            "targets": [_key("flows" if cell.type == "tm.Flow" else "components", cell.id)],
            "severity": severity if severity in ("low", "medium", "high") else None,
            "status": status,
            "notes": text(threat.get("description")),
            "tags": tags,
        }
        score = threat.get("score")
        if isinstance(score, str | int | float) and str(score).strip():
            fields["td_score"] = str(score).strip()
        key = _key("threats", td_id)
        imported.add(ImportedRecord("threats", key, fields, match={"td_id": td_id}))
        mitigation = text(threat.get("mitigation"))
        if mitigation:
            mitigation_fields: dict[str, Any] = {
                "title": short_title(mitigation),
                "threats": [key],
                "status": "done" if status == "mitigated" else "proposed",
            }
            if mitigation_fields["title"] != mitigation:
                mitigation_fields["description"] = mitigation
            imported.add(
                ImportedRecord(
                    "mitigations", _key("mitigations", td_id), mitigation_fields, match={"td_id": f"{td_id}:mitigation"}
                )
            )
