"""The four panes as tabs, each headed by its question in full, under a header and over a footer with the live keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static, TabbedContent, TabPane

from tmtui.session import Session
from tmtui.tui.keymap import KEYMAP
from tmtui.tui.widgets.building_pane import BuildingPane
from tmtui.tui.widgets.footer import KeysFooter
from tmtui.tui.widgets.mitigations_pane import MitigationsPane
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import Changed
from tmtui.tui.widgets.review_pane import ReviewPane
from tmtui.tui.widgets.threats_pane import ThreatsPane

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

# Tab titles from longest to shortest; the longest set that fits the terminal's width is used.
TAB_TITLES: tuple[tuple[str, str, str, str], ...] = (
    ("What are we building?", "What could go wrong?", "What are we going to do about it?", "How well did we do?"),
    ("What are we building?", "What could go wrong?", "What will we do?", "How well did we do?"),
    ("Building", "Threats", "Mitigations", "Review"),
    ("Build", "Threats", "Do", "Review"),
)
PANES = (BuildingPane, ThreatsPane, MitigationsPane, ReviewPane)
# The manifesto's four questions, as the keys 1-4 describe them: each pane is headed by its own, whatever the width.
QUESTIONS = tuple(next(k.description for k in KEYMAP if k.id == f"pane-{n}") for n in range(1, 5))


def tab_titles_for(width: int) -> tuple[str, ...]:
    for titles in TAB_TITLES:
        # each tab is "N title" with one cell of padding either side
        if sum(len(t) + 4 for t in titles) <= width:
            return tuple(f"{n} {t}" for n, t in enumerate(titles, start=1))
    return tuple(f"{n} {t}" for n, t in enumerate(TAB_TITLES[-1], start=1))


class MainScreen(Screen):
    # A list takes focus, never the tab bar (the first focusable widget) while no pane is composed yet: moving the
    # focus from it to the list once the pane is drawn rebuilt the footer and drew the screen again.
    AUTO_FOCUS = "RecordTable"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._panes: list[Pane] = []  # fixed once composed; a query walks every widget, too slow for every edit
        self._bringing: Pane | None = None  # the pane `show_pane` is bringing into view
        # Until the first pane is chosen, keys typed are held by the app (see `_choose_first_pane`).
        self.first_pane_chosen = False
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="panes"):
            for number, (pane_class, title) in enumerate(zip(PANES, tab_titles_for(120), strict=True), start=1):
                with TabPane(title, id=f"tab-{number}"):
                    yield Static(QUESTIONS[number - 1], classes="pane-question")
                    yield pane_class(self.session, id=f"pane-{number}")
        yield KeysFooter(held=True)

    def on_mount(self) -> None:
        self._show_frame(False)
        app = cast("TmtuiApp", self.app)
        app.model_changed.subscribe(self, self.refresh_from_model, immediate=True)
        self.refresh_from_model()
        # after the keys that reached the app while the screen was being mounted: the app holds them meanwhile
        app.call_later(self._choose_first_pane)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual styles every widget of a screen again whenever it comes back into view, after another covered
        it and the theme may have changed. The first time is just after the screen was composed and each of its
        widgets styled as it was mounted: skipped (Screen's own handler runs after this one and reads the flag),
        it was a twentieth of opening 1,000 threats."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    async def _choose_first_pane(self) -> None:
        """Show pane 1, composed only now; or, when the first key typed ahead is a pane's, that pane: pane 1 is then
        composed when it is asked for, like the others (a person who presses 2 at once never waits for it)."""
        try:
            if self.is_attached:
                self._show_frame(True)
                app = cast("TmtuiApp", self.app)
                await self.show_pane(app.take_pane_typed_ahead() or 1)
                # the file is cut for editing once the pane is drawn, so that drawing it never waits for that
                self.call_after_refresh(app.prepare_edits_in_background, self.session)
        finally:
            self.first_pane_chosen = True

    def _show_frame(self, shown: bool) -> None:
        """Until the first pane is chosen the screen shows nothing: the frame laid out and drawn alone, to be laid
        out and drawn again with the pane a moment later, took 30-40 ms of opening 1,000 threats."""
        for widget in self.query_children("Header, TabbedContent, KeysFooter"):
            widget.display = shown

    @property
    def active_pane(self) -> Pane:
        active = self.query_one(TabbedContent).active or "tab-1"
        return self.panes[int(active.removeprefix("tab-")) - 1]

    @property
    def panes(self) -> list[Pane]:
        """The four panes, in order; found once they are all mounted (a query while the screen is still being put
        together finds only some)."""
        if len(self._panes) != len(PANES):
            self._panes = list(self.query(Pane))
        return self._panes

    async def show_pane(self, number: int, reveal: tuple[str, str] | None = None) -> None:
        """Bring pane `number` into view, composed and drawn, with the cursor on `reveal` (a kind and an id)."""
        pane = self.panes[number - 1]
        self._bringing = pane
        try:
            fresh = not pane.composed
            await pane.open()
            self.query_one(TabbedContent).active = f"tab-{number}"
            self._focus_now(pane.main_widget())
            # the keys of the focused list, mounted before the pane is laid out: both are drawn in one frame
            await self.query_one(KeysFooter).release()
            if fresh:
                # A list filled before it is laid out is cut to a guessed width and drawn, then cut again and drawn
                # again: thousands of rows are filled once the pane has its size.
                self._lay_out()
        finally:
            self._bringing = None
        if pane.stale:
            pane.refresh_from_model()
            if fresh:
                self._lay_out()  # again, rows in: a scrollbar they bring is placed before the pane is first drawn
        if reveal is not None:
            cast("TmtuiApp", self.app).reveal(*reveal)

    def _focus_now(self, widget: Widget) -> None:
        """Focus `widget` at once, and style it focused before its focus event arrives (as Textual's own first
        focus of a screen does): a list drawn unfocused was drawn again, every visible cell, when it arrived."""
        if widget.focusable:
            widget.has_focus = True
            self.set_focus(widget)

    def _lay_out(self) -> None:
        """Give every widget of the screen its size now, and draw it later: waiting for the next refresh instead
        would draw a newly composed pane empty (a sixth of showing pane 2 of a large model), then full, and then
        again with the scrollbar of its rows."""
        with self.app.batch_update():  # the drawing is left for after the batch, once the lists are filled
            self._refresh_layout()

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self) -> None:
        pane = self.active_pane
        # `show_pane` draws a pane it brings when it is ready; the first pane is chosen after the keys typed ahead
        if pane is self._bringing or not self.first_pane_chosen:
            return
        await pane.open()
        # a pane still being composed (asked for twice) is drawn by whoever asked first
        if pane.composed and pane.stale and pane is self.active_pane:
            pane.refresh_from_model()

    def refresh_from_model(self, changed: Changed = None) -> None:
        """Redraw the pane in view now; the others when they are next shown. `changed`: the ids of the records
        the edit changed (None: any may have), so the lists update only those rows."""
        for pane in self.panes:
            # a pane not redrawn since an earlier change cannot tell which rows both changes touched
            pane.changed = None if pane.stale else changed
            pane.stale = True
        if self.active_pane.composed:
            self.active_pane.refresh_from_model()

    def on_resize(self) -> None:
        tabs = self.query_one(TabbedContent)
        for number, title in enumerate(tab_titles_for(self.size.width), start=1):
            tabs.get_tab(f"tab-{number}").label = title
