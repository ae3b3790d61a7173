"""`x`: the Markdown report, previewed as it will read, written beside the model or copied to the clipboard."""

from __future__ import annotations

import os
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
from tmtui.tui.screens.confirm_modal import ChoiceModal


class ExportScreen(Screen):
    BINDINGS = bindings("export")

    def __init__(self, model: Model, model_path: Path) -> None:
        super().__init__()
        self.report = to_markdown(model)
        self.model_path = model_path
        self._written: set[Path] = set()  # written from this screen already: writing again asks nothing

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
        """Write the report, never over the model itself, and asking before replacing any other file."""
        target = self.target
        if _same_file(target, self.model_path):
            self.notify(f"{target} is the model itself; choose another name for the report.", severity="error")
            return
        if target.exists() and not target.is_file():
            self.notify(f"{target} is not a regular file; nothing written.", severity="error")
            return
        if not target.exists() or target in self._written:
            self.write_report(target)
            return

        def decided(answer: str | None) -> None:
            if answer == "replace":
                self.write_report(target)

        answers = [("replace", "Replace it", "y"), ("cancel", "Cancel", "n")]
        self.app.push_screen(ChoiceModal(f"{target} exists. Replace it with the report?", answers), decided)

    @work(thread=True, exclusive=True, group="export")
    def write_report(self, target: Path) -> None:
        try:
            write_atomically(target, self.report.encode("utf-8"))
        except OSError as error:
            self.app.call_from_thread(
                self.notify, f"Could not write {target}: {error.strerror or error}", severity="error"
            )
            return
        self._written.add(target)
        self.app.call_from_thread(self.notify, f"Wrote {target}")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.report)
        self.notify("Copied the report (OSC 52). In tmux: set -s set-clipboard on")

    def action_back(self) -> None:
        self.app.pop_screen()


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file, through links too; a path that does not exist names no file yet."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return first.resolve() == second.resolve()
