"""The small API between the app and the model file: edits with undo and redo, references, saving.

It knows nothing of Textual; the app calls it from its UI thread and runs `Document.write` on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tmtui.document.edit import SYSTEM, Document, DocumentError, Value
from tmtui.document.merge import Conflict, MergeResult, keep_mine, merge_with_disk
from tmtui.model import Finding, Model, field_specs

UNDO_LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Reference:
    """`record_id.key` names `target`."""

    record_id: str
    key: str
    target: str


@dataclass(frozen=True)
class _Step:
    description: str
    before: str  # the document text before the edit (already rendered for the previous save)
    after: str = ""  # taken when the edit is undone, for redo


class Session:
    def __init__(self, document: Document) -> None:
        self.document = document
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self.backed_up = False  # the file as opened is copied under the state folder before the first save

    @classmethod
    def open(cls, path: Path) -> Session:
        return cls(Document.open(path))

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

    def set_field(self, record_id: str, key: str, value: Value) -> bool:
        return self._edit(lambda: self.document.set_field(record_id, key, value), lambda _: f"edit {record_id}.{key}")

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
        after = self.document.text()
        self.document.restore(step.before)
        self._redo.append(_Step(step.description, step.before, after))
        return step.description

    def redo(self) -> str | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self.document.restore(step.after)
        self._undo.append(step)
        return step.description

    def _edit(self, edit: Callable[[], T], describe: Callable[[T], str]) -> T:
        """Run one edit as one undo step; an edit refused half-way is rolled back whole."""
        before, revision = self.document.text(), self.document.revision
        try:
            result = edit()
        except DocumentError:
            if self.document.revision != revision:
                self.document.rollback(before, revision)
            raise
        if self.document.revision != revision:
            self._record(describe(result), before)
        return result

    def _record(self, description: str, before: str) -> None:
        self._undo.append(_Step(description, before))
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    # ---- the file --------------------------------------------------------------------------------------------

    def merge_from_disk(self) -> MergeResult:
        """Take the file as changed on disk, with the unsaved edits made here replayed onto it.

        The undo history no longer applies to the merged text, so it starts again.
        """
        result = merge_with_disk(self.document)
        self.document = result.document
        self._undo.clear()
        self._redo.clear()
        return result

    def keep_mine(self, conflict: Conflict) -> None:
        keep_mine(self.document, conflict)
