"""What the four panes share: their content is composed when first shown, they redraw from the session's model,
and each has a main list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from tmtui.session import Session
from tmtui.tui.widgets.record_list import Changed, RecordList


class Pane(Vertical):
    DEFAULT_CLASSES = "pane"

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        # A pane's lists and forms are composed the first time it is shown (`open`), not with the screen: styling
        # widgets nobody looks at yet is most of what a first paint costs. `composed` once they are all mounted.
        self._opened = False
        self.composed = False
        self.stale = True
        # the ids of the records changed since the pane last drew, for its lists to update only their rows; None
        # when it cannot tell (an undo, a merge, or more than one change while the pane was out of view)
        self.changed: Changed = None

    def compose(self) -> ComposeResult:
        if self._opened:
            yield from self.compose_content()

    def compose_content(self) -> ComposeResult:
        """The pane's lists and forms."""
        raise NotImplementedError

    async def open(self) -> None:
        """Compose the pane's content, the first time it is asked for; it is stale until it is drawn."""
        if self._opened:
            return
        self._opened = True
        await self.recompose()
        self.composed = True
        self.on_content_mounted()

    def on_content_mounted(self) -> None:
        """Set up what the content needs once it is mounted."""

    def refresh_from_model(self) -> None:
        """Redraw from `self.session.model`, where `self.changed` says what changed."""
        raise NotImplementedError

    def main_list(self) -> RecordList:
        raise NotImplementedError

    def main_widget(self) -> Widget:
        """What has focus when the pane is shown: its main list."""
        return self.main_list().table

    def focus_main(self) -> None:
        if self.composed:
            self.main_widget().focus()

    def list_for_new(self) -> RecordList:
        """The list `n` adds to: the focused one, or else the pane's main list."""
        focused = self.app.focused
        for record_list in self.query(RecordList):
            if focused is not None and record_list.table is focused and record_list.display:
                return record_list
        return self.main_list()
