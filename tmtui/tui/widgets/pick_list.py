"""A list of records to tick, several allowed: `/` narrows it as you type, enter goes on with what is ticked."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, SelectionList

from tmtui.tui.keymap import bindings
from tmtui.tui.widgets.list_filter import FilterInput, matches


class PickSelection(SelectionList[str]):
    """Space ticks; enter is not a tick here but "go on", so a flow moves with one key."""

    BINDINGS = bindings("pick-next")

    def action_next_step(self) -> None:
        self.post_message(PickList.Done(self.query_ancestor(PickList)))


class PickList(Vertical):
    """Records to tick. What the filter hides stays ticked; the ticks keep the order they were made in."""

    DEFAULT_CLASSES = "pick-list"
    BINDINGS = bindings("pick-list")

    class Done(Message):
        """Enter in the list: go on with what is ticked."""

        def __init__(self, pick_list: PickList) -> None:
            super().__init__()
            self.pick_list = pick_list

        @property
        def control(self) -> PickList:
            return self.pick_list

    def __init__(self, choices: list[tuple[Text, str]], *, id: str) -> None:
        super().__init__(id=id)
        self.choices = choices  # (label shown literally, record id)
        self.chosen: list[str] = []
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield PickSelection(*self._shown(), compact=True)
        yield FilterInput(classes="pick-filter")

    @property
    def selection(self) -> PickSelection:
        return self.query_one(PickSelection)

    def focus_list(self) -> None:
        self.selection.focus()

    def _shown(self) -> list[tuple[Text, str, bool]]:
        return [
            (label, value, value in self.chosen)
            for label, value in self.choices
            if matches(f"{label.plain}\n{value}".lower(), self.filter_text)
        ]

    def show_choices(self) -> None:
        selection = self.selection
        with selection.prevent(SelectionList.SelectedChanged):
            selection.clear_options()
            selection.add_options(self._shown())
        if selection.option_count:
            selection.highlighted = 0  # the first match, ready for space

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        ticked = set(self.selection.selected)
        shown = {value for _, value, _ in self._shown()}
        self.chosen = [v for v in self.chosen if v in ticked or v not in shown]
        self.chosen += [v for _, v in self.choices if v in ticked and v not in self.chosen]

    def action_to_list(self) -> None:
        """Down in the filter goes to the narrowed list, ready for space (the list takes its own down keys)."""
        self.focus_list()

    def action_filter(self) -> None:
        self.add_class("filtering")
        self.query_one(FilterInput).focus()

    @on(Input.Changed, ".pick-filter")
    def _narrow(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.show_choices()

    @on(Input.Submitted, ".pick-filter")
    def _back_to_list(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text:
            self._end_filter()
        self.focus_list()

    @on(FilterInput.Ended)
    def _filter_ended(self, event: FilterInput.Ended) -> None:
        event.stop()
        self._end_filter()
        self.focus_list()

    def _end_filter(self) -> None:
        self.remove_class("filtering")
        self.filter_text = ""
        self.show_choices()
