"""The two answers to a suggestion that ask something more: why it does not apply, and which mitigations to take.

`RuleOutScreen` asks for the one-line reason; `MitigationOfferScreen` walks through the mitigations the library
suggests for an accepted threat, each added as new, linked to an existing mitigation, or skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tmtui.document.edit import DocumentError
from tmtui.model import Mitigation
from tmtui.model.ids import id_sort_key
from tmtui.rules import SuggestedMitigation
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.text import literal
from tmtui.tui.widgets.list_filter import FilterInput, matches
from tmtui.tui.widgets.record_list import Changed

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

# The closest mitigations are the ones worth linking; the rest cost layout time in a model with thousands.
MOST_PICKS = 100
REASON_NEEDED = "A reason is needed: it is what the next reader of the model sees instead of this threat."


class RuleOutScreen(Screen[None]):
    """A one-line reason, required; enter adds the not-applicable threat, escape adds nothing.

    A screen, not a modal one, so that the app's keys (ctrl+q above all) still work while the reason is typed.

    What is typed is in the file as soon as the app asks (a quit, a save, a hang-up): `flush_typing` adds the
    threat, and a later enter only corrects its reason.
    """

    BINDINGS = bindings("rule-out")
    CSS_PATH = "suggestions_screen.tcss"

    def __init__(self, question: str, fields_for: Callable[[str], dict[str, Any]]) -> None:
        super().__init__()
        self.question = question
        self.fields_for = fields_for
        self.threat_id: str | None = None  # once the typing was flushed into a threat

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question), classes="question")
            yield Input(placeholder="why not, in one line", id="rule-out-reason")
            yield Static("Enter rules it out; escape cancels.", id="rule-out-help", classes="detail")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def reason(self) -> str:
        return self.query_one(Input).value.strip()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.reason:
            self.query_one("#rule-out-help", Static).update(REASON_NEEDED)
            return
        if self._record(self.reason):
            self.dismiss(None)

    def _record(self, reason: str) -> bool:
        """Put the answer in the file: a new threat, or the reason of the one a flush already added."""
        app = cast("TmtuiApp", self.app)
        if self.threat_id is None:
            self.threat_id = app.create_record("threats", self.fields_for(reason))
            return self.threat_id is not None
        app.edit_field(self.threat_id, "notes", reason)
        return True

    def flush_typing(self) -> bool:
        if self.reason:
            self._record(self.reason)
        return True

    def action_cancel(self) -> None:
        """Nothing is answered: a threat a flush added for this typing goes again."""
        app = cast("TmtuiApp", self.app)
        if self.threat_id is not None and app.session is not None and app.session.model.find(self.threat_id):
            try:
                app.session.delete_record(self.threat_id)
            except DocumentError as error:
                app.notify(str(error), title="Not removed", severity="error")
            else:
                app.after_edit(frozenset({self.threat_id}))
        self.dismiss(None)


def words(title: str) -> frozenset[str]:
    """The words of a title, lower-cased, for `closeness`."""
    return frozenset(re.findall(r"\w+", title.lower()))


def closeness(suggested: frozenset[str], title: str) -> float:
    """How alike two mitigation titles read, 0 to 1: the share of their words they have in common."""
    theirs = words(title)
    return len(suggested & theirs) / len(suggested | theirs) if suggested or theirs else 0.0


class MitigationOfferScreen(Screen[None]):
    """Each suggested mitigation of an accepted threat in turn: add it as new, link an existing one, or skip it."""

    BINDINGS = bindings("mitigation-offer")
    CSS_PATH = "suggestions_screen.tcss"

    def __init__(self, session: Session, threat_id: str, offered: tuple[SuggestedMitigation, ...]) -> None:
        super().__init__()
        self.session = session
        self.threat_id = threat_id
        self.offered = offered
        self.index = 0
        self.done: list[str] = []  # what was done, in words, for the summary at the end
        self._listed: list[str] = []  # the ids of the mitigations in the pick list, in its order

    @property
    def tmtui(self) -> TmtuiApp:
        return cast("TmtuiApp", self.app)

    @property
    def current(self) -> SuggestedMitigation:
        return self.offered[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="offer-heading")
        yield Static("", id="offer")
        yield Static(
            "a adds it as a new mitigation · enter links the one highlighted below instead · s skips it · "
            "escape stops, adding nothing more",
            id="offer-keys",
        )
        yield Static("Or link an existing mitigation (closest first; / filters):", id="offer-list-title")
        yield FilterInput(id="offer-filter")
        yield OptionList(id="existing-mitigations")
        yield Static("", id="offer-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.tmtui.model_changed.subscribe(self, self._model_changed)
        self.query_one(OptionList).focus()
        self.show_offer()

    def _model_changed(self, _: Changed) -> None:
        if self.index >= len(self.offered):
            return  # answered them all: the screen is on its way out
        if self.session.model.find(self.threat_id) is None:
            self._threat_gone()
        else:
            self.show_list()

    def on_screen_resume(self) -> None:
        self._threat_gone()  # undone or deleted in its form, which covered this screen

    def show_offer(self) -> None:
        threat = self.session.model.find(self.threat_id)
        label = threat.label if threat is not None else ""
        heading = f"Suggested mitigation {self.index + 1} of {len(self.offered)} for {self.threat_id} {label}"
        self.query_one("#offer-heading", Static).update(literal(heading, "bold"))
        offer = Text.assemble(literal(self.current.title, "bold"), "\n", literal(self.current.description))
        self.query_one("#offer", Static).update(offer)
        self.show_list()

    def show_list(self) -> None:
        query = self.query_one(FilterInput).value.strip()
        suggested = words(self.current.title)
        mitigations = sorted(
            self.session.model.mitigations, key=lambda m: (-closeness(suggested, m.title), id_sort_key(m.id))
        )
        shown = [m for m in mitigations if not query or matches(f"{m.id}\n{m.title}".lower(), query)]
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        self._listed = [m.id for m in shown[:MOST_PICKS]]
        options.clear_options()
        options.add_options([Option(self._option_text(m)) for m in shown[:MOST_PICKS]])
        if len(shown) > MOST_PICKS:
            more = f"… and {len(shown) - MOST_PICKS} more, less alike: / finds them"
            options.add_option(Option(Text(more, "italic"), disabled=True))
        if shown:
            options.highlighted = min(highlighted or 0, len(shown) - 1)
        if not self.session.model.mitigations:
            hint = "The model has no mitigations yet: a adds this one."
        elif not shown:
            hint = f"No mitigation matches “{query}” — escape ends the filter."
        else:
            hint = ""
        self.set_class(not shown, "empty")
        self.query_one("#offer-hint", Static).update(literal(hint))

    def _option_text(self, mitigation: Mitigation) -> Text:
        linked = " (linked already)" if self.threat_id in mitigation.threats else ""
        return Text.assemble(literal(f"{mitigation.id}  {mitigation.title}"), (linked, "dim"))

    def action_add_new(self) -> None:
        if self._threat_gone():
            return
        fields = {"title": self.current.title, "description": self.current.description, "threats": [self.threat_id]}
        mitigation_id = self.tmtui.create_record("mitigations", fields)
        if mitigation_id is not None:
            self.done.append(f"added {mitigation_id}")
            self.next_offer()

    @on(OptionList.OptionSelected, "#existing-mitigations")
    def _link_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self._threat_gone():
            return
        mitigation = self.session.model.find(self._listed[event.option_index])
        if not isinstance(mitigation, Mitigation):
            return
        if self.threat_id not in mitigation.threats:
            self.tmtui.edit_field(mitigation.id, "threats", [*mitigation.threats, self.threat_id])
        self.done.append(f"linked {mitigation.id}")
        self.next_offer()

    def action_skip(self) -> None:
        self.next_offer()

    def next_offer(self) -> None:
        self.index += 1
        filter_input = self.query_one(FilterInput)
        if filter_input.value:
            with filter_input.prevent(Input.Changed):
                filter_input.value = ""
        self.remove_class("filtering")
        self.query_one(OptionList).focus()
        if self.index < len(self.offered):
            self.show_offer()
        else:
            self.action_stop()

    def _threat_gone(self) -> bool:
        """Whether the accepted threat is gone (undone or deleted); this screen then closes once it is in view."""
        if self.session.model.find(self.threat_id) is not None:
            return False
        if self.is_active:  # dismissing pops the top screen, which must be this one
            self.tmtui.notify(f"{self.threat_id} is gone (undone or deleted): no more mitigations are offered for it.")
            self.dismiss(None)
        return True

    def action_stop(self) -> None:
        if self.done:
            self.tmtui.notify(f"{self.threat_id}: {', '.join(self.done)}.")
        self.dismiss(None)

    def action_filter(self) -> None:
        self.add_class("filtering")
        self.query_one(FilterInput).focus()

    @on(Input.Changed, "#offer-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_list()

    @on(Input.Submitted, "#offer-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(OptionList).focus()

    @on(FilterInput.Ended)
    def _filter_ended(self, event: FilterInput.Ended) -> None:
        event.stop()
        self.remove_class("filtering")
        self.show_list()
        self.query_one(OptionList).focus()
