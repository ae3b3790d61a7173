"""A `Select` whose drop-down list is mounted the first time it is opened."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.widgets import Select
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay


class FilterSelect(Select[str]):
    """Looks, reads and answers keys and clicks as `Select` does. The list it drops down (an `OptionList` with its
    scrollbars) is made when it is first opened: pane 2's three filters spent a third of showing the pane on
    lists most people never open."""

    # Select's keys, answered once the list is there
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,down,space,up", "open_list", "Show menu", show=False)]

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)

    @property
    def _overlay(self) -> SelectOverlay | None:
        found = self.query_children(SelectOverlay)
        return found.first() if found else None

    async def _mount_overlay(self) -> None:
        if self._overlay is None:
            with self._context():  # as in compose: the list binds its style to the pump it is made in
                overlay = SelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
            await self.mount(overlay)
            super()._setup_options_renderables()

    def _setup_options_renderables(self) -> None:
        if self._overlay is not None:  # otherwise made with the list
            super()._setup_options_renderables()

    def _watch_value(self, value: str | NoSelection) -> None:
        if self._overlay is not None:
            super()._watch_value(value)
            return
        # what Select does, but the highlight in the list: opening the list highlights the value
        self._value = value
        try:
            current = self.query_one(SelectCurrent)
        except NoMatches:
            return
        current.update(self.NULL if value == self.NULL else next(p for p, v in self._options if v == value))
        self.post_message(self.Changed(self, value))

    async def action_open_list(self) -> None:
        await self._mount_overlay()
        self.action_show_overlay()

    @on(SelectCurrent.Toggle)
    async def _clicked(self, event: SelectCurrent.Toggle) -> None:
        """A click: Select's own answer, once the list is there."""
        event.stop()
        event.prevent_default()  # Select's handler would toggle a second time
        await self._mount_overlay()
        self.expanded = not self.expanded
