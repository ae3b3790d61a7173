"""The full form of one record, opened with enter (or n for a new one); escape goes back to the list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from tmtui.model import RECORD_TYPE_BY_KIND, System
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.text import literal
from tmtui.tui.widgets.footer import KeysFooter
from tmtui.tui.widgets.record_form import form_for
from tmtui.tui.widgets.record_list import Changed

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp


class RecordScreen(Screen):
    BINDINGS = bindings("record-screen")

    def __init__(self, session: Session, kind: str, record_id: str | None, preset: dict[str, Any] | None = None):
        super().__init__()
        self.session = session
        self.kind = kind
        self.form = form_for(session, kind, record_id, preset)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="record-title", classes="record-title")
        yield self.form
        yield KeysFooter()

    def on_mount(self) -> None:
        cast("TmtuiApp", self.app).model_changed.subscribe(self, self._model_changed, immediate=True)
        self.refresh_from_model()
        self.form.focus_first()

    def _model_changed(self, _: Changed) -> None:
        self.refresh_from_model()

    @property
    def record_id(self) -> str | None:
        return self.form.record_id

    def refresh_from_model(self) -> None:
        if not self.query("#record-title"):
            return  # not composed yet: on_mount draws it
        singular = RECORD_TYPE_BY_KIND[self.kind].SINGULAR
        record = self.form.current()
        if self.record_id is None:
            title = f"New {singular} — it is added when you fill in its first field"
        elif record is None or isinstance(record, System):
            title = f"{self.record_id} no longer exists (undone or deleted); escape goes back"
        else:
            title = f"{singular.capitalize()} {record.id}  {record.label}"
        self.query_one("#record-title", Static).update(literal(title))
        self.form.refresh_from_model()

    def on_record_form_created(self) -> None:
        self.refresh_from_model()

    def action_back(self) -> None:
        """Commit the field being typed, then go back to the list (the edit is in the model before the form goes)."""
        self.form.flush()
        self.app.pop_screen()
        if self.record_id:
            cast("TmtuiApp", self.app).reveal(self.kind, self.record_id)
