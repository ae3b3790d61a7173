"""The suggestions view: candidate threats the model does not answer yet, grouped by element, each saying why.

Accepting one adds a threat and opens its form, then offers its mitigations; "doesn't apply" adds a threat answered
as not applicable, with the reason. Either way the file holds the answer, so the candidate is not offered again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tmtui.document.library import load_library_or_builtin
from tmtui.document.source import UnreadableError
from tmtui.model import Model, Stride, Threat
from tmtui.model.sentence import threat_sentence
from tmtui.rules import Candidate, Library, LibraryError, accepted_threat, ruled_out_threat, suggest
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.screens.suggestion_answers import MitigationOfferScreen, RuleOutScreen
from tmtui.tui.text import literal
from tmtui.tui.widgets.fields import FieldEditor
from tmtui.tui.widgets.list_filter import FilterInput, matches
from tmtui.tui.widgets.record_list import Changed

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

RANK_NAMES = ("from the model's facts", "from the threat library", "STRIDE per element")
# A list of thousands is read by no one and costs seconds to lay out: past this many, `/` or one element's view.
MOST_LISTED = 200
MORE_HINT = "… and {more} more: / narrows the list, and s on a component or flow in pane 1 shows its own."
NO_ELEMENTS_HINT = (
    "No suggestions yet: the model has no components or data flows. Add components and flows in pane 1, "
    "and tags like `sql` or `webhook`, to get suggestions."
)


def stride_letters(stride: tuple[str, ...]) -> str:
    """ "TI" for tampering and information disclosure, in STRIDE's order."""
    return "".join(s.letter for s in Stride if s.value in stride)


def element_heading(model: Model, element_id: str) -> str:
    """ "C1 Web" or "F2 Orders (C1 → C2)": the id and name of the element a group of candidates is about."""
    record = model.find(element_id)
    if record is None:
        return element_id
    label = f"{record.id} {record.label}"
    ends = (getattr(record, "source", None), getattr(record, "target", None))
    if record.KIND == "flows" and all(ends):
        label += f" ({ends[0]} → {ends[1]})"
    return label


def candidate_text(candidate: Candidate, model: Model) -> str:
    """Everything a `/` filter looks through, lower-cased."""
    parts = [candidate.title, candidate.reason, candidate.rule, *candidate.stride, *candidate.targets]
    parts += [candidate.source, candidate.prerequisites, candidate.action, candidate.impact, *candidate.references]
    parts += [mitigation.title for mitigation in candidate.mitigations]
    parts += [element_heading(model, target) for target in candidate.targets]
    return "\n".join(parts).lower()


class SuggestionsScreen(Screen[None]):
    """The unanswered candidates, with the reason and the threat sentence of the highlighted one underneath."""

    BINDINGS = bindings("suggestions")
    CSS_PATH = "suggestions_screen.tcss"

    def __init__(self, session: Session, target: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.target = target if target and session.model.find(target) is not None else None
        self.library: Library | None = None
        self.problem: str | None = None  # why the library cannot be read
        self.candidates: list[Candidate] = []
        self._rows: list[Candidate | None] = []  # per option of the list: its candidate, None for a heading

    @property
    def tmtui(self) -> TmtuiApp:
        return cast("TmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="suggestions-heading")
        yield FilterInput(id="suggestions-filter")
        yield OptionList(id="suggestions")
        yield Static("", id="suggestions-hint")
        yield Static("", id="suggestion-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.tmtui.model_changed.subscribe(self, self._model_changed)
        self.query_one(OptionList).focus()
        self.library = self.tmtui.suggestion_library
        if self.library is None:
            self._show_hint("Reading the threat library…")
        self.refresh_candidates()

    def _model_changed(self, _: Changed) -> None:
        self.refresh_candidates()

    @property
    def filter_text(self) -> str:
        return self.query_one(FilterInput).value.strip()

    def refresh_candidates(self) -> None:
        """Work out the unanswered candidates again; they are shown, the highlight kept, when they are ready."""
        model = self.session.model
        if self.target is not None and model.find(self.target) is None:
            self.target = None  # the element is gone (deleted, undone): the whole model's suggestions instead
        self.work_out(model, self.target)

    # A description, or Textual would build one from repr(model): the whole model, on the UI thread.
    @work(thread=True, exclusive=True, group="suggest", description="work out the suggestions")
    def work_out(self, model: Model, target: str | None) -> None:
        """The candidates of `model`, off the UI thread: the first `s` reads the library (so opening the app never
        waits for it), and at thousands of threats the rules take a while."""
        library = self.library
        if library is None:
            try:
                library, warning = load_library_or_builtin()
            except (UnreadableError, LibraryError) as error:
                self.app.call_from_thread(self._unreadable, str(error))
                return
            if warning is not None:  # the user's library is wrong: the built-in one still suggests
                self.app.call_from_thread(self.app.notify, warning, title="Your threat library", severity="warning")
        candidates = suggest(model, library, target)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._worked_out, library, model, candidates)

    def _unreadable(self, problem: str) -> None:
        self.problem = f"The threat library cannot be read, so there are no suggestions: {problem}"
        self.candidates = []
        if self.is_attached:
            self._show_heading(self.session.model)
            self._show_list(self.session.model)

    def _worked_out(self, library: Library, model: Model, candidates: list[Candidate]) -> None:
        self.library = self.tmtui.suggestion_library = library
        self.problem = None
        if model is not self.session.model or not self.is_attached:
            return  # edited since: the worker started by that edit shows its own
        self.candidates = candidates
        self._show_heading(model)
        self._show_list(model)

    def _answered(self, candidate: Candidate) -> None:
        """Take an answered candidate off the list at once, before the rules have run again."""
        self.candidates = [c for c in self.candidates if c.key != candidate.key]
        self._show_heading(self.session.model)
        self._show_list(self.session.model)

    def _show_heading(self, model: Model) -> None:
        count = len(self.candidates)
        where = f" for {element_heading(model, self.target)}" if self.target else ""
        noun = "suggestion" if count == 1 else "suggestions"
        heading = f"{count} unanswered {noun}{where}" if self.library is not None else f"Suggestions{where}"
        self.query_one("#suggestions-heading", Static).update(literal(heading, "bold"))

    def _show_list(self, model: Model) -> None:
        options = self.query_one(OptionList)
        was = self.highlighted_candidate
        old_index = options.highlighted
        query = self.filter_text
        shown = [c for c in self.candidates if not query or matches(candidate_text(c, model), query)]
        rows: list[Candidate | None] = []
        prompts: list[Option] = []
        element = None
        for candidate in shown[:MOST_LISTED]:
            if candidate.element != element:
                element = candidate.element
                rows.append(None)
                prompts.append(Option(literal(element_heading(model, element)), disabled=True))
            rows.append(candidate)
            prompts.append(Option(self._row(candidate)))
        if len(shown) > MOST_LISTED:
            rows.append(None)
            more = len(shown) - MOST_LISTED
            prompts.append(Option(Text(MORE_HINT.format(more=more), "italic"), disabled=True))
        self._rows = rows
        options.clear_options()
        options.add_options(prompts)
        self._highlight(was, old_index)
        self.set_class(not shown, "empty")
        if not shown:
            self._show_hint(self._empty_hint(model))
        self._show_detail()

    @staticmethod
    def _row(candidate: Candidate) -> Text:
        """The STRIDE letters, then the title, on one line (the list cuts it; the detail says the threat whole)."""
        return Text.assemble("  ", (stride_letters(candidate.stride).ljust(6), "bold"), " ", literal(candidate.title))

    def _highlight(self, was: Candidate | None, old_index: int | None) -> None:
        """Keep the highlight on the same candidate; when it left (answered), on the one that took its place."""
        options = self.query_one(OptionList)
        keys = [row.key if row else None for row in self._rows]
        if was is not None and was.key in keys:
            options.highlighted = keys.index(was.key)
            return
        enabled = [n for n, row in enumerate(self._rows) if row is not None]
        if not enabled:
            return
        after = [n for n in enabled if n >= (old_index or 0)]
        options.highlighted = after[0] if after else enabled[-1]
        if options.highlighted == enabled[0]:
            options.scroll_home(animate=False)  # the first element's heading in view too

    def _empty_hint(self, model: Model) -> str:
        if self.problem is not None:
            return self.problem
        if self.library is None:
            return "Reading the threat library…"
        if self.filter_text and self.candidates:
            return f"Nothing matches “{self.filter_text}” — escape ends the filter."
        if not model.components and not model.flows:
            return NO_ELEMENTS_HINT
        if self.target is not None:
            return (
                f"Every suggestion for {element_heading(model, self.target)} is answered: taken as a threat or "
                "ruled out. Tags on it (like `sql` or `webhook`) in pane 1 bring more."
            )
        return (
            "Every suggestion is answered: taken as a threat or ruled out. New components, flows or tags "
            "(like `sql` or `webhook`) in pane 1 bring more."
        )

    def _show_hint(self, hint: str) -> None:
        self.add_class("empty")
        self.query_one("#suggestions-hint", Static).update(literal(hint))

    @property
    def highlighted_candidate(self) -> Candidate | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index]

    @on(OptionList.OptionHighlighted, "#suggestions")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted candidate's title in full, why it is offered, the threat as one sentence, and what it
        would bring along."""
        candidate = self.highlighted_candidate
        detail = self.query_one("#suggestion-detail", Static)
        if candidate is None:
            detail.update("")
            return
        grammar = Threat(
            id="",
            source=candidate.source,
            prerequisites=candidate.prerequisites,
            action=candidate.action,
            impact=candidate.impact,
        )
        lines = [literal(candidate.title, "bold"), Text.assemble(("Why: ", "bold"), literal(candidate.reason))]
        sentence = threat_sentence(grammar)
        if sentence:
            lines.append(literal(sentence, "italic"))
        brings = [RANK_NAMES[candidate.rank] if 0 <= candidate.rank < len(RANK_NAMES) else candidate.rule]
        if candidate.mitigations:
            count = len(candidate.mitigations)
            brings.append(f"{count} mitigation{'s' * (count != 1)} offered")
        brings += candidate.references
        lines.append(literal(" · ".join(brings), "dim"))
        detail.update(Text("\n").join(lines))

    # ---- answers ---------------------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#suggestions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        """A threat from the candidate, its form open for likelihood and severity; its mitigations offered after."""
        candidate = self.highlighted_candidate
        if candidate is None:
            return
        threat_id = self.tmtui.create_record("threats", accepted_threat(candidate))
        if threat_id is None:
            return
        self._answered(candidate)
        if candidate.mitigations:
            # under the form: escape from the form lands on the offer
            self.app.push_screen(MitigationOfferScreen(self.session, threat_id, candidate.mitigations))
        self.app.push_screen(AcceptedThreatScreen(self.session, threat_id, len(candidate.mitigations)))

    def action_rule_out(self) -> None:
        """Ask why the candidate does not apply; the answer is a not-applicable threat with that reason."""
        candidate = self.highlighted_candidate
        if candidate is None:
            return
        model = self.session.model
        question = f"Why doesn't “{candidate.title}” apply to {element_heading(model, candidate.element)}?"

        def answer(reason: str) -> dict[str, object]:
            self._answered(candidate)
            return ruled_out_threat(candidate, reason)

        self.app.push_screen(RuleOutScreen(question, answer))

    def action_filter(self) -> None:
        self.add_class("filtering")
        self.query_one(FilterInput).focus()

    @on(Input.Changed, "#suggestions-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_list(self.session.model)

    @on(Input.Submitted, "#suggestions-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text:
            self._end_filter()
        self.query_one(OptionList).focus()

    @on(FilterInput.Ended)
    def _filter_ended(self, event: FilterInput.Ended) -> None:
        event.stop()
        self._end_filter()
        self.query_one(OptionList).focus()

    def _end_filter(self) -> None:
        self.remove_class("filtering")
        self._show_list(self.session.model)

    def action_back(self) -> None:
        """End the filter if there is one; else back to the panes."""
        if self.has_class("filtering"):
            self.query_one(FilterInput).value = ""
            self._end_filter()
        else:
            self.app.pop_screen()


class AcceptedThreatScreen(RecordScreen):
    """The form of a threat just taken from a suggestion, opened on its likelihood."""

    def __init__(self, session: Session, threat_id: str, mitigations: int) -> None:
        super().__init__(session, "threats", threat_id)
        self.mitigations = mitigations

    def on_mount(self) -> None:
        super().on_mount()
        then = (
            f"escape goes on to its {self.mitigations} suggested mitigation{'s' * (self.mitigations != 1)}"
            if self.mitigations
            else "escape goes back to the suggestions"
        )
        hint = Static(f"Taken from a suggestion: set its likelihood and severity; {then}.", classes="accepted-hint")
        self.mount(hint, after=self.query_one("#record-title"))
        self.call_after_refresh(self._focus_likelihood)

    def _focus_likelihood(self) -> None:
        likelihood = self.form.query_one("#field-likelihood", FieldEditor)
        likelihood.input.focus()
        self.form.scroll_to_widget(likelihood, animate=False, top=True)
