"""The four panes as tabs, each headed by its question in full, under a header and over a footer with the live keys."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
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
LAYOUT_PATIENCE = 0.5  # seconds a newly composed pane waits for its size before it is drawn at a guessed one
# The manifesto's four questions, as the keys 1-4 describe them: each pane is headed by its own, whatever the width.
QUESTIONS = tuple(next(k.description for k in KEYMAP if k.id == f"pane-{n}") for n in range(1, 5))


def tab_titles_for(width: int) -> tuple[str, ...]:
    for titles in TAB_TITLES:
        # each tab is "N title" with one cell of padding either side
        if sum(len(t) + 4 for t in titles) <= width:
            return tuple(f"{n} {t}" for n, t in enumerate(titles, start=1))
    return tuple(f"{n} {t}" for n, t in enumerate(TAB_TITLES[-1], start=1))


class MainScreen(Screen):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._panes: list[Pane] = []  # fixed once composed; a query walks every widget, too slow for every edit
        self._bringing: Pane | None = None  # the pane `show_pane` is bringing into view

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="panes"):
            for number, (pane_class, title) in enumerate(zip(PANES, tab_titles_for(120), strict=True), start=1):
                with TabPane(title, id=f"tab-{number}"):
                    yield Static(QUESTIONS[number - 1], classes="pane-question")
                    yield pane_class(self.session, opened=number == 1, id=f"pane-{number}")
        yield KeysFooter()

    def on_mount(self) -> None:
        cast("TmtuiApp", self.app).model_changed.subscribe(self, self.refresh_from_model, immediate=True)
        self.refresh_from_model()
        self.active_pane.focus_main()

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
            if fresh:
                # A list filled before it is laid out and focused is cut to a guessed width and drawn, then cut
                # again and drawn again: thousands of rows are filled once the pane has its size and focus.
                pane.focus_main()
                await self._laid_out()
        finally:
            self._bringing = None
        if pane.stale:
            pane.refresh_from_model()
        if reveal is not None:
            cast("TmtuiApp", self.app).reveal(*reveal)
        pane.focus_main()

    async def _laid_out(self) -> None:
        """Until the screen has been laid out and drawn (bounded: a screen out of view is never drawn)."""
        drawn: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def draw_done() -> None:
            if not drawn.done():
                drawn.set_result(None)

        self.call_after_refresh(draw_done)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(drawn, LAYOUT_PATIENCE)

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self) -> None:
        pane = self.active_pane
        if pane is self._bringing:  # `show_pane` draws it when it is ready
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
