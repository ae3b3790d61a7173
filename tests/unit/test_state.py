"""Backups before the first save, and the list of recent models, under the user state folder."""

from tmtui.state import BACKUPS_KEPT, back_up, backup_folder, backups_of, recent_models, remember, restore_backup


def test_a_backup_keeps_the_bytes_and_only_the_newest_copies(commented_file, tmp_path):
    first = back_up(commented_file)
    assert first is not None and first.parent == backup_folder()
    assert first.read_bytes() == commented_file.read_bytes()
    for _ in range(BACKUPS_KEPT + 5):
        back_up(commented_file)
    assert len(list(backup_folder().glob("threatmodel-*.toml"))) == BACKUPS_KEPT
    assert back_up(tmp_path / "missing.toml") is None


def test_recent_models_are_newest_first_and_only_existing(tmp_path):
    paths = [tmp_path / f"m{i}.toml" for i in range(3)]
    for path in paths:
        path.write_text("schema = 1\n")
        remember(path)
    remember(paths[0])
    paths[1].unlink()
    assert recent_models() == [paths[0].resolve(), paths[2].resolve()]


def test_backups_are_listed_newest_first_with_time_and_size(commented_file):
    first = back_up(commented_file)
    commented_file.write_text("schema = 1\n", encoding="utf-8")
    second = back_up(commented_file)
    listed = backups_of(commented_file)
    assert [b.path for b in listed] == [second, first]
    assert listed[0].size == len("schema = 1\n") and listed[0].taken >= listed[1].taken
    assert backups_of(commented_file.with_name("other.toml")) == []


def test_restoring_backs_up_the_current_file_first(commented_file):
    original = commented_file.read_bytes()
    back_up(commented_file)
    commented_file.write_text("schema = 1\n", encoding="utf-8")
    saved = restore_backup(commented_file, backups_of(commented_file)[0])
    assert commented_file.read_bytes() == original
    assert saved is not None and saved.read_bytes() == b"schema = 1\n"
    assert backups_of(commented_file)[0].path == saved


def test_restoring_the_oldest_of_a_full_set_still_restores_it(commented_file):
    """Backing up the current file prunes the oldest copy; the chosen one is read before that."""
    for number in range(BACKUPS_KEPT):
        commented_file.write_text(f"# version {number}\nschema = 1\n", encoding="utf-8")
        back_up(commented_file)
    oldest = backups_of(commented_file)[-1]
    restore_backup(commented_file, oldest)
    assert commented_file.read_text(encoding="utf-8").startswith("# version 0\n")


def test_backups_of_a_model_whose_name_holds_glob_characters_are_found(tmp_path):
    path = tmp_path / "tm[1]*?.toml"
    path.write_text("schema = 1\n")
    back_up(path)
    assert len(backups_of(path)) == 1


def test_a_model_whose_name_is_not_utf8_is_backed_up_and_restored(tmp_path):
    import hashlib
    import os

    path = tmp_path / os.fsdecode(b"mod\xe8le.toml")  # a Latin-1 name, as an older system may have written it
    path.write_text("schema = 1\n")
    back_up(path)
    [backup] = backups_of(path)
    path.write_text("schema = 1\n# changed\n")
    restore_backup(path, backup)
    assert path.read_text() == "schema = 1\n"
    # a UTF-8 name keeps the family it had, so backups made before this change are still found
    named = tmp_path / "threatmodel.toml"
    named.write_text("schema = 1\n")
    digest = hashlib.sha256(str(named.resolve()).encode()).hexdigest()[:8]
    assert back_up(named) is not None
    assert len(list(backup_folder().glob(f"threatmodel-{digest}-*.toml"))) == 1
