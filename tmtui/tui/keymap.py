"""Every key of the app as data: the bindings, the footer, the help screen and the command palette read this table."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyAction:
    id: str
    key: str  # Textual key names, comma-separated; "" for palette-only actions
    action: str
    description: str
    group: str
    scope: str = "app"  # which widget or screen binds it
    show: bool = True  # shown in the footer

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id)


KEYMAP: tuple[KeyAction, ...] = (
    KeyAction("pane-1", "1", "pane(1)", "What are we building?", "Panes", show=False),
    KeyAction("pane-2", "2", "pane(2)", "What could go wrong?", "Panes", show=False),
    KeyAction("pane-3", "3", "pane(3)", "What are we going to do about it?", "Panes", show=False),
    KeyAction("pane-4", "4", "pane(4)", "How well did we do?", "Panes", show=False),
    KeyAction("new", "n", "new_record", "New", "Records"),
    KeyAction("edit", "enter", "edit_record", "Edit", "Records", scope="list"),
    KeyAction("delete", "delete,backspace", "delete_record", "Delete", "Records", scope="list"),
    KeyAction("filter", "slash", "filter", "Filter", "Records", scope="list"),
    KeyAction("first", "home", "scroll_top", "First record", "Records", scope="list", show=False),
    KeyAction("last", "end", "scroll_bottom", "Last record", "Records", scope="list", show=False),
    KeyAction("filter-pick", "slash", "filter", "Filter", "Editing", scope="pick-list"),
    KeyAction("pick-from-filter", "down", "to_list", "To the list", "Editing", scope="pick-list", show=False),
    KeyAction("filter-end", "escape", "end_filter", "End filter", "Records", scope="filter"),
    KeyAction("mitigate", "m", "mitigate", "Mitigate", "Records", scope="unmitigated"),
    KeyAction("record-review", "r", "record_review", "Review", "Records", scope="review-pane"),
    KeyAction("coverage-grid", "c", "coverage", "Coverage grid", "Records", scope="review-pane", show=False),
    KeyAction("suggest", "s", "suggest", "Suggest", "Suggestions", scope="threats-pane"),
    KeyAction("suggest-for", "s", "suggest", "Suggest", "Suggestions", scope="building-pane"),
    KeyAction("suggest-all", "", "suggest", "Suggest threats for the whole model", "Suggestions"),
    KeyAction("suggestion-accept", "a,enter", "accept", "Accept", "Suggestions", scope="suggestions"),
    KeyAction("suggestion-rule-out", "d", "rule_out", "Doesn't apply", "Suggestions", scope="suggestions"),
    KeyAction("suggestion-filter", "slash", "filter", "Filter", "Suggestions", scope="suggestions"),
    KeyAction("suggestion-back", "escape", "back", "Back", "Suggestions", scope="suggestions"),
    KeyAction("rule-out-cancel", "escape", "cancel", "Cancel ruling out", "Suggestions", scope="rule-out"),
    KeyAction("offer-add", "a", "add_new", "Add as new", "Suggested mitigations", scope="mitigation-offer"),
    KeyAction("offer-skip", "s", "skip", "Skip", "Suggested mitigations", scope="mitigation-offer"),
    KeyAction("offer-filter", "slash", "filter", "Filter", "Suggested mitigations", scope="mitigation-offer"),
    KeyAction("offer-stop", "escape", "stop", "Stop", "Suggested mitigations", scope="mitigation-offer"),
    KeyAction("undo", "ctrl+z", "undo", "Undo", "Editing", show=False),
    KeyAction("redo", "ctrl+y", "redo", "Redo", "Editing", show=False),
    KeyAction("editor", "ctrl+e", "open_editor", "$EDITOR", "Editing", scope="long-text"),
    KeyAction("back", "escape", "back", "Back", "Editing", scope="record-screen"),
    KeyAction("new-mitigation-for-threat", "ctrl+n", "mitigate", "New mitigation", "Editing", scope="threat-form"),
    KeyAction("save", "ctrl+s", "save", "Save", "File", show=False),  # autosave: the footer has no room to spare
    KeyAction("export", "x", "export", "Export", "File", show=False),
    KeyAction("export-write", "w", "write", "Write file", "Export screen", scope="export"),
    KeyAction("export-copy", "c", "copy", "Copy", "Export screen", scope="export"),
    KeyAction("export-back", "escape", "back", "Back", "Export screen", scope="export"),
    # t and b are in the help and the palette: at 80 columns the footer has room for the list's keys, n and ?
    KeyAction("quick-threat", "t", "quick_threat", "Quick threat", "Quick threat", show=False),
    KeyAction("capture-back", "escape", "back", "Back", "Quick threat", scope="capture"),
    KeyAction("capture-next", "enter", "next_step", "Next", "Quick threat", scope="pick-next"),
    KeyAction("capture-yes", "y", "answer('yes')", "Yes", "Quick threat", scope="capture-affect"),
    KeyAction("capture-no", "n", "answer('no')", "No", "Quick threat", scope="capture-affect"),
    KeyAction("capture-low", "l", "answer('low')", "Low", "Quick threat", scope="capture-level"),
    KeyAction("capture-medium", "m", "answer('medium')", "Medium", "Quick threat", scope="capture-level"),
    KeyAction("capture-high", "h", "answer('high')", "High", "Quick threat", scope="capture-level"),
    KeyAction("capture-new", "n", "answer('new')", "New mitigation", "Quick threat", scope="capture-plan"),
    KeyAction("capture-link", "l", "answer('link')", "Link one", "Quick threat", scope="capture-plan"),
    KeyAction("capture-skip", "s", "answer('skip')", "Skip", "Quick threat", scope="capture-plan"),
    KeyAction("brainstorm", "b", "brainstorm", "Brainstorm", "Brainstorm", show=False),
    KeyAction("brainstorm-next", "down", "screen.next_question", "Next question", "Brainstorm", "brainstorm", False),
    KeyAction("brainstorm-back", "up", "screen.previous_question", "Back", "Brainstorm", scope="brainstorm"),
    KeyAction("brainstorm-skip", "pagedown", "screen.next_element", "Skip element", "Brainstorm", scope="brainstorm"),
    KeyAction("brainstorm-prev", "pageup", "screen.previous_element", "Element back", "Brainstorm", scope="brainstorm"),
    KeyAction("brainstorm-finish", "escape", "screen.finish", "Finish", "Brainstorm", scope="brainstorm"),
    KeyAction("triage-s", "s", "stride('S')", "Spoofing", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-t", "t", "stride('T')", "Tampering", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-r", "r", "stride('R')", "Repudiation", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-i", "i", "stride('I')", "Information disclosure", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-d", "d", "stride('D')", "Denial of service", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-e", "e", "stride('E')", "Elevation of privilege", "Triage: STRIDE on/off", "triage", False),
    KeyAction("triage-likelihood-low", "1", "likelihood('low')", "Likelihood low", "Triage", "triage", False),
    KeyAction("triage-likelihood-medium", "2", "likelihood('medium')", "Likelihood medium", "Triage", "triage", False),
    KeyAction("triage-likelihood-high", "3", "likelihood('high')", "Likelihood high", "Triage", "triage", False),
    KeyAction("triage-severity-low", "4", "severity('low')", "Severity low", "Triage", "triage", False),
    KeyAction("triage-severity-medium", "5", "severity('medium')", "Severity medium", "Triage", "triage", False),
    KeyAction("triage-severity-high", "6", "severity('high')", "Severity high", "Triage", "triage", False),
    KeyAction("triage-merge", "m", "merge", "Merge into…", "Triage", scope="triage"),
    KeyAction("triage-delete", "delete,backspace", "delete", "Delete", "Triage", scope="triage"),
    KeyAction("triage-open", "enter", "open", "Open", "Triage", scope="triage"),
    KeyAction("triage-back", "escape", "back", "Leave", "Triage", scope="triage"),
    KeyAction("merge-cancel", "escape", "cancel", "Cancel", "Triage", scope="merge-pick"),
    KeyAction("help", "question_mark", "help", "Help", "App"),
    KeyAction("palette", "ctrl+p", "command_palette", "Commands", "App", show=False),
    KeyAction("theme", "", "ansi_theme", "Theme: follow the terminal's colours (ansi-dark)", "App"),
    KeyAction("quit", "ctrl+q", "quit", "Quit", "App"),
)


def bindings(scope: str) -> list[BindingType]:
    return [k.binding() for k in KEYMAP if k.scope == scope and k.key]


NAMED_KEYS = {
    "escape": "Esc",
    "enter": "Enter",
    "delete": "Delete",
    "question_mark": "?",
    "slash": "/",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


def key_label(action: KeyAction) -> str:
    """How people write the key: `Ctrl+S`, `Esc`, `n`."""
    *modifiers, key = action.key.split(",")[0].split("+")
    key = NAMED_KEYS.get(key, key.upper() if modifiers else key)
    return "+".join([*(m.capitalize() for m in modifiers), key])
