"""`b`: "What could go wrong?" for a group around one screen: element by element, a plain question per STRIDE
category, and every idea said out loud saved as a threat the moment Enter is pressed."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tmtui.document.edit import DocumentError
from tmtui.rules.prompts import Prompt, elements, idea_fields, ideas_on, ideas_to_triage, prompts_for
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import EditRefused, FieldCommitted
from tmtui.tui.screens.triage_screen import TriageScreen
from tmtui.tui.text import literal
from tmtui.tui.widgets.record_list import Changed

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

HEADING = "What could go wrong?"
EMPTY = (
    "Nothing to ask about yet: add what you are building in pane 1 first (its components and data flows), "
    "then press b again.\n\nEsc goes on to the triage of earlier ideas, if there are any."
)
PLACEHOLDER = "Type an idea, Enter saves it · Enter on an empty line: next question"

# A 5-pixel-high font for the heading, drawn with half blocks: three rows of text, readable across a room.
GLYPHS: dict[str, tuple[str, ...]] = {
    "W": ("X...X", "X...X", "X.X.X", "X.X.X", ".X.X."),
    "H": ("X.X", "X.X", "XXX", "X.X", "X.X"),
    "A": (".X.", "X.X", "XXX", "X.X", "X.X"),
    "T": ("XXX", ".X.", ".X.", ".X.", ".X."),
    "C": (".XX", "X..", "X..", "X..", ".XX"),
    "O": (".X.", "X.X", "X.X", "X.X", ".X."),
    "U": ("X.X", "X.X", "X.X", "X.X", "XXX"),
    "L": ("X..", "X..", "X..", "X..", "XXX"),
    "D": ("XX.", "X.X", "X.X", "X.X", "XX."),
    "G": (".XX", "X..", "X.X", "X.X", ".XX"),
    "R": ("XX.", "X.X", "XX.", "X.X", "X.X"),
    "N": ("X..X", "XX.X", "X.XX", "X..X", "X..X"),
    "?": ("XX.", "..X", ".X.", "...", ".X."),
    " ": ("", "", "", "", ""),  # with the gaps either side: words two columns apart, letters one
}
HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def banner(text: str, scale: int = 1) -> str:
    """`text` (upper case, letters of GLYPHS) in large letters, each pixel `scale` × `scale` half-block cells."""
    pixels = [".".join(GLYPHS[c][row] for c in text) for row in range(5)]
    rows = [[cell == "X" for cell in row for _ in range(scale)] for row in pixels for _ in range(scale)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    pairs = zip(rows[::2], rows[1::2], strict=True)
    lines = ["".join(HALF_BLOCKS[cells] for cells in zip(top, bottom, strict=True)) for top, bottom in pairs]
    return "\n".join(lines)


class IdeaInput(Input):
    """The idea field. It carries the brainstorm's keys itself: an Input's own up, down, page up and page down
    (scrolling) would otherwise take them before the screen sees them."""

    BINDINGS = bindings("brainstorm")


class BrainstormScreen(Screen):
    CSS_PATH = "brainstorm_screen.tcss"
    BINDINGS = bindings("brainstorm")

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.walk: list[list[Prompt]] = []  # the questions of each element, in the order they are asked
        self.element_at = 0
        self.question_at = 0
        self.captured: list[str] = []  # ids of the ideas typed in this brainstorm, in order
        self.draft: str | None = None  # the idea saved from the field before Enter (by a quit, a resize…)

    def compose(self) -> ComposeResult:
        yield Static(HEADING, id="banner")
        with Vertical(id="brainstorm-body"):
            yield Static(id="progress")
            yield Static(id="element")
            yield Static(id="question")
            yield Static(id="hint")
            yield IdeaInput(placeholder=PLACEHOLDER, id="idea")
            yield Static(id="ideas-title")
            with VerticalScroll(id="ideas-scroll", can_focus=False):
                yield Static(id="ideas")
        yield Static(EMPTY, id="brainstorm-empty")
        yield Footer()

    def on_mount(self) -> None:
        cast("TmtuiApp", self.app).model_changed.subscribe(self, self._model_changed, immediate=True)
        self.refresh_from_model()

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        heading = self.query_one("#banner", Static)
        one = banner(HEADING.upper())
        widest = max(len(line) for line in one.splitlines())
        if width >= 2 * widest + 4 and height >= 40:
            heading.update(banner(HEADING.upper(), 2))
        elif width >= widest + 2:
            heading.update(one)
        else:
            heading.update(HEADING)

    def _model_changed(self, _: Changed) -> None:
        self.refresh_from_model()

    @property
    def prompt(self) -> Prompt | None:
        return self.walk[self.element_at][self.question_at] if self.walk else None

    def refresh_from_model(self) -> None:
        """Ask again from the model as it is now (a rename, an element added or gone), staying on the same question
        when it is still there."""
        here = self.prompt
        self.walk = [prompts_for(element) for element in elements(self.session.model)]
        if here is not None:
            for e, prompts in enumerate(self.walk):
                for q, prompt in enumerate(prompts):
                    if (prompt.element.record_id, prompt.category) == (here.element.record_id, here.category):
                        self.element_at, self.question_at = e, q
        self.element_at = min(self.element_at, max(len(self.walk) - 1, 0))
        if self.walk:
            self.question_at = min(self.question_at, len(self.walk[self.element_at]) - 1)
        self.show()

    def show(self) -> None:
        """Draw the question the group is on, and what has been said about it so far."""
        prompt = self.prompt
        body, empty = self.query_one("#brainstorm-body"), self.query_one("#brainstorm-empty")
        body.display, empty.display = prompt is not None, prompt is None
        if prompt is None:
            return
        element = prompt.element
        questions = len(self.walk[self.element_at])
        last = self.element_at == len(self.walk) - 1 and self.question_at == questions - 1
        progress = f"Element {self.element_at + 1} of {len(self.walk)} · question {self.question_at + 1} of {questions}"
        self.query_one("#progress", Static).update(
            f"{progress} · {prompt.category.label}" + (" · the last one: an empty Enter finishes" if last else "")
        )
        self.query_one("#element", Static).update(
            Text.assemble(literal(element.record_id, "bold"), " ", literal(element.name), f" · {element.noun}")
        )
        self.query_one("#question", Static).update(
            Text.assemble(*(literal(text, "reverse" if is_name else "") for text, is_name in prompt.parts))
        )
        self.query_one("#hint", Static).update(f"For example: {prompt.hint}")
        said = ideas_on(self.session.model, prompt)
        self.query_one("#ideas-title", Static).update(
            f"Said so far ({len(said)}):" if said else "Nothing said yet for this question."
        )
        mine = set(self.captured)
        self.query_one("#ideas", Static).update(
            Text("\n").join(
                Text.assemble(literal(t.id, "bold"), "  ", literal(t.title, "" if t.id in mine else "dim"))
                for t in said
            )
        )
        self.query_one("#ideas-scroll", VerticalScroll).scroll_end(animate=False)
        self.query_one("#idea", Input).focus()

    # ---- ideas ------------------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if not typed and self.draft is None:
            self.action_next_question()
            return
        if self.keep(typed, at_once=True):
            self.draft = None
            event.input.value = ""
            self.show()

    def flush_typing(self) -> bool:
        """Save what is typed now (a quit, a save, a resize, a hang-up). It stays in the field, and the idea it
        became follows the typing until Enter: a resize in the middle of a sentence makes one idea, not two."""
        field = self.query("#idea")
        if field:
            self.keep(field.first(Input).value.strip(), at_once=False)
        return True

    def keep(self, typed: str, at_once: bool) -> bool:
        """Put `typed` in the file: a new idea on the question on screen, or the new words of the idea typed so far
        (gone when its words were erased before Enter). False when the file refused it: the words stay typed.

        `at_once` saves through the app now (Enter); otherwise the session takes the edit and a message tells the
        app, as a form's flush does, so a quit or a hang-up writes it with everything else.
        """
        app = cast("TmtuiApp", self.app)
        prompt = self.prompt
        draft = self.draft if self.draft and self.session.model.find(self.draft) is not None else None
        try:
            if draft is not None and not typed:
                if not at_once:
                    return True  # erased while a save or a resize came by: Enter decides
                self.session.delete_record(draft)
                self.notify(f"{draft} is dropped: its words were erased.")
                record_id = draft
            elif draft is not None:
                if self.session.value_of(draft, "title") == typed:
                    return True
                self.session.set_field(draft, "title", typed)
                record_id = draft
            elif typed and prompt is not None:
                record_id = self.session.add_record("threats", idea_fields(typed, prompt))
                self.captured.append(record_id)
                self.draft = record_id
            else:
                return True
        except DocumentError as error:
            self.post_message(EditRefused(str(error), "Not added"))
            return False
        if at_once:
            app.after_edit(frozenset({record_id}))
        else:
            self.post_message(FieldCommitted(record_id, "title"))
        return True

    # ---- moving through the questions -------------------------------------------------------------------------

    def _go(self, element_at: int, question_at: int) -> None:
        """Move to another question; what is typed is saved under the question it was typed for."""
        field = self.query_one("#idea", Input)
        if self.keep(field.value.strip(), at_once=True):
            self.draft = None
            field.value = ""
        self.element_at, self.question_at = element_at, question_at
        self.show()

    def action_next_question(self) -> None:
        if not self.walk:
            return
        if self.question_at + 1 < len(self.walk[self.element_at]):
            self._go(self.element_at, self.question_at + 1)
        elif self.element_at + 1 < len(self.walk):
            self._go(self.element_at + 1, 0)
        else:
            self.action_finish()

    def action_previous_question(self) -> None:
        if self.question_at > 0:
            self._go(self.element_at, self.question_at - 1)
        elif self.element_at > 0:
            self._go(self.element_at - 1, len(self.walk[self.element_at - 1]) - 1)

    def action_next_element(self) -> None:
        if self.element_at + 1 < len(self.walk):
            self._go(self.element_at + 1, 0)
        else:
            self.notify("This is the last element: Esc finishes and goes on to the triage.")

    def action_previous_element(self) -> None:
        if self.element_at > 0:
            self._go(self.element_at - 1, 0)
        elif self.question_at > 0:
            self._go(0, 0)

    def action_finish(self) -> None:
        """On to the triage of this brainstorm's ideas and of every earlier idea nobody has rated yet."""
        field = self.query_one("#idea", Input)
        if not self.keep(field.value.strip(), at_once=True):  # into the file, before the triage lists it
            return
        ideas = ideas_to_triage(self.session.model, set(self.captured))
        self.app.switch_screen(TriageScreen(self.session, ideas))
