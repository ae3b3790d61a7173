"""Pane 1, "What are we building?": the system summary, the lists of what it is made of, and its map."""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from tmtui.document.edit import SYSTEM
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import SuggestionsAsked
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_form import RecordForm
from tmtui.tui.widgets.record_list import Changed, RecordList
from tmtui.tui.widgets.system_map import system_map

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("system", "System", ""),
    ("assets", "Assets", "No assets yet — press n to add what an attacker wants: data, keys, money."),
    ("boundaries", "Boundaries", "No trust boundaries yet — press n. Where does the level of trust change?"),
    ("components", "Components", "No components yet — press n to add a process, a data store or an external entity."),
    ("flows", "Data flows", "No data flows yet — press n to connect two components."),
    ("stories", "User stories", "No user stories yet — press n: As a <who> I want <what> so that <why>."),
    ("assumptions", "Assumptions", "No assumptions yet — press n to write down what you take for granted."),
    ("map", "Map", ""),
)
LIST_SECTIONS = [key for key, _, hint in SECTIONS if hint]
HINTS = {key: hint for key, _, hint in SECTIONS}


# Kinds the system map does not draw: an edit of only these (a threat added, a mitigation's status) leaves it
# as it is, so it is not drawn again for thousands of components. An id no longer in the model may have been on it.
_NOT_ON_THE_MAP = {"assets", "stories", "assumptions", "threats", "mitigations", "reviews"}


class BuildingPane(Pane):
    BINDINGS = bindings("building-pane")

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.section = "components"
        # the sections out of view, each with what changed since it was last drawn: drawn when next shown, so a
        # model of thousands of components does not fill lists nobody is looking at (None: any record may have)
        self._behind: dict[str, Changed] = {key: None for key, _, _ in SECTIONS}
        # a section's list or form is composed the first time it is shown, one section at a time
        self._composed_sections = {self.section}
        self._composing = asyncio.Lock()

    def compose_content(self) -> ComposeResult:
        with Horizontal():
            yield OptionList(*[Option(title, id=key) for key, title, _ in SECTIONS], id="sections")
            with ContentSwitcher(initial=self.section, id="building-content"):
                yield self._section_content(self.section)

    def _section_content(self, key: str) -> Widget:
        if key == "system":
            return VerticalScroll(
                Static("The system: what it does, for whom, and who owns this model.", classes="hint"),
                RecordForm(self.session, SYSTEM, SYSTEM),
                id="system",
                can_focus=False,
            )
        if key == "map":
            return VerticalScroll(Static("", id="map-text"), id="map")
        return RecordList(key, columns_for(key), HINTS[key], id=key)

    def on_content_mounted(self) -> None:
        sections = self.query_one("#sections", OptionList)
        with sections.prevent(OptionList.OptionHighlighted):
            sections.highlighted = [key for key, _, _ in SECTIONS].index(self.section)

    @on(OptionList.OptionHighlighted, "#sections")
    async def _section_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # highlighted before another section was opened (the list's own first highlight, at mount)
        await self.show_section(str(event.option.id))

    async def show_section(self, key: str) -> None:
        """Show section `key`, composed the first time it is asked for."""
        async with self._composing:
            if key not in self._composed_sections:
                await self.query_one(ContentSwitcher).add_content(self._section_content(key))
                self._composed_sections.add(key)
            self._switch_to(key)

    def _switch_to(self, key: str) -> None:
        """Show section `key`, already composed, drawn from the model if it changed while out of view."""
        self.section = key
        if key in self._behind and not self.stale:
            self._draw_section(key, self._behind.pop(key))
        self.query_one(ContentSwitcher).current = key

    def main_list(self) -> RecordList:
        key = self.section if self.section in LIST_SECTIONS else "components"
        return self.query_one(f"#{key}", RecordList)

    def action_suggest(self) -> None:
        """The suggestions for the component or flow selected, or the whole model's when neither is."""
        selected = self.main_list().table.selected_id if self.section in ("components", "flows") else None
        self.post_message(SuggestionsAsked(selected))

    def main_widget(self) -> Widget:
        if self.section in LIST_SECTIONS:
            return self.main_list().table
        return self.query_one("#sections", OptionList)

    def list_for_new(self) -> RecordList:
        record_list = super().list_for_new()
        if self.section != record_list.kind:  # a list that has focus is composed
            self._highlight(record_list.kind)
            self._switch_to(record_list.kind)
        return record_list

    async def open_section(self, key: str) -> None:
        self._highlight(key)
        await self.show_section(key)

    def _highlight(self, key: str) -> None:
        sections = self.query_one("#sections", OptionList)
        with sections.prevent(OptionList.OptionHighlighted):
            sections.highlighted = [k for k, _, _ in SECTIONS].index(key)

    def refresh_from_model(self) -> None:
        """The section titles with their counts, and the section in view; the others when they are next shown."""
        model = self.session.model
        findings = self.session.findings
        sections = self.query_one("#sections", OptionList)
        for index, (key, title, hint) in enumerate(SECTIONS):
            if hint:
                problems = any(f.kind == key and f.is_error for f in findings)
                label = f"{title} {len(model.records(key))}" + (" !" if problems else "")
                sections.replace_option_prompt_at_index(index, label)
        for key, _, _ in SECTIONS:
            # a section not drawn since an earlier change cannot tell which records both changes touched
            self._behind[key] = None if key in self._behind else self.changed
        self._draw_section(self.section, self._behind.pop(self.section))
        self.stale = False

    def _draw_section(self, key: str, changed: Changed) -> None:
        model = self.session.model
        if key == "system":
            self.query_one(RecordForm).refresh_from_model()
        elif key == "map":
            if changed is None or not all(model.kind_named(i) in _NOT_ON_THE_MAP for i in changed):
                self.query_one("#map-text", Static).update(system_map(model))
        else:
            self.query_one(f"#{key}", RecordList).show(model.records(key), model, self.session.findings, changed)
