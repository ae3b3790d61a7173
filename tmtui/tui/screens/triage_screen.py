"""After a brainstorm: the ideas in one list, where the group gives each its STRIDE, likelihood and severity with one
key apiece, merges the same idea said twice, or deletes it. Every key is an edit, saved at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from tmtui.document.edit import DocumentError
from tmtui.model import Model, Stride, Threat
from tmtui.rules.prompts import merged
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.text import literal
from tmtui.tui.widgets.record_list import Changed

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

KEYS = "s t r i d e: STRIDE on/off · 1 2 3: likelihood, 4 5 6: severity (low, medium, high; again: unset)"
EMPTY = (
    "No ideas to triage. Ideas typed in a brainstorm (b) come here until they have a likelihood and a severity; "
    "every threat is in pane 2. Esc goes back."
)
FIXED = (("Id", 4), ("On", 18), ("STRIDE", 6), ("Likely", 6), ("Severe", 6))  # the title takes the rest
CELL_PADDING = 2  # a DataTable cell has one column of padding either side
UNSET = "·"
TITLE_IN_DIALOG = 50  # cells of a title in the merge dialog: one line each


def stride_marks(threat: Threat) -> str:
    """`S·R···`: the letter of each category the threat names, a dot for the others."""
    return "".join(s.letter if s.value in threat.stride else UNSET for s in Stride)


def targets_of(threat: Threat, model: Model) -> str:
    """The elements an idea is on, by id and name."""
    named = (model.find(target) for target in threat.targets)
    return ", ".join(f"{t} {r.label}" if r is not None else t for t, r in zip(threat.targets, named, strict=True))


def clipped(text: str, width: int, style: str = "") -> Text:
    shown = literal(" ".join(text.splitlines()), style)
    shown.truncate(max(width, 1), overflow="ellipsis")
    return shown


class TriageScreen(Screen):
    CSS_PATH = "triage_screen.tcss"
    BINDINGS = bindings("triage")

    def __init__(self, session: Session, ideas: list[str]) -> None:
        super().__init__()
        self.session = session
        self.ideas = ideas  # ids, fixed when the triage opens: an idea rated here stays in the list
        self.rows: list[str] = []  # the ids in the table, in its order

    def compose(self) -> ComposeResult:
        yield Static(id="triage-title")
        yield Static(KEYS, id="triage-keys")
        yield DataTable(id="triage-table", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY, id="triage-empty")
        yield Footer()

    def on_mount(self) -> None:
        cast("TmtuiApp", self.app).model_changed.subscribe(self, self._model_changed, immediate=True)
        self.refresh_from_model()
        self.table.focus()

    def on_resize(self) -> None:
        self.refresh_from_model()

    def _model_changed(self, _: Changed) -> None:
        self.refresh_from_model()

    @property
    def table(self) -> DataTable:
        return self.query_one("#triage-table", DataTable)

    @property
    def selected(self) -> Threat | None:
        row = self.table.cursor_row
        threat = self.session.model.find(self.rows[row]) if 0 <= row < len(self.rows) else None
        return threat if isinstance(threat, Threat) else None

    def threats(self) -> list[Threat]:
        """The ideas of this triage still in the model, in the order they were listed."""
        model = self.session.model
        found = [model.find(record_id) for record_id in self.ideas]
        return [t for t in found if isinstance(t, Threat)]

    def refresh_from_model(self) -> None:
        """Fill the table again (a triage holds a few dozen rows), keeping the cursor on the same idea."""
        if not self.is_mounted:
            return
        model = self.session.model
        threats = self.threats()
        table = self.table
        before = self.rows[table.cursor_row] if self.rows and 0 <= table.cursor_row < len(self.rows) else None
        title = self.query_one("#triage-title", Static)
        title.update(f"Triage: {len(threats)} idea{'s' * (len(threats) != 1)} from the brainstorm")
        table.display = bool(threats)
        self.query_one("#triage-keys").display = bool(threats)
        self.query_one("#triage-empty").display = not threats
        width = max(self.size.width, 40) - sum(w + CELL_PADDING for _, w in FIXED) - CELL_PADDING - 2  # scrollbar
        table.clear(columns=True)
        for label, column_width in (*FIXED, ("Idea", max(width, 12))):
            table.add_column(label, width=column_width)
        self.rows = [t.id for t in threats]
        for threat in threats:
            table.add_row(
                literal(threat.id, "bold"),
                clipped(targets_of(threat, model), FIXED[1][1]),
                Text(stride_marks(threat)),
                literal(threat.likelihood or UNSET),
                literal(threat.severity or UNSET),
                clipped(threat.title, max(width, 12)),
            )
        if before in self.rows:
            table.move_cursor(row=self.rows.index(before), animate=False)

    # ---- one key, one edit ------------------------------------------------------------------------------------

    def _edit(self, key: str, value: str | list[str] | None) -> None:
        threat = self.selected
        if threat is not None:
            cast("TmtuiApp", self.app).edit_field(threat.id, key, value)

    def action_stride(self, letter: str) -> None:
        threat = self.selected
        if threat is None:
            return
        category = next(s for s in Stride if s.letter == letter).value
        if category in threat.stride:
            self._edit("stride", [s for s in threat.stride if s != category])
        else:  # in STRIDE order, with values tmtui does not know kept after them
            known = [s.value for s in Stride if s.value in threat.stride or s.value == category]
            self._edit("stride", known + [s for s in threat.stride if s not in known])

    def action_likelihood(self, level: str) -> None:
        threat = self.selected
        if threat is not None:
            self._edit("likelihood", None if threat.likelihood == level else level)

    def action_severity(self, level: str) -> None:
        threat = self.selected
        if threat is not None:
            self._edit("severity", None if threat.severity == level else level)

    def action_delete(self) -> None:
        threat = self.selected
        if threat is not None:
            cast("TmtuiApp", self.app).delete_record(threat.id)

    def action_open(self) -> None:
        threat = self.selected
        if threat is not None:
            cast("TmtuiApp", self.app).open_record("threats", threat.id)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        # enter, where the table's own binding answers first, or a click
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ---- merging the same idea said twice ---------------------------------------------------------------------

    def action_merge(self) -> None:
        """Pick the idea this one repeats: the other ideas of the triage, then other threats on the same elements."""
        threat = self.selected
        if threat is None:
            return
        model = self.session.model
        on_same = [t for target in threat.targets for t in model.threats_targeting(target)]
        candidates = {t.id: t for t in [*self.threats(), *on_same] if t.id and t.id != threat.id}
        if not candidates:
            self.notify("There is no other idea to merge this one into.")
            return

        def picked(kept_id: str | None) -> None:
            if kept_id is not None:
                self.merge(threat.id, kept_id)

        self.app.push_screen(MergePick(threat, list(candidates.values())), picked)

    def merge(self, gone_id: str, kept_id: str) -> None:
        """`gone_id` into `kept_id`: its words into the notes, its elements and categories joined, the links to it
        (a mitigation's `threats`) moved over, then it is deleted."""
        session = self.session
        kept, gone = session.model.find(kept_id), session.model.find(gone_id)
        if not isinstance(kept, Threat) or not isinstance(gone, Threat):
            return
        try:
            with session.one_step(f"merge {gone_id} into {kept_id}"):  # one undo, and all or nothing
                for key, value in merged(kept, gone).items():
                    session.set_field(kept_id, key, value)
                for reference in session.references_to(gone_id):
                    named = session.value_of(reference.record_id, reference.key)
                    moved = list(dict.fromkeys(kept_id if v == gone_id else v for v in named))
                    session.set_field(reference.record_id, reference.key, moved)
                session.delete_record(gone_id)
        except DocumentError as error:
            self.notify(str(error), title="Not merged", severity="error", timeout=10)
        cast("TmtuiApp", self.app).after_edit(None)
        if session.model.find(gone_id) is None:
            self.notify(f"Merged {gone_id} into {kept_id}.")


class MergePick(ModalScreen[str | None]):
    """Which idea does this one repeat? Enter on it merges; Esc leaves both as they are."""

    CSS_PATH = "triage_screen.tcss"
    BINDINGS = bindings("merge-pick")

    def __init__(self, idea: Threat, candidates: list[Threat]) -> None:
        super().__init__()
        self.idea = idea
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(f"Merge {self.idea.id} {self.idea.title} into…"), classes="question")
            yield OptionList(
                *(
                    Option(Text.assemble(literal(t.id, "bold"), "  ", clipped(t.title, TITLE_IN_DIALOG)), id=t.id)
                    for t in self.candidates
                ),
                id="merge-candidates",
            )
            yield Static(
                "Enter merges: its words go into the notes of the one you pick, its elements join, and it is deleted. "
                "Esc: cancel.",
                classes="detail",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
