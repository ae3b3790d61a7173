"""Merging a change made on disk (a `git pull`, an editor, a second tmtui) with unsaved edits, record by record.

The file on disk is taken as it is, with its comments and formatting, and the edits made here since the last
sync are replayed onto it through the document's edit API. Only a field changed on both sides to different values
is a conflict; the file's value stands until the person chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tmtui.document.edit import SYSTEM, Document
from tmtui.model import RECORD_TYPE_BY_KIND, RECORD_TYPES, field_specs

_MISSING: Any = object()


@dataclass(frozen=True)
class Conflict:
    """`record_id`.`key` was changed here and on disk. A value of None means the key (or the record) is gone."""

    kind: str
    record_id: str
    key: str | None  # None: the whole record, deleted on one side and changed on the other
    mine: Any
    theirs: Any

    def describe(self) -> str:
        if self.key is None:
            side = "here" if self.mine is None else "on disk"
            return f"{self.record_id} was deleted {side} and changed on the other side"
        return f"{self.record_id}.{self.key} changed here and on disk"


@dataclass
class MergeResult:
    document: Document
    conflicts: list[Conflict]
    replayed: int  # how many of the edits made here were carried over
    notes: list[str]  # "T8 added here is now T9: the file has its own T8"


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _rows(data: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The records of a kind by id. Of records sharing an id (an error in the file) the first stands for it: that
    is the one the document edits under that id, so its edits are the ones to replay."""
    rows = data.get(kind, [])
    if not isinstance(rows, list):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            out.setdefault(row["id"], row)
    return out


def merge_with_disk(document: Document) -> MergeResult:
    """The file as it is on disk now, with this document's unsaved edits replayed onto it."""
    assert document.path is not None
    merged = Document.open(document.path)
    merged.inherit_ids(document)
    base, mine = document.synced_data, document.data
    conflicts: list[Conflict] = []
    notes: list[str] = []
    replayed = 0
    renames = _renames(merged, base, mine)
    base_system, my_system, their_system = (_table(data.get(SYSTEM)) for data in (base, mine, merged.data))
    replayed += _merge_fields(merged, SYSTEM, SYSTEM, base_system, my_system, their_system, conflicts)
    for record_type in RECORD_TYPES:
        kind = record_type.KIND
        base_rows, their_rows = _rows(base, kind), _rows(merged.data, kind)
        my_rows = {record_id: _relinked(kind, row, renames) for record_id, row in _rows(mine, kind).items()}
        for record_id, my_row in my_rows.items():
            base_row, their_row = base_rows.get(record_id), their_rows.get(record_id)
            fields = {k: v for k, v in my_row.items() if k != "id"}
            if base_row is None and their_row is None:  # added here
                merged.add_record(kind, fields, record_id=record_id)
                replayed += 1
            elif base_row is None:  # added on both sides under the same id
                if record_id in renames:
                    merged.add_record(kind, fields, record_id=renames[record_id])
                    notes.append(
                        f"{record_id} added here is now {renames[record_id]}: the file has its own {record_id}"
                    )
                    replayed += 1
            elif their_row is None:  # deleted on disk
                if my_row != base_row:
                    conflicts.append(Conflict(kind, record_id, None, my_row, None))
            else:
                replayed += _merge_fields(merged, kind, record_id, base_row, my_row, their_row, conflicts)
        for record_id, base_row in base_rows.items():
            their_row = their_rows.get(record_id)
            if record_id in my_rows or their_row is None:
                continue
            if their_row == base_row:  # deleted here, untouched on disk
                merged.delete_record(record_id)
                replayed += 1
            else:
                conflicts.append(Conflict(kind, record_id, None, None, their_row))
    return MergeResult(merged, conflicts, replayed, notes)


def _renames(merged: Document, base: dict[str, Any], mine: dict[str, Any]) -> dict[str, str]:
    """New ids for records added here under an id the file gave to a record of its own."""
    renames: dict[str, str] = {}
    for record_type in RECORD_TYPES:
        kind = record_type.KIND
        base_rows, their_rows = _rows(base, kind), _rows(merged.data, kind)
        for record_id, my_row in _rows(mine, kind).items():
            if record_id not in base_rows and record_id in their_rows and their_rows[record_id] != my_row:
                renames[record_id] = merged.reserve_id(kind)
    return renames


def _relinked(kind: str, row: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """`row` with its links to renamed records following them: an id added here always meant the record added
    here (the base never had it)."""
    if not renames:
        return row
    out = dict(row)
    for spec in field_specs(RECORD_TYPE_BY_KIND[kind]):
        value = out.get(spec.key)
        if spec.refs and isinstance(value, str):
            out[spec.key] = renames.get(value, value)
        elif spec.refs and isinstance(value, list):
            out[spec.key] = [renames.get(v, v) if isinstance(v, str) else v for v in value]
    return out


def _merge_fields(
    merged: Document,
    kind: str,
    record_id: str,
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    conflicts: list[Conflict],
) -> int:
    """Replay this side's changes to one record's fields; returns how many were carried over."""
    replayed = 0
    for key in dict.fromkeys([*base, *mine]):
        if key == "id":
            continue
        b, m, t = base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
        if m in (b, t):
            continue
        if t == b:
            merged.set_field(record_id, key, None if m is _MISSING else m)
            replayed += 1
        else:
            conflicts.append(Conflict(kind, record_id, key, None if m is _MISSING else m, None if t is _MISSING else t))
    return replayed


def keep_mine(document: Document, conflict: Conflict) -> None:
    """Resolve a conflict for this side's version (the disk's version is already in `document`)."""
    if conflict.key is None:
        if conflict.mine is None:  # deleted here
            document.delete_record(conflict.record_id)
        else:  # changed here, deleted on disk: bring it back
            fields = {k: v for k, v in conflict.mine.items() if k != "id"}
            document.add_record(conflict.kind, fields, record_id=conflict.record_id)
        return
    document.set_field(conflict.record_id, conflict.key, conflict.mine)
