"""Puts imported records into a document: new ones take the next free ids, ones seen before are updated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tmtui.document.edit import SYSTEM, Document
from tmtui.exchange.imported import Family, Imported, ImportedRecord
from tmtui.model import RECORD_TYPE_BY_KIND, field_specs


@dataclass
class ImportSummary:
    source: str
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    links: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """ "Threat Composer: 20 threats, 18 mitigations, 36 links; 2 images not copied"."""
        parts = []
        for kind in RECORD_TYPE_BY_KIND:
            added, updated = self.added[kind], self.updated[kind]
            if added or updated:
                noun = kind if added + updated != 1 else RECORD_TYPE_BY_KIND[kind].SINGULAR
                detail = f"{added} {noun}" if not updated else f"{added} new and {updated} updated {noun}"
                parts.append(detail)
        if not parts:
            parts.append("no records")
        parts.append(f"{self.links} link{'s' * (self.links != 1)}")
        text = f"{self.source}: " + ", ".join(parts)
        return text + ("; " + "; ".join(self.notes) if self.notes else "")


def _ref_keys(kind: str) -> set[str]:
    return {spec.key for spec in field_specs(RECORD_TYPE_BY_KIND[kind]) if spec.refs}


def apply_import(document: Document, imported: Imported) -> ImportSummary:
    summary = ImportSummary(imported.source, notes=list(imported.notes))
    _fill_system(document, imported.system)
    ids: dict[str, str] = {}
    fresh: set[str] = set()
    for record in imported.records:
        refs = _ref_keys(record.kind)
        plain = {k: v for k, v in record.fields.items() if k not in refs and v not in (None, "", [])}
        plain.update(record.match)
        existing = _find(document, record)
        if existing is None:
            ids[record.key] = document.add_record(record.kind, plain)
            fresh.add(record.key)
            summary.added[record.kind] += 1
        else:
            ids[record.key] = existing
            changed = [document.set_field(existing, k, v) for k, v in plain.items() if _refreshes(record, k)]
            summary.updated[record.kind] += any(changed)
    for record in imported.records:
        record_id = ids[record.key]
        for key in _ref_keys(record.kind) & record.fields.keys():
            if record.key not in fresh and not _refreshes(record, key):
                continue
            value = record.fields[key]
            if isinstance(value, list):
                linked = list(dict.fromkeys(ids[k] for k in value if k in ids))
                summary.links += len(linked)
                document.set_field(record_id, key, linked or None)
            elif value in ids:
                summary.links += 1
                document.set_field(record_id, key, ids[value])
    for family in imported.families:
        summary.notes += _gone(document, family)
    return summary


def _refreshes(record: ImportedRecord, key: str) -> bool:
    return record.refresh is None or key in record.refresh


def _find(document: Document, record: ImportedRecord) -> str | None:
    if not record.match:
        return None
    for row in document.data.get(record.kind, []):
        if isinstance(row, dict) and isinstance(row.get("id"), str) and _matches(row, record.match):
            return row["id"]
    return None


def _matches(row: dict[str, Any], wanted: dict[str, str]) -> bool:
    return all(row.get(key) == value for key, value in wanted.items())


def _fill_system(document: Document, system: dict[str, Any]) -> None:
    """The source's name and description go where the model has none; what a person wrote is kept."""
    current = document.data.get(SYSTEM, {})
    for key, value in system.items():
        if value and not current.get(key):
            document.set_field(SYSTEM, key, value)


def _gone(document: Document, family: Family) -> list[str]:
    """Threats a source made earlier that its new file no longer has (a scanner rule that stopped firing)."""
    gone = [
        f"{row.get(family.key)} ({row.get('id')})"
        for row in document.data.get("threats", [])
        if isinstance(row, dict) and _matches(row, family.scope) and row.get(family.key) not in family.present
    ]
    scope = " ".join(family.scope.values())
    return [f"no longer reported by {scope}: {', '.join(gone)}"] if gone else []
