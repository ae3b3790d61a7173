"""One editor per kind of field, built from the model's field specs. Each commits a value; none writes TOML."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from tmtui.model import FieldSpec, Finding, Model, Severity
from tmtui.model.text import has_control, visible
from tmtui.tui.keymap import bindings
from tmtui.tui.text import literal
from tmtui.tui.widgets.list_filter import FilterInput, matches

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp


class FieldEditor(Vertical):
    """A label, the input for one field, and the problems validation found with it."""

    DEFAULT_CLASSES = "field"

    class Committed(Message):
        """A new value for the field; the form takes it with `take_pending`."""

        def __init__(self, editor: FieldEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, spec: FieldSpec, value: Any, model: Model) -> None:
        super().__init__(id=f"field-{spec.key}")
        self.spec = spec
        self.value = value  # what the model held when typing began: the base of the edit until it is committed
        self.model = model
        # a committed value not yet written: taken by the form's message handler, or at once by a flush, so a
        # quit or save that comes before the message still finds it
        self._pending: tuple[Any, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.spec.label + (" *" if self.spec.required else ""), classes="field-label")
        yield self.make_input()
        yield Static("", classes="field-problems")

    def make_input(self) -> Widget:
        raise NotImplementedError

    @property
    def input(self) -> Widget:
        return self.children[1]

    def typed(self) -> Any:
        """The value the input shows now, as the model would hold it."""
        raise NotImplementedError

    def flush(self) -> None:
        """Commit what the input shows (when it loses focus, on enter, or before the form closes)."""
        self.commit(self.typed())

    def commit(self, value: Any) -> None:
        if value != self.value:
            base = self._pending[1] if self._pending else self.value
            self.value = value
            self._pending = (value, base)
            self.post_message(self.Committed(self))

    def take_pending(self) -> tuple[Any, Any] | None:
        """The committed value and its base, once; None when there is nothing new."""
        pending, self._pending = self._pending, None
        return pending

    def typing(self) -> bool:
        """Whether the input holds typing not yet committed."""
        return self.input.has_focus_within and self.typed() != self.value

    def show(self, value: Any, model: Model) -> None:
        """Show a value that changed elsewhere (undo, a reload); typing in progress is left alone, and its base
        stays the value it began from, so a change on disk meanwhile is a conflict, not overwritten."""
        self.model = model
        if value != self.value and not self.typing() and self._pending is None:
            self.value = value
            self.display_value(value)

    def display_value(self, value: Any) -> None:
        raise NotImplementedError

    def show_problems(self, findings: list[Finding]) -> None:
        problems = self.query_one(".field-problems", Static)
        problems.update(literal("\n".join(f"{'✗' if f.is_error else '⚠'} {f.message}" for f in findings)))
        self.set_class(any(f.is_error for f in findings), "has-error")
        self.set_class(bool(findings) and not any(f.is_error for f in findings), "has-warning")


class InputEditor(FieldEditor):
    """A field typed on one line; it commits on enter and when it loses focus. Ctrl+Z undoes typing in it."""

    def __init__(self, spec: FieldSpec, value: Any, model: Model) -> None:
        super().__init__(spec, value, model)
        self._typed: list[str] = []  # the input's text after each change since it took focus

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _commit_line(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        self.flush()

    @on(events.DescendantFocus)
    def _typing_begins(self) -> None:
        self._typed = [self.query_one(Input).value]

    @on(Input.Changed)
    def _remember_typing(self, event: Input.Changed) -> None:
        if event.input.has_focus and self._typed and self._typed[-1] != event.value:
            self._typed.append(event.value)

    def undo_typing(self) -> bool:
        """Take back the last change typed in this field; False when there is none."""
        if len(self._typed) < 2:
            return False
        self._typed.pop()
        self.query_one(Input).value = self._typed[-1]
        return True

    def line_input(self, text: str, placeholder: str) -> Input:
        return LiteralInput(text, placeholder=placeholder, compact=True, select_on_focus=False)


def _pictured(text: str) -> str:
    """`text` with each control character drawn as one visible character, so the cursor stays over its own."""
    if not has_control(text):
        return text
    return "".join(p if len(p := visible(c)) == 1 else "\ufffd" for c in text)


class LiteralInput(Input):
    """A line input that draws control characters in its value as `␛`-style pictures; the value itself is kept."""

    @property
    def _value(self) -> Text:
        text = super()._value
        text.plain = _pictured(text.plain)
        return text


class TextEditor(InputEditor):
    def make_input(self) -> Widget:
        return self.line_input(self.value or "", self.spec.label)

    def typed(self) -> Any:
        return _text_value(self.query_one(Input).value.strip(), self)

    def display_value(self, value: Any) -> None:
        self.query_one(Input).value = value or ""


class LongTextArea(TextArea):
    """A multi-line field that commits when it loses focus; Ctrl+E edits it in $EDITOR."""

    BINDINGS = bindings("long-text")

    class Left(Message):
        pass

    def on_blur(self) -> None:
        self.post_message(self.Left())

    def get_line(self, line_index: int) -> Text:
        # the line as drawn, control characters as pictures; the document keeps them as they are
        line = super().get_line(line_index)
        line.plain = _pictured(line.plain)
        return line

    def action_open_editor(self) -> None:
        self.post_message(self.Left())  # what was typed is committed first, whatever the editor does
        # a call, not a message: the editor runs while the app is suspended and its text comes straight back here
        edited = cast("TmtuiApp", self.app).edit_in_editor(self.text)
        if edited is not None:
            self.text = edited.rstrip("\n")
            self.post_message(self.Left())


class LongTextEditor(FieldEditor):
    def make_input(self) -> Widget:
        return LongTextArea(self.value or "", soft_wrap=True, tab_behavior="focus", show_line_numbers=False)

    @on(LongTextArea.Left)
    def _commit_text(self, event: LongTextArea.Left) -> None:
        event.stop()
        self.flush()

    def typed(self) -> Any:
        text = self.query_one(LongTextArea).text.strip("\n")
        return _text_value(text if text.strip() else "", self)

    def display_value(self, value: Any) -> None:
        self.query_one(LongTextArea).text = value or ""


class PickFilter(FieldEditor):
    """`/` in a pick list: a line under it narrows the choices as you type; what is chosen stays chosen."""

    BINDINGS = bindings("pick-list")
    filter_text = ""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield FilterInput(classes="pick-filter")

    def action_filter(self) -> None:
        self.add_class("filtering")
        self.query_one(FilterInput).focus()

    def action_to_list(self) -> None:
        """Down in the filter goes to the narrowed choices (the choices take their own down keys)."""
        self.input.focus()

    def passes(self, label: Text, value: str) -> bool:
        return matches(f"{label.plain}\n{value}".lower(), self.filter_text)

    def show_picks(self) -> None:
        """Show the choices the filter lets through."""
        raise NotImplementedError

    @on(Input.Changed, ".pick-filter")
    def _narrow(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.show_picks()

    @on(Input.Submitted, ".pick-filter")
    def _back_to_picks(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text:
            self._end_filter()
        self.input.focus()

    @on(FilterInput.Ended)
    def _filter_ended(self, event: FilterInput.Ended) -> None:
        event.stop()
        self._end_filter()
        self.input.focus()

    def _end_filter(self) -> None:
        self.remove_class("filtering")
        self.filter_text = ""
        self.show_picks()


class ChoiceEditor(FieldEditor):
    """One of a closed list (an enum, a reference, a yes/no); blank means unset."""

    def options(self) -> list[tuple[Text, Any]]:
        assert self.spec.choices is not None
        return [(Text(c.value.replace("_", " ")), c.value) for c in self.spec.choices]

    def _all_options(self) -> list[tuple[Text, Any]]:
        options = self.options()
        if self.value is not None and self.value not in [v for _, v in options]:
            options.append((literal(f"{self.value} (not valid)"), self.value))
        return options

    def make_input(self) -> Widget:
        return Select(
            self._all_options(), value=self.value if self.value is not None else Select.NULL, prompt="—", compact=True
        )

    @on(Select.Changed)
    def _commit_choice(self, event: Select.Changed) -> None:
        event.stop()
        self.flush()

    def typed(self) -> Any:
        value = self.query_one(Select).value
        return None if value is Select.NULL else value

    def display_value(self, value: Any) -> None:
        select = self.query_one(Select)
        select.set_options(self._all_options())
        select.value = value if value is not None else Select.NULL


class FlagEditor(ChoiceEditor):
    def options(self) -> list[tuple[Text, Any]]:
        return [(Text("yes"), True), (Text("no"), False)]


class RefEditor(PickFilter, ChoiceEditor):
    """A reference to one record, chosen from the records of the kinds it may name."""

    def options(self) -> list[tuple[Text, Any]]:
        return reference_options(self.spec, self.model)

    def show_picks(self) -> None:
        select = self.query_one(Select)
        value = self.typed()
        options = [(label, v) for label, v in self._all_options() if v == value or self.passes(label, v)]
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = value if value is not None else Select.NULL

    def show(self, value: Any, model: Model) -> None:
        changed_options = reference_options(self.spec, model) != reference_options(self.spec, self.model)
        super().show(value, model)
        if changed_options and not self.input.has_focus_within:
            self.display_value(self.value)


def reference_options(spec: FieldSpec, model: Model) -> list[tuple[Text, str]]:
    """Each record a reference may name, as "id  title" shown literally."""
    return [(literal(f"{r.id}  {r.label}"), r.id) for kind in spec.refs for r in model.records(kind)]


class ListChoiceEditor(PickFilter):
    """Several of a list: STRIDE categories, or references to many records."""

    def options(self, model: Model | None = None) -> list[tuple[Text, str]]:
        if self.spec.refs:
            return reference_options(self.spec, model or self.model)
        assert self.spec.choices is not None
        return [(Text(c.value.replace("_", " ").capitalize()), c.value) for c in self.spec.choices]

    def _selections(self) -> list[tuple[Text, str, bool]]:
        options = self.options()
        known = {v for _, v in options}
        chosen = set(self.value or [])
        out = [(label, value, value in chosen) for label, value in options]
        out += [(literal(f"{v} (missing)"), v, True) for v in self.value or [] if v not in known]
        return out

    def make_input(self) -> Widget:
        widget: SelectionList[str] = SelectionList(*self._selections(), compact=True)
        return widget

    @on(SelectionList.SelectedChanged)
    def _commit_selection(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.flush()

    def typed(self) -> Any:
        # what the filter hides stays as it was: hiding a ticked record is not unticking it
        hidden = {v for label, v, _ in self._selections() if not self.passes(label, v)}
        selected = set(self.query_one(SelectionList).selected) | {v for v in self.value or [] if v in hidden}
        current = [v for v in self.value or [] if v in selected]
        if self.spec.refs:
            # keep the order written in the file and add new ones at the end, so the array is edited in place
            current += [v for _, v, _ in self._selections() if v in selected and v not in current]
        else:
            current = [v for _, v, _ in self._selections() if v in selected]
        return current

    def display_value(self, value: Any) -> None:
        self.show_picks()

    def show_picks(self) -> None:
        widget = self.query_one(SelectionList)
        with widget.prevent(SelectionList.SelectedChanged):
            widget.clear_options()
            widget.add_options([s for s in self._selections() if self.passes(s[0], s[1])])
        if self.filter_text and widget.option_count:
            widget.highlighted = 0  # the first match, ready for space

    def show(self, value: Any, model: Model) -> None:
        options_changed = self.options() != self.options(model)
        super().show(value, model)
        if options_changed and not self.input.has_focus_within:
            self.display_value(self.value)


class StringsEditor(InputEditor):
    """Free words (owners, tags, goals), typed with commas between them."""

    def make_input(self) -> Widget:
        return self.line_input(", ".join(self.value or []), "comma, separated")

    def typed(self) -> Any:
        words = [w.strip() for w in self.query_one(Input).value.split(",") if w.strip()]
        # cleared: the key goes, unless the file already held an empty list there (owners = [])
        return words or ([] if self.value == [] else None)

    def display_value(self, value: Any) -> None:
        self.query_one(Input).value = ", ".join(value or [])


class DateEditor(InputEditor):
    def make_input(self) -> Widget:
        return self.line_input(self.value.isoformat() if self.value else "", "YYYY-MM-DD")

    def typed(self) -> Any:
        text = self.query_one(Input).value.strip()
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError:
            return self.value

    def flush(self) -> None:
        text = self.query_one(Input).value.strip()
        try:
            self.commit(dt.date.fromisoformat(text) if text else None)
        except ValueError:
            self.show_problems([Finding(Severity.ERROR, f"expected a date like 2026-11-27, not {text!r}")])

    def display_value(self, value: Any) -> None:
        self.query_one(Input).value = value.isoformat() if value else ""


class ReadOnlyEditor(FieldEditor):
    """A value the app writes itself (a review's metrics snapshot)."""

    def make_input(self) -> Widget:
        return Static(literal(self._text(self.value)), classes="read-only")

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, dict):
            return "  ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items()) or "—"
        return str(value) if value not in (None, "") else "—"

    def typed(self) -> Any:
        return self.value

    def display_value(self, value: Any) -> None:
        self.query_one(".read-only", Static).update(literal(self._text(value)))


def _text_value(text: str, editor: FieldEditor) -> str | None:
    """Clearing an optional field removes its key, unless the file already held an empty string there."""
    if text or editor.spec.required or editor.value == "":
        return text
    return None


def editor_for(spec: FieldSpec, value: Any, model: Model) -> FieldEditor:
    if spec.type == "text":
        return (LongTextEditor if spec.multiline else TextEditor)(spec, value, model)
    if spec.type == "choice":
        return ChoiceEditor(spec, value, model)
    if spec.type == "flag":
        return FlagEditor(spec, value, model)
    if spec.type == "ref":
        return RefEditor(spec, value, model)
    if spec.type in ("choices", "refs"):
        return ListChoiceEditor(spec, value, model)
    if spec.type == "strings":
        return StringsEditor(spec, value, model)
    if spec.type == "date":
        return DateEditor(spec, value, model)
    return ReadOnlyEditor(spec, value, model)
