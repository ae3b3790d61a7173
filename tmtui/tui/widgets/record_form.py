"""The form of one record: an editor per field, the problems beside each, and the keys tmtui does not know."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from tmtui.document.edit import SYSTEM, DocumentError
from tmtui.model import RECORD_TYPE_BY_KIND, FieldSpec, Record, System, Threat, field_specs, risk_from, spec_for
from tmtui.model.sentence import GRAMMAR_QUESTIONS, missing_grammar, threat_sentence
from tmtui.session import FieldConflict, Session
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import EditRefused, FieldCommitted, FieldConflicted, LeaveForm, NewMitigationFor
from tmtui.tui.text import literal
from tmtui.tui.widgets.fields import FieldEditor, editor_for
from tmtui.tui.widgets.style import risk_text

GRAMMAR = ("source", "prerequisites", "action", "impact")
# A threat's mitigations are picked in its form, but each link is written where links live: the mitigation's `threats`.
LINKED_MITIGATIONS = FieldSpec(
    name="mitigations", key="mitigations", type="refs", label="Mitigations", refs=("mitigations",)
)


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
        self.read_only_reason: str | None = None
        self._conflicts_asked = 0
        self.conflicts_raised: list[FieldConflict] = []  # a hang-up rescues the typing of those left unanswered

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
        # A kind this file lets tmtui read but not edit: said first, and no field takes typing that would be refused
        # (and so lost) when it is left.
        self.read_only_reason = self.session.read_only_reason(self.kind)
        if self.read_only_reason is not None:
            yield Static(literal(f"Read-only here: {self.read_only_reason}"), classes="read-only-reason")
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
        if self.read_only_reason is not None:
            for editor in self.query(FieldEditor):
                if editor.spec is not LINKED_MITIGATIONS:  # a link is written in the mitigation
                    editor.disabled = True
        self.refresh_from_model()

    def flush(self) -> bool:
        """Commit the field being typed in, and any commit still on its way, now: before the form goes away, the
        file is saved or the app quits (a message would arrive too late). False when typing met a change made
        elsewhere, which the person is now asked about."""
        asked = self._conflicts_asked
        for editor in self.query(FieldEditor):
            if editor.typing():
                editor.flush()
            self._apply(editor)
        return self._conflicts_asked == asked

    def on_key(self, event: events.Key) -> None:
        # the system summary is a form inside a pane: escape commits it and gives the keys back to the pane
        if event.key == "escape" and self.kind == SYSTEM:
            event.stop()
            self.flush()
            self.post_message(LeaveForm())

    def drafted(self) -> dict[str, Any]:
        """The record as this form shows it, with what is typed: enough to add it again under its id."""
        fields = {e.spec.key: e.typed() for e in self.query(FieldEditor)}
        return {k: v for k, v in fields.items() if v not in (None, "", [])}

    def focus_first(self) -> None:
        editor = self.query(FieldEditor).first()
        editor.input.focus()

    @on(FieldEditor.Committed)
    def _committed(self, event: FieldEditor.Committed) -> None:
        event.stop()
        self._apply(event.editor)

    def _apply(self, editor: FieldEditor) -> None:
        """Write a field's committed value through the session, then tell the app (or why it was refused)."""
        pending = editor.take_pending()
        if pending is None:
            return
        value, base = pending
        key = editor.spec.key
        adding = self.record_id is None and self.kind != SYSTEM
        try:
            if adding:
                if value in (None, "", []):
                    return
                self.record_id = self.session.add_record(self.kind, {**self.preset, key: value})
                self.post_message(self.Created(self.record_id))
            else:
                self.session.set_field(self.record_id or SYSTEM, key, value, base=base)
        except FieldConflict as conflict:
            self._conflicts_asked += 1
            self.conflicts_raised.append(conflict)
            self.post_message(FieldConflicted(conflict, self.kind, self.drafted()))
            return
        except DocumentError as error:
            self.post_message(EditRefused(str(error), "Not added" if adding else "Not saved"))
            return
        self.post_message(FieldCommitted(self.record_id or SYSTEM, key))

    def refresh_from_model(self) -> None:
        """Show values changed elsewhere (undo, reload), the problems of each field, and the unknown keys."""
        if not self.query("#extra-fields"):
            return  # the model changed before the form was composed: its on_mount draws it
        model = self.session.model
        record = self.current()
        findings = (
            self.session.findings_for(self.record_id or SYSTEM) if (self.record_id or self.kind == SYSTEM) else []
        )
        for editor in self.query(FieldEditor):
            if record is not None:
                editor.show(self.value_of(editor.spec.key), model)
            editor.show_problems([f for f in findings if f.field == editor.spec.key])
        extra = getattr(record, "extra", {}) if record is not None else {}
        lines = [Text.assemble(literal(k, "bold"), " = ", literal(repr(v))) for k, v in extra.items()]
        self.query_one("#extra-fields", Static).update(
            Text("\n").join([Text("Other fields (kept as written, edit them in the file)"), *lines]) if lines else ""
        )
        self.update_extras()

    def update_extras(self) -> None:
        pass


class ThreatForm(RecordForm):
    """A threat: the grammar with a live sentence, the risk beside likelihood and severity, its mitigations."""

    BINDINGS = bindings("threat-form")
    DEFAULT_CSS = """
    ThreatForm .grammar-hint { height: auto; padding: 0 1; }
    """

    def action_mitigate(self) -> None:
        if self.record_id:
            self.post_message(NewMitigationFor(self.record_id))

    def extras_after(self, key: str) -> list[Widget]:
        if key == "impact":
            # what the statement still lacks, then the statement as one sentence
            return [
                Static("", id="grammar-hint", classes="grammar-hint"),
                Static("", id="sentence", classes="sentence-preview"),
            ]
        if key == "severity":
            return [Static("", id="risk", classes="risk-preview")]
        if key == "notes":
            return [
                Static("", id="linked-mitigations", classes="linked"),
                editor_for(LINKED_MITIGATIONS, self.value_of(LINKED_MITIGATIONS.key), self.session.model),
            ]
        return []

    def value_of(self, key: str) -> Any:
        if key == LINKED_MITIGATIONS.key:
            model = self.session.model
            return [m.id for m in model.mitigations_for(self.record_id)] if self.record_id else []
        return super().value_of(key)

    def drafted(self) -> dict[str, Any]:
        drafted = super().drafted()
        drafted.pop(LINKED_MITIGATIONS.key, None)
        return drafted

    def _apply(self, editor: FieldEditor) -> None:
        if editor.spec is not LINKED_MITIGATIONS:
            super()._apply(editor)
            return
        pending = editor.take_pending()
        if pending is None or self.record_id is None:
            return
        linked = set(pending[0])
        # one edit per mitigation whose link changed, through the same session path as every other field
        for mitigation in self.session.model.mitigations:
            wanted = mitigation.id in linked
            if wanted == (self.record_id in mitigation.threats):
                continue
            threats = [t for t in mitigation.threats if t != self.record_id]
            if wanted:
                threats.append(self.record_id)
            try:
                self.session.set_field(mitigation.id, "threats", threats)
            except DocumentError as error:
                self.post_message(EditRefused(str(error)))
                return
            self.post_message(FieldCommitted(mitigation.id, "threats"))

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
        grammar: dict[str, Any] = {key: self._typed(key) or "" for key in GRAMMAR}
        draft = Threat(id="", **grammar)
        sentence = threat_sentence(draft)
        self.query_one("#grammar-hint", Static).update(grammar_hint(draft))
        self.query_one("#sentence", Static).update(
            literal(sentence) if sentence else Text("Fill in the action to see the threat as one sentence.", "dim")
        )
        risk = risk_from(self._typed("likelihood"), self._typed("severity"))
        self.query_one("#risk", Static).update(risk_text(risk, prefix="Risk: "))
        mitigations = self.session.model.mitigations_for(self.record_id) if self.record_id else []
        lines = [
            Text.assemble(
                "  ", literal(f"{m.id} {m.title} "), literal(f"({m.effective_status.replace('_', ' ')})", "dim")
            )
            for m in mitigations
        ]
        if not lines:
            lines = [Text("  none yet — pick one below, or Ctrl+N starts a new one", "dim")]
        self.query_one("#linked-mitigations", Static).update(Text("\n").join([Text("Linked mitigations"), *lines]))
        # a new threat has no id for a mitigation to name until its first field is written
        self.query_one(f"#field-{LINKED_MITIGATIONS.key}", FieldEditor).input.disabled = self.record_id is None


def grammar_hint(threat: Threat) -> Text:
    """What the threat statement still lacks, one plain question a line; a short all-clear once it is complete."""
    missing = missing_grammar(threat)
    if not missing:
        return Text("✓ complete threat statement", style="green")
    return Text("\n".join(GRAMMAR_QUESTIONS[part] for part in missing), style="yellow")


def form_for(session: Session, kind: str, record_id: str | None, preset: dict[str, Any] | None = None) -> RecordForm:
    form_class = ThreatForm if kind == "threats" else RecordForm
    return form_class(session, kind, record_id, preset)
