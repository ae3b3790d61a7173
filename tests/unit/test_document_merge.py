"""A change on disk merged with unsaved edits, record by record; only a field changed on both sides conflicts."""

import tomllib

import pytest

from tmtui.document.edit import ChangedOnDiskError, Document
from tmtui.document.merge import keep_mine, merge_with_disk


@pytest.fixture
def document(commented_file):
    return Document.open(commented_file)


def edit_on_disk(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_edits_on_different_records_both_survive_with_the_files_comments(document, commented_file):
    document.set_field("T2", "title", "Password dump (mine)")
    edit_on_disk(commented_file, '"Brute force"', '"Credential stuffing"')
    edit_on_disk(commented_file, "# Comment about T3\n", "# Comment about T3, edited on disk\n")
    with pytest.raises(ChangedOnDiskError):
        document.save()
    result = merge_with_disk(document)
    assert result.conflicts == [] and result.replayed == 1
    result.document.save()
    text = commented_file.read_text()
    data = tomllib.loads(text)
    assert [t["title"] for t in data["threats"]] == ["SQL injection", "Password dump (mine)", "Credential stuffing"]
    assert "# Comment about T3, edited on disk\n" in text


def test_the_same_field_changed_on_both_sides_is_a_conflict_and_the_files_value_stands(document, commented_file):
    document.set_field("T2", "title", "mine")
    edit_on_disk(commented_file, '"Password dump"', '"theirs"')
    result = merge_with_disk(document)
    assert [(c.record_id, c.key, c.mine, c.theirs) for c in result.conflicts] == [("T2", "title", "mine", "theirs")]
    assert result.document.model.find("T2").title == "theirs"
    keep_mine(result.document, result.conflicts[0])
    assert result.document.model.find("T2").title == "mine"


def test_records_added_and_deleted_on_either_side(document, commented_file):
    new_id = document.add_record("threats", {"title": "Added here"})
    document.delete_record("T3")
    edit_on_disk(
        commented_file,
        "# Comment about M1\n",
        '[[stories]]\nid = "US1"\ntext = "Added on disk"\n\n# Comment about M1\n',
    )
    result = merge_with_disk(document)
    assert result.conflicts == []
    data = result.document.data
    assert [t["id"] for t in data["threats"]] == ["T1", "T2", new_id]
    assert data["stories"] == [{"id": "US1", "text": "Added on disk"}]


def test_the_same_id_added_on_both_sides_keeps_both_records(document, commented_file):
    document.add_record("threats", {"title": "Mine"})  # T4
    edit_on_disk(
        commented_file, "# ---- Mitigations ----", '[[threats]]\nid = "T4"\ntitle = "Theirs"\n\n# ---- Mitigations ----'
    )
    result = merge_with_disk(document)
    titles = {t["id"]: t["title"] for t in result.document.data["threats"]}
    assert titles["T4"] == "Theirs" and titles["T5"] == "Mine"
    assert result.notes == ["T4 added here is now T5: the file has its own T4"]


def test_links_to_a_record_renamed_by_the_merge_follow_it(document, commented_file):
    """Both sides added T4; ours becomes T5, and our mitigation of it must link T5, not the file's T4."""
    mine = document.add_record("threats", {"title": "mine"})
    mitigation = document.add_record("mitigations", {"title": "fix mine", "threats": [mine, "T1"]})
    other = Document.open(commented_file)
    assert other.add_record("threats", {"title": "theirs"}) == mine
    other.save()
    result = merge_with_disk(document)
    result.document.save()
    data = tomllib.loads(commented_file.read_text())
    renamed = next(t["id"] for t in data["threats"] if t["title"] == "mine")
    assert renamed != mine
    assert next(m for m in data["mitigations"] if m["id"] == mitigation)["threats"] == [renamed, "T1"]
    assert f"{mine} added here is now {renamed}: the file has its own {mine}" in result.notes


def test_deleted_on_one_side_and_changed_on_the_other_asks(document, commented_file):
    document.set_field("T3", "title", "Brute force, rate limited")
    text = commented_file.read_text()
    start = text.index("# Comment about T3")
    end = text.index("# ---- Mitigations ----")
    commented_file.write_text(text[:start] + text[end:])
    result = merge_with_disk(document)
    assert [(c.record_id, c.key) for c in result.conflicts] == [("T3", None)]
    assert result.conflicts[0].describe() == "T3 was deleted on disk and changed on the other side"
    assert result.document.model.find("T3") is None
    keep_mine(result.document, result.conflicts[0])
    assert result.document.model.find("T3").title == "Brute force, rate limited"


def test_nothing_edited_here_is_a_plain_reload(document, commented_file):
    edit_on_disk(commented_file, '"Brute force"', '"Credential stuffing"')
    result = merge_with_disk(document)
    assert (result.conflicts, result.replayed, result.document.dirty) == ([], 0, False)
    assert result.document.model.find("T3").title == "Credential stuffing"


# ---- property: edits to different fields on the two sides always merge, without a question --------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

RECORDS = ["A1", "A2", "C1", "C2", "T1", "T2", "T3", "M1"]
KEYS = ["notes", "owner", "tags", "status"]
edit = st.tuples(
    st.sampled_from(["mine", "theirs"]),
    st.sampled_from(RECORDS),
    st.sampled_from([*KEYS, "delete"]),
    st.one_of(st.none(), st.text(max_size=12), st.lists(st.text(min_size=1, max_size=5), max_size=2)),
)


def _apply(document, data, record_id, key, value):
    kind = document.kind_of(record_id)
    if key == "delete":
        document.delete_record(record_id)
        data[kind] = [r for r in data[kind] if r["id"] != record_id]
        if not data[kind]:
            del data[kind]
        return
    document.set_field(record_id, key, value)
    row = next(r for r in data[kind] if r["id"] == record_id)
    if value is None:
        row.pop(key, None)
    else:
        row[key] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(edit, max_size=10))
def test_disjoint_edits_on_both_sides_merge_without_conflicts(tmp_path_factory, edits):
    from pathlib import Path

    fixture = (Path(__file__).parent.parent / "fixtures" / "commented.toml").read_text()
    path = tmp_path_factory.mktemp("merge") / "model.toml"
    path.write_text(fixture)
    mine, theirs = Document.open(path), Document.open(path)
    expected = tomllib.loads(fixture)
    touched: dict[str, str] = {}  # record -> the side that edited it
    for side, record_id, key, value in edits:
        if touched.setdefault(record_id, side) != side:
            continue  # the other side has this record: keep the edits disjoint
        document = mine if side == "mine" else theirs
        if record_id not in {r["id"] for rows in document.data.values() if isinstance(rows, list) for r in rows}:
            continue
        _apply(document, expected, record_id, key, value)
    theirs.save()
    result = merge_with_disk(mine)
    assert result.conflicts == []
    assert result.document.data == expected
    text = result.document.text()
    assert "# Header comment: survives everything.\n" in text
    assert "# ---- Threats ----" in text


def test_an_edit_of_a_record_whose_id_the_file_repeats_survives_a_merge(tmp_path):
    """The app edits the first record with a repeated id (the file is in error until someone renumbers one);
    the merge must replay that edit onto the first one too, not compare the last one and drop it."""
    path = tmp_path / "threatmodel.toml"
    path.write_text(
        '[[threats]]\nid = "T1"\ntitle = "First"\n\n[[threats]]\nid = "T1"\ntitle = "Second"\n\n'
        '[[threats]]\nid = "T2"\ntitle = "Other"\n'
    )
    document = Document.open(path)
    document.set_field("T1", "title", "First, edited here")
    edit_on_disk(path, '"Other"', '"Other, edited on disk"')
    result = merge_with_disk(document)
    assert result.conflicts == [] and result.replayed == 1
    assert [t["title"] for t in result.document.data["threats"]] == [
        "First, edited here",
        "Second",
        "Other, edited on disk",
    ]
