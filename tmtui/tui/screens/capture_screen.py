"""The one-threat exercise: news of an attack arrives, and in a minute the team knows whether it touches the system.

Four short steps, keyboard only: what is the threat → which parts it could touch → does it affect us (yes: how
likely, how bad; no: why not) → what would we do. The threat goes into the file when the flow ends, or earlier
when the app saves, quits or hangs up mid-flow (`flush_typing`), so typing is never lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Header, Input, Static

from tmtui.model import Mitigation, Threat, ThreatStatus, field_specs, risk_from
from tmtui.session import Session
from tmtui.tui.keymap import bindings
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.text import literal
from tmtui.tui.widgets.fields import LiteralInput, reference_options
from tmtui.tui.widgets.pick_list import PickList
from tmtui.tui.widgets.record_form import LINKED_MITIGATIONS
from tmtui.tui.widgets.style import risk_text

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

# The four steps as the line above the flow names them, and the step each state of the flow belongs to.
STEPS = ("What", "Where", "Does it affect us?", "What would we do?")
STATES = {
    "what": 1,
    "where": 2,
    "affect": 3,
    "likelihood": 3,
    "severity": 3,
    "why": 3,
    "plan": 4,
    "new-mitigation": 4,
    "link-mitigation": 4,
}
YES_STATES = ("likelihood", "severity", "plan", "new-mitigation", "link-mitigation")  # in the order they are asked
TARGETS = next(spec for spec in field_specs(Threat) if spec.key == "targets")


class KeyChoice(Static):
    """A question answered with one key; the keys are the keymap's, so the footer and help show them."""

    can_focus = True

    class Answered(Message):
        def __init__(self, choice: KeyChoice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

    def __init__(self, question: str, keys: str, *, id: str) -> None:
        super().__init__(Text.assemble((question, "bold"), "\n\n", keys), id=id, classes="key-choice")

    def action_answer(self, value: str) -> None:
        self.post_message(self.Answered(self, value))


class AffectChoice(KeyChoice):
    BINDINGS = bindings("capture-affect")


class LevelChoice(KeyChoice):
    BINDINGS = bindings("capture-level")


class PlanChoice(KeyChoice):
    BINDINGS = bindings("capture-plan")


def _line_input(placeholder: str, value: str = "", *, id: str) -> Input:
    return LiteralInput(value, placeholder=placeholder, id=id, select_on_focus=False)


class CaptureScreen(Screen):
    """One new threat, asked step by step. Escape goes back a step; on the first step it leaves, and asks first
    when something was typed (a title given on the command line counts)."""

    CSS_PATH = "capture_screen.tcss"
    BINDINGS = bindings("capture")

    def __init__(self, session: Session, title: str = "") -> None:
        super().__init__()
        self.session = session
        self.typed_title = title
        self.history = ["what"]
        self.answers: dict[str, Any] = {}  # affects, likelihood, severity, plan: the keys answered
        self.threat_id: str | None = None
        self.mitigation_id: str | None = None  # the mitigation this flow created, if it did
        self.linked: list[str] = []  # the mitigations this flow linked the threat to
        self.written: dict[str, Any] = {}  # the threat's fields as last written, so a rewrite changes only the rest

    @property
    def tmtui(self) -> TmtuiApp:
        return cast("TmtuiApp", self.app)

    # ---- layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        model = self.session.model
        yield Header()
        yield Static("", id="capture-steps")
        yield Static("", id="capture-summary")
        with ContentSwitcher(initial="step-what", id="capture-step"):
            with Vertical(id="step-what"):
                yield Static(Text("What is the threat? A title, as the news would put it.", "bold"))
                yield _line_input("e.g. Remote code execution in the logging library", self.typed_title, id="title")
                yield Static("A link (optional): an advisory, a CVE, the news story.", classes="label")
                yield _line_input("https://…", id="link")
                yield Static("Enter: next · Tab: to the link · Esc: leave", classes="hint")
            with Vertical(id="step-where"):
                yield Static(Text("Which parts of our system could it touch?", "bold"))
                choices = reference_options(TARGETS, model)
                if not choices:
                    yield Static("No components or flows in the model yet: enter goes on.", classes="hint")
                yield PickList(choices, id="targets")
                yield Static("Space ticks (several allowed) · /: filter · Enter: next · Esc: back", classes="hint")
            with Vertical(id="step-affect"):
                yield AffectChoice("Does it affect us?", "y  yes, it could happen to us\nn  no", id="affect")
            with Vertical(id="step-likelihood"):
                yield LevelChoice("How likely is it to happen to us?", "l low · m medium · h high", id="likelihood")
            with Vertical(id="step-severity"):
                yield LevelChoice("How bad would it be?", "l low · m medium · h high", id="severity")
            with Vertical(id="step-why"):
                yield Static(Text("Why not? One line, kept in the threat's notes.", "bold"))
                yield _line_input("e.g. we do not use that library", id="reason")
                yield Static("Enter: done · Esc: back", classes="hint")
            with Vertical(id="step-plan"):
                yield PlanChoice(
                    "What would we do?",
                    "n  a new mitigation\nl  link a mitigation we already have\ns  skip: decide later",
                    id="plan",
                )
            with Vertical(id="step-new-mitigation"):
                yield Static(Text("The new mitigation, in a few words:", "bold"))
                yield _line_input("e.g. Upgrade the logging library to 2.17", id="mitigation")
                yield Static("Enter: done · Esc: back", classes="hint")
            with Vertical(id="step-link-mitigation"):
                yield Static(Text("Which mitigations would deal with it?", "bold"))
                mitigations = reference_options(LINKED_MITIGATIONS, model)
                if not mitigations:
                    yield Static("No mitigations in the model yet: escape, then n for a new one.", classes="hint")
                yield PickList(mitigations, id="mitigations")
                yield Static("Space ticks · /: filter · Enter: done · Esc: back", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.show_state()

    @property
    def state(self) -> str:
        return self.history[-1]

    def show_state(self) -> None:
        """Show the current step, what is answered so far, and focus the step's question."""
        self.query_one(ContentSwitcher).current = f"step-{self.state}"
        number = STATES[self.state]
        steps = Text(" ")
        for index, step in enumerate(STEPS, start=1):
            style = "bold reverse" if index == number else ("" if index < number else "dim")
            steps.append(f" {index} {step} ", style=style)
        self.query_one("#capture-steps", Static).update(steps)
        self.query_one("#capture-summary", Static).update(self.summary())
        self.focus_target().focus()

    def focus_target(self) -> Widget:
        step = self.query_one(f"#step-{self.state}")
        if self.state in ("where", "link-mitigation"):
            return step.query_one(PickList).selection
        return step.query(Input).first() if step.query(Input) else step.query_one(KeyChoice)

    def summary(self) -> Text:
        """The answers so far, one short line each, model text shown literally."""
        lines: list[Text] = []
        if self.state != "what":
            lines.append(Text.assemble(("Threat   ", "bold"), literal(self.text("#title"))))
            targets = self.targets()
            if self.state != "where":
                model = self.session.model
                named = [f"{t} {r.label}" if (r := model.find(t)) else t for t in targets]
                lines.append(Text.assemble(("Touches  ", "bold"), literal(", ".join(named) or "nothing picked")))
        affects = self.answers.get("affects")
        if affects == "yes" and self.state in YES_STATES:
            answer = Text.assemble(("Affects  ", "bold"), "yes")
            asked = YES_STATES.index(self.state)  # what is being asked again is not shown as answered
            if asked > 0:
                answer.append(f" · likelihood {self.answers['likelihood']}")
            if asked > 1:
                answer.append(f" · severity {self.answers['severity']} · ")
                answer.append_text(risk_text(risk_from(self.answers["likelihood"], self.answers["severity"]), "risk "))
            lines.append(answer)
        elif affects == "no" and self.state == "why":
            lines.append(Text.assemble(("Affects  ", "bold"), "no"))
        return Text("\n").join(lines)

    # ---- answers ----------------------------------------------------------------------------------------------

    def text(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def targets(self) -> list[str]:
        return self.query_one("#targets", PickList).chosen

    def go(self, state: str) -> None:
        self.history.append(state)
        self.show_state()

    def action_back(self) -> None:
        if len(self.history) > 1:
            self.history.pop()
            self.show_state()
        else:
            self.leave_asked()

    @on(Input.Submitted, "#title, #link")
    def _what_answered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.text("#title"):
            self.notify("A title first: what is the threat?", severity="warning")
            self.query_one("#title").focus()
            return
        self.go("where")

    @on(PickList.Done, "#targets")
    def _where_answered(self, event: PickList.Done) -> None:
        event.stop()
        self.go("affect")

    @on(KeyChoice.Answered)
    def _key_answered(self, event: KeyChoice.Answered) -> None:
        event.stop()
        question, value = event.choice.id or "", event.value
        if question == "affect":
            self.answers["affects"] = value
            self.go("likelihood" if value == "yes" else "why")
        elif question == "likelihood":
            self.answers["likelihood"] = value
            self.go("severity")
        elif question == "severity":
            self.answers["severity"] = value
            self.go("plan")
        elif question == "plan":
            self.answers["plan"] = value
            if value == "skip":
                self.finish()
            else:
                self.go(f"{value}-mitigation")

    @on(Input.Submitted, "#reason")
    def _why_answered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.text("#reason"):
            self.notify("One line on why not: it is the first thing a reader will ask.", severity="warning")
            return
        self.finish()

    @on(Input.Submitted, "#mitigation")
    def _mitigation_named(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.text("#mitigation"):
            self.notify("A few words for the mitigation, or escape and s to skip.", severity="warning")
            return
        self.finish()

    @on(PickList.Done, "#mitigations")
    def _mitigations_linked(self, event: PickList.Done) -> None:
        event.stop()
        self.finish()

    # ---- writing ----------------------------------------------------------------------------------------------

    def threat_fields(self) -> dict[str, Any]:
        """The threat as answered so far."""
        fields: dict[str, Any] = {"title": self.text("#title")}
        if link := self.text("#link"):
            fields["references"] = [link]
        if targets := self.targets():
            fields["targets"] = list(targets)
        affects = self.answers.get("affects")
        if affects == "yes":
            fields.update({k: self.answers[k] for k in ("likelihood", "severity") if k in self.answers})
        elif affects == "no":
            fields["status"] = ThreatStatus.NOT_APPLICABLE.value
            if reason := self.text("#reason"):
                fields["notes"] = reason
        return fields

    def write(self) -> bool:
        """Put the threat as answered so far into the file, and the mitigation when one is named or picked.
        False when there is no title to write it under."""
        fields = self.threat_fields()
        if not fields["title"]:
            return False
        app = self.tmtui
        if self.threat_id is None or self.session.model.find(self.threat_id) is None:
            self.threat_id = app.create_record("threats", fields)
            if self.threat_id is None:
                return False
        else:
            for key in dict.fromkeys([*self.written, *fields]):
                if fields.get(key) != self.written.get(key):
                    app.edit_field(self.threat_id, key, fields.get(key))
        self.written = fields
        self._write_mitigation(self.threat_id)
        return True

    def _write_mitigation(self, threat_id: str) -> None:
        """Make the file hold the mitigation as answered now. A write can come early (a resize, a save), so what an
        earlier write added and the answers no longer ask for (a plan changed, a tick taken off) is taken back."""
        app = self.tmtui
        affects, plan = self.answers.get("affects"), self.answers.get("plan")
        title = self.text("#mitigation") if affects == "yes" and plan == "new" else ""
        ours = self.mitigation_id if self.mitigation_id and self.session.model.find(self.mitigation_id) else None
        if ours is None:
            if title:
                self.mitigation_id = app.create_record("mitigations", {"title": title, "threats": [threat_id]})
        elif not title:
            self.session.delete_record(ours)
            app.after_edit(frozenset({ours}))
            self.mitigation_id = None
        elif self.session.value_of(ours, "title") != title:
            app.edit_field(ours, "title", title)
        chosen = self.query_one("#mitigations", PickList).chosen if affects == "yes" and plan == "link" else []
        for mitigation_id in dict.fromkeys([*self.linked, *chosen]):
            mitigation = self.session.model.find(mitigation_id)
            if not isinstance(mitigation, Mitigation):
                continue
            if mitigation_id in chosen and threat_id not in mitigation.threats:
                app.edit_field(mitigation_id, "threats", [*mitigation.threats, threat_id])
            elif mitigation_id not in chosen and threat_id in mitigation.threats:
                app.edit_field(mitigation_id, "threats", [i for i in mitigation.threats if i != threat_id])
        self.linked = list(chosen)

    def flush_typing(self) -> bool:
        """The app saves, quits or hangs up mid-flow: what is typed goes into the file as a threat.

        A title given on the command line and not yet touched is written only when the app ends: the app also
        commits typing on every resize, the first one as it starts, and a threat must not land in the file before
        anyone answered a thing while the flow goes on.
        """
        if self.is_mounted and self.text("#title") and (self.touched() or self.tmtui.leaving):
            self.write()
        return True

    def touched(self) -> bool:
        """Whether the person typed or answered anything here."""
        typed = self.text("#title") != self.typed_title.strip() or self.text("#link")
        return bool(typed or len(self.history) > 1 or self.threat_id)

    def finish(self) -> None:
        """Write the threat and show it in pane 2."""
        if not self.write():
            return
        app, threat_id = self.tmtui, self.threat_id
        self.dismiss()
        main = app.main_screen
        if main is not None and threat_id is not None:
            main.call_later(main.show_pane, 2, ("threats", threat_id))
            app.notify(f"Added {threat_id}: {self.written['title']}")

    def leave_asked(self) -> None:
        """Escape on the first step: leave at once when nothing was typed, else ask whether to keep it."""
        title, link = self.text("#title"), self.text("#link")
        if not (title or link or self.threat_id):
            self.dismiss()
            return
        if title:
            question = f"Keep “{title}” as a new threat?"
            answers = [("keep", "Keep it", "k"), ("drop", "Drop it", "d"), ("stay", "Stay", "s")]
        else:
            question = "Leave, and drop the link you typed?"
            answers = [("drop", "Drop it", "d"), ("stay", "Stay", "s")]

        def decided(answer: str | None) -> None:
            if answer == "keep":
                self.finish()
            elif answer == "drop":
                self.drop()

        self.app.push_screen(ChoiceModal(question, answers), decided)

    def drop(self) -> None:
        """Leave with nothing written: a threat a save wrote mid-flow goes again."""
        dropped = frozenset(
            record_id
            for record_id in (self.mitigation_id, self.threat_id)
            if record_id is not None and self.session.model.find(record_id) is not None
        )
        for record_id in (self.mitigation_id, self.threat_id):  # the mitigation names the threat: it goes first
            if record_id in dropped:  # and a mitigation the flow linked no longer names the threat
                self.session.delete_record(record_id, drop_references=True)
        if dropped:
            self.tmtui.after_edit(None)
        self.dismiss()
