"""Puts imported records into a document: new ones take the next free ids, ones seen before are updated."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from tmtui.document.fresh import SYSTEM
from tmtui.exchange.imported import Family, Imported, ImportedRecord
from tmtui.model import RECORD_TYPE_BY_KIND, field_specs


class Document(Protocol):
    """What an import edits: a `tmtui.document.edit.Document` (extending a model) or a `FreshModel` (a new one)."""

    @property
    def data(self) -> dict[str, Any]: ...

    def add_record(self, kind: str, fields: dict[str, Any]) -> str: ...

    def set_field(self, record_id: str, key: str, value: Any) -> bool: ...


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


@functools.cache
def _ref_kinds(kind: str) -> dict[str, tuple[str, ...]]:
    """The link fields of a kind, each with the kinds it may point to."""
    return {spec.key: spec.refs for spec in field_specs(RECORD_TYPE_BY_KIND[kind]) if spec.refs}


def apply_import(document: Document, imported: Imported) -> ImportSummary:
    summary = ImportSummary(imported.source, notes=list(imported.notes))
    _fill_system(document, imported.system)
    records = _unique(imported.records, summary)
    keys = {record.key for record in records}
    index = _Index(document)
    ids: dict[str, tuple[str, str]] = {}  # the source's key → (kind, id in the document)
    later: list[ImportedRecord] = []  # records whose links name a record added after them
    fresh: set[str] = set()
    for record in records:
        refs = _ref_kinds(record.kind)
        plain = {k: v for k, v in record.fields.items() if k not in refs and v not in (None, "", [])}
        plain.update(record.match)
        existing = index.find(record)
        if existing is None:
            # links to records already added go in with the record: a set_field per link would locate the
            # record again each time, which grows with the file
            links = _resolved(record, ids)
            waits = any(k in keys and k not in ids for k in _link_keys(record))
            new_id = document.add_record(record.kind, plain if waits else {**plain, **_present(links, summary)})
            index.added(record, new_id)
            ids[record.key] = (record.kind, new_id)
            fresh.add(record.key)
            summary.added[record.kind] += 1
            if waits:
                later.append(record)
        else:
            ids[record.key] = (record.kind, existing)
            changed = [document.set_field(existing, k, v) for k, v in plain.items() if _refreshes(record, k)]
            summary.updated[record.kind] += any(changed)
            if any(_refreshes(record, key) for key in _ref_kinds(record.kind)):
                later.append(record)
    for record in later:
        record_id = ids[record.key][1]
        links = {k: v for k, v in _resolved(record, ids).items() if record.key in fresh or _refreshes(record, k)}
        _present(links, summary)
        for key, value in links.items():
            document.set_field(record_id, key, value)
    for family in imported.families:
        summary.notes += _gone(document, family)
    return summary


def _link_keys(record: ImportedRecord) -> list[str]:
    """The source keys the record's link fields name."""
    found: list[str] = []
    for key in _ref_kinds(record.kind).keys() & record.fields.keys():
        value = record.fields[key]
        found += [k for k in (value if isinstance(value, list) else [value]) if isinstance(k, str)]
    return found


def _resolved(record: ImportedRecord, ids: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The record's link fields with the source's keys turned into document ids; None where none resolves.

    A link is kept only to a record of a kind the field may name, so colliding ids never cross kinds.
    """
    out: dict[str, Any] = {}
    for key, kinds in _ref_kinds(record.kind).items():
        if key not in record.fields:
            continue
        value = record.fields[key]
        targets = [ids[k][1] for k in (value if isinstance(value, list) else [value]) if _links(ids, k, kinds)]
        if isinstance(value, list):
            out[key] = list(dict.fromkeys(targets)) or None
        else:
            out[key] = targets[0] if targets else None
    return out


def _present(links: dict[str, Any], summary: ImportSummary) -> dict[str, Any]:
    """The links that name something, counted in the summary."""
    present = {key: value for key, value in links.items() if value is not None}
    summary.links += sum(len(v) if isinstance(v, list) else 1 for v in present.values())
    return present


def _links(ids: dict[str, tuple[str, str]], key: object, kinds: tuple[str, ...]) -> bool:
    return isinstance(key, str) and key in ids and ids[key][0] in kinds


def _unique(records: list[ImportedRecord], summary: ImportSummary) -> list[ImportedRecord]:
    """The records with each source id once: a repeated id is dropped (the first stays) and the summary says so."""
    seen: set[str] = set()
    kept, dropped = [], Counter[str]()
    for record in records:
        if record.key in seen:
            dropped[record.kind] += 1
            continue
        seen.add(record.key)
        kept.append(record)
    for kind, count in dropped.items():
        noun = kind if count != 1 else RECORD_TYPE_BY_KIND[kind].SINGULAR
        summary.notes.append(
            f"{count} {noun} dropped: {'their ids repeat' if count != 1 else 'its id repeats'} one before"
        )
    return kept


def _refreshes(record: ImportedRecord, key: str) -> bool:
    return record.refresh is None or key in record.refresh


class _Index:
    """Finds the document's record that an imported one updates, by its match keys, without a scan per record."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._tables: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], str]] = {}

    def _table(self, kind: str, keys: tuple[str, ...]) -> dict[tuple[Any, ...], str]:
        table = self._tables.get((kind, keys))
        if table is None:
            table = {}
            for row in self._document.data.get(kind, []):
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    values = tuple(row.get(key) for key in keys)
                    if all(isinstance(v, str) for v in values):
                        table.setdefault(values, row["id"])
            self._tables[(kind, keys)] = table
        return table

    def find(self, record: ImportedRecord) -> str | None:
        if not record.match:
            return None
        keys = tuple(sorted(record.match))
        return self._table(record.kind, keys).get(tuple(record.match[k] for k in keys))

    def added(self, record: ImportedRecord, record_id: str) -> None:
        if record.match:
            keys = tuple(sorted(record.match))
            self._table(record.kind, keys).setdefault(tuple(record.match[k] for k in keys), record_id)


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
