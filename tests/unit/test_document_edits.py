"""Each kind of edit on a heavily commented file, checked as a diff: only the intended lines change."""

import datetime as dt
import difflib
import tomllib

import pytest

from tmtui.document.edit import ChangedOnDiskError, Document, DocumentError, PreparedSave, RecordNotFoundError


def diff(before: str, after: str) -> list[str]:
    """The changed lines, each with its + or - sign."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def document(commented_text: str) -> Document:
    return Document.from_text(commented_text)


def test_setting_a_string_keeps_its_literal_style_and_trailing_comment(document, commented_text):
    document.set_field("A1", "name", "Orders and carts")
    assert diff(commented_text, document.text()) == [
        "-name = 'Orders'  # literal string",
        "+name = 'Orders and carts'  # literal string",
    ]


def test_a_value_the_literal_style_cannot_hold_falls_back_to_a_basic_string(document, commented_text):
    document.set_field("A1", "name", "Bob's orders")
    assert diff(commented_text, document.text()) == [
        "-name = 'Orders'  # literal string",
        '+name = "Bob\'s orders"  # literal string',
    ]


def test_multiline_text_keeps_the_multiline_style(document, commented_text):
    document.set_field("T1", "notes", "First.\nSecond.\nThird.")
    assert diff(commented_text, document.text()) == [
        "-Line one.",
        '-Line two."""',
        "+First.",
        "+Second.",
        '+Third."""',
    ]


def test_a_list_of_ids_is_edited_in_place_so_its_comments_stay(document, commented_text):
    document.set_field("C1", "assets", ["A1"])
    assert diff(commented_text, document.text()) == ['-  "A2",']
    document.set_field("C1", "assets", ["A1", "A2"])
    assert document.text() == commented_text


def test_a_new_key_lands_after_the_last_key_not_after_the_glued_comment(document, commented_text):
    document.set_field("T2", "likelihood", "low")
    after = document.text()
    assert diff(commented_text, after) == ['+likelihood = "low"']
    assert '# the database\nstatus = "open"\nlikelihood = "low"\n# glued to T2\n' in after


def test_removing_a_key_touches_only_its_line(document, commented_text):
    document.set_field("A2", "sensitivity", None)
    assert diff(commented_text, document.text()) == ['-sensitivity = "high"']
    assert document.set_field("A2", "sensitivity", None) is False


def test_setting_the_same_value_changes_nothing(document, commented_text):
    assert document.set_field("T1", "title", "SQL injection") is False
    assert document.dirty is False
    assert document.text() == commented_text


def test_system_fields_and_dates_and_booleans(document, commented_text):
    document.set_field("system", "name", "Shop 2")
    document.set_field("R1", "date", dt.date(2026, 2, 3))
    assert diff(commented_text, document.text()) == [
        '-name = "Shop"  # the shop',
        '+name = "Shop 2"  # the shop',
        "-date = 2026-01-02",
        "+date = 2026-02-03",
    ]


def test_a_new_key_in_a_record_with_a_sub_table_goes_before_the_sub_table(document):
    document.set_field("R1", "notes", "went well")
    assert 'date = 2026-01-02\nnotes = "went well"\n[reviews.metrics]  # snapshot' in document.text()
    assert tomllib.loads(document.text())["reviews"][0]["metrics"] == {"threats": 3, "open": 3}


def test_the_metrics_sub_table_is_updated_key_by_key(document, commented_text):
    document.set_field("R1", "metrics", {"threats": 4, "open": 3})
    assert diff(commented_text, document.text()) == ["-threats = 3", "+threats = 4"]


def test_deleting_a_record_takes_its_own_comment_and_leaves_the_next_ones(document, commented_text):
    document.delete_record("T2")
    changed = diff(commented_text, document.text())
    assert changed == [
        "-# Comment about T2",
        "-[[threats]]",
        '-id = "T2"',
        '-title = "Password dump"',
        '-targets = ["C2"]  # the database',
        '-status = "open"',
        "-# glued to T2",
        "-",
    ]
    assert '\n\n# Comment about T3\n[[threats]]\nid = "T3"' in document.text()


def test_deleting_the_first_record_of_a_section_keeps_the_section_banner(document):
    document.delete_record("T1")
    text = document.text()
    assert "# Comment about T1" not in text
    assert '# ---- Threats ----\n\n# Comment about T2\n[[threats]]\nid = "T2"' in text


def test_deleting_the_last_record_of_a_kind_removes_the_table_but_keeps_the_banner(document):
    document.delete_record("M1")
    text = document.text()
    assert "[[mitigations]]" not in text and "# Comment about M1" not in text
    assert "# ---- Mitigations ----\n" in text
    assert "mitigations" not in tomllib.loads(text)


def test_deleting_a_record_with_a_sub_table_takes_the_sub_table(document):
    document.delete_record("R1")
    text = document.text()
    assert "[reviews.metrics]" not in text and "reviews" not in tomllib.loads(text)
    assert text.endswith("# Trailing comment at the end of the file.\n")


def test_a_new_record_lands_after_the_last_of_its_kind_before_the_next_banner(document):
    new_id = document.add_record("threats", {"title": "Session fixation", "stride": ["spoofing"]})
    assert new_id == "T4"
    text = document.text()
    expected = (
        '[[threats]]\nid = "T3"\ntitle = "Brute force"\ntargets = ["C1"]\n\n'
        '[[threats]]\nid = "T4"\ntitle = "Session fixation"\nstride = ["spoofing"]\n\n'
        "# ---- Mitigations ----\n"
    )
    assert expected in text


def test_a_new_kind_of_record_is_appended_as_a_new_array(document):
    assert document.add_record("stories", {"text": "As a buyer"}) == "US1"
    assert tomllib.loads(document.text())["stories"] == [{"id": "US1", "text": "As a buyer"}]


def test_deleted_ids_are_not_given_again(document):
    document.delete_record("T3")
    assert document.add_record("threats", {"title": "x"}) == "T4"


def test_moving_a_record_carries_its_own_comment(document):
    document.move_record("T3", 0)
    text = document.text()
    assert '# ---- Threats ----\n\n# Comment about T3\n[[threats]]\nid = "T3"' in text
    assert [t["id"] for t in tomllib.loads(text)["threats"]] == ["T3", "T1", "T2"]
    assert '# Comment about T1\n[[threats]]\nid = "T1"' in text


def test_edits_on_unknown_records_and_ids_are_refused(document):
    with pytest.raises(RecordNotFoundError):
        document.set_field("T99", "title", "x")
    with pytest.raises(DocumentError):
        document.set_field("T1", "id", "T7")
    with pytest.raises(DocumentError):
        document.add_record("gremlins")


def test_unknown_keys_are_never_touched(document):
    document.set_field("A2", "name", "Hashes")
    assert 'x-owner = "team-a"  # a key tmtui does not know' in document.text()
    assert document.model.assets[1].extra == {"x-owner": "team-a"}


def test_save_writes_atomically_and_keeps_the_mode(commented_file):
    commented_file.chmod(0o640)
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    assert document.save() is True
    assert commented_file.stat().st_mode & 0o777 == 0o640
    assert 'status = "mitigated"' in commented_file.read_text()
    assert [p.name for p in commented_file.parent.iterdir()] == [commented_file.name]


def test_save_refuses_to_overwrite_a_change_it_has_not_seen(commented_file):
    document = Document.open(commented_file)
    document.set_field("T1", "status", "mitigated")
    commented_file.write_text(commented_file.read_text() + "\n# someone else\n")
    before = commented_file.read_bytes()
    with pytest.raises(ChangedOnDiskError, match="changed on disk"):
        document.save()
    assert commented_file.read_bytes() == before
    assert [p.name for p in commented_file.parent.iterdir()] == [commented_file.name]


def test_save_refuses_output_that_would_not_read_back_as_intended(commented_file, monkeypatch):
    document = Document.open(commented_file)
    document.set_field("T1", "title", "changed")
    before = commented_file.read_bytes()
    # Simulate a tomlkit bug: the rendered text says something other than the edit intended.
    wrong = before.decode().replace("SQL injection", "wrong")
    monkeypatch.setattr(PreparedSave, "text", property(lambda prepared: wrong))
    with pytest.raises(DocumentError, match="would not read back"):
        document.save()
    assert commented_file.read_bytes() == before


def test_a_prepared_save_is_joined_where_it_is_written_and_later_edits_leave_it_as_it_was(commented_file):
    """The editing thread takes the segments (a copy of a list); the text of the whole file is joined by the
    thread that verifies and writes it, and holds the revision it was prepared at."""
    document = Document.open(commented_file)
    document.set_field("T1", "title", "first")
    prepared = document.prepare_save()
    assert prepared is not None and "text" not in vars(prepared)  # nothing joined yet
    document.set_field("T1", "title", "second")
    assert 'title = "first"' in prepared.text and "second" not in prepared.text
    document.write(prepared)
    assert tomllib.loads(commented_file.read_text())["threats"][0]["title"] == "first"


def test_a_carriage_return_in_a_value_reads_back_exactly(document):
    document.set_field("T1", "notes", "line\r\nnext\rlast")
    document.set_field("A2", "name", "a\r\nb")
    data = tomllib.loads(document.text())
    assert data["threats"][0]["notes"] == "line\r\nnext\rlast"
    assert data["assets"][1]["name"] == "a\r\nb"


def test_saves_that_finish_out_of_order_never_put_an_older_revision_on_disk(commented_file):
    document = Document.open(commented_file)
    document.set_field("T1", "title", "first")
    older = document.prepare_save()
    document.set_field("T1", "title", "second")
    newer = document.prepare_save()
    document.write(newer)
    document.write(older)  # a slower worker, done last
    assert tomllib.loads(commented_file.read_text())["threats"][0]["title"] == "second"
    assert not document.dirty


def test_an_inline_array_of_records_is_refused_before_anything_changes():
    document = Document.from_text('threats = [{id = "T1", title = "inline"}]\n')
    for edit in (
        lambda: document.add_record("threats", {"title": "x"}),
        lambda: document.delete_record("T1"),
        lambda: document.set_field("T1", "title", "y"),
        lambda: document.move_record("T1", 0),
    ):
        with pytest.raises(DocumentError, match="inline array"):
            edit()
    assert not document.dirty


def test_an_edit_refused_half_way_is_rolled_back_whole(tmp_path):
    from tmtui.session import Session

    path = tmp_path / "m.toml"
    text = 'threats = [{id = "T1", title = "inline"}]\n\n[[mitigations]]\nid = "M1"\ntitle = "m"\nthreats = ["T1"]\n'
    path.write_text(text)
    session = Session.open(path)
    with pytest.raises(DocumentError, match="inline array"):
        session.delete_record("T1", drop_references=True)  # drops M1's reference, then the delete is refused
    assert session.document.text() == text
    assert not session.document.dirty
    assert session.undo() is None


def test_a_sub_table_split_around_another_is_refused_with_a_message():
    text = '[[reviews]]\nid = "R1"\n[reviews.metrics]\na = 1\n[reviews.other]\nz = 1\n[reviews.metrics.deep]\ny = 2\n'
    document = Document.from_text(text)
    with pytest.raises(DocumentError, match="split around other tables"):
        document.set_field("R1", "metrics", {"a": 2})
    assert document.text() == text
