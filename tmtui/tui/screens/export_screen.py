"""`x`: the Markdown report, previewed as it will read, written beside the model or copied to the clipboard."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Markdown

from tmtui.document.save import write_atomically
from tmtui.exchange.markdown import to_markdown
from tmtui.model import Model
from tmtui.tui.keymap import bindings


class ExportScreen(Screen):
    BINDINGS = bindings("export")

    def __init__(self, model: Model, model_path: Path) -> None:
        super().__init__()
        self.report = to_markdown(model)
        self.model_path = model_path

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="export-bar"):
            yield Label("Write to ")
            yield Input(str(self.model_path.with_suffix(".md")), id="export-path")
        with VerticalScroll(id="export-preview"):
            yield Markdown(self.report, id="report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-preview").focus()

    @property
    def target(self) -> Path:
        text = self.query_one("#export-path", Input).value.strip()
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.model_path.parent / path

    def on_input_submitted(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        self.write_report(self.target)

    @work(thread=True, exclusive=True, group="export")
    def write_report(self, target: Path) -> None:
        try:
            write_atomically(target, self.report.encode("utf-8"))
        except OSError as error:
            self.app.call_from_thread(
                self.notify, f"Could not write {target}: {error.strerror or error}", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Wrote {target}")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.report)
        self.notify("Copied the report (OSC 52). In tmux: set -s set-clipboard on")

    def action_back(self) -> None:
        self.app.pop_screen()
