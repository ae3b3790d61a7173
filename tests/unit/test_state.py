"""Backups before the first save, and the list of recent models, under the user state folder."""

from tmtui.state import BACKUPS_KEPT, back_up, backup_folder, recent_models, remember


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
