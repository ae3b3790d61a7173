"""`?`: every key, grouped, read from the keymap; the prose around it lives in help_screen.md beside this file."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from tmtui.tui.keymap import KEYMAP, key_label


def help_markdown() -> str:
    lines = ["# tmtui help", "", resources.files(__package__).joinpath("help_screen.md").read_text("utf-8"), ""]
    groups: dict[str, list[str]] = {}
    for action in KEYMAP:
        key = key_label(action) if action.key else "Ctrl+P"
        description = action.description if action.key else f"{action.description} (command palette)"
        groups.setdefault(action.group, []).append(f"| `{key}` | {description} |")
    for group, rows in groups.items():
        lines += [f"## {group}", "", "| Key | Does |", "| --- | --- |", *rows, ""]
    lines.append("Tab and Shift+Tab move between fields and lists; arrows move inside them. Escape closes this help.")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        ("escape", "dismiss", "Close"),
        ("question_mark", "dismiss", "Close"),
        ("q", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        # the scroll container takes focus, so up/down, page up/down, home and end move through the help
        with Vertical(id="help-dialog"), VerticalScroll(id="help-scroll"):
            yield Markdown(help_markdown(), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
