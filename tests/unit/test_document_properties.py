"""Random sequences of edits on a commented model always give a file that parses, holds exactly the data the
edits intended, and keeps every comment of the records that were not deleted."""

import copy
import datetime as dt
import re
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmtui.document.edit import Document

FIXTURE = (Path(__file__).parent.parent / "fixtures" / "commented.toml").read_text(encoding="utf-8")
LABEL = {"assets": "name", "components": "name", "threats": "title", "mitigations": "title", "stories": "text"}

text_values = st.text(max_size=30)
values_by_key = {
    "name": text_values,
    "title": text_values,
    "notes": text_values,
    "description": text_values,
    "owner": text_values,
    "sensitivity": st.sampled_from(["low", "medium", "high", None]),
    "status": st.sampled_from(["open", "mitigated", "done", None]),
    "targets": st.lists(st.sampled_from(["C1", "C2", "T1", "A1"]), max_size=4, unique=True),
    "assets": st.lists(st.sampled_from(["A1", "A2", "A3"]), max_size=3, unique=True),
    "tags": st.lists(text_values, max_size=3),
    "encrypted": st.booleans(),
    "date": st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
}

operation = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 50), st.sampled_from(sorted(values_by_key)), st.data()),
    st.tuples(st.just("add"), st.sampled_from(sorted(LABEL)), text_values),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 5)),
)


def record_ids(data: dict) -> list[tuple[str, str]]:
    return [(kind, row["id"]) for kind, rows in data.items() if isinstance(rows, list) for row in rows]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, max_size=12))
def test_random_edits_keep_data_and_comments(operations):
    document = Document.from_text(FIXTURE)
    expected = tomllib.loads(FIXTURE)
    deleted: set[str] = set()
    for op in operations:
        ids = record_ids(expected)
        if op[0] == "set" and ids:
            kind, record_id = ids[op[1] % len(ids)]
            key = op[2]
            value = op[3].draw(values_by_key[key])
            document.set_field(record_id, key, value)
            row = next(r for r in expected[kind] if r["id"] == record_id)
            if value is None:
                row.pop(key, None)
            else:
                row[key] = copy.deepcopy(value)
        elif op[0] == "add":
            kind, label = op[1], op[2]
            new_id = document.add_record(kind, {LABEL[kind]: label})
            expected.setdefault(kind, []).append({"id": new_id, LABEL[kind]: label})
        elif op[0] == "delete" and ids:
            kind, record_id = ids[op[1] % len(ids)]
            document.delete_record(record_id)
            deleted.add(record_id)
            expected[kind] = [r for r in expected[kind] if r["id"] != record_id]
            if not expected[kind]:
                del expected[kind]
        elif op[0] == "move" and ids:
            kind, record_id = ids[op[1] % len(ids)]
            document.move_record(record_id, op[2])
            rows = expected[kind]
            row = next(r for r in rows if r["id"] == record_id)
            rows.remove(row)
            rows.insert(max(0, min(op[2], len(rows))), row)

    text = document.text()
    assert tomllib.loads(text) == expected
    assert "# Header comment: survives everything.\n" in text
    assert "# Trailing comment at the end of the file.\n" in text
    for record_id in re.findall(r"# Comment about (\w+)", FIXTURE):
        if record_id in deleted:
            assert f"# Comment about {record_id}\n" not in text
        else:
            # the comment still stands right above its own record
            assert re.search(rf"# Comment about {record_id}\n\[\[\w+\]\]\nid = \"{record_id}\"", text), text
    for banner in ("# ---- Assets ----", "# ---- Threats ----", "# ---- Mitigations ----"):
        assert banner in text
