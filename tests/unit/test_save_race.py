"""Saves racing other writers on one file: every record either side added must be in the file at the end.

A lost update is a record that a writer saved and that is not in the file once everyone is done. These tests
count them; the count must be zero on every run (pass or fail never depends on timing, only how much they race).
"""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

from tmtui.document.edit import ChangedOnDiskError
from tmtui.document.save import DiskChangedError, write_atomically
from tmtui.document.source import content_hash
from tmtui.session import Session

START = """# a model two writers share
schema = 1

[system]
name = "Shop"

# ---- Threats ----

[[threats]]
id = "T1"
title = "original"
"""


def titles_on_disk(path: Path) -> list[str]:
    return [threat["title"] for threat in tomllib.loads(path.read_text())["threats"]]


def save_until_written(session: Session, attempts: int = 500) -> int:
    """Save, merging the file's change and trying again whenever it changed on disk; returns the merges."""
    for merges in range(attempts):
        try:
            session.document.save()
            return merges
        except ChangedOnDiskError:
            session.merge_from_disk()
    raise AssertionError(f"not saved after {attempts} merges")


class RewritingScript(threading.Thread):
    """A script that appends a threat every few milliseconds, replacing the file only if no one wrote between
    its read and its write (as a careful tool does), and remembers each threat it saved. It stops after
    `writes` threats, so the file stays small and the other side is never starved for good."""

    def __init__(self, path: Path, writes: int) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.writes = writes
        self.saved: list[str] = []
        self.stop = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while len(self.saved) < self.writes and not self.stop.wait(0.004):
                self._append_one()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.failure = error

    def _append_one(self) -> None:
        data = self.path.read_bytes()
        threats = tomllib.loads(data.decode())["threats"]
        number = 1 + max(int(t["id"][1:]) for t in threats)
        title = f"theirs-{len(self.saved)}"
        text = data.decode() + f'\n[[threats]]\nid = "T{number}"\ntitle = "{title}"\n'
        try:
            write_atomically(self.path, text.encode(), expected_hash=content_hash(data))
        except DiskChangedError:
            return  # someone wrote meanwhile: read again next time
        self.saved.append(title)


def test_a_session_saving_against_a_script_rewriting_the_file_loses_no_update(tmp_path):
    path = tmp_path / "threatmodel.toml"
    path.write_text(START)
    session = Session.open(path)
    script = RewritingScript(path, writes=40)
    script.start()
    mine: list[str] = []
    merges = 0
    try:
        for number in range(25):
            title = f"mine-{number}"
            session.add_record("threats", {"title": title})
            mine.append(title)
            merges += save_until_written(session)
            session.set_field("T1", "title", f"edited {number}")
            merges += save_until_written(session)
    finally:
        script.stop.set()
        script.join()
    assert script.failure is None
    on_disk = set(titles_on_disk(path))
    lost = [title for title in mine + script.saved if title not in on_disk]
    assert lost == [], f"{len(lost)} lost updates after {merges} merges and {len(script.saved)} outside writes"
    assert len(titles_on_disk(path)) == 1 + len(mine) + len(script.saved)  # and none written twice


def add_ten_threats(session: Session, name: str, failures: list[BaseException]) -> None:
    """One app's work: ten threats, each saved as it is added, and the first threat's title edited half-way."""
    try:
        for number in range(10):
            session.add_record("threats", {"title": f"{name}-{number}"})
            save_until_written(session)
            if number == 4:
                session.set_field("T1", "title", f"{name}'s title")
                save_until_written(session)
    except BaseException as error:  # reported by the test, not lost in the thread
        failures.append(error)


def test_two_apps_on_one_file_adding_threats_and_editing_one_title_lose_nothing(tmp_path):
    path = tmp_path / "threatmodel.toml"
    for trial in range(20):
        path.write_text(START)
        sessions = {name: Session.open(path) for name in ("left", "right")}
        failures: list[BaseException] = []
        workers = [threading.Thread(target=add_ten_threats, args=(s, name, failures)) for name, s in sessions.items()]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == []
        titles = titles_on_disk(path)
        added = [f"{name}-{number}" for name in sessions for number in range(10)]
        lost = [title for title in added if title not in titles]
        assert lost == [], f"trial {trial}: lost {lost}"
        assert len(titles) == 21
        assert titles[0] in {"left's title", "right's title"}
