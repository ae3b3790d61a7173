"""The editable document: the file's text as segments (one block of lines per record, see `segments`), edited by
record id and key.

Opening reads the whole file with `tomllib`, and no tomlkit; the app's opening uses `quick_read` where it can, and
`tomllib` then reads the file again before the first edit, which stops every edit if the two differ. The file is cut
into segments before the first edit (or ahead of it, on a worker: `prepare_edits`). An edit parses only the segment
it changes with tomlkit, edits it keeping every comment and style, renders it and splices it back, so every other
byte stays as read. Beside the text the document keeps the plain data (`data`), changed by the same edits, and three
guards keep a scanner or tomlkit bug off the disk: when the file is cut the records the scan found must be the
records tomllib read; each edited segment must read back as exactly its record; and a save reads the whole output
back with `tomllib` and refuses to write unless it equals the intended data.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tmtui.document.quick import quick_read, same_data
from tmtui.document.read import parse_data
from tmtui.document.save import DiskChangedError, write_atomically
from tmtui.document.segments import ScanError, Segment, banner_end, split
from tmtui.document.source import (
    Source,
    UnreadableError,
    content_hash,
    decode,
    may_hold_control,
    read_regular,
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
    rebuild,
    revalidate,
    split_id,
    validate,
)

SYSTEM = "system"
_MISSING: Any = object()

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


def _joined(segments: Iterable[Segment]) -> str:
    """The text the segments make, in order."""
    return "".join(segment.text for segment in segments)


@dataclass(frozen=True)
class PreparedSave:
    """A document's segments and the data they must read back as, taken on the editing thread; joining, checking
    and writing them can then happen on another (segments are replaced by edits, never changed)."""

    path: Path
    segments: tuple[Segment, ...]
    expected: dict[str, Any]
    revision: int
    source: Source

    @cached_property
    def text(self) -> str:
        """The file's text (LF line endings, no BOM): joined here, a pass over every record of the file."""
        return _joined(self.segments)

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


@dataclass(frozen=True)
class _Splice:
    """Segments `old` at `start` were replaced by `new`."""

    start: int
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


@dataclass(frozen=True)
class _Rows:
    """The records `old` of `kind` from `start` were replaced by `new` (the kind's list is absent when empty)."""

    kind: str
    start: int
    old: tuple[dict[str, Any], ...]
    new: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class _Value:
    """A top-level value (the system table) went from `old` to `new`; `_MISSING` for absent."""

    key: str
    old: Any
    new: Any


_ChangeStep = _Splice | _Rows | _Value


@dataclass(frozen=True)
class Change:
    """What some edits did, as the segments and records they replaced (old and new), enough to undo or redo them
    in time proportional to what changed. Segments and records are shared, never copied."""

    steps: tuple[_ChangeStep, ...]

    def __bool__(self) -> bool:
        return bool(self.steps)


Value = str | bool | int | float | dt.date | list[str] | dict[str, Any] | None


class Document:
    """One model file being edited. Every edit goes through `set_field`, `add_record`, `delete_record`,
    `move_record`; `save` writes only when something changed."""

    def __init__(
        self, source: Source, path: Path | None = None, disk_hash: str | None = None, *, quick: bool = False
    ) -> None:
        """`quick`: read the file with `quick_read` where it can, for a first screen that comes sooner; `tomllib`
        reads it again before the first edit (`prepare_edits`), and should the two differ nothing is edited
        (`misread`)."""
        data = quick_read(source.text) if quick else None
        # read by `quick_read`, not yet compared with what tomllib reads
        self._unverified = data is not None
        self.misread = False  # the quick read differed from tomllib's: every kind is read-only
        if data is None:
            data, syntax_error = parse_data(source, path)
            if data is None:
                assert syntax_error is not None
                raise ModelSyntaxError(path, syntax_error)
        try:
            opened = model_from_data(data)  # kept: the first screen shows this model, built once
        except SchemaTooNewError as error:
            raise UnreadableError(path, str(error)) from None
        self.path = path
        self.source = source
        self._data: dict[str, Any] = data
        # The file cut into its records' segments, what edits, undo and saves need and reading does not: made when
        # first needed, or ahead of that on a worker (`prepare_edits`), so that a first screen never waits for it.
        self._layout_lock = threading.Lock()
        self._laid_out = False
        self._cut_segments: list[Segment] = []
        self._cut_where: dict[str, Segment] = {}  # record id -> the segment that holds it
        # why a kind of record (or the system table) cannot be edited, decided when the file is cut
        self._cut_problems: dict[str, str] = {}
        self._cut_issued: dict[str, int] = {}  # highest number held or handed out per prefix; deleted ids stay retired
        # what the file on disk holds, as far as this document knows: the base of a merge with a change on disk
        self.synced_data: dict[str, Any] = self._snapshot()
        self._disk_hash = disk_hash
        self._opened: tuple[Model, list[Finding]] | None = opened
        self._model: tuple[Model, list[Finding]] | None = None
        # The model last built, its type findings and its validation findings, and the records replaced in the data
        # since (kind, index), so that one edit rebuilds and revalidates one record; None: rebuild it all.
        self._built_from: tuple[Model, list[Finding], list[Finding]] | None = None
        self._replaced: set[tuple[str, int]] | None = None
        self._io_lock = threading.Lock()  # a save runs on a worker thread; one write at a time
        self.revision = 0  # counts edits; the file holds revision `_saved_revision`
        self._saved_revision = 0
        self._text: tuple[int, str] | None = None
        self._journal: list[_ChangeStep] | None = None  # the steps of the change being recorded, if one is

    def prepare_edits(self) -> None:
        """Cut the file into its records' segments (at once if it was cut before), on any thread; every edit, undo
        and save does this first. Reading the model does not need it."""
        if self._laid_out:
            return
        with self._layout_lock:
            if not self._laid_out:
                self._cut()
                self._laid_out = True

    def _cut(self) -> None:
        # all made afresh: a cut that stopped part way (an error, an interrupt) is retried from nothing
        self._cut_where, self._cut_problems, self._cut_issued = {}, {}, {}
        text = self.source.text
        if self._unverified:
            self.misread = not _read_alike(text, self._data)
            self._unverified = False
        if self.misread:  # the data shown may not be the file's: the app reads it again in full
            self._refuse_edits("tmtui's quick read of the file differs from its full read (a bug in tmtui)")
        else:
            try:
                cut = split(text, data=self._data)
            except ScanError as error:  # the file parsed, so a scanner bug: refuse every edit rather than guess
                self._refuse_edits(f"tmtui cannot tell where each record is written ({error})")
            else:
                self._cut_segments = [Segment(cut.preamble), *cut.segments, Segment(cut.closing)]
                self._assign_records()
        self._note_ids()

    def _refuse_edits(self, why: str) -> None:
        self._cut_segments = [Segment(self.source.text), Segment("")]
        problem = f"{why}; the file is read-only"
        self._cut_problems = {kind: problem for kind in [SYSTEM, *RECORD_TYPE_BY_KIND]}

    # The cut, made first by whichever asks: `_cut` fills what these return.
    @property
    def _segments(self) -> list[Segment]:
        self.prepare_edits()
        return self._cut_segments

    @property
    def _where(self) -> dict[str, Segment]:
        self.prepare_edits()
        return self._cut_where

    @property
    def _problems(self) -> dict[str, str]:
        self.prepare_edits()
        return self._cut_problems

    @property
    def _issued(self) -> dict[str, int]:
        self.prepare_edits()
        return self._cut_issued

    def _assign_records(self) -> None:
        """Give each segment the record it holds, after checking that the scan found the records tomllib read.

        A kind whose records cannot be matched one to one with `[[kind]]` segments is read-only, with the reason.
        """
        by_name: dict[str, list[int]] = {}
        for position, segment in enumerate(self._cut_segments):
            if segment.name is not None:
                by_name.setdefault(segment.name, []).append(position)
        for kind in RECORD_TYPE_BY_KIND:
            rows = self._data.get(kind)
            positions = by_name.get(kind, [])
            problem = _kind_problem(kind, rows, [self._cut_segments[p] for p in positions])
            if problem is not None:
                self._cut_problems[kind] = problem
                continue
            for position, row in zip(positions, rows or [], strict=True):
                record_id = row.get("id") if isinstance(row.get("id"), str) else None
                segment = self._cut_segments[position].holding(record_id, row)
                self._cut_segments[position] = segment
                if record_id is not None:
                    self._cut_where.setdefault(record_id, segment)
        positions = by_name.get(SYSTEM, [])
        system = [self._cut_segments[p] for p in positions]
        if SYSTEM in self._data:
            if len(system) != 1 or system[0].path != (SYSTEM,) or system[0].array:
                self._cut_problems[SYSTEM] = (
                    "the system table is not written as one [system] table (dotted keys such as system.name = …, "
                    "an inline table, or a sub-table written apart); tmtui edits it only as [system]: fix it by hand"
                )
            else:
                held = system[0].holding(SYSTEM, self._data[SYSTEM])
                self._cut_segments[positions[0]] = self._cut_where[SYSTEM] = held

    # ---- opening ---------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, quick: bool = False) -> Document:
        source, digest = read_source(path)
        return cls(source, path, digest, quick=quick)

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

    @property
    def read_only_kinds(self) -> dict[str, str]:
        """The kinds of record (and `system`) this file lets tmtui read but not edit, each with the reason."""
        return dict(self._problems)

    def _built(self) -> tuple[Model, list[Finding]]:
        if self._model is None:
            if self._built_from is not None and self._replaced is not None:
                before, before_types, before_validation = self._built_from
                replaced, self._replaced = self._replaced, None  # should this raise, the next read rebuilds it all
                model, types = rebuild(before, before_types, self._data, replaced)
                touched = {SYSTEM} & {kind for kind, _ in replaced}
                for kind, i in replaced - {(SYSTEM, 0)}:  # the record there before and after: added, removed
                    touched.update(m.records(kind)[i].id for m in (before, model) if i < len(m.records(kind)))
                validation = revalidate(before, model, before_validation, touched)
            else:
                model, types = self._opened if self.revision == 0 and self._opened else model_from_data(self._data)
                validation = validate(model, control_possible=may_hold_control(self.text()))
            self._opened = None
            self._built_from, self._replaced = (model, types, validation), set()
            self._model = (model, types + validation)
        return self._model

    def text(self) -> str:
        """The file's text as it would be saved (LF line endings, no BOM); joined once per revision."""
        if self.revision == 0 and not self._laid_out:
            return self.source.text  # what its segments join to, once it is cut
        if self._text is None or self._text[0] != self.revision:
            self._text = (self.revision, _joined(self._segments))
        return self._text[1]

    def to_bytes(self) -> bytes:
        return self.source.encode(self.text())

    def kind_of(self, record_id: str) -> str:
        segment = self._where.get(record_id)
        if segment is not None:
            assert segment.name is not None
            return segment.name
        if record_id == SYSTEM:
            return SYSTEM
        for record_type in RECORD_TYPES:  # a record of a kind this file does not let tmtui edit
            rows = self._data.get(record_type.KIND)
            if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == record_id for r in rows):
                return record_type.KIND
        raise RecordNotFoundError(f"there is no record {record_id}")

    def _find(self, record_id: str) -> Segment:
        """The segment holding a record (or the system table) that may be edited."""
        segment = self._where.get(record_id)
        if segment is None:
            kind = self.kind_of(record_id)
            raise DocumentError(self._problems.get(kind, f"tmtui cannot edit {record_id}"))
        return segment

    def _position(self, segment: Segment) -> int:
        return self._segments.index(segment)  # segments compare by identity, so this is a pointer scan

    def _problem(self, kind: str) -> None:
        if kind in self._problems:
            raise DocumentError(self._problems[kind])

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
            self._problem(SYSTEM)
            self._add_system_table()
        segment = self._find(record_id)
        row = segment.row
        assert row is not None and segment.name is not None
        if value is None:
            if key not in row:
                return False
            new_row = {k: v for k, v in row.items() if k != key}
        else:
            value = _plain(value)
            if row.get(key) == value and type(row.get(key)) is type(value):
                return False
            new_row = {**row, key: copy.deepcopy(value)}
        from tmtui.document import render  # tomlkit is loaded on the first edit, not at open

        try:
            document = render.parse_segment(segment.text, record_id)
            keys = render.keys_of(document, segment.name, segment.array)
            if value is None:
                keys.remove(key)
            else:
                render.set_item(keys, key, value)
        except render.RenderError as error:
            raise DocumentError(str(error)) from None
        position = self._position(segment)
        self._splice(position, position + 1, document.as_string(), [(record_id, new_row)])
        self._replace_row(segment.name, row, new_row)
        self._changed()
        return True

    def reserve_id(self, kind: str) -> str:
        """The next free id of `kind`, never handed out again: for a record added later under that id."""
        record_type = RECORD_TYPE_BY_KIND.get(kind)
        if record_type is None:
            raise DocumentError(f"unknown kind of record {kind!r}")
        return self._allocate_id(record_type.PREFIX)

    def add_record(self, kind: str, fields: dict[str, Value] | None = None, record_id: str | None = None) -> str:
        """Append a record of `kind` ("threats") after the last record of its kind, with the next free id.

        `record_id` brings back a record under its own id (a merge re-adding a record deleted on one side).
        """
        record_type = RECORD_TYPE_BY_KIND.get(kind)
        if record_type is None:
            raise DocumentError(f"unknown kind of record {kind!r}")
        self._problem(kind)
        if record_id is None:
            record_id = self._allocate_id(record_type.PREFIX)
        else:
            self._retire(record_id)
        row: dict[str, Any] = {"id": record_id}
        for key, value in _in_schema_order(record_type, fields or {}):
            if value is not None and key != "id":
                row[key] = copy.deepcopy(_plain(value))
        from tmtui.document import render

        try:
            text = render.record_text(kind, list(row.items()))
        except render.RenderError as error:
            raise DocumentError(str(error)) from None
        rows = self._data.get(kind)
        if rows:
            self._append_record(self._last_of(kind), text, record_id, row)
        else:
            self._add_first_record(kind, text, record_id, row)
        self._apply(_Rows(kind, len(rows or ()), (), (row,)))
        self._changed()
        return record_id

    def _last_of(self, kind: str) -> int:
        """The position of the last segment holding a record of `kind`."""
        last = self._where.get(self._data[kind][-1].get("id"))
        if last is not None and last.name == kind:
            return self._position(last)
        return next(p for p in range(len(self._segments) - 1, 0, -1) if self._holds(self._segments[p], kind))

    def _append_record(self, position: int, text: str, record_id: str, row: dict[str, Any]) -> None:
        """A record after the segment at `position`, with a blank line around it."""
        previous, following = self._segments[position], self._segments[position + 1]
        before = previous.text if previous.text.endswith("\n") else previous.text + "\n"
        after = following.text
        if following.name is not None and not after.startswith("\n"):
            after = "\n" + after
        records = [_held(previous), (record_id, row), _held(following)]
        self._splice(position, position + 2, before + "\n" + text + after, records)

    def _add_first_record(self, kind: str, text: str, record_id: str, row: dict[str, Any]) -> None:
        """The first record of a kind: after the last table of the kinds before it in schema order, and below
        a banner comment there that names its section; other banners there stay with what follows them."""
        earlier = {SYSTEM} | {t.KIND for t in RECORD_TYPES[: RECORD_TYPES.index(RECORD_TYPE_BY_KIND[kind])]}
        segments = self._segments
        last = len(segments) - 1  # the closing comments
        previous = next((p for p in range(last - 1, 0, -1) if segments[p].name in earlier), None)
        position = previous + 1 if previous is not None else 1
        names = _SECTION_NAMES[kind]
        if last == 1:  # no tables at all: after everything, comments included
            everything = segments[0].text + segments[1].text
            lead = "\n" if everything else ""
            self._splice(0, 2, everything + lead + text, [(record_id, row)])
            return
        if position == last:
            closing = segments[last].text
            cut = banner_end(closing, names)
            self._splice(last, last + 1, closing[:cut] + "\n" + text + closing[cut:], [(record_id, row)])
            return
        following = segments[position]
        lead_end = following.lead_end()
        place = following.text[:lead_end]
        cut = banner_end(place, names)
        first_in_file = previous is None and not segments[0].text
        lead = place[:cut] + ("\n" if cut or not first_in_file else "")
        rest = place[cut:] + following.text[lead_end:]
        if not rest.startswith("\n"):
            rest = "\n" + rest
        self._splice(position, position + 1, lead + text + rest, [(record_id, row), _held(following)])

    def delete_record(self, record_id: str) -> None:
        """Remove a record with the comment block written above it; a section banner above that stays."""
        if record_id == SYSTEM:
            raise DocumentError("the system table cannot be deleted")
        segment = self._find(record_id)
        assert segment.name is not None and segment.row is not None
        position = self._position(segment)
        following = self._segments[position + 1]
        place = segment.text[: segment.lead_end()]
        self._retire(record_id)
        self._splice(position, position + 2, place + following.text, [_held(following)])
        rows = self._data[segment.name]
        index = _index(rows, segment.row)
        self._apply(_Rows(segment.name, index, (segment.row,), ()))
        self._changed()

    def move_record(self, record_id: str, new_index: int) -> None:
        """Move a record within its kind; its own comments go with it, section banners stay where they are.

        The records of a kind keep the places (segments) they hold in the file; only the records between the old
        and the new index change places.
        """
        if record_id == SYSTEM:
            raise DocumentError("the system table cannot be moved")
        segment = self._find(record_id)
        kind = segment.name
        assert kind is not None and segment.row is not None
        rows = self._data[kind]
        index = _index(rows, segment.row)
        new_index = max(0, min(new_index, len(rows) - 1))
        if new_index == index:
            return
        position = self._position(segment)
        step = -1 if new_index < index else 1
        slots = [position]
        probe = position
        while len(slots) <= abs(new_index - index):
            probe += step
            if self._holds(self._segments[probe], kind):
                slots.append(probe)
        slots.sort()
        low = min(index, new_index)
        moved = [self._segments[p] for p in slots]
        places = [s.text[: s.lead_end()] for s in moved]
        owns = [s.text[s.lead_end() :] for s in moved]
        order = list(range(len(moved)))  # order[k]: which of `moved` takes the k-th slot
        mover = 0 if step > 0 else len(moved) - 1
        order.insert(len(moved) - 1 - mover, order.pop(mover))
        texts: dict[int, tuple[str, Segment]] = {}
        for offset, source in enumerate(order):
            own = owns[source]
            needs_blank = not own.startswith("\n") and (low + offset > 0 or places[0])
            texts[slots[offset]] = (places[offset] + ("\n" + own if needs_blank else own), moved[source])
        start, stop = slots[0], slots[-1] + 1
        pieces, records = [], []
        for p in range(start, stop):
            text, held = texts.get(p, (self._segments[p].text, self._segments[p]))
            pieces.append(text)
            records.append(_held(held))
        self._splice(start, stop, "".join(pieces), records)
        new_rows = tuple(row for source in order if (row := moved[source].row) is not None)
        self._apply(_Rows(kind, low, tuple(rows[low : low + len(moved)]), new_rows))
        self._changed()

    # ---- segments --------------------------------------------------------------------------------------------

    def _holds(self, segment: Segment, kind: str) -> bool:
        return segment.name == kind and segment.is_record

    def _holds_row(self, segment: Segment) -> bool:
        """Whether a segment (just scanned) holds one record, or the system table, of an editable kind."""
        name = segment.name
        if name is None or name in self._problems:
            return False
        if name == SYSTEM:
            return segment.path == (SYSTEM,) and not segment.array
        return name in RECORD_TYPE_BY_KIND and segment.is_record

    def _splice(
        self, start: int, stop: int, text: str, records: list[tuple[str | None, dict[str, Any] | None]]
    ) -> None:
        """Replace the segments from `start` to `stop` by `text`, cut into segments again; `records` are the ids
        and data of the records that text holds, in order.

        The stretch grows to a neighbour when the new text ends with comments the scan gives to the next segment,
        or starts with comments glued to the previous one, so the segments are always those a fresh scan of the
        whole text would give. Each new segment that holds a record must read back as exactly that record.
        """
        segments = self._segments
        last = len(segments) - 1
        if start > 0 and text and segments[start - 1].text and not segments[start - 1].text.endswith("\n"):
            start -= 1  # the file had no final newline; what comes after it starts on a line of its own
            text = segments[start].text + "\n" + text
            records.insert(0, _held(segments[start]))
        while True:
            try:
                cut = split(text, at_file_start=start == 0)
            except ScanError as error:
                raise DocumentError(f"the edit would not read back as intended ({error}); nothing changed") from None
            if start > 0 and cut.preamble:
                start -= 1
                text = segments[start].text + text
                records.insert(0, _held(segments[start]))
            elif stop <= last and cut.closing:
                text += segments[stop].text
                records.append(_held(segments[stop]))
                stop += 1
            else:
                break
        records = [r for r in records if r != (None, None)]
        new: list[Segment] = []
        if start == 0:
            new.append(Segment(cut.preamble))
        held = iter(records)
        for segment in cut.segments:
            if self._holds_row(segment):
                record_id, row = next(held, (None, None))
                if row is None:
                    raise DocumentError("the edit would not read back as intended (a tmtui bug); nothing changed")
                segment = segment.holding(record_id, row)
            new.append(segment)
        if next(held, None) is not None:
            raise DocumentError("the edit would not read back as intended (a tmtui bug); nothing changed")
        if stop > last:
            new.append(Segment(cut.closing))
        old = tuple(segments[start:stop])
        _check(old, new)
        self._apply(_Splice(start, old, tuple(new)))

    def _replace_row(self, kind: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if kind == SYSTEM:
            self._apply(_Value(SYSTEM, old, new))
        else:
            self._apply(_Rows(kind, _index(self._data[kind], old), (old,), (new,)))

    def _add_system_table(self) -> None:
        """An empty [system] table before the first table, or at the end when there is none."""
        segments = self._segments
        if len(segments) == 2:
            everything = segments[0].text + segments[1].text
            self._splice(0, 2, everything + ("\n" if everything else "") + "[system]\n", [(SYSTEM, {})])
        else:
            following = segments[1]
            after = following.text if following.text.startswith("\n") else "\n" + following.text
            self._splice(1, 2, "[system]\n" + after, [(SYSTEM, {}), _held(following)])
        self._apply(_Value(SYSTEM, _MISSING, {}))

    # ---- undo and redo ---------------------------------------------------------------------------------------

    def begin_change(self) -> None:
        """Start recording what the following edits do, for `end_change`."""
        self._journal = []

    def end_change(self) -> Change:
        """What the edits since `begin_change` did (an empty Change when nothing changed)."""
        steps, self._journal = self._journal or [], None
        return Change(tuple(steps))

    def undo(self, change: Change) -> None:
        """Take back a change, as one new edit. Raises DocumentError when this text no longer holds it."""
        for step in reversed(change.steps):
            self._apply(_inverse(step))
        self._changed()

    def redo(self, change: Change) -> None:
        """Make a change again, as one new edit."""
        for step in change.steps:
            self._apply(step)
        self._changed()

    def revert(self, change: Change, revision: int) -> None:
        """Take back a change made since `revision`, as if it had not happened (an edit refused half-way)."""
        for step in reversed(change.steps):
            self._apply(_inverse(step))
        self._model = self._text = None  # a revision number is used again, so nothing cached under it stands
        self._replaced = None
        self.revision = revision

    def _apply(self, step: _ChangeStep) -> None:
        """Make one step, recording it in the change being recorded."""
        if isinstance(step, _Splice):
            self._apply_splice(step)
        elif isinstance(step, _Rows):
            self._note_replaced(step, len(self._data.get(step.kind) or ()))
            rows = self._data.setdefault(step.kind, [])
            if not _same(rows[step.start : step.start + len(step.old)], step.old):
                raise DocumentError("the undo history does not match this file")
            rows[step.start : step.start + len(step.old)] = step.new
            if not rows:
                del self._data[step.kind]
        elif step.new is _MISSING:
            self._replaced = None
            del self._data[step.key]
        else:
            if step.old is _MISSING and self._replaced is not None:
                self._replaced = None
            elif self._replaced is not None:
                self._replaced.add((SYSTEM, 0))
            self._data[step.key] = step.new
        if self._journal is not None:
            self._journal.append(step)

    def _note_replaced(self, step: _Rows, length: int) -> None:
        """Keep the rebuild to one record when a step replaces one record by one with the same id (a field edit,
        or its undo), adds one at the end of its kind (a new record) or removes the last (its undo); anything else
        (a record deleted or moved inside its kind) rebuilds the whole model. `length`: the kind's count before."""
        if self._replaced is None:
            return
        old, new = step.old, step.new
        replaced = len(old) == len(new) == 1 and old[0].get("id") == new[0].get("id")
        appended = not old and len(new) == 1 and step.start == length
        removed = len(old) == 1 and not new and step.start == length - 1
        changed = (kind_place := (step.kind, step.start)) in self._replaced
        ids = [row.get("id") for row in (*old, *new)]
        if (replaced or ((appended or removed) and not changed)) and all(isinstance(i, str) and i for i in ids):
            self._replaced.add(kind_place)
        else:
            self._replaced = None

    def _apply_splice(self, step: _Splice) -> None:
        current = self._segments[step.start : step.start + len(step.old)]
        # The same objects, or (in a document opened again from the same text) segments of the same text.
        if len(current) != len(step.old) or any(
            a is not b and (a.text != b.text or a.record_id != b.record_id)
            for a, b in zip(current, step.old, strict=True)
        ):
            raise DocumentError("the undo history does not match this file")
        for segment in current:
            if segment.record_id is not None and self._where.get(segment.record_id) is segment:
                del self._where[segment.record_id]
        self._segments[step.start : step.start + len(step.old)] = step.new
        for segment in step.new:
            if segment.record_id is not None:
                self._where[segment.record_id] = segment

    # ---- saving ----------------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether there are edits not yet written to the file."""
        return self.revision != self._saved_revision

    def prepare_save(self) -> PreparedSave | None:
        """The text to write and the data it must hold (fast); None when there is nothing to write."""
        if not self.dirty:
            return None
        if self.path is None:
            raise DocumentError("this document has no file to save to")
        return self.prepared(self.path, self._snapshot())

    def prepared(self, path: Path, expected: dict[str, Any]) -> PreparedSave:
        """This revision, to be written to `path`: its segments as they are now, which later edits do not change
        (copying the list of them is one step in C; joining their text is left to the thread that writes)."""
        return PreparedSave(path, tuple(self._segments), expected, self.revision, self.source)

    def _snapshot(self) -> dict[str, Any]:
        """The data as it is now, unchanged by later edits: edits replace records and the system table rather
        than change them, so copying the lists of records is enough."""
        return {key: list(value) if isinstance(value, list) else value for key, value in self._data.items()}

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
            return content_hash(read_regular(self.path)) != self._disk_hash
        except UnreadableError:  # gone, or no longer a regular file (a FIFO, a link to a device): a change
            return True

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
                    _count_issued(self._cut_issued, row["id"])

    def inherit_ids(self, other: Document) -> None:
        """Never hand out an id that `other` (the same file, edited elsewhere in this session) gave or retired."""
        for prefix, number in other._issued.items():
            self._issued[prefix] = max(self._issued.get(prefix, 0), number)

    def _retire(self, record_id: str) -> None:
        _count_issued(self._issued, record_id)


def _count_issued(issued: dict[str, int], record_id: str) -> None:
    """Note `record_id` in `issued`, the highest number held or handed out per prefix."""
    parts = split_id(record_id)
    if parts is not None:
        issued[parts[0]] = max(issued.get(parts[0], 0), parts[1])


def _kind_problem(kind: str, rows: Any, segments: list[Segment]) -> str | None:
    """Why the records of `kind` cannot be edited, or None when each is one `[[kind]]` segment."""
    if rows is None and not segments:
        return None
    if isinstance(rows, list) and not segments:
        return f"{kind} is written as an inline array; tmtui edits only [[{kind}]] tables (rewrite it by hand)"
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return f"{kind} is not written as [[{kind}]] tables; tmtui can only read it (rewrite it by hand)"
    apart = next((s for s in segments if not s.is_record), None)
    if apart is not None:
        header = ".".join(apart.path)
        return (
            f"[{header}] is written apart from the [[{kind}]] record it belongs to, after another table; "
            f"tmtui edits {kind} once each record's tables follow its header (move it there by hand)"
        )
    if len(rows) != len(segments):
        return f"tmtui cannot tell which [[{kind}]] table holds which record; {kind} can only be read"
    return None


def _held(segment: Segment) -> tuple[str | None, dict[str, Any] | None]:
    return segment.record_id, segment.row


def _index(rows: list[dict[str, Any]], row: dict[str, Any]) -> int:
    """Where a record stands in its kind's list: found by identity first, which is a pointer scan."""
    for index, candidate in enumerate(rows):
        if candidate is row:
            return index
    return rows.index(row)


def _same(current: list[Any], expected: tuple[Any, ...]) -> bool:
    return len(current) == len(expected) and all(a is b or a == b for a, b in zip(current, expected, strict=True))


def _inverse(step: _ChangeStep) -> _ChangeStep:
    if isinstance(step, _Splice):
        return _Splice(step.start, step.new, step.old)
    if isinstance(step, _Rows):
        return _Rows(step.kind, step.start, step.new, step.old)
    return _Value(step.key, step.new, step.old)


def _check(old: tuple[Segment, ...], new: list[Segment]) -> None:
    """Each new segment holding a record reads back as exactly that record; the others hold what they held."""
    unchanged = {segment.text for segment in old}  # a record moved with its text is read back already
    for segment in new:
        if segment.row is None or segment.text in unchanged:
            continue
        expected: Any = [segment.row] if segment.array else segment.row
        try:
            data = tomllib.loads(segment.text)
        except tomllib.TOMLDecodeError:
            data = None
        if data != {segment.name: expected}:
            raise DocumentError(f"the edit of {segment.record_id} would not read back as intended; nothing changed")
    others_old = [s.text for s in old if s.row is None]
    others_new = [s.text for s in new if s.row is None]
    if others_old != others_new and [_loads(t) for t in others_old] != [_loads(t) for t in others_new]:
        raise DocumentError("the edit would change other tables of the file; nothing changed")


def _read_alike(text: str, data: dict[str, Any]) -> bool:
    """Whether tomllib reads `text` as exactly `data`."""
    try:
        return same_data(tomllib.loads(text), data)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False


def _loads(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _in_schema_order(record_type: type, fields: dict[str, Value]) -> list[tuple[str, Value]]:
    """The fields of a new record in the order of its type's field specs; keys it does not know go last."""
    order = {spec.key: index for index, spec in enumerate(field_specs(record_type))}
    return sorted(fields.items(), key=lambda item: order.get(item[0], len(order)))


def _plain(value: Value) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value
