"""The editable document: a tomlkit tree that keeps every comment and style, edited by record id and key.

Beside the tree the document keeps a plain copy of the data (`data`), changed by the same edits. A save
renders the tree, reads the result back with `tomllib` and refuses to write unless it equals that copy, so a
tomlkit bug can never put wrong data on disk.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.exceptions import InvalidStringError, TOMLKitError
from tomlkit.items import AoT, Array, Item, String, StringType, Table, Trivia
from tomlkit.toml_document import TOMLDocument

from tmtui.document.comments import (
    append_trivia,
    banner_end,
    last_header_table,
    rehome_comments,
    split_indent,
    tables_in,
    take_tail,
)
from tmtui.document.read import parse_data
from tmtui.document.save import DiskChangedError, write_atomically
from tmtui.document.source import (
    Source,
    UnreadableError,
    content_hash,
    decode,
    read_source,
)
from tmtui.model import (
    RECORD_TYPE_BY_KIND,
    RECORD_TYPES,
    Finding,
    Model,
    SchemaTooNewError,
    field_specs,
    model_from_data,
    next_id,
    split_id,
    validate,
)

SYSTEM = "system"

# Words in the first line of a banner comment that introduce the section a kind of record belongs to: its own
# name, or the manifesto question of its pane, as the starter model writes them.
_BUILDING = "what are we building"
_SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "assets": ("asset", _BUILDING),
    "boundaries": ("boundar", _BUILDING),
    "components": ("component", _BUILDING),
    "flows": ("flow", _BUILDING),
    "stories": ("stories", "story", _BUILDING),
    "assumptions": ("assumption", _BUILDING),
    "threats": ("threat", "what could go wrong"),
    "mitigations": ("mitigation", "what are we going to do"),
    "reviews": ("review", "how well did we do"),
}


class DocumentError(Exception):
    """An edit or save that cannot be done; the message says why in words a person understands."""


class ModelSyntaxError(DocumentError):
    """The file is not valid TOML. `finding` holds the line and column."""

    def __init__(self, path: Path | None, finding: Finding) -> None:
        self.path = path
        self.finding = finding
        super().__init__(f"{path or '<text>'}:{finding.line}:{finding.column}: {finding.message}")


class RecordNotFoundError(DocumentError):
    pass


class ChangedOnDiskError(DocumentError):
    """The file changed on disk since it was read or written; saving would overwrite a change not seen."""


class UnsafeSaveError(DocumentError):
    """The rendered file would not read back as the intended data, so it was not written."""


@dataclass(frozen=True)
class PreparedSave:
    """A rendered document and the data it must read back as, taken on the editing thread; checking and
    writing it can then happen on another."""

    path: Path
    text: str
    expected: dict[str, Any]
    revision: int
    source: Source

    def verified_bytes(self) -> bytes:
        """The bytes to write, once `tomllib` has read the text back as exactly the intended data."""
        try:
            reread = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            raise UnsafeSaveError(f"the edited file would not parse ({error}); the file on disk is unchanged") from None
        if reread != self.expected:
            raise UnsafeSaveError(
                "the edited file would not read back as intended (a tomlkit bug); the file on disk is unchanged"
            )
        return self.source.encode(self.text)


Value = str | bool | int | float | dt.date | list[str] | dict[str, Any] | None


class Document:
    """One model file being edited. Every edit goes through `set_field`, `add_record`, `delete_record`,
    `move_record`; `save` writes only when something changed."""

    def __init__(self, source: Source, path: Path | None = None, disk_hash: str | None = None) -> None:
        data, syntax_error = parse_data(source)
        if data is None:
            assert syntax_error is not None
            raise ModelSyntaxError(path, syntax_error)
        try:
            model_from_data(data)
        except SchemaTooNewError as error:
            raise UnreadableError(path, str(error)) from None
        try:
            tree = tomlkit.parse(source.text)
        except TOMLKitError as error:
            raise DocumentError(f"{path}: tomlkit cannot edit this file safely: {error}") from None
        if tree.as_string() != source.text or tree.unwrap() != data:
            raise DocumentError(
                f"{path}: tmtui cannot edit this file without changing more than the edit (a tomlkit limit). "
                "Most often the [[tables]] of one kind are split around other tables: keep each kind together."
            )
        rehome_comments(tree)
        self.path = path
        self.source = source
        self._tree: TOMLDocument = tree
        self._data: dict[str, Any] = data
        # what the file on disk holds, as far as this document knows: the base of a merge with a change on disk
        self.synced_data: dict[str, Any] = copy.deepcopy(data)
        self._disk_hash = disk_hash
        self._issued: dict[str, int] = {}  # highest number held or handed out per prefix; deleted ids stay retired
        self._note_ids()
        self._model: tuple[Model, list[Finding]] | None = None
        self._io_lock = threading.Lock()  # a save runs on a worker thread; one write at a time
        self.revision = 0  # counts edits; the file holds revision `_saved_revision`
        self._saved_revision = 0
        self._text: tuple[int, str] | None = None

    # ---- opening ---------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Document:
        source, digest = read_source(path)
        return cls(source, path, digest)

    @classmethod
    def from_text(cls, text: str, path: Path | None = None) -> Document:
        return cls(decode(text.encode("utf-8")), path)

    # ---- reading ---------------------------------------------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        """The plain data the file holds after the edits so far. Do not change it; edit through the methods."""
        return self._data

    @property
    def model(self) -> Model:
        return self._built()[0]

    @property
    def findings(self) -> list[Finding]:
        """Type and validation findings (the app shows them by record and field, so no line numbers here)."""
        return self._built()[1]

    def _built(self) -> tuple[Model, list[Finding]]:
        if self._model is None:
            model, findings = model_from_data(self._data)
            self._model = (model, findings + validate(model))
        return self._model

    def text(self) -> str:
        """The file's text as it would be saved (LF line endings, no BOM); rendered once per revision."""
        if self._text is None or self._text[0] != self.revision:
            self._text = (self.revision, self._tree.as_string())
        return self._text[1]

    def to_bytes(self) -> bytes:
        return self.source.encode(self.text())

    def kind_of(self, record_id: str) -> str:
        if record_id == SYSTEM:
            return SYSTEM
        for record_type in RECORD_TYPES:
            rows = self._data.get(record_type.KIND)
            if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == record_id for r in rows):
                return record_type.KIND
        raise RecordNotFoundError(f"there is no record {record_id}")

    def _locate(self, record_id: str) -> tuple[str, int]:
        kind = self.kind_of(record_id)
        if kind == SYSTEM:
            return kind, -1
        rows = self._data[kind]
        return kind, next(i for i, r in enumerate(rows) if isinstance(r, dict) and r.get("id") == record_id)

    def _body(self, kind: str, index: int) -> Container:
        """The container of keys of a record. Edits go to it, not to the Table, whose dict view tomlkit lets go
        stale after an insert."""
        if kind == SYSTEM:
            system = self._tree[kind]
            if not isinstance(system, Table):
                raise DocumentError("system is not a table ([system]); fix it by hand")
            return system.value
        return self._array_of_tables(kind)[index].value

    def _array_of_tables(self, kind: str) -> AoT:
        item = self._tree[kind]
        if not isinstance(item, AoT):
            raise DocumentError(
                f"{kind} is written as an inline array; tmtui edits only [[{kind}]] tables (rewrite it by hand)"
            )
        return item

    # ---- edits -----------------------------------------------------------------------------------------------

    def set_field(self, record_id: str, key: str, value: Value) -> bool:
        """Set one key of a record (`"system"` for the system table); None removes the key.

        Returns whether anything changed. Only that key's text changes: its string style, its trailing comment
        and the comments inside an array of ids are kept.
        """
        if key == "id":
            raise DocumentError("ids are given by tmtui and never change")
        if record_id == SYSTEM and SYSTEM not in self._data:
            if value is None:
                return False
            self._add_system_table()
        kind, index = self._locate(record_id)
        body = self._body(kind, index)
        row = self._data[kind] if kind == SYSTEM else self._data[kind][index]
        if value is None:
            if key not in row:
                return False
            body.remove(key)
            del row[key]
        else:
            value = _plain(value)
            if row.get(key) == value and type(row.get(key)) is type(value):
                return False
            _set_item(body, key, value)
            row[key] = copy.deepcopy(value)
        self._changed()
        return True

    def add_record(self, kind: str, fields: dict[str, Value] | None = None, record_id: str | None = None) -> str:
        """Append a record of `kind` ("threats") after the last record of its kind, with the next free id.

        `record_id` brings back a record under its own id (a merge re-adding a record deleted on one side).
        """
        record_type = RECORD_TYPE_BY_KIND.get(kind)
        if record_type is None:
            raise DocumentError(f"unknown kind of record {kind!r}")
        if kind in self._tree:
            self._array_of_tables(kind)  # refuses an inline array before anything changes
        if record_id is None:
            record_id = self._allocate_id(record_type.PREFIX)
        else:
            self._retire(record_id)
        table = tomlkit.table()
        table.add("id", record_id)
        row: dict[str, Any] = {"id": record_id}
        for key, value in _in_schema_order(record_type, fields or {}):
            if value is None or key == "id":
                continue
            value = _plain(value)
            _set_item(table.value, key, value)
            row[key] = copy.deepcopy(value)
        if kind in self._tree:
            self._append_record(self._array_of_tables(kind), table)
            self._data[kind].append(row)
        else:
            self._add_first_record(kind, table)
            self._data[kind] = [row]
        self._changed()
        return record_id

    def _append_record(self, existing: AoT, table: Table) -> None:
        """A record after the last of its kind, with a blank line around it."""
        table.trivia.indent = "\n"
        if len(existing) == 0 and self._tree.body and self._tree.body[0][1] is existing:
            table.trivia.indent = ""  # the first thing in the file needs no blank line above it
        closing = self._detach_closing()
        existing.append(table)
        self._ensure_blank_line_after(table)
        self._attach_closing(closing)

    def _add_first_record(self, kind: str, table: Table) -> None:
        """The first record of a kind: after the last table of the kinds before it in schema order, and below
        a banner comment there that names its section; other banners there stay with what follows them."""
        earlier = {SYSTEM} | {t.KIND for t in RECORD_TYPES[: RECORD_TYPES.index(RECORD_TYPE_BY_KIND[kind])]}
        body = self._tree.body
        tables = [i for i, (_, item) in enumerate(body) if isinstance(item, (Table, AoT))]
        previous = [i for i in tables if (key := body[i][0]) is not None and key.key in earlier]
        position = previous[-1] + 1 if previous else (tables[0] if tables else len(body))
        following = next(tables_in(body[position:]), None)
        names = _SECTION_NAMES[kind]
        records = tomlkit.aot()
        if following is None:
            closing = self._detach_closing()
            cut = banner_end(closing, names)
            table.trivia.indent = closing[:cut] + "\n" if body else ""
            records.append(table)
            self._tree.append(kind, records)
            self._attach_closing(closing[cut:])
            return
        place, own = split_indent(following.trivia.indent)
        cut = banner_end(place, names)
        table.trivia.indent = place[:cut] + "\n" if position > 0 or cut else ""
        following.trivia.indent = place[cut:] + own
        records.append(table)
        self._tree._insert_at(position, kind, records)
        self._ensure_blank_line_after(table)

    def delete_record(self, record_id: str) -> None:
        """Remove a record with the comment block written above it; a section banner above that stays."""
        kind, index = self._locate(record_id)
        if kind == SYSTEM:
            raise DocumentError("the system table cannot be deleted")
        aot = self._array_of_tables(kind)
        table = aot[index]
        self._retire(record_id)
        closing = self._detach_closing()
        place, _ = split_indent(table.trivia.indent)
        following = self._table_after(table)
        del aot[index]
        del self._data[kind][index]
        if following is not None:
            following.trivia.indent = place + following.trivia.indent
        else:
            closing = place + closing
        if len(aot) == 0:
            self._tree.remove(kind)
            del self._data[kind]
        self._attach_closing(closing)
        self._changed()

    def move_record(self, record_id: str, new_index: int) -> None:
        """Move a record within its kind; its own comments go with it, section banners stay where they are."""
        kind, index = self._locate(record_id)
        if kind == SYSTEM:
            raise DocumentError("the system table cannot be moved")
        aot = self._array_of_tables(kind)
        rows = self._data[kind]
        new_index = max(0, min(new_index, len(rows) - 1))
        if new_index == index:
            return
        closing = self._detach_closing()
        tables = list(aot.body)
        parts = [split_indent(t.trivia.indent) for t in tables]
        # Banners belong to positions, so they stay with the slot; own comments travel with the record.
        places = [place for place, _ in parts]
        owns = [own for _, own in parts]
        tables.insert(new_index, tables.pop(index))
        owns.insert(new_index, owns.pop(index))
        for slot, (moved, own) in enumerate(zip(tables, owns, strict=True)):
            needs_blank = not own.startswith("\n") and (slot > 0 or places[0])
            moved.trivia.indent = places[slot] + ("\n" + own if needs_blank else own)
        # Rebuilt in place: AoT.append would re-indent tables of an array tomlkit did not parse itself.
        del aot[:]
        for moved in tables:
            aot.body.append(moved)
            list.append(aot, moved)
        rows.insert(new_index, rows.pop(index))
        self._attach_closing(closing)
        self._changed()

    # ---- saving ----------------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether there are edits not yet written to the file."""
        return self.revision != self._saved_revision

    def prepare_save(self) -> PreparedSave | None:
        """Render the edits and copy the data they must hold (fast); None when there is nothing to write."""
        if not self.dirty:
            return None
        if self.path is None:
            raise DocumentError("this document has no file to save to")
        return PreparedSave(self.path, self.text(), copy.deepcopy(self._data), self.revision, self.source)

    def write(self, prepared: PreparedSave) -> None:
        """Verify and write a prepared save atomically; safe to call from a worker thread.

        Raises UnsafeSaveError when the text would not read back as the intended data, and ChangedOnDiskError
        when the file changed on disk since it was last read or written (merge first: `document.merge`).
        """
        data = prepared.verified_bytes()
        with self._io_lock:
            if prepared.revision <= self._saved_revision:
                return  # saves can finish out of order; a newer revision is on disk already
            try:
                write_atomically(prepared.path, data, expected_hash=self._disk_hash)
            except DiskChangedError:
                raise ChangedOnDiskError(
                    f"{self.path} changed on disk since it was last read; not saved, so that change is not lost"
                ) from None
            self._disk_hash = content_hash(data)
            self._saved_revision = max(self._saved_revision, prepared.revision)
            self.synced_data = prepared.expected

    def save(self) -> bool:
        """Prepare and write in one go. Returns whether the file was written."""
        prepared = self.prepare_save()
        if prepared is None:
            return False
        self.write(prepared)
        return True

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what this document last read or wrote."""
        if self.path is None or self._disk_hash is None:
            return False
        try:
            return content_hash(self.path.read_bytes()) != self._disk_hash
        except FileNotFoundError:
            return True

    def restore(self, text: str) -> None:
        """Replace the whole content with `text` (LF endings), as one edit: used by undo and redo."""
        self._replace_content(text)
        self._changed()

    def rollback(self, text: str, revision: int) -> None:
        """Go back to `text`, which this document held at `revision`, as if the edits since had not happened."""
        self._replace_content(text)
        self._model = None
        self.revision = revision

    def _replace_content(self, text: str) -> None:
        data, syntax_error = parse_data(Source(text))
        if data is None:
            raise DocumentError(f"cannot restore: {syntax_error.message if syntax_error else 'invalid TOML'}")
        tree = tomlkit.parse(text)
        rehome_comments(tree)
        self._tree = tree
        self._data = data
        self._note_ids()

    # ---- internals -------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.revision += 1
        self._model = None

    def _allocate_id(self, prefix: str) -> str:
        # `_issued` holds the highest number of every id the document has held, so no scan is needed here
        new = next_id(prefix, (), self._issued.get(prefix, 0))
        self._retire(new)
        return new

    def _note_ids(self) -> None:
        """Count every id the data holds as issued: a new id goes past all of them."""
        for record_type in RECORD_TYPES:
            rows = self._data.get(record_type.KIND)
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    self._retire(row["id"])

    def inherit_ids(self, other: Document) -> None:
        """Never hand out an id that `other` (the same file, edited elsewhere in this session) gave or retired."""
        for prefix, number in other._issued.items():
            self._issued[prefix] = max(self._issued.get(prefix, 0), number)

    def _retire(self, record_id: str) -> None:
        parts = split_id(record_id)
        if parts is not None:
            self._issued[parts[0]] = max(self._issued.get(parts[0], 0), parts[1])

    def _add_system_table(self) -> None:
        table = tomlkit.table()
        self._data[SYSTEM] = {}
        body = self._tree.body
        first_table = next((i for i, (_, item) in enumerate(body) if isinstance(item, (Table, AoT))), None)
        if first_table is None:
            table.trivia.indent = "\n" if body else ""
            self._tree.append(SYSTEM, table)
        else:
            self._tree._insert_at(first_table, SYSTEM, table)
            self._ensure_blank_line_after(table)

    def _table_after(self, table: Table) -> Table | None:
        """The header table that follows `table` (a record or [system]) in the text, past its own sub-tables."""
        body = self._tree.body
        for position, (_, item) in enumerate(body):
            if isinstance(item, AoT):
                index = next((i for i, t in enumerate(item.body) if t is table), None)
                if index is None:
                    continue
                if index + 1 < len(item.body):
                    return item.body[index + 1]
            elif item is not table:
                continue
            return next(tables_in(body[position + 1 :]), None)
        return None

    def _detach_closing(self) -> str:
        """Take the comments that close the file, so an edit at the end of the file keeps them last."""
        last = last_header_table(self._tree)
        return take_tail(last.value) if last is not None else ""

    def _attach_closing(self, closing: str) -> None:
        last = last_header_table(self._tree)
        append_trivia(last.value if last is not None else self._tree, closing)

    def _ensure_blank_line_after(self, table: Table) -> None:
        following = self._table_after(table)
        if following is not None and not following.trivia.indent.startswith("\n"):
            following.trivia.indent = "\n" + following.trivia.indent


def _in_schema_order(record_type: type, fields: dict[str, Value]) -> list[tuple[str, Value]]:
    """The fields of a new record in the order of its type's field specs; keys it does not know go last."""
    order = {spec.key: index for index, spec in enumerate(field_specs(record_type))}
    return sorted(fields.items(), key=lambda item: order.get(item[0], len(order)))


def _plain(value: Value) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def _set_item(container: Container, key: str, value: Any) -> None:
    """Set `key` in a table's container, keeping the old item's style and comments where there is one."""
    old_item = container.item(key) if key in container else None
    if isinstance(old_item, OutOfOrderTableProxy):
        raise DocumentError(f"the table {key} is split around other tables; keep it together by hand")
    if isinstance(value, dict):
        if isinstance(old_item, Table):
            sub = old_item.value
            for sub_key in [k for k in sub if k not in value]:
                sub.remove(sub_key)
            for sub_key, sub_value in value.items():
                if sub.get(sub_key) != sub_value:
                    _set_item(sub, sub_key, sub_value)
            return
        new_table = tomlkit.table()
        for sub_key, sub_value in value.items():
            new_table.add(sub_key, sub_value)
        new_item: Item = new_table
    elif isinstance(value, list) and isinstance(old_item, Array):
        _edit_array(old_item, value)
        return
    elif isinstance(value, str):
        new_item = _string_like(old_item, value)
    else:
        new_item = tomlkit.item(value)
    if old_item is not None and not isinstance(new_item, Table):
        _copy_trivia(old_item, new_item)
        container[key] = new_item
        return
    if old_item is not None:
        container.remove(key)
    _insert_key(container, key, new_item)


def _string_like(old: Item | None, value: str) -> String:
    """A string in the old item's style (literal, multi-line...) when the value can be written in it."""
    multiline = "\n" in value
    style = old.type if isinstance(old, String) else None
    candidates = []
    if "\r" in value:
        # a multi-line string would hold the CR raw, and TOML reads CRLF inside one back as LF
        candidates.append(StringType.SLB)
    elif style is not None and (style.is_multiline() or not multiline):
        candidates.append(style)
    candidates.append(StringType.MLB if multiline else StringType.SLB)
    for candidate in candidates:
        try:
            new = String.from_raw(value, candidate)
        except InvalidStringError:
            continue
        if (
            candidate is style
            and old is not None
            and style.is_multiline()
            and old.as_string()[3:4] == "\n"
            and new.as_string()[3:4] != "\n"
        ):
            # keep the habit of starting the text on the line after the opening quotes
            new = String(candidate, value, "\n" + new.as_string()[3:-3], Trivia())
        return new
    raise DocumentError(f"cannot write {value!r} as a TOML string")  # pragma: no cover - MLB takes any text


def _edit_array(array: Array, values: list[Any]) -> None:
    """Change an array in place (remove what went, insert what came) so comments inside it stay."""
    current = list(array.unwrap())
    remaining = Counter(values)
    for index, value in enumerate(list(current)):
        remaining[value] -= 1
        current[index] = (value, remaining[value] >= 0)
    for index in reversed(range(len(current))):
        if not current[index][1]:
            del array[index]
    kept = [value for value, keep in current if keep]
    for index, value in enumerate(values):
        if index < len(kept) and kept[index] == value:
            continue
        if value in kept[index:]:  # a reorder: rebuild, which loses the comments inside the array
            array.clear()
            array.extend(values)
            return
        array.insert(index, value)
        kept.insert(index, value)


def _copy_trivia(old: Item, new: Item) -> None:
    new.trivia.indent = old.trivia.indent
    new.trivia.comment_ws = old.trivia.comment_ws
    new.trivia.comment = old.trivia.comment
    new.trivia.trail = old.trivia.trail


def _insert_key(container: Container, key: str, item: Item) -> None:
    """Add a new key after the table's last key and before its sub-tables and trailing comments."""
    body = container.body
    last_key = None
    first_table = None
    for i, (k, v) in enumerate(body):
        if isinstance(v, (Table, AoT)):
            if first_table is None:
                first_table = i
        elif k is not None and first_table is None:
            last_key = i
    if isinstance(item, Table):
        item.trivia.indent = ""
        container.append(key, item)
        return
    if last_key is not None:
        item.trivia.indent = body[last_key][1].trivia.indent
    position = (last_key + 1) if last_key is not None else (first_table or 0)
    if position >= len(body):
        container.append(key, item)
    else:
        container._insert_at(position, key, item)
