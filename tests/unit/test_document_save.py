"""Saving: through symbolic links, errors that name the user's file, and no unseen change ever overwritten."""

from __future__ import annotations

import ctypes
import errno
import io
import os
from pathlib import Path

import pytest

from tmtui.document import save
from tmtui.document.edit import ChangedOnDiskError, Document
from tmtui.document.save import DiskChangedError, write_atomically
from tmtui.document.source import content_hash


def leftovers(*folders: Path) -> list[str]:
    """Temp files a save left behind."""
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---- symbolic links ------------------------------------------------------------------------------------------


def test_a_model_that_is_a_link_is_saved_through_it_and_stays_a_link(tmp_path, commented_text):
    real = tmp_path / "repo" / "threatmodel.toml"
    real.parent.mkdir()
    real.write_text(commented_text)
    real.chmod(0o640)
    link = tmp_path / "model.toml"
    link.symlink_to(real)
    document = Document.open(link)
    document.set_field("T1", "status", "mitigated")
    assert document.save()
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert 'status = "mitigated"' in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path, real.parent) == []


def test_a_chain_of_relative_links_is_followed_to_the_file(tmp_path):
    (tmp_path / "a").mkdir()
    real = tmp_path / "a" / "real.toml"
    real.write_text("old\n")
    (tmp_path / "middle.toml").symlink_to("a/real.toml")
    (tmp_path / "first.toml").symlink_to("middle.toml")
    write_atomically(tmp_path / "first.toml", b"new\n")
    assert real.read_text() == "new\n"
    assert os.readlink(tmp_path / "first.toml") == "middle.toml"
    assert os.readlink(tmp_path / "middle.toml") == "a/real.toml"


def test_a_dangling_link_gets_the_file_it_names(tmp_path):
    link = tmp_path / "model.toml"
    link.symlink_to("elsewhere/real.toml")
    (tmp_path / "elsewhere").mkdir()
    write_atomically(link, b"schema = 1\n")
    assert link.is_symlink()
    assert (tmp_path / "elsewhere" / "real.toml").read_bytes() == b"schema = 1\n"


def test_a_loop_of_links_is_refused_naming_the_path_and_nothing_is_written(tmp_path):
    one, two = tmp_path / "one.toml", tmp_path / "two.toml"
    one.symlink_to(two)
    two.symlink_to(one)
    with pytest.raises(OSError) as raised:
        write_atomically(one, b"x")
    assert raised.value.errno == errno.ELOOP and raised.value.filename == str(one)
    assert one.is_symlink() and two.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.toml", "two.toml"]


# ---- errors name the user's file -----------------------------------------------------------------------------


def test_a_read_only_folder_is_reported_with_the_model_path(commented_file, monkeypatch):
    before = commented_file.read_bytes()
    if os.geteuid() == 0:  # root writes anywhere: simulate what the kernel says to anyone else

        def refuse(dir: str, prefix: str, suffix: str) -> tuple[int, str]:
            raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, f"{prefix}mn5iil53{suffix}"))

        monkeypatch.setattr(save.tempfile, "mkstemp", refuse)
    else:
        commented_file.parent.chmod(0o555)
    try:
        document = Document.open(commented_file)
        document.set_field("T1", "status", "mitigated")
        with pytest.raises(PermissionError) as raised:
            document.save()
    finally:
        commented_file.parent.chmod(0o755)
    assert raised.value.filename == str(commented_file)
    assert ".tmp" not in str(raised.value) and str(commented_file) in str(raised.value)
    assert commented_file.read_bytes() == before
    assert leftovers(commented_file.parent) == []


def test_a_full_disk_is_reported_with_the_model_path_and_leaves_the_file_as_it_was(commented_file, monkeypatch):
    before = commented_file.read_bytes()

    class FullDisk(io.FileIO):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(save.os, "fdopen", lambda fd, mode: FullDisk(fd, "w"))
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    with pytest.raises(OSError) as raised:
        document.save()
    assert raised.value.errno == errno.ENOSPC
    assert str(raised.value) == f"[Errno {errno.ENOSPC}] No space left on device: '{commented_file}'"
    assert commented_file.read_bytes() == before
    assert leftovers(commented_file.parent) == []
    assert document.dirty


def test_a_rename_that_fails_names_the_model_path_not_the_temp_file(commented_file, monkeypatch):
    before = commented_file.read_bytes()

    def refuse(first: Path, second: Path) -> bool:
        raise PermissionError(errno.EACCES, "Permission denied", str(first))

    monkeypatch.setattr(save, "_exchange", refuse)
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    with pytest.raises(PermissionError) as raised:
        document.save()
    assert raised.value.filename == str(commented_file)
    assert commented_file.read_bytes() == before
    assert leftovers(commented_file.parent) == []


# ---- never overwrite a change not seen -----------------------------------------------------------------------


def replace_behind_our_back(path: Path, text: str) -> None:
    """Another program saving the file the way editors do: a new file renamed over it."""
    other = path.with_name("other-writer")
    other.write_text(text)
    os.replace(other, path)


@pytest.mark.skipif(save._renameat2 is None, reason="needs renameat2 (Linux)")
def test_a_writer_that_lands_just_before_the_swap_is_put_back(commented_file, monkeypatch):
    """The moment the old check-then-replace lost: the file changes after the check, before the rename."""
    real_exchange = save._exchange
    theirs = commented_file.read_text() + "\n# written by someone else\n"

    def writer_first(first: Path, second: Path) -> bool:
        if not hasattr(writer_first, "done"):
            writer_first.done = True  # type: ignore[attr-defined]
            replace_behind_our_back(second, theirs)
        return real_exchange(first, second)

    monkeypatch.setattr(save, "_exchange", writer_first)
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    with pytest.raises(ChangedOnDiskError):
        document.save()
    assert commented_file.read_text() == theirs
    assert leftovers(commented_file.parent) == []
    assert document.dirty


@pytest.mark.skipif(save._renameat2 is None, reason="needs renameat2 (Linux)")
def test_a_third_writer_between_swap_and_swap_back_keeps_the_newest_file(commented_file, monkeypatch):
    real_exchange = save._exchange
    calls: list[int] = []
    second_writer = commented_file.read_text() + "\n# second writer\n"
    third_writer = commented_file.read_text() + "\n# third writer, newest\n"

    def racing(first: Path, second: Path) -> bool:
        calls.append(1)
        if len(calls) == 1:
            replace_behind_our_back(second, second_writer)
        elif len(calls) == 2:
            replace_behind_our_back(second, third_writer)
        return real_exchange(first, second)

    monkeypatch.setattr(save, "_exchange", racing)
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    with pytest.raises(ChangedOnDiskError):
        document.save()
    assert commented_file.read_text() == third_writer
    assert leftovers(commented_file.parent) == []


def test_a_file_deleted_on_disk_is_a_change_and_is_not_recreated(commented_file):
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    commented_file.unlink()
    with pytest.raises(ChangedOnDiskError):
        document.save()
    assert list(commented_file.parent.iterdir()) == []


def test_an_unchanged_file_is_replaced_and_the_next_save_compares_with_it(commented_file):
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    assert document.save()
    document.set_field("T1", "status", "accepted")
    assert document.save()
    assert 'status = "accepted"' in commented_file.read_text()
    assert not document.changed_on_disk()
    assert leftovers(commented_file.parent) == []


def no_exchange_as_a_filesystem_says(old: bytes, new: bytes, flags: int) -> int:
    ctypes.set_errno(errno.EINVAL)
    return -1


@pytest.mark.parametrize("unavailable", [None, no_exchange_as_a_filesystem_says], ids=["not-linux", "EINVAL"])
def test_without_the_exchange_the_check_before_replace_still_guards(commented_file, monkeypatch, unavailable):
    monkeypatch.setattr(save, "_renameat2", unavailable)
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    assert document.save()
    assert 'status = "mitigated"' in commented_file.read_text()
    document.set_field("T1", "status", "accepted")
    theirs = commented_file.read_text() + "\n# someone else\n"
    replace_behind_our_back(commented_file, theirs)
    with pytest.raises(ChangedOnDiskError):
        document.save()
    assert commented_file.read_text() == theirs
    assert leftovers(commented_file.parent) == []


def test_write_atomically_checks_the_hash_it_is_given(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"a = 1\n")
    with pytest.raises(DiskChangedError):
        write_atomically(path, b"a = 2\n", expected_hash=content_hash(b"a = 0\n"))
    assert path.read_bytes() == b"a = 1\n"
    write_atomically(path, b"a = 2\n", expected_hash=content_hash(b"a = 1\n"))
    assert path.read_bytes() == b"a = 2\n"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(save._renameat2 is None, reason="needs renameat2 (Linux)")
def test_a_swapped_out_file_that_cannot_be_read_is_put_back_not_deleted(commented_file, monkeypatch):
    """Reading what the swap took out fails (EIO, a permission): it is somebody's change, so it goes back."""
    theirs = commented_file.read_text() + "\n# written by someone else\n"
    document = Document.open(commented_file)
    replace_behind_our_back(commented_file, theirs)
    real_hash = save._hash_of
    failures = iter([OSError(errno.EIO, "I/O error")])

    def failing_once(path: Path) -> str:
        error = next(failures, None)
        if error is not None:
            raise error
        return real_hash(path)

    monkeypatch.setattr(save, "_hash_of", failing_once)
    document.set_field("T1", "status", "mitigated")
    with pytest.raises(ChangedOnDiskError):
        document.save()
    assert commented_file.read_text() == theirs
    assert leftovers(commented_file.parent) == []


def test_a_model_replaced_by_a_fifo_is_a_change_and_never_blocks(commented_file):
    document = Document.open(commented_file)
    commented_file.unlink()
    os.mkfifo(commented_file)
    assert document.changed_on_disk()
