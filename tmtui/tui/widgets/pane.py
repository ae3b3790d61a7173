"""What the four panes share: they redraw from the session's model, and each has a main list."""

from __future__ import annotations

from textual.containers import Vertical

from tmtui.session import Session
from tmtui.tui.widgets.record_list import Changed, RecordList


class Pane(Vertical):
    DEFAULT_CLASSES = "pane"

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.stale = True
        # the ids of the records changed since the pane last drew, for its lists to update only their rows; None
        # when it cannot tell (an undo, a merge, or more than one change while the pane was out of view)
        self.changed: Changed = None

    def refresh_from_model(self) -> None:
        """Redraw from `self.session.model`, where `self.changed` says what changed."""
        raise NotImplementedError

    def main_list(self) -> RecordList:
        raise NotImplementedError

    def focus_main(self) -> None:
        self.main_list().table.focus()

    def list_for_new(self) -> RecordList:
        """The list `n` adds to: the focused one, or else the pane's main list."""
        focused = self.app.focused
        for record_list in self.query(RecordList):
            if focused is not None and record_list.table is focused and record_list.display:
                return record_list
        return self.main_list()
