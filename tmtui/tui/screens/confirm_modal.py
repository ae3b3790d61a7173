"""A question with a few answers, each on its own key; returns the chosen answer's id (None for escape).

Callers put model text (titles, values on both sides of a conflict) in the question and detail, so every string
here is shown literally, never read as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tmtui.tui.text import literal


class ChoiceModal(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [("escape", "dismiss_none", "Cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str, str]], detail: str = "") -> None:
        """`answers` are (id, label, key); the first is the default button."""
        super().__init__()
        self.question = question
        self.detail = detail
        self.answers = answers
        for answer_id, label, key in answers:
            self._bindings.bind(key, f"answer('{answer_id}')", label, show=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question), classes="question")
            if self.detail:
                yield Static(literal(self.detail), classes="detail")
            with Horizontal(classes="buttons"):
                for index, (answer_id, label, key) in enumerate(self.answers):
                    yield Button(
                        literal(f"{label} ({key})"),
                        id=f"answer-{answer_id}",
                        variant="error" if index == 0 else "default",
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id).removeprefix("answer-"))

    def action_answer(self, answer_id: str) -> None:
        self.dismiss(answer_id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
