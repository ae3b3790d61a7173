"""The tmtui app: opens a model, routes every edit through the session, saves off the UI thread."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import gc
import os
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, cast

from textual import events, on, work
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.app import App, SystemCommand
from textual.keys import _character_to_key
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tmtui.document.edit import DocumentError, ModelSyntaxError, Value
from tmtui.document.merge import Conflict, MergeResult
from tmtui.document.save import write_atomically
from tmtui.document.settings import Settings, load_settings, save_setting
from tmtui.document.source import UnreadableError, read_regular
from tmtui.model import compute_metrics
from tmtui.model.text import visible
from tmtui.rules import Library
from tmtui.session import FieldConflict, ReadOnlyError, RecordGoneError, SaveJob, SaveReport, Session
from tmtui.starter import starter_text
from tmtui.state import backup_folder, remember
from tmtui.tui.commands import ModelCommands
from tmtui.tui.keymap import KEYMAP, bindings, key_label
from tmtui.tui.messages import (
    DeleteRecord,
    EditRefused,
    FieldCommitted,
    FieldConflicted,
    LeaveForm,
    NewMitigationFor,
    NewThreatFor,
    OpenRecord,
    RecordReview,
    SuggestionsAsked,
)
from tmtui.tui.screens.brainstorm_screen import BrainstormScreen
from tmtui.tui.screens.capture_screen import CaptureScreen
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.export_screen import ExportScreen
from tmtui.tui.screens.file_screens import BrokenFileScreen, LoadingScreen, MissingFileScreen
from tmtui.tui.screens.help_screen import HelpScreen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.screens.save_as_screen import SaveAsScreen
from tmtui.tui.screens.suggestions_screen import SuggestionsScreen
from tmtui.tui.widgets.fields import InputEditor
from tmtui.tui.widgets.record_form import RecordForm
from tmtui.tui.widgets.record_list import Changed, RecordList

BACKGROUND_LOAD_BYTES = 128 * 1024  # larger models are read on a worker, behind a loading screen
# A first read that ends sooner than this shows no loading screen: the screen before it is blank and keys wait for
# the model anyway, and a loading screen built, drawn and taken down again took a third of the time to open a model
# of 1,000 threats.
LOADING_SCREEN_DELAY = 0.3
PANE_ACTIONS = {"pane", "new_record", "export", "suggest", "brainstorm", "quick_threat"}
EDIT_ACTIONS = {"undo", "redo", "save"}
# The longest a key of a burst waits for the one before to be handled. Keys settle in milliseconds; the bound only
# keeps a widget that never goes quiet from stalling input, so it is generous: on a loaded machine (a CI runner,
# a test run in parallel) a screen can take over a second to open, and a key released sooner loses its letter.
KEY_SETTLE_SECONDS = 3.0
# While a large model is being read, the quit key quits at once when no key typed ahead waits for the model, else
# after those keys (a title typed, then ctrl+q, is saved), and at once when pressed again. Ctrl+C, which people
# press to quit, is answered at once with how to quit (Textual's hint).
QUIT_KEY = "ctrl+q"
HINT_KEY = "ctrl+c"
# The pane each pane key shows: `1`-`4`, from the keymap.
PANE_KEYS = {
    action.key: int(action.action.removeprefix("pane(").rstrip(")"))
    for action in KEYMAP
    if action.action.startswith("pane(")
}
OPENING_POLL = 0.005  # seconds between looks at whether the model has opened, for the keys typed meanwhile
LEAVING_VERBS = {"quit": "Quit", "switched": "Switch"}  # the drop answer's verb, short enough for three buttons
HANG_UP_GRACE = 3.0  # seconds a hang-up or SIGTERM leaves for a clean exit once the edits are saved


class TmtuiApp(App[int]):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ModelCommands}
    TITLE = "tmtui"
    BINDINGS = bindings("app")

    def __init__(
        self,
        path: Path,
        settings: Settings | None = None,
        watch_interval: float | None = 1.0,
        capture: str | None = None,
        typed_ahead: str = "",
    ) -> None:
        super().__init__()
        self.model_path = path
        self.typed_ahead = typed_ahead  # keys typed before Python started, which the command line took for us
        self.settings = settings or load_settings()
        self.watch_interval = watch_interval
        self.capture_title = capture  # `tmtui capture`: the quick threat opens on this title once the model is open
        self.session: Session | None = None
        self._saves_running = 0
        self._conflicts_open = False
        self._disk_stamp: tuple[int, int] | None = None
        self._read_only_asked = False  # the first edit on a read-only file offers "save as" once
        # typing that met a change made elsewhere, while the person is asked: a hang-up rescues it
        self._unanswered: dict[int, tuple[str, FieldConflict]] = {}
        self._held_keys: collections.deque[events.Key] = collections.deque()  # a burst, applied one by one
        self._opened_once = False  # the first model read has ended (opened, or a screen says why not)
        self._loading_timer: Timer | None = None  # shows the loading screen of a first read that takes a while
        self._released_keys: weakref.WeakSet[events.Key] = weakref.WeakSet()
        self._key_pump: asyncio.Task[None] | None = None
        self.leaving = False  # set by commit_typing: the commit is that of a quit or a hang-up
        self.hang_up_timer: threading.Timer | None = None  # ends the process if a clean exit hangs after a hang-up
        self.suggestion_library: Library | None = None  # the threat library, read on the first `s`
        # every screen that shows the model redraws from this one signal after an edit, an undo or a merge; it
        # carries the ids of the records that changed, or None when any may have
        self.model_changed: Signal[Changed] = Signal(self, "model-changed")
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # A pane, a scroll or a list is shown at once: a sliding tab underline only delays what was asked for,
            # and its frames compete with drawing the pane (a third of showing pane 2 of a large model).
            self.animation_level = "none"

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification in plain words: messages name records, paths and values from the model, never markup.

        `markup` is accepted for Textual's callers (a screen's notify passes True) and ignored.
        """
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    # ---- opening ---------------------------------------------------------------------------------------------

    def on_load(self) -> None:
        """Before the driver reads a key: the keys typed before Python started go first, as the driver would have
        sent them (Textual's own parser reads them)."""
        if not self.typed_ahead:
            return
        parser = XTermParser()
        messages = list(parser.feed(self.typed_ahead))
        with contextlib.suppress(ParseError):
            messages += parser.feed("")  # the end: a lone escape at the end is the escape key
        for message in messages:
            message.set_sender(self)
            self.post_message(message)

    def on_mount(self) -> None:
        for problem in self.settings.problems:
            self.notify(problem, severity="warning")
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.open_model(first=True)
        self._install_hang_up()
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_disk)

    def on_unmount(self) -> None:
        gc.unfreeze()  # what was held since the model was opened is collected as usual again

    def open_model(self, first: bool = False, quick: bool = True) -> None:
        """Open the model: at once when it is small, on a worker behind a loading screen when it is large.
        `quick=False`: read with tomllib alone, when the quick read proved wrong."""
        show = self.push_screen if first else self.switch_screen
        try:
            size = self.model_path.stat().st_size
        except OSError:
            size = 0
        if size > BACKGROUND_LOAD_BYTES:
            loading = LoadingScreen(self.model_path, size)
            if first and LOADING_SCREEN_DELAY > 0:
                self._loading_timer = self.set_timer(LOADING_SCREEN_DELAY, partial(self.push_screen, loading))
            else:
                show(loading)
            self.read_in_background(quick)
        else:
            self._show_opened(self._read_session(quick), show)

    def _read_session(self, quick: bool) -> Session | Exception:
        # Reading makes the whole model at once, none of it garbage: a collection in between would only walk it.
        collecting = gc.isenabled()
        gc.disable()
        try:
            session = Session.open(self.model_path, quick=quick)
            session.findings  # noqa: B018 -- the model and its validation, built here rather than by the first screen
            if not self._opened_once:
                # held for good, as `_show_opened` says: frozen here, or the first collection after the read
                # (before that screen is shown) walks every object of the model, 3-9 ms at 1,000 threats
                gc.freeze()
            return session
        except (UnreadableError, ModelSyntaxError, DocumentError) as error:
            return error
        finally:
            if collecting:
                gc.enable()

    @work(thread=True, exclusive=True, group="open")
    def read_in_background(self, quick: bool) -> None:
        result = self._read_session(quick)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_read, result)

    def _show_read(self, result: Session | Exception) -> None:
        """What a read on the worker gave, in place of the loading screen if it was shown."""
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self._show_opened(result, self.switch_screen if isinstance(self.screen, LoadingScreen) else self.push_screen)

    @work(thread=True, group="recent", description="remember the model among the recent ones")
    def remember_in_background(self, path: Path) -> None:
        """Put `path` first among the recent models: a write (and fsync) the first screen does not wait for."""
        remember(path)

    @work(thread=True, group="prepare", description="cut the model into its records, ready for the first edit")
    def prepare_edits_in_background(self, session: Session) -> None:
        """What the first edit would otherwise do first, done once the first pane is drawn; then say which kinds of
        record the file lets tmtui read but not edit (known only once it is cut)."""
        session.document.prepare_edits()
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._tell_read_only, session)

    def _tell_read_only(self, session: Session) -> None:
        if session is not self.session:
            return
        if session.document.misread:
            self.notify(
                "The quick first read of this file differed from the full read, which is shown now. "
                "Please report this bug in tmtui.",
                title="Read again",
                severity="warning",
                timeout=15,
            )
            self.open_model(quick=False)
            return
        for kind, reason in session.document.read_only_kinds.items():
            self.notify(f"{kind} can be read but not edited here: {reason}", title="Read-only", timeout=15)

    def _show_opened(self, result: Session | Exception, show: Callable[[Screen], object]) -> None:
        first = not self._opened_once
        self._opened_once = True
        self.session = result if isinstance(result, Session) else None
        self._disk_stamp = self._stamp()
        if isinstance(result, Session):
            self.remember_in_background(self.model_path)
            main = MainScreen(result)
            # The collector walked the whole model as read again and again while the first screen was built (a
            # sixth of the first paint at 1,000 threats), and after each edit: what the app holds once the first
            # model is open is left out of collections. Only the first: frozen objects are never collected, and
            # at a later open the screen and model being replaced are still held.
            gc.unfreeze()
            if first:
                gc.freeze()
            show(main)
            if self.capture_title is not None:
                self.quick_threat(self.capture_title)
                self.capture_title = None
        elif isinstance(result, ModelSyntaxError):
            try:
                text = read_regular(self.model_path).decode("utf-8", errors="replace")
            except UnreadableError:
                text = ""  # replaced by something unreadable since: the message says where it broke
            show(BrokenFileScreen(self.model_path, result.finding.message, text, result.finding))
        elif isinstance(result, UnreadableError) and not self.model_path.exists():
            show(MissingFileScreen(self.model_path))
        else:
            show(BrokenFileScreen(self.model_path, getattr(result, "message", None) or str(result)))
        self.update_title()

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

    # ---- what the panes and forms tell the app ------------------------------------------------------------------

    @property
    def main_screen(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def edit_field(self, record_id: str, key: str, value: Value) -> None:
        """Set a field from outside a form (a conflict answered, a test); the form's own edits go through
        `FieldCommitted`."""
        assert self.session is not None
        try:
            changed = self.session.set_field(record_id, key, value)
        except DocumentError as error:
            self.notify(str(error), severity="error")
            return
        if changed:
            self.after_edit(_changed_by(record_id, key))

    def create_record(self, kind: str, fields: dict[str, Any]) -> str | None:
        assert self.session is not None
        try:
            record_id = self.session.add_record(kind, fields)
        except DocumentError as error:
            self.notify(str(error), title="Not added", severity="error", timeout=10)
            return None
        self.after_edit(frozenset({record_id}))
        return record_id

    @on(FieldCommitted)
    def _field_committed(self, event: FieldCommitted) -> None:
        event.stop()
        self.after_edit(_changed_by(event.record_id, event.key))

    @on(EditRefused)
    def _edit_refused(self, event: EditRefused) -> None:
        event.stop()
        self.notify(event.reason, title=event.title, severity="error", timeout=10)
        self.model_changed.publish(None)  # the form shows the model's value again

    @on(FieldConflicted)
    def _field_conflicted(self, event: FieldConflicted) -> None:
        event.stop()
        conflict = event.conflict
        self._unanswered[id(conflict)] = (event.kind, conflict)
        if isinstance(conflict, RecordGoneError):
            self._ask_to_keep(event.kind, conflict, event.keep)
            return

        def decided(answer: str | None) -> None:
            self._unanswered.pop(id(conflict), None)
            if answer == "mine":
                self.edit_field(conflict.record_id, conflict.key, conflict.mine)
            else:
                self.notify(f"Kept the file's {conflict.record_id}.{conflict.key}; your typing is dropped.")
                self.model_changed.publish(None)

        self._ask_mine_or_theirs(
            f"{conflict.record_id}.{conflict.key} changed on disk while you were typing it",
            conflict.mine,
            conflict.theirs,
            decided,
        )

    def _ask_to_keep(self, kind: str, conflict: FieldConflict, fields: dict[str, Any]) -> None:
        """The record being typed in was deleted elsewhere: bring it back under its id, or drop the typing."""
        fields = {k: v for k, v in {**fields, conflict.key: conflict.mine}.items() if k != "id"}

        def decided(answer: str | None) -> None:
            self._unanswered.pop(id(conflict), None)
            if answer != "keep" or self.session is None:
                self.notify(f"{conflict.record_id} stays deleted; your typing is dropped.")
                self.model_changed.publish(None)
                return
            try:
                self.session.keep_record(kind, conflict.record_id, fields)
            except DocumentError as error:
                self.notify(str(error), title="Not kept", severity="error", timeout=10)
                return
            self.notify(f"Kept {conflict.record_id} with your edit.")
            self.after_edit(frozenset({conflict.record_id}))

        self.push_screen(
            ChoiceModal(
                f"{conflict.record_id} was deleted while you were editing it",
                [("keep", "Keep it, with my edit", "k"), ("drop", "Drop my edit", "d")],
                detail=f"Your {conflict.key}: {_shown(conflict.mine)}",
            ),
            decided,
        )

    @on(OpenRecord)
    def _open_record_asked(self, event: OpenRecord) -> None:
        event.stop()
        if not event.record_id:
            self.notify("This record has no id, so tmtui cannot edit it: give it one in the file.", severity="warning")
            return
        self.open_record(event.kind, event.record_id)

    @on(DeleteRecord)
    def _delete_asked(self, event: DeleteRecord) -> None:
        event.stop()
        if not event.record_id:
            self.notify("This record has no id, so tmtui cannot edit it: give it one in the file.", severity="warning")
            return
        self.delete_record(event.record_id)

    @on(NewMitigationFor)
    def _new_mitigation_asked(self, event: NewMitigationFor) -> None:
        event.stop()
        self.new_mitigation_for(event.threat_id)

    @on(NewThreatFor)
    def _new_threat_asked(self, event: NewThreatFor) -> None:
        """A gap in the coverage grid: a threat on that element, in that STRIDE category, ready to be written."""
        event.stop()
        if self.session is not None:
            self.commit_typing()
            preset = {"targets": [event.target_id], "stride": [event.stride]}
            self.push_screen(RecordScreen(self.session, "threats", None, preset=preset))

    @on(SuggestionsAsked)
    def _suggestions_asked(self, event: SuggestionsAsked) -> None:
        event.stop()
        self.suggest(event.target)

    def action_suggest(self) -> None:
        self.suggest(None)

    def suggest(self, target: str | None) -> None:
        """The suggestions view: the whole model's unanswered candidates, or one component's or flow's."""
        if self.session is not None:
            self.commit_typing()
            self.push_screen(SuggestionsScreen(self.session, target))

    @on(RecordReview)
    def _record_review_asked(self, event: RecordReview) -> None:
        event.stop()
        self.record_review()

    @on(LeaveForm)
    def _form_left(self, event: LeaveForm) -> None:
        event.stop()
        main = self.main_screen
        if main is not None and self.screen is main:
            main.active_pane.focus_main()

    def reveal(self, kind: str, record_id: str) -> None:
        """Put the cursor of the lists of `kind` on a record, so escape from its form lands on it."""
        main = self.main_screen
        if main is not None:
            for record_list in main.query(RecordList):
                if record_list.kind == kind:
                    record_list.select(record_id)

    def after_edit(self, changed: Changed = None) -> None:
        """Tell every screen the model changed, and save (autosave) or mark the save as pending. `changed`: the ids
        of the records the edit changed, so the lists update just their rows (None: any may have)."""
        self.model_changed.publish(changed)
        if self.session is not None and self.session.read_only:
            if not self._read_only_asked:
                self._read_only_asked = True
                self.offer_save_as(f"{self.model_path} is read-only. Save your edits as:")
        elif self.settings.autosave:
            self.save()
        self.update_title()

    def update_title(self) -> None:
        if self.session is None:
            self.title, self.sub_title = "tmtui", visible(str(self.model_path))
            return
        name = self.session.model.system.name or "Untitled system"
        self.title = visible(f"tmtui · {name}")  # the header shows it as plain text, but ESC would reach the terminal
        pending = self.session.dirty
        read_only = " (read-only: ctrl+s saves elsewhere)" if self.session.read_only else ""
        self.sub_title = visible(f"{self.model_path}{read_only}{' ●' if pending else ''}")

    def commit_typing(self, leaving: bool = False) -> bool:
        """Commit what is typed in any form, before whatever was asked: a save, a quit, a pane, a hang-up.

        False when typing met a change made elsewhere: the person is being asked, so a quit must wait. `leaving`:
        the app is about to end (a quit, a hang-up), read by a screen that holds back text nobody has worked on
        yet while the app goes on (the title `tmtui capture` was given).
        """
        self.leaving = leaving
        committed = True
        for screen in self.screen_stack:
            for form in screen.query(RecordForm):
                committed = form.flush() and committed
            # A screen that takes typing outside a record form (an idea, a quick threat) keeps it the same way.
            flush_typing = getattr(screen, "flush_typing", None)
            if callable(flush_typing):
                committed = flush_typing() and committed
        return committed

    # ---- saving: the session decides, a worker writes ---------------------------------------------------------

    def save(self) -> None:
        """Render and verify here (fast), write on a worker thread."""
        if self.session is None:
            return
        try:
            job = self.session.prepare_save()
        except ReadOnlyError:
            self.update_title()
            return
        except DocumentError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return
        if job is None:
            return
        self._saves_running += 1
        # After the screen shows the edit: the worker's verification holds the GIL for long stretches, and a paint
        # sharing the interpreter with it would wait behind it. (A quit saves on its own; it never waits on this.)
        self.call_after_refresh(self.write_file, job)

    # A description, or Textual would build one from repr(job): the whole file's text and data, on the UI thread.
    @work(thread=True, group="save", description="save the model")
    def write_file(self, job: SaveJob) -> None:
        assert self.session is not None
        report = self.session.write(job)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._save_finished, report)

    def _save_finished(self, report: SaveReport) -> None:
        self._saves_running -= 1
        self._disk_stamp = self._stamp()
        if report.backup_problem:
            self.notify(report.backup_problem, severity="warning")
        if report.changed_on_disk:
            self.merge_disk_change()
        elif report.error:
            self.notify(report.error, title="Not saved", severity="error", timeout=10)
        self.update_title()

    def action_save(self) -> None:
        if self.session is None:
            return
        self.commit_typing()
        if self.session.read_only:
            self.offer_save_as(f"{self.model_path} is read-only. Save your edits as:")
            return
        if not self.session.dirty:
            self.notify("Nothing to save: the file is up to date.")
            return
        self.save()

    def offer_save_as(self, question: str, then: Callable[[], None] | None = None) -> None:
        """Ask for a path and save the model there; the app goes on with that file. `then` runs once saved."""
        if self.session is None:
            return
        suggested = self.model_path.with_name(f"{self.model_path.stem}.mine{self.model_path.suffix}")

        def chosen(path: Path | None) -> None:
            if path is None:
                self.notify("Not saved elsewhere; your edits are still here.")
                return
            if path.exists():
                self.push_screen(
                    ChoiceModal(
                        f"{path} exists. Replace it?",
                        [("replace", "Replace it", "y"), ("other", "Choose another name", "n")],
                    ),
                    lambda answer: (
                        self._save_as(path, True, then) if answer == "replace" else self.offer_save_as(question, then)
                    ),
                )
            else:
                self._save_as(path, False, then)

        self.push_screen(SaveAsScreen(question, suggested), chosen)

    def _save_as(self, path: Path, overwrite: bool, then: Callable[[], None] | None) -> None:
        assert self.session is not None
        try:
            self.session.save_as(path, overwrite=overwrite)
        except (OSError, DocumentError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.notify(f"Could not save as {path}: {reason}", title="Not saved", severity="error", timeout=10)
            return
        self.model_path = path
        self._disk_stamp = self._stamp()
        self._read_only_asked = False
        remember(path)
        self.notify(f"Saved as {path}; tmtui edits that file from now on.")
        self.update_title()
        if then is not None:
            then()

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
        had_edits = self.session.dirty
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
        self._merged([result], had_edits)
        self.after_edit()

    def _merged(self, results: list[MergeResult], had_edits: bool) -> None:
        """Say what a merge with the disk did, and ask about each field changed on both sides."""
        replayed = sum(r.replayed for r in results)
        if not had_edits:
            message = "The file changed on disk; reloaded."
        else:
            message = f"The file changed on disk; merged it with your {replayed} edit{'s' * (replayed != 1)} made here."
        self.notify(" ".join([message, *(note for r in results for note in r.notes)]))
        self.ask_about([c for r in results for c in r.conflicts])

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

        self._ask_mine_or_theirs(conflict.describe(), conflict.mine, conflict.theirs, decided)

    def _ask_mine_or_theirs(self, question: str, mine: Any, theirs: Any, decided: Callable[[str | None], None]) -> None:
        """Mine, theirs, or see both in full first (long text does not fit a line), then mine or theirs."""
        answers = [("mine", "Keep mine", "m"), ("theirs", "Take the file's", "t")]

        def first(answer: str | None) -> None:
            if answer != "both":
                decided(answer)
                return
            self.push_screen(
                ChoiceModal(question, answers, detail=f"Mine:\n{_shown(mine)}\n\nIn the file:\n{_shown(theirs)}"),
                decided,
            )

        self.push_screen(
            ChoiceModal(
                question,
                [*answers, ("both", "See both", "b")],
                detail=f"Here: {_clip(_shown(mine), 60)}\nIn the file: {_clip(_shown(theirs), 60)}",
            ),
            first,
        )

    # ---- actions on records ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pane":  # from a form too (by the palette): the form's field is committed and it closes
            return self.session is not None and isinstance(self.screen, MainScreen | RecordScreen)
        if action in PANE_ACTIONS:
            return self.session is not None and isinstance(self.screen, MainScreen)
        if action in EDIT_ACTIONS:
            return self.session is not None and isinstance(self.screen, MainScreen | RecordScreen)
        return True

    async def action_pane(self, number: int) -> None:
        # typed in a field, 1-4 are characters and never get here; from the palette they commit the field first
        self.commit_typing()
        while isinstance(self.screen, RecordScreen):
            self.screen.action_back()
        if isinstance(self.screen, MainScreen):
            await self.screen.show_pane(number)

    def action_new_record(self) -> None:
        main = self.main_screen
        if main is None or self.screen is not main or self.session is None:
            return
        self.new_record_of(main.active_pane.list_for_new().kind)

    def new_record_of(self, kind: str) -> None:
        """The form of a new record; a review is recorded at once, with today's figures. A kind this file lets
        tmtui read but not edit gets no form to type into, only the reason."""
        if self.session is None:
            return
        reason = self.session.read_only_reason(kind)
        if reason is not None:
            self.notify(reason, title="Not added", severity="error", timeout=10)
            return
        if kind == "reviews":
            self.record_review()
        else:
            self.push_screen(RecordScreen(self.session, kind, None))

    def open_record(self, kind: str, record_id: str) -> None:
        if self.session is not None:
            self.commit_typing()
            self.push_screen(RecordScreen(self.session, kind, record_id))

    def delete_record(self, record_id: str) -> None:
        """Delete a record once the person says yes, offering to drop the references to it."""
        if self.session is None:
            return
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
            # dropping the references to it changes the records that held them
            self.after_edit(None if answer == "drop" else frozenset({record_id}))
            self.notify(f"Deleted {record_id}. Ctrl+Z brings it back.")

        self.push_screen(ChoiceModal(f"Delete {label}?", answers, detail=detail), decided)

    def action_quick_threat(self) -> None:
        self.quick_threat("")

    def quick_threat(self, title: str) -> None:
        """The one-threat exercise: a guided flow for one new threat, its title already typed when given."""
        if self.session is not None:
            self.commit_typing()
            self.push_screen(CaptureScreen(self.session, title))

    def new_mitigation_for(self, threat_id: str) -> None:
        if self.session is not None:
            self.commit_typing()
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
        """In a field with typing, undo the typing; elsewhere, the last committed edit."""
        editor = self.focused.parent if isinstance(self.focused, Input) else None
        if isinstance(editor, InputEditor) and editor.undo_typing():
            return
        if self.session is not None:
            self.commit_typing()
            self._report_history(self.session.undo(), "Undid", "Nothing to undo.")

    def action_redo(self) -> None:
        if self.session is not None:
            self.commit_typing()
            self._report_history(self.session.redo(), "Redid", "Nothing to redo.")

    def _report_history(self, done: str | None, verb: str, nothing: str) -> None:
        self.notify(f"{verb}: {done}" if done else nothing)
        if done:
            self.after_edit()

    def action_export(self) -> None:
        if self.session is not None and not isinstance(self.screen, ExportScreen):
            self.push_screen(ExportScreen(self.session.model, self.model_path))

    def action_brainstorm(self) -> None:
        """ "What could go wrong?" for a group: element by element, an idea per Enter, then the triage."""
        if self.session is not None:
            self.commit_typing()
            self.push_screen(BrainstormScreen(self.session))

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

    # ---- leaving: quit, switch model, hang-up -----------------------------------------------------------------

    async def action_quit(self) -> None:
        self.leave("quit", lambda: self.exit(0))

    def leave(self, leaving: str, then: Callable[[], None]) -> None:
        """Commit the field being typed, write every edit, then `then`. When the file cannot be written, offer to
        save elsewhere, to drop the edits, or to stay: never a dead end."""
        if not self.commit_typing(leaving=True):
            self.notify(f"Not {leaving} yet: answer the question about your typing, then {leaving} again.")
            return
        session = self.session
        if session is None or not session.dirty:
            then()
            return
        had_edits = session.dirty
        report = session.save()
        if report.backup_problem:
            self.notify(report.backup_problem, severity="warning")
        if report.merges:
            self._disk_stamp = self._stamp()
            self.model_changed.publish(None)
            self._merged(report.merges, had_edits)
        if report.conflicts:
            self.notify(f"Not {leaving} yet: answer the question about the change on disk, then {leaving} again.")
            return
        if report.error is None:
            then()
            return
        self.update_title()
        edits = _edits(session.unsaved_edits)

        def decided(answer: str | None) -> None:
            if answer == "elsewhere":
                self.offer_save_as("Save your edits as:", then)
            elif answer == "drop":
                then()

        self.push_screen(
            ChoiceModal(
                f"Your {edits} cannot be saved to {self.model_path}",
                [
                    ("elsewhere", "Save elsewhere", "s"),
                    ("drop", f"{LEAVING_VERBS[leaving]}, drop {_edits(session.unsaved_edits, 'edit')}", "d"),
                    ("stay", "Stay", "n"),
                ],
                detail=report.error,
            ),
            decided,
        )

    def switch_model(self, path: Path) -> None:
        """Open another model in this window, once the current one is saved."""

        def switch() -> None:
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.model_path = path
            self._read_only_asked = False
            self.open_model()

        self.leave("switched", switch)

    def _hang_up(self, signum: int) -> None:
        """The terminal is gone (SIGHUP) or the system stops the app (SIGTERM): commit, save now, exit.

        With no one left to ask, edits the file cannot take (read-only, broken on disk) go to a new file beside it,
        or else beside the backups.
        """
        try:
            forms = [form for screen in self.screen_stack for form in screen.query(RecordForm)]
            raised_before = {id(form): len(form.conflicts_raised) for form in forms}
            self.commit_typing(leaving=True)
            unanswered = [*self._unanswered.values()]
            unanswered += [(f.kind, c) for f in forms for c in f.conflicts_raised[raised_before[id(f)] :]]
            session = self.session
            if session is not None and (session.dirty or unanswered):
                report = session.save()
                if report.error or report.conflicts or unanswered:
                    _take_mine(session, report.conflicts, unanswered)
                    _rescue(session, self.model_path)
        finally:
            # the terminal may be gone, so a clean exit may never finish: the file is saved, leave in any case
            self.hang_up_timer = threading.Timer(HANG_UP_GRACE, os._exit, (128 + signum,))
            self.hang_up_timer.daemon = True
            self.hang_up_timer.start()
            self.exit(128 + signum)

    def _install_hang_up(self) -> None:
        if self.is_headless or threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self._hang_up, signum)

    def on_resize(self) -> None:
        self.commit_typing()

    async def on_event(self, event: events.Event) -> None:
        """Apply a burst of keys in order, each after the one before has done all it does.

        Textual hands a key to the widget focused when the app reads it. When an earlier key of a burst opens or
        closes a screen (enter on a list, escape in a form), that happens a few messages later, so the keys after
        it went to the old screen, which ignored them, and came back to the app, which then ran the *new*
        screen's bindings but dropped its characters: "enter, ctrl+u, text, enter" saved an empty title. So a key
        that arrives while the one before is still being handled waits until the app has settled.
        """
        if isinstance(event, events.Key) and not event.is_forwarded:
            if (split := _escape_then_key(event)) is not None:
                for key in split:
                    key.set_sender(self)
                    await self.on_event(key)
                return
            if event in self._released_keys:
                self._released_keys.discard(event)
            elif self._model_opening() and self._acts_at_once(event.key):
                pass
            elif self._model_opening():
                if event.key == QUIT_KEY:
                    self.notify(
                        "Quitting once the model is open and the keys typed before this one are applied; "
                        "Ctrl+Q again quits now, without them.",
                        title="Quit",
                    )
                # typed ahead while a large model is read: kept for the screen that opens, as a shell keeps them
                self._held_keys.append(event)
                if self._key_pump is None or self._key_pump.done():
                    self._key_pump = asyncio.create_task(self._release_held_keys())
                return
            elif self._key_pump is not None and not self._key_pump.done():
                self._held_keys.append(event)
                return
            else:
                self._key_pump = asyncio.create_task(self._release_held_keys())
        await super().on_event(event)

    async def _release_held_keys(self) -> None:
        while True:
            if self._model_opening():
                while self._model_opening():  # as long as the read takes: a model may be large
                    await asyncio.sleep(OPENING_POLL)
                if self.session is None:
                    # the model did not open: keys typed for it must not act on the screen that says why, but a
                    # quit typed after them still quits
                    quits = [key for key in self._held_keys if key.key == QUIT_KEY][:1]
                    self._held_keys.clear()
                    self._held_keys.extend(quits)
            await self._settled()
            if not self._held_keys:
                return
            held = self._held_keys.popleft()
            key = events.Key(held.key, held.character)
            key.set_sender(self)
            self._released_keys.add(key)
            self.post_message(key)

    def _acts_at_once(self, key: str) -> bool:
        """Whether a key typed while the model is read acts now rather than wait for it: Ctrl+C's hint, and a quit
        when no key typed ahead waits for the model (nothing typed would be lost) or a quit already waits behind
        them (pressed twice: the person means now)."""
        if key == HINT_KEY:
            return True
        return key == QUIT_KEY and (not self._held_keys or any(held.key == QUIT_KEY for held in self._held_keys))

    def _model_opening(self) -> bool:
        """Whether the model is still being read (the app just started, or a loading screen is up), or its screen
        has not chosen its first pane yet: keys typed now are meant for the screen that opens, and wait for it."""
        screen = self._top_screen()
        if isinstance(screen, MainScreen):
            return not screen.first_pane_chosen
        return not self._opened_once or isinstance(screen, LoadingScreen)

    def _top_screen(self) -> Screen | None:
        """The screen in view; None once the app has closed them all (a key pump can outlive them by a moment)."""
        return self.screen_stack[-1] if self.screen_stack else None

    def take_pane_typed_ahead(self) -> int | None:
        """The pane the first key held for the opening model asks for, that key taken from those held; None when
        the first key is not a pane's (it is left for the pane that opens)."""
        number = PANE_KEYS.get(self._held_keys[0].key) if self._held_keys else None
        if number is not None:
            self._held_keys.popleft()
        return number

    async def _settled(self) -> None:
        """Wait, within a bound, until no widget has a message waiting or being handled: the last key's effects
        (a binding run after it bubbled up, a screen opened, focus moved) are done."""
        deadline = time.monotonic() + KEY_SETTLE_SECONDS
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:  # twice in a row: nothing was posted in between
            await asyncio.sleep(0)
            nodes = [self, *(node for screen in self.screen_stack for node in screen.walk_children(with_self=True))]
            # A callback asked for after the next refresh (a form focusing its field) waits on its screen, in no
            # queue. Only the screen in view counts: one under it is not refreshed until it is back in view, and
            # a callback it holds (its footer's, after a focus) held every key typed meanwhile for the whole bound.
            waiting = bool((screen := self._top_screen()) is not None and screen._callbacks)
            quiet = quiet + 1 if not waiting and not any(_busy(node) for node in nodes) else 0

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
                key = key_label(action) if action.key else "palette only"
                yield SystemCommand(action.description, f"Key: {key}", partial(self.run_action, action.action))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# tmtui binds no alt keys, so ESC and a key read together (tmux send-keys, a fast typist, a slow link) are
# escape followed by that key. Textual reads ESC and a digit as a macOS Option character ("\x1b3" is "£"), which
# would type "£" into a field instead of leaving it for pane 3: those sequences are read as alt+digit instead.
for _digit in "0123456789":
    cast("dict[str, object]", ANSI_SEQUENCES_KEYS).pop(f"\x1b{_digit}", None)


def _escape_then_key(key: events.Key) -> tuple[events.Key, events.Key] | None:
    """`alt+x` as the escape key followed by `x`; None for any other key."""
    if not key.key.startswith("alt+") or key.character is None or len(key.character) != 1:
        return None
    character = key.character
    name = character if character.isalnum() else _character_to_key(character)
    return events.Key("escape", "\x1b"), events.Key(name, character)


def _take_mine(session: Session, conflicts: list[Conflict], typed: list[tuple[str, FieldConflict]]) -> None:
    """With no one left to ask, this side's version of everything in question, for the rescue file."""
    for conflict in conflicts:
        with contextlib.suppress(DocumentError):
            session.keep_mine(conflict)
    for kind, field_conflict in typed:
        with contextlib.suppress(DocumentError):
            if isinstance(field_conflict, RecordGoneError):
                session.keep_record(kind, field_conflict.record_id, {field_conflict.key: field_conflict.mine})
            else:
                session.set_field(field_conflict.record_id, field_conflict.key, field_conflict.mine)


def _rescue(session: Session, path: Path) -> None:
    """This side's version in a new file beside the model (or beside the backups): nothing typed is dropped."""
    for rescue in _rescue_paths(path):
        try:
            rescue.parent.mkdir(parents=True, exist_ok=True)
            session.save_as(rescue)
            return
        except (OSError, DocumentError):
            continue


def _rescue_paths(path: Path) -> list[Path]:
    """Where edits go when a hang-up finds the model unwritable: new files, never one that exists."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{path.stem}.unsaved-{stamp}{path.suffix}"
    return [path.with_name(name), backup_folder() / name]


def _busy(node: MessagePump) -> bool:
    """Whether a widget has messages waiting, or one it is handling now (Textual marks each done when handled)."""
    queue: asyncio.Queue[Any] = node._message_queue
    return bool(getattr(queue, "_unfinished_tasks", queue.qsize()))


def _edits(count: int, noun: str = "unsaved edit") -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _shown(value: Any) -> str:
    if value is None:
        return "(deleted)"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v!r}" for k, v in value.items() if k != "id")
    return repr(value)


def run_app(path: Path, capture: str | None = None, typed_ahead: str = "") -> int:
    app = TmtuiApp(path, capture=capture, typed_ahead=typed_ahead)
    result = app.run()
    return result or 0


def _changed_by(record_id: str, key: str) -> Changed:
    """What a field edit changed: its record, or, when the id itself changed, anything (the old id is gone)."""
    return None if key == "id" else frozenset({record_id})
