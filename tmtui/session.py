"""The small API between the app and the model file: edits with undo and redo, references, and the save pipeline.

It knows nothing of Textual. The app edits and prepares saves on its UI thread and runs `Session.write` on a
worker; everything that can go wrong with a save (a change on disk, a read-only file, a failed backup, a folder
gone) is decided here, so it is tested without a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tmtui.document.edit import (
    SYSTEM,
    Change,
    ChangedOnDiskError,
    Document,
    DocumentError,
    ModelSyntaxError,
    PreparedSave,
    RecordNotFoundError,
    Value,
)
from tmtui.document.merge import Conflict, MergeResult, keep_mine, merge_with_disk
from tmtui.document.save import write_atomically
from tmtui.document.source import UnreadableError
from tmtui.model import Finding, Model, field_specs, spec_for
from tmtui.state import back_up

UNDO_LIMIT = 200
SAVE_ATTEMPTS = 3  # a file rewritten faster than this many merges is left for the person to look at
T = TypeVar("T")
NO_BASE: Any = object()  # set_field without a base: a committed choice, not typing that began earlier


class FieldConflict(DocumentError):
    """The field being typed changed elsewhere since typing began: its base, the typed value and the current one
    all differ, so neither may silently win."""

    def __init__(self, kind: str, record_id: str, key: str, base: Any, mine: Any, theirs: Any) -> None:
        self.kind = kind
        self.record_id = record_id
        self.key = key
        self.base = base
        self.mine = mine
        self.theirs = theirs
        super().__init__(f"{record_id}.{key} changed on disk while you were typing it")


class RecordGoneError(FieldConflict):
    """The record being edited was deleted elsewhere (on disk, or by an undo) while its field was typed."""

    def __init__(self, kind: str, record_id: str, key: str, base: Any, mine: Any) -> None:
        super().__init__(kind, record_id, key, base, mine, None)
        DocumentError.__init__(self, f"{record_id} was deleted while you were editing it")


class ReadOnlyError(DocumentError):
    """The model file (or its folder) cannot be written; edits can only be saved elsewhere."""


def can_write(path: Path) -> bool:
    """Whether a save could replace `path`: the file and its folder are writable (an atomic save needs both)."""
    folder = path.parent
    return os.access(folder, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))


@dataclass(frozen=True)
class SaveJob:
    """A prepared save and the document it was rendered from; a merge meanwhile makes it stale."""

    document: Document
    prepared: PreparedSave


@dataclass
class SaveReport:
    """What one save did. `written` or `error`; a merge on the way is in `merged` (its questions included)."""

    written: bool = False
    changed_on_disk: bool = False  # refused: the file holds a change not seen here (merge it, then save again)
    error: str | None = None  # why the file was not written, in words for a person
    read_only: bool = False
    backup_problem: str | None = None  # the save went on without its backup
    merges: list[MergeResult] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for merge in self.merges for c in merge.conflicts]


@dataclass(frozen=True)
class Reference:
    """`record_id.key` names `target`."""

    record_id: str
    key: str
    target: str


@dataclass(frozen=True)
class _Step:
    description: str
    change: Change  # the segments and records the edit replaced, old and new: undone in O(what changed)


class Session:
    def __init__(self, document: Document) -> None:
        self.document = document
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self.backed_up = False  # the file as opened is copied under the state folder before the first save
        self._saved_revision = 0  # the document revision the file on disk holds
        self.read_only = document.path is not None and not can_write(document.path)
        self._one_step = False  # inside `one_step`: the edits join the change it records

    @classmethod
    def open(cls, path: Path, *, quick: bool = False) -> Session:
        """`quick`: the file is read for display by `quick_read` where it can (see `Document`)."""
        return cls(Document.open(path, quick=quick))

    @property
    def path(self) -> Path:
        assert self.document.path is not None
        return self.document.path

    @property
    def model(self) -> Model:
        return self.document.model

    @property
    def findings(self) -> list[Finding]:
        return self.document.findings

    def findings_for(self, record_id: str) -> list[Finding]:
        return [f for f in self.findings if f.record_id == record_id or (record_id == SYSTEM and f.kind == SYSTEM)]

    # ---- edits, each one undoable ----------------------------------------------------------------------------

    def set_field(self, record_id: str, key: str, value: Value, base: Any = NO_BASE) -> bool:
        """Set one field. With `base` (the field's value when typing began), refuse with FieldConflict when the
        field has since changed to something else than both, and with RecordGoneError when the record is gone."""
        if base is not NO_BASE:
            kind = self.kind_of(record_id)
            if kind is None:
                raise RecordGoneError("", record_id, key, base, value)
            theirs = self.value_of(record_id, key)
            if theirs not in (base, value):
                raise FieldConflict(kind, record_id, key, base, value, theirs)
        return self._edit(lambda: self.document.set_field(record_id, key, value), lambda _: f"edit {record_id}.{key}")

    def read_only_reason(self, kind: str) -> str | None:
        """Why records of `kind` (or the system table) can be read but not edited in this file; None if they can."""
        return self.document.read_only_kinds.get(kind)

    def kind_of(self, record_id: str) -> str | None:
        try:
            return self.document.kind_of(record_id)
        except RecordNotFoundError:
            return None

    def value_of(self, record_id: str, key: str) -> Any:
        """A field's value as the model reads it (what a form shows), or None when the record is gone."""
        record = self.model.system if record_id == SYSTEM else self.model.find(record_id)
        spec = spec_for(type(record), key) if record is not None else None
        return getattr(record, spec.name) if spec is not None else None

    def keep_record(self, kind: str, record_id: str, fields: dict[str, Value]) -> str:
        """Bring back, under its own id, a record deleted elsewhere while it was being edited here."""
        return self._edit(
            lambda: self.document.add_record(kind, fields, record_id=record_id), lambda _: f"keep {record_id}"
        )

    def add_record(self, kind: str, fields: dict[str, Value] | None = None) -> str:
        return self._edit(lambda: self.document.add_record(kind, fields), lambda record_id: f"add {record_id}")

    def delete_record(self, record_id: str, drop_references: bool = False) -> None:
        def delete() -> None:
            if drop_references:
                for ref in self.references_to(record_id):
                    self._drop_reference(ref)
            self.document.delete_record(record_id)

        self._edit(delete, lambda _: f"delete {record_id}")

    def references_to(self, record_id: str) -> list[Reference]:
        out = []
        for record in self.model.all_records():
            for spec in field_specs(type(record)):
                value = getattr(record, spec.name)
                if spec.refs and (value == record_id or (isinstance(value, list) and record_id in value)):
                    out.append(Reference(record.id, spec.key, record_id))
        return out

    def _drop_reference(self, ref: Reference) -> None:
        current = self.document.model.find(ref.record_id)
        spec = next(s for s in field_specs(type(current)) if s.key == ref.key)
        value = getattr(current, spec.name)
        if isinstance(value, list):
            self.document.set_field(ref.record_id, ref.key, [v for v in value if v != ref.target])
        else:
            self.document.set_field(ref.record_id, ref.key, None)

    # ---- undo and redo ---------------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the last edit; returns what was undone, or None when there is nothing to undo."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self.document.undo(step.change)
        self._redo.append(step)
        return step.description

    def redo(self) -> str | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self.document.redo(step.change)
        self._undo.append(step)
        return step.description

    @contextmanager
    def one_step(self, description: str) -> Iterator[None]:
        """The edits made inside are one undo step (a merge of two threats), and are rolled back whole when one of
        them is refused."""
        with self._recorded(lambda: description):
            yield

    def _edit(self, edit: Callable[[], T], describe: Callable[[T], str]) -> T:
        """Run one edit as one undo step; an edit refused half-way is rolled back whole."""
        result: list[T] = []
        with self._recorded(lambda: describe(result[0])):
            result.append(edit())
        return result[0]

    @contextmanager
    def _recorded(self, describe: Callable[[], str]) -> Iterator[None]:
        """Record the edits made inside as one undo step named by `describe()`, rolled back whole when one is
        refused. Inside another such step they join it."""
        if self._one_step:
            yield
            return
        revision = self.document.revision
        self._one_step = True
        self.document.begin_change()
        try:
            yield
        except DocumentError:
            self.document.revert(self.document.end_change(), revision)
            raise
        except BaseException:
            self.document.end_change()
            raise
        finally:
            self._one_step = False
        change = self.document.end_change()
        if change:
            self._record(describe(), change)

    def _record(self, description: str, change: Change) -> None:
        self._undo.append(_Step(description, change))
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    # ---- the file --------------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.document.dirty

    @property
    def unsaved_edits(self) -> int:
        """How many edits the file on disk does not hold yet."""
        return self.document.revision - self._saved_revision if self.document.dirty else 0

    def prepare_save(self) -> SaveJob | None:
        """Render and copy the edits to write (fast, on the editing thread); None when the file is up to date.

        Raises ReadOnlyError for a file opened read-only, DocumentError when the edits cannot be rendered.
        """
        if not self.document.dirty:
            return None
        if self.read_only:
            raise ReadOnlyError(f"{self.path} is read-only; save your edits elsewhere")
        prepared = self.document.prepare_save()
        return SaveJob(self.document, prepared) if prepared is not None else None

    def write(self, job: SaveJob) -> SaveReport:
        """Write a prepared save, backing the file up first once per session; safe on a worker thread.

        A job from a document a merge has since replaced writes nothing: the merged document holds its edits.
        """
        report = SaveReport()
        if job.document is not self.document:
            return report
        prepared = job.prepared
        if not self.backed_up:
            self.backed_up = True
            try:
                back_up(prepared.path)
            except OSError as error:  # a backup that cannot be made must not stop the save itself
                report.backup_problem = f"No backup made: {error.strerror or error}"
        try:
            job.document.write(prepared)
        except ChangedOnDiskError:
            report.changed_on_disk = True
            return report
        except DocumentError as error:
            report.error = str(error)
            return report
        except OSError as error:
            report.error = f"{self.path} could not be written: {error.strerror or error}"
            return report
        report.written = True
        if job.document is self.document:
            self._saved_revision = max(self._saved_revision, prepared.revision)
        return report

    def save(self) -> SaveReport:
        """Write every edit now, on this thread; a change on disk is merged in and the save tried again.

        Used when there is no time for a worker: quitting, switching models, a hang-up.
        """
        report = SaveReport()
        for _ in range(SAVE_ATTEMPTS):
            try:
                job = self.prepare_save()
            except ReadOnlyError as error:
                report.error, report.read_only = str(error), True
                return report
            except DocumentError as error:
                report.error = str(error)
                return report
            if job is None:
                return report
            written = self.write(job)
            report.backup_problem = report.backup_problem or written.backup_problem
            report.written, report.error = written.written, written.error
            if not written.changed_on_disk:
                return report
            try:
                report.merges.append(self.merge_from_disk())
            except (UnreadableError, DocumentError) as error:
                report.error = f"{self.path} changed on disk and cannot be read now ({_reason(error)})"
                return report
        report.changed_on_disk = True
        report.error = f"{self.path} keeps changing on disk; not saved"
        return report

    def save_as(self, path: Path, overwrite: bool = False) -> None:
        """Write the model, edits and all, to `path` and go on editing that file.

        Raises FileExistsError for an existing file unless `overwrite`, OSError when it cannot be written.
        """
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists")
        write_atomically(path, self.document.prepared(path, self.document.data).verified_bytes())
        document = Document.open(path)
        document.inherit_ids(self.document)
        self.document = document
        self._saved_revision = 0
        self.backed_up = True  # the new file is this session's own; the file it came from was never changed
        self.read_only = not can_write(path)

    def merge_from_disk(self) -> MergeResult:
        """Take the file as changed on disk, with the unsaved edits made here replayed onto it.

        The undo history no longer applies to the merged text, so it starts again.
        """
        result = merge_with_disk(self.document)
        self.document = result.document
        self._saved_revision = 0
        self._undo.clear()
        self._redo.clear()
        return result

    def keep_mine(self, conflict: Conflict) -> None:
        self._edit(lambda: keep_mine(self.document, conflict), lambda _: f"keep mine: {conflict.record_id}")


def _reason(error: Exception) -> str:
    if isinstance(error, ModelSyntaxError):
        return f"line {error.finding.line}: {error.finding.message}"
    return getattr(error, "message", None) or str(error)
