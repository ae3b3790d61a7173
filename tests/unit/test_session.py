"""The session's save pipeline and field conflicts, without a terminal: each failure path in milliseconds."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tmtui import session as session_module
from tmtui.document.edit import Document, DocumentError
from tmtui.session import FieldConflict, ReadOnlyError, RecordGoneError, Session
from tmtui.state import backup_folder


def titles(path: Path) -> list[str]:
    return [t["title"] for t in tomllib.loads(path.read_text())["threats"]]


def test_a_save_writes_the_edits_and_counts_none_left(commented_file):
    session = Session.open(commented_file)
    session.set_field("T1", "title", "one")
    session.set_field("T2", "title", "two")
    assert session.unsaved_edits == 2
    report = session.save()
    assert report.written and report.error is None
    assert session.unsaved_edits == 0 and not session.dirty
    assert titles(commented_file)[:2] == ["one", "two"]


def test_nothing_to_save_writes_nothing(commented_file, commented_text):
    session = Session.open(commented_file)
    report = session.save()
    assert not report.written and report.error is None
    assert commented_file.read_text() == commented_text


def test_a_change_on_disk_is_merged_and_the_save_tried_again(commented_file):
    session = Session.open(commented_file)
    session.set_field("T2", "title", "mine")
    commented_file.write_text(commented_file.read_text().replace('"Brute force"', '"theirs"'))
    report = session.save()
    assert report.written and len(report.merges) == 1 and not report.conflicts
    assert titles(commented_file) == ["SQL injection", "mine", "theirs"]


def test_a_field_changed_on_both_sides_comes_back_as_a_conflict_with_the_files_value_kept(commented_file):
    session = Session.open(commented_file)
    session.set_field("T2", "title", "mine")
    commented_file.write_text(commented_file.read_text().replace('"Password dump"', '"theirs"'))
    report = session.save()
    assert [(c.record_id, c.key, c.mine, c.theirs) for c in report.conflicts] == [("T2", "title", "mine", "theirs")]
    assert titles(commented_file)[1] == "theirs"
    session.keep_mine(report.conflicts[0])
    assert session.save().written
    assert titles(commented_file)[1] == "mine"


def test_a_file_on_disk_that_no_longer_parses_is_not_written_and_the_edits_stay(commented_file):
    session = Session.open(commented_file)
    session.set_field("T1", "title", "mine")
    commented_file.write_text("[[threats]\nbroken")
    report = session.save()
    assert not report.written and "cannot be read now" in (report.error or "")
    assert commented_file.read_text() == "[[threats]\nbroken"
    assert session.unsaved_edits == 1 and session.model.find("T1").title == "mine"


def test_an_os_error_is_reported_with_the_path_and_the_edits_stay(commented_file, monkeypatch):
    session = Session.open(commented_file)
    session.set_field("T1", "title", "mine")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Document, "write", disk_full)
    report = session.save()
    assert not report.written
    assert report.error == f"{commented_file} could not be written: No space left on device"
    assert session.dirty and session.unsaved_edits == 1


def test_a_folder_gone_is_an_error_not_a_crash(tmp_path, commented_text):
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "threatmodel.toml"
    path.write_text(commented_text)
    session = Session.open(path)
    session.set_field("T1", "title", "mine")
    path.unlink()
    folder.rmdir()
    report = session.save()
    assert not report.written and report.error


def test_the_first_save_backs_the_file_up_once(commented_file, commented_text):
    session = Session.open(commented_file)
    session.set_field("T1", "title", "one")
    session.save()
    session.set_field("T1", "title", "two")
    session.save()
    assert [b.read_text() for b in backup_folder().glob("threatmodel-*.toml")] == [commented_text]


def test_a_backup_that_fails_does_not_stop_the_save(commented_file, monkeypatch):
    def no_room(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module, "back_up", no_room)
    session = Session.open(commented_file)
    session.set_field("T1", "title", "saved anyway")
    report = session.save()
    assert report.written and report.backup_problem == "No backup made: No space left on device"
    assert titles(commented_file)[0] == "saved anyway"


def test_a_read_only_file_is_never_written_and_says_so(commented_file, commented_text, monkeypatch):
    # the tests may run as root, for whom every file is writable: the session's writability check is what is tested
    monkeypatch.setattr(session_module, "can_write", lambda path: False)
    session = Session.open(commented_file)
    assert session.read_only
    session.set_field("T1", "title", "mine")
    with pytest.raises(ReadOnlyError):
        session.prepare_save()
    report = session.save()
    assert report.read_only and not report.written and "read-only" in (report.error or "")
    assert commented_file.read_text() == commented_text


def test_save_as_writes_the_edits_elsewhere_and_goes_on_with_that_file(commented_file, commented_text, monkeypatch):
    monkeypatch.setattr(session_module, "can_write", lambda path: path != commented_file)
    session = Session.open(commented_file)
    session.set_field("T1", "title", "mine")
    elsewhere = commented_file.with_name("threatmodel.mine.toml")
    session.save_as(elsewhere)
    assert session.path == elsewhere and not session.read_only and not session.dirty
    assert titles(elsewhere)[0] == "mine"
    assert "# Comment about T2" in elsewhere.read_text()
    assert commented_file.read_text() == commented_text
    session.set_field("T2", "title", "next")
    assert session.save().written
    assert titles(elsewhere)[:2] == ["mine", "next"]


def test_save_as_refuses_an_existing_file_unless_told_to_overwrite(commented_file, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("# mine\n")
    session = Session.open(commented_file)
    session.set_field("T1", "title", "mine")
    with pytest.raises(FileExistsError):
        session.save_as(other)
    assert other.read_text() == "# mine\n"
    session.save_as(other, overwrite=True)
    assert titles(other)[0] == "mine"


def test_a_typed_field_whose_base_changed_on_disk_is_a_conflict(commented_file):
    session = Session.open(commented_file)
    commented_file.write_text(commented_file.read_text().replace('"SQL injection"', '"theirs"'))
    session.merge_from_disk()
    with pytest.raises(FieldConflict) as caught:
        session.set_field("T1", "title", "mine", base="SQL injection")
    conflict = caught.value
    assert (conflict.base, conflict.mine, conflict.theirs) == ("SQL injection", "mine", "theirs")
    assert session.model.find("T1").title == "theirs"


def test_a_typed_field_whose_base_still_holds_is_set(commented_file):
    session = Session.open(commented_file)
    assert session.set_field("T1", "title", "mine", base="SQL injection")
    assert session.model.find("T1").title == "mine"


def test_the_same_value_typed_on_both_sides_is_no_conflict(commented_file):
    session = Session.open(commented_file)
    session.set_field("T1", "title", "same")
    assert not session.set_field("T1", "title", "same", base="SQL injection")


def test_a_record_deleted_while_typed_can_be_kept_under_its_id(commented_file):
    session = Session.open(commented_file)
    session.delete_record("T2")
    with pytest.raises(RecordGoneError) as caught:
        session.set_field("T2", "title", "typed", base="Password dump")
    assert caught.value.mine == "typed"
    session.keep_record("threats", "T2", {"title": "typed", "targets": ["C2"]})
    assert session.model.find("T2").title == "typed"


def test_edits_made_as_one_step_are_undone_and_redone_together(commented_file):
    session = Session.open(commented_file)
    before = session.document.text()
    with session.one_step("merge T3 into T2"):
        session.set_field("T2", "notes", "Also raised as: Brute force")
        session.set_field("M1", "threats", ["T1", "T2"])
        session.delete_record("T3")
    assert session.undo() == "merge T3 into T2"
    assert session.document.text() == before
    assert session.undo() is None
    session.redo()
    assert [t.id for t in session.model.threats] == ["T1", "T2"]
    assert session.model.find("M1").threats == ["T1", "T2"]


def test_edits_made_as_one_step_are_rolled_back_whole_when_one_is_refused(commented_file):
    session = Session.open(commented_file)
    before = session.document.text()
    with pytest.raises(DocumentError), session.one_step("half a merge"):
        session.set_field("T2", "notes", "written first")
        session.set_field("T2", "id", "T9")  # ids never change: refused
    assert session.document.text() == before
    assert session.undo() is None
