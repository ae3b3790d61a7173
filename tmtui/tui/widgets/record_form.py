"""The form of one record: an editor per field, the problems beside each, and the keys tmtui does not know."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from tmtui.document.edit import SYSTEM
from tmtui.model import RECORD_TYPE_BY_KIND, Record, System, Threat, field_specs, risk_from, spec_for
from tmtui.model.sentence import threat_sentence
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.widgets.fields import FieldEditor, editor_for
from tmtui.tui.widgets.style import risk_text

GRAMMAR = ("source", "prerequisites", "action", "impact")


class RecordForm(VerticalScroll):
    """Edits one record through the session. A new record (no id yet) is added when its first field is set."""

    DEFAULT_CLASSES = "record-form"
    can_focus = False  # Tab goes from field to field; the form scrolls to the one that has focus

    class Created(Message):
        """A new record was written, so the form now edits it."""

        def __init__(self, record_id: str) -> None:
            super().__init__()
            self.record_id = record_id

    def __init__(self, session: Session, kind: str, record_id: str | None, preset: dict[str, Any] | None = None):
        super().__init__()
        self.session = session
        self.kind = kind
        self.record_id = record_id
        self.preset = dict(preset or {})
        self.record_type = System if kind == SYSTEM else RECORD_TYPE_BY_KIND[kind]

    def current(self) -> Record | System | None:
        model = self.session.model
        if self.kind == SYSTEM:
            return model.system
        return model.find(self.record_id) if self.record_id else None

    def value_of(self, key: str) -> Any:
        record = self.current()
        spec = spec_for(self.record_type, key)
        assert spec is not None
        if record is None:
            return self.preset.get(key, spec.empty)
        return getattr(record, spec.name)

    def compose(self) -> ComposeResult:
        model = self.session.model
        for spec in field_specs(self.record_type):
            if spec.key == "id":
                continue
            yield editor_for(spec, self.value_of(spec.key), model)
            yield from self.extras_after(spec.key)
        yield Static("", id="extra-fields", classes="extra-fields")

    def extras_after(self, key: str) -> list[Widget]:
        """Widgets a kind of record shows after one of its fields."""
        return []

    def on_mount(self) -> None:
        self.refresh_from_model()

    def flush(self) -> None:
        """Commit the field being typed in, before the form goes away."""
        for editor in self.query(FieldEditor):
            if editor.input.has_focus_within:
                editor.flush()

    def focus_first(self) -> None:
        editor = self.query(FieldEditor).first()
        editor.input.focus()

    @on(FieldEditor.Committed)
    def _committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        value = event.value
        if self.record_id is None and self.kind != SYSTEM:
            if value in (None, "", []):
                return
            fields = {**self.preset, event.key: value}
            self.record_id = self.app.create_record(self.kind, fields)
            if self.record_id is not None:
                self.post_message(self.Created(self.record_id))
        else:
            self.app.edit_field(self.record_id or SYSTEM, event.key, value)

    def refresh_from_model(self) -> None:
        """Show values changed elsewhere (undo, reload), the problems of each field, and the unknown keys."""
        model = self.session.model
        record = self.current()
        findings = self.session.findings_for(self.record_id) if (self.record_id or self.kind == SYSTEM) else []
        for editor in self.query(FieldEditor):
            if record is not None:
                editor.show(self.value_of(editor.spec.key), model)
            editor.show_problems([f for f in findings if f.field == editor.spec.key])
        extra = getattr(record, "extra", {}) if record is not None else {}
        lines = [f"[b]{escape(k)}[/b] = {escape(repr(v))}" for k, v in extra.items()]
        self.query_one("#extra-fields", Static).update(
            ("Other fields (kept as written, edit them in the file)\n" + "\n".join(lines)) if lines else ""
        )
        self.update_extras()

    def update_extras(self) -> None:
        pass


class ThreatForm(RecordForm):
    """A threat: the grammar with a live sentence, the risk beside likelihood and severity, its mitigations."""

    BINDINGS = bindings("threat-form")

    def action_mitigate(self) -> None:
        if self.record_id:
            self.app.new_mitigation_for(self.record_id)

    def extras_after(self, key: str) -> list[Widget]:
        if key == "impact":
            return [Static("", id="sentence", classes="sentence-preview")]
        if key == "severity":
            return [Static("", id="risk", classes="risk-preview")]
        if key == "notes":
            return [Static("", id="linked-mitigations", classes="linked")]
        return []

    @on(Input.Changed)
    @on(Select.Changed)
    def _live_preview(self) -> None:
        self.update_extras()

    def _typed(self, key: str) -> Any:
        editor = self.query_one(f"#field-{key}", FieldEditor)
        widget = editor.input
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        return editor.value

    def update_extras(self) -> None:
        if not self.is_mounted:
            return
        draft = Threat(id="", **{key: self._typed(key) or "" for key in GRAMMAR})
        sentence = threat_sentence(draft)
        self.query_one("#sentence", Static).update(
            escape(sentence) if sentence else "[dim]Fill in the action to see the threat as one sentence.[/dim]"
        )
        risk = risk_from(self._typed("likelihood"), self._typed("severity"))
        self.query_one("#risk", Static).update(risk_text(risk, prefix="Risk: "))
        mitigations = self.session.model.mitigations_for(self.record_id) if self.record_id else []
        lines = [
            f"  {escape(m.id)} {escape(m.title)} [dim]({m.effective_status.replace('_', ' ')})[/dim]"
            for m in mitigations
        ]
        self.query_one("#linked-mitigations", Static).update(
            "Mitigations\n" + "\n".join(lines)
            if lines
            else "Mitigations\n  [dim]none yet — Ctrl+N adds one for this threat[/dim]"
        )


def form_for(session: Session, kind: str, record_id: str | None, preset: dict[str, Any] | None = None) -> RecordForm:
    form_class = ThreatForm if kind == "threats" else RecordForm
    return form_class(session, kind, record_id, preset)
