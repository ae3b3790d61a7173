"""What the app shows instead of the panes when the model file is missing or does not parse."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from tmtui.model import Finding
from tmtui.tui.text import literal
from tmtui.tui.widgets.footer import KeysFooter


def excerpt(text: str, line: int, column: int | None, around: int = 3) -> Text:
    """The lines around `line`, numbered, with a caret under the column; the file's text shown literally."""
    lines = text.split("\n")
    start, end = max(1, line - around), min(len(lines), line + around)
    width = len(str(end))
    out = []
    for number in range(start, end + 1):
        marker = ">" if number == line else " "
        out.append(literal(f"{marker}{number:>{width}} │ {lines[number - 1]}"))
        if number == line and column:
            out.append(Text.assemble(" " * (width + 4 + column), ("^", "bold red")))
    return Text("\n").join(out)


class BrokenFileScreen(Screen):
    """The file does not parse: where it breaks, and a way to fix it. The app never writes such a file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        ("e", "app.fix_in_editor", "Open in $EDITOR"),
        ("r", "app.reopen", "Reload"),
        ("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, path: Path, message: str, text: str = "", finding: Finding | None = None) -> None:
        super().__init__()
        self.path = path
        self.message = message
        self.text = text
        self.finding = finding

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="file-problem"):
            yield Static(literal(str(self.path), "bold") + " cannot be opened", classes="problem-title")
            yield Static(literal(self.message), classes="problem-message")
            if self.finding is not None and self.finding.line:
                yield Static(excerpt(self.text, self.finding.line, self.finding.column), classes="excerpt")
            yield Static(
                "tmtui will not write to this file until it reads cleanly.\n"
                "Press e to fix it in your $EDITOR, r to read it again, Ctrl+Q to quit.",
                classes="hint",
            )
        yield KeysFooter()


class MissingFileScreen(Screen):
    """No model at the path yet: offer a commented starter model."""

    BINDINGS: ClassVar[list[BindingType]] = [
        ("c", "app.create_starter", "Create starter model"),
        ("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="file-problem"):
            yield Static(
                Text.assemble("There is no model at ", literal(str(self.path), "bold"), " yet."),
                classes="problem-title",
            )
            yield Static(
                "Press c to create a commented starter model there: it walks you through the four questions.\n"
                "Or quit (Ctrl+Q) and run `tmtui demo` to explore an example first.",
                classes="hint",
            )
        yield KeysFooter()


class LoadingScreen(Screen):
    """Shown while a large model is read on a worker thread, so the terminal never looks frozen. One line: each
    widget it mounted and drew (a header, a footer, a spinner) took the interpreter from the read."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self.path = path
        self.file_size = size

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble("Reading ", literal(str(self.path), "bold"), f" ({self.file_size // 1024} KiB)…"),
            classes="file-problem hint",
        )
