"""Undo and redo keep only what an edit changed (the segments and records it replaced), and give back the file
byte for byte, whatever the edits were."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmtui.document.edit import Document
from tmtui.session import Session

FIXTURE = (Path(__file__).parent.parent / "fixtures" / "commented.toml").read_text(encoding="utf-8")
SPLIT = FIXTURE.replace(
    "# Trailing comment", '# appended\n[[threats]]\nid = "T4"\ntitle = "after the reviews"\n\n# Trailing comment'
)

operation = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 50), st.sampled_from(["title", "notes", "status"]), st.text(max_size=8)),
    st.tuples(st.just("clear"), st.integers(0, 50), st.sampled_from(["title", "notes", "status"])),
    st.tuples(st.just("add"), st.sampled_from(["threats", "stories", "mitigations", "reviews"])),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 5)),
    st.tuples(st.just("system"), st.text(max_size=8)),
)


def ids(document: Document) -> list[str]:
    return [r["id"] for rows in document.data.values() if isinstance(rows, list) for r in rows]


def run(session: Session, op: tuple) -> None:
    records = ids(session.document)
    if op[0] in ("set", "clear", "delete", "move") and not records:
        return
    if op[0] == "set":
        session.set_field(records[op[1] % len(records)], op[2], op[3])
    elif op[0] == "clear":
        session.set_field(records[op[1] % len(records)], op[2], None)
    elif op[0] == "add":
        session.add_record(op[1], {"title": "new"})
    elif op[0] == "delete":
        session.delete_record(records[op[1] % len(records)])
    elif op[0] == "move":
        record_id = records[op[1] % len(records)]
        session._edit(lambda: session.document.move_record(record_id, op[2]), lambda _: "move")
    else:
        session.set_field("system", "name", op[1])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([FIXTURE, SPLIT]), st.lists(operation, max_size=10))
def test_undoing_every_edit_gives_back_the_file_and_redoing_them_gives_back_the_edits(text, operations):
    session = Session(Document.from_text(text))
    texts = [text]
    for op in operations:
        run(session, op)
        if session.document.text() != texts[-1]:
            texts.append(session.document.text())
    for expected in reversed(texts[:-1]):
        assert session.undo() is not None
        assert session.document.text() == expected
        assert session.document.data == tomllib.loads(expected)
    assert session.undo() is None
    for expected in texts[1:]:
        assert session.redo() is not None
        assert session.document.text() == expected
        assert session.document.data == tomllib.loads(expected)


def big_model(threats: int) -> str:
    return "schema = 1\n" + "".join(
        f'\n# about T{i}\n[[threats]]\nid = "T{i}"\ntitle = "Threat {i}"\nstatus = "open"\n'
        for i in range(1, threats + 1)
    )


def test_an_undo_step_holds_the_edited_record_not_the_file():
    session = Session(Document.from_text(big_model(2000)))
    session.set_field("T1000", "title", "edited")
    change = session._undo[-1].change
    held = {
        id(s): len(s.text)
        for step in change.steps
        for part in ("old", "new")
        for s in getattr(step, part, ())
        if hasattr(s, "text")
    }
    record = len('\n# about T1000\n[[threats]]\nid = "T1000"\ntitle = "Threat 1000"\nstatus = "open"\n')
    assert sum(held.values()) < 3 * record


def test_undo_and_redo_after_save_as_apply_to_the_file_reopened(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(FIXTURE)
    session = Session.open(path)
    session.set_field("T2", "title", "edited")
    session.add_record("threats", {"title": "new"})
    session.save_as(tmp_path / "copy.toml")
    assert session.undo() == "add T4"
    assert session.undo() == "edit T2.title"
    assert session.document.text() == FIXTURE
    assert session.redo() == "edit T2.title"
    assert tomllib.loads(session.document.text())["threats"][1]["title"] == "edited"


def test_an_undone_delete_brings_the_record_back_with_its_comment_where_it_was():
    session = Session(Document.from_text(SPLIT))
    session.delete_record("T4")
    session.delete_record("T2")
    session.undo()
    session.undo()
    assert session.document.text() == SPLIT
    session.document.set_field("T4", "title", "still editable")
    assert '# appended\n[[threats]]\nid = "T4"\ntitle = "still editable"\n' in session.document.text()
