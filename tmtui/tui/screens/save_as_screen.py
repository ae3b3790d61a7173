"""Where to save the model instead: a path prompt that starts beside the file; escape keeps the edits here."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tmtui.tui.text import literal


class SaveAsScreen(ModalScreen[Path | None]):
    DEFAULT_CSS = "SaveAsScreen { align: center middle; }"
    BINDINGS: ClassVar[list[BindingType]] = [("escape", "cancel", "Cancel")]

    def __init__(self, question: str, suggested: Path) -> None:
        super().__init__()
        self.question = question
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question), classes="question")
            yield Input(str(self.suggested), id="save-as-path")
            yield Static(literal("Enter saves there; Esc keeps your edits here without saving."), classes="detail")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _chosen(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)
