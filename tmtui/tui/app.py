"""The tmtui app: opens a model, routes every edit through the session, saves off the UI thread."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import get_current_worker

from tmtui.document.edit import ChangedOnDiskError, DocumentError, ModelSyntaxError, PreparedSave, Value
from tmtui.document.merge import Conflict
from tmtui.document.save import write_atomically
from tmtui.document.settings import Settings, load_settings, save_setting
from tmtui.document.source import UnreadableError
from tmtui.model import RECORD_TYPES, compute_metrics
from tmtui.session import Session
from tmtui.starter import starter_text
from tmtui.state import back_up, recent_models, remember
from tmtui.tui.keymap import KEYMAP, bindings
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.export_screen import ExportScreen
from tmtui.tui.screens.file_screens import BrokenFileScreen, LoadingScreen, MissingFileScreen
from tmtui.tui.screens.help_screen import HelpScreen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.record_list import RecordList, RecordTable

BACKGROUND_LOAD_BYTES = 128 * 1024  # larger models are read on a worker, behind a loading screen
PANE_ACTIONS = {"pane", "new_record", "edit_record", "delete_record", "export"}
EDIT_ACTIONS = {"undo", "redo", "save"}


class TmtuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tmtui"
    BINDINGS = bindings("app")

    def __init__(self, path: Path, settings: Settings | None = None, watch_interval: float | None = 1.0) -> None:
        super().__init__()
        self.model_path = path
        self.settings = settings or load_settings()
        self.watch_interval = watch_interval
        self.session: Session | None = None
        self._saves_running = 0
        self._conflicts_open = False
        self._disk_stamp: tuple[int, int] | None = None
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    # ---- opening ---------------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        for problem in self.settings.problems:
            self.notify(problem, severity="warning")
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.open_model(first=True)
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_disk)

    def open_model(self, first: bool = False) -> None:
        """Open the model: at once when it is small, on a worker behind a loading screen when it is large."""
        show = self.push_screen if first else self.switch_screen
        try:
            size = self.model_path.stat().st_size
        except OSError:
            size = 0
        if size > BACKGROUND_LOAD_BYTES:
            show(LoadingScreen(self.model_path, size))
            self.read_in_background()
        else:
            self._show_opened(self._read_session(), show)

    def _read_session(self) -> Session | Exception:
        try:
            return Session.open(self.model_path)
        except (UnreadableError, ModelSyntaxError, DocumentError) as error:
            return error

    @work(thread=True, exclusive=True, group="open")
    def read_in_background(self) -> None:
        result = self._read_session()
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_opened, result, self.switch_screen)

    def _show_opened(self, result: Session | Exception, show: Callable[[Screen], object]) -> None:
        self.session = result if isinstance(result, Session) else None
        self._disk_stamp = self._stamp()
        if isinstance(result, Session):
            remember(self.model_path)
            show(MainScreen(result))
        elif isinstance(result, ModelSyntaxError):
            text = self.model_path.read_text(encoding="utf-8", errors="replace")
            show(BrokenFileScreen(self.model_path, result.finding.message, text, result.finding))
        elif isinstance(result, UnreadableError) and not self.model_path.exists():
            show(MissingFileScreen(self.model_path))
        else:
            show(BrokenFileScreen(self.model_path, getattr(result, "message", None) or str(result)))
        self.update_title()

    def switch_model(self, path: Path) -> None:
        """Open another model in this window, once the current one is saved."""
        if not self._save_before_leaving("switched"):
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.model_path = path
        self.open_model()

    def action_reopen(self) -> None:
        self.open_model()

    def action_create_starter(self) -> None:
        if self.model_path.exists():
            self.open_model()
            return
        try:
            write_atomically(self.model_path, starter_text(self.model_path.parent.resolve().name).encode("utf-8"))
        except OSError as error:
            self.notify(f"Could not create {self.model_path}: {error.strerror or error}", severity="error")
            return
        self.open_model()

    def action_fix_in_editor(self) -> None:
        self.run_editor(self.model_path)
        self.open_model()

    # ---- the small API the panes and forms call ---------------------------------------------------------------

    @property
    def main_screen(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def edit_field(self, record_id: str, key: str, value: Value) -> None:
        assert self.session is not None
        try:
            changed = self.session.set_field(record_id, key, value)
        except DocumentError as error:
            self.notify(str(error), severity="error")
            return
        if changed:
            self.after_edit()

    def create_record(self, kind: str, fields: dict[str, Any]) -> str | None:
        assert self.session is not None
        try:
            record_id = self.session.add_record(kind, fields)
        except DocumentError as error:
            self.notify(str(error), title="Not added", severity="error", timeout=10)
            return None
        self.after_edit()
        return record_id

    def reveal(self, kind: str, record_id: str) -> None:
        """Put the cursor of the lists of `kind` on a record, so escape from its form lands on it."""
        main = self.main_screen
        if main is not None:
            for record_list in main.query(RecordList):
                if record_list.kind == kind:
                    record_list.select(record_id)

    def after_edit(self) -> None:
        """Redraw what shows the model and save (autosave), or mark the save as pending."""
        main = self.main_screen
        if main is not None:
            main.refresh_from_model()
        if isinstance(self.screen, RecordScreen):
            self.screen.refresh_from_model()
        if self.settings.autosave:
            self.save()
        self.update_title()

    def update_title(self) -> None:
        if self.session is None:
            self.title, self.sub_title = "tmtui", str(self.model_path)
            return
        name = self.session.model.system.name or "Untitled system"
        self.title = f"tmtui · {name}"
        pending = self.session.document.dirty
        self.sub_title = f"{self.model_path}{' ●' if pending else ''}"

    # ---- saving, off the UI thread ---------------------------------------------------------------------------

    def save(self) -> None:
        """Render and verify here (fast), write on a worker thread."""
        if self.session is None:
            return
        try:
            prepared = self.session.document.prepare_save()
        except DocumentError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return
        if prepared is None:
            return
        self._saves_running += 1
        self.write_file(prepared)

    @work(thread=True, group="save")
    def write_file(self, prepared: PreparedSave) -> None:
        assert self.session is not None
        document = self.session.document
        error: Exception | None = None
        if not self.session.backed_up:
            self.session.backed_up = True
            try:
                back_up(prepared.path)
            except OSError as caught:  # a backup that cannot be made must not stop the save itself
                self.call_from_thread(self.notify, f"No backup made: {caught}", severity="warning")
        try:
            document.write(prepared)
        except (DocumentError, OSError) as caught:
            error = caught
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._save_finished, error)

    def _save_finished(self, error: Exception | None) -> None:
        self._saves_running -= 1
        self._disk_stamp = self._stamp()
        if isinstance(error, ChangedOnDiskError):
            self.merge_disk_change()
        elif isinstance(error, DocumentError):
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
        elif isinstance(error, OSError):
            self.notify(f"Could not save: {error.strerror or error}", severity="error", timeout=10)
        self.update_title()

    def action_save(self) -> None:
        if self.session is None:
            return
        if not self.session.document.dirty:
            self.notify("Nothing to save: the file is up to date.")
            return
        self.save()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.model_path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def check_disk(self) -> None:
        """Notice a change on disk (git pull, an editor, another tmtui) and take it in."""
        if self._saves_running or self._conflicts_open:
            return
        stamp = self._stamp()
        if stamp == self._disk_stamp:
            return
        self._disk_stamp = stamp
        if self.session is None:
            if isinstance(self.screen, BrokenFileScreen | MissingFileScreen):
                self.open_model()  # fixed (or made) elsewhere: try again
            return
        if self.session.document.changed_on_disk():
            self.merge_disk_change()

    def merge_disk_change(self) -> None:
        """Take the file as it is on disk and replay the unsaved edits made here; ask only about real conflicts."""
        assert self.session is not None
        had_edits = self.session.document.dirty
        try:
            result = self.session.merge_from_disk()
        except (UnreadableError, ModelSyntaxError, DocumentError) as error:
            self.notify(
                f"The file on disk cannot be read now ({error}); tmtui keeps its own version and will not write "
                "over the file until it reads cleanly.",
                severity="warning",
                timeout=10,
            )
            return
        self._disk_stamp = self._stamp()
        if not had_edits:
            message = "The file changed on disk; reloaded."
        else:
            edits = f"{result.replayed} edit{'s' * (result.replayed != 1)}"
            message = f"The file changed on disk; merged it with your {edits} made here."
        self.notify(" ".join([message, *result.notes]))
        self.after_edit()
        self.ask_about(result.conflicts)

    def ask_about(self, conflicts: list[Conflict]) -> None:
        """One question per field changed on both sides; the file's value stands until the person chooses."""
        if not conflicts:
            self._conflicts_open = False
            return
        self._conflicts_open = True
        conflict, rest = conflicts[0], conflicts[1:]

        def decided(answer: str | None) -> None:
            if answer == "mine" and self.session is not None:
                self.session.keep_mine(conflict)
                self.after_edit()
            self.ask_about(rest)

        self.push_screen(
            ChoiceModal(
                conflict.describe(),
                [("mine", "Keep mine", "m"), ("theirs", "Take the file's", "t")],
                detail=f"Here: {_shown(conflict.mine)}\nIn the file: {_shown(conflict.theirs)}",
            ),
            decided,
        )

    # ---- actions on records ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PANE_ACTIONS:
            return self.session is not None and isinstance(self.screen, MainScreen)
        if action in EDIT_ACTIONS:
            return self.session is not None and isinstance(self.screen, MainScreen | RecordScreen)
        return True

    def _typing(self) -> bool:
        return isinstance(self.focused, Input | TextArea)

    def action_pane(self, number: int) -> None:
        if self._typing():
            return
        while isinstance(self.screen, RecordScreen):
            self.screen.action_back()
        if isinstance(self.screen, MainScreen):
            self.screen.show_pane(number)

    def _selected(self) -> tuple[str, str] | None:
        focused = self.focused
        if not isinstance(focused, RecordTable) or focused.selected_id is None:
            return None
        if not focused.selected_id:
            self.notify("This record has no id, so tmtui cannot edit it: give it one in the file.", severity="warning")
            return None
        return focused.kind, focused.selected_id

    def action_new_record(self) -> None:
        main = self.main_screen
        if main is None or self.screen is not main or self.session is None:
            return
        self.new_record_of(main.active_pane.list_for_new().kind)

    def new_record_of(self, kind: str) -> None:
        """The form of a new record; a review is recorded at once, with today's figures."""
        if self.session is None:
            return
        if kind == "reviews":
            self.record_review()
        else:
            self.push_screen(RecordScreen(self.session, kind, None))

    def action_edit_record(self) -> None:
        selected = self._selected()
        if selected:
            self.open_record(*selected)

    def open_record(self, kind: str, record_id: str) -> None:
        if self.session is not None:
            self.push_screen(RecordScreen(self.session, kind, record_id))

    def action_delete_record(self) -> None:
        selected = self._selected()
        if not selected or self.session is None:
            return
        _, record_id = selected
        session = self.session
        record = session.model.find(record_id)
        references = session.references_to(record_id)
        label = f"{record_id} {record.label if record else ''}".strip()
        answers = [("delete", "Delete", "y")]
        detail = ""
        if references:
            where = ", ".join(f"{r.record_id}.{r.key}" for r in references)
            detail = f"It is named by {where}."
            answers = [("drop", "Delete, drop references", "d"), ("delete", "Delete only", "y")]
        answers.append(("cancel", "Cancel", "n"))

        def decided(answer: str | None) -> None:
            if answer not in ("delete", "drop"):
                return
            try:
                session.delete_record(record_id, drop_references=answer == "drop")
            except DocumentError as error:
                self.notify(str(error), title="Not deleted", severity="error", timeout=10)
                return
            self.after_edit()
            self.notify(f"Deleted {record_id}. Ctrl+Z brings it back.")

        self.push_screen(ChoiceModal(f"Delete {label}?", answers, detail=detail), decided)

    def new_mitigation_for(self, threat_id: str) -> None:
        if self.session is not None:
            self.push_screen(RecordScreen(self.session, "mitigations", None, preset={"threats": [threat_id]}))

    def record_review(self) -> None:
        """A review of today with the figures as they are now; the form opens for who took part and notes."""
        if self.session is None:
            return
        snapshot = compute_metrics(self.session.model).snapshot()
        record_id = self.create_record("reviews", {"date": dt.date.today(), "metrics": snapshot})
        if record_id is not None:
            self.push_screen(RecordScreen(self.session, "reviews", record_id))

    def action_undo(self) -> None:
        if self.session is not None and not self._typing():
            self._report_history(self.session.undo(), "Undid", "Nothing to undo.")

    def action_redo(self) -> None:
        if self.session is not None and not self._typing():
            self._report_history(self.session.redo(), "Redid", "Nothing to redo.")

    def _report_history(self, done: str | None, verb: str, nothing: str) -> None:
        self.notify(f"{verb}: {done}" if done else nothing)
        if done:
            self.after_edit()

    def action_export(self) -> None:
        if self.session is not None and not isinstance(self.screen, ExportScreen):
            self.push_screen(ExportScreen(self.session.model, self.model_path))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_ansi_theme(self) -> None:
        self.theme = "ansi-dark"

    def _remember_theme(self, theme: Any) -> None:
        if theme.name != self.settings.theme:
            self.settings.theme = theme.name
            try:
                save_setting("theme", theme.name)
            except OSError as error:
                self.notify(f"Could not remember the theme: {error}", severity="warning")

    async def action_quit(self) -> None:
        if self._save_before_leaving("quit"):
            self.exit(0)

    def _save_before_leaving(self, leaving: str) -> bool:
        """Commit the field being typed and write every edit now; False, with the reason shown, when it cannot."""
        if isinstance(self.screen, RecordScreen):
            self.screen.form.flush()
        if self.session is None or not self.session.document.dirty:
            return True
        try:
            self.session.document.save()
        except ChangedOnDiskError:
            self.merge_disk_change()
            self.notify(f"Not {leaving} yet: the file changed on disk and was merged with your edits; try again.")
            return False
        except (DocumentError, OSError) as error:
            self.notify(f"Not {leaving}: {self.model_path} could not be saved ({error})", severity="error", timeout=10)
            return False
        return True

    # ---- $EDITOR ---------------------------------------------------------------------------------------------

    def run_editor(self, path: Path) -> bool:
        command = [*self.settings.editor_command(), str(path)]
        try:
            with self.suspend():
                result = subprocess.run(command, check=False)
        except OSError as error:
            self.notify(f"Could not run {command[0]}: {error}", severity="error")
            return False
        self.refresh()
        return result.returncode == 0

    def edit_in_editor(self, text: str) -> str | None:
        """The text as edited in $EDITOR, or None when the editor failed."""
        fd, name = tempfile.mkstemp(prefix="tmtui-", suffix=".md", text=True)
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            if not self.run_editor(path):
                return None
            return path.read_text(encoding="utf-8")
        finally:
            path.unlink(missing_ok=True)

    # ---- command palette -------------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for action in KEYMAP:
            if action.scope == "app" and action.id not in ("palette", "quit"):
                yield SystemCommand(
                    action.description, f"Key: {action.key or 'palette only'}", partial(self.run_action, action.action)
                )
        if self.session is None:
            return
        for record_type in RECORD_TYPES:
            yield SystemCommand(
                f"New {record_type.SINGULAR}",
                f"Add a {record_type.SINGULAR}",
                partial(self.new_record_of, record_type.KIND),
            )
        yield SystemCommand("Record a review", "Keep today's figures in the review log", self.record_review)
        for path in recent_models():
            if path != self.model_path.resolve():
                yield SystemCommand(f"Open recent: {path}", "Switch to this model", partial(self.switch_model, path))
        for record in self.session.model.all_records():
            yield SystemCommand(
                _clip(f"Open {record.id} {record.label}", 64),
                f"Edit this {record.SINGULAR}",
                partial(self.open_record, record.KIND, record.id),
            )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown(value: Any) -> str:
    if value is None:
        return "(deleted)"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v!r}" for k, v in value.items() if k != "id")
    return repr(value)


def run_app(path: Path) -> int:
    app = TmtuiApp(path)
    result = app.run()
    return result or 0
