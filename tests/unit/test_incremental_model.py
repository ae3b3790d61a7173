"""After any sequence of field edits and undos, the model a document rebuilds one record at a time (with the
indexes carried over) is the model, the findings and the indexes a full rebuild of its data gives."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmtui.document.edit import Document
from tmtui.model import RECORD_TYPES, Model, model_from_data, validate
from tmtui.model.build import record_to_data
from tmtui.model.fieldwise import fields

# Duplicate ids, a dangling reference, a value of the wrong type, control characters, a done mitigation: every
# kind of finding an edit can make appear or vanish.
MODEL = """\
[system]
name = "Shop"

[[components]]
id = "C1"
name = "Web"

[[components]]
id = "C2"
name = "DB"
kind = "store"

[[flows]]
id = "F1"
label = "orders"
from = "C1"
to = "C2"

[[threats]]
id = "T1"
title = "Replay"
targets = ["C1"]
status = "mitigated"

[[threats]]
id = "T2"
title = "Leak"
targets = ["C2", "F1"]

[[threats]]
id = "T2"
title = "A second T2"
likelihood = 3

[[threats]]
id = "T3"
title = "Flood"
targets = ["C9"]

[[mitigations]]
id = "M1"
title = "Idempotency keys"
threats = ["T1"]
status = "planned"

[[mitigations]]
id = "M2"
title = "Encrypt"
threats = ["T2", "T3"]
"""

EDITABLE = ["C1", "C2", "F1", "T1", "T3", "M1", "M2", "system"]
ids = st.sampled_from(["C1", "C2", "F1", "T1", "T2", "T3", "T9", "M1", "M2", "C9", ""])
values_by_key: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(["", "x", "bell \x07"]),
    "name": st.sampled_from(["", "Web", "esc \x1b[2J"]),
    "label": st.sampled_from(["", "orders"]),
    "targets": st.lists(ids, max_size=3, unique=True),
    "threats": st.lists(ids, max_size=3, unique=True),
    "status": st.sampled_from(["open", "mitigated", "done", "planned", "bogus", None]),
    "from": ids,
    "to": st.one_of(ids, st.none()),
    "kind": st.sampled_from(["process", "store", "nonsense", None]),
    "likelihood": st.sampled_from(["low", "high", None]),
    "description": st.sampled_from(["", "tab\tand\nnewline", None]),
}
# Each operation is one change (one undo step); `read` says whether the app reads the model after it. Without a
# read, the next one rebuilds from several changes at once, as after an undo of a delete that dropped references.
kinds = st.sampled_from(["threats", "mitigations", "components"])
operation = st.tuples(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(EDITABLE), st.sampled_from(sorted(values_by_key)), st.data()),
        st.tuples(st.just("add"), kinds, st.data()),
        st.tuples(st.just("delete"), kinds, st.booleans(), st.booleans()),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
    ),
    st.booleans(),
)
FIELDS_BY_KIND = {"threats": ["title", "targets", "status"], "mitigations": ["title", "threats", "status"]}


def full(data: dict[str, Any]) -> tuple[Model, list[Any]]:
    model, findings = model_from_data(data)
    return model, findings + validate(model)


def plain(model: Model) -> dict[str, Any]:
    out: dict[str, Any] = {"system": {f.name: getattr(model.system, f.name) for f in fields(model.system)}}
    for record_type in RECORD_TYPES:
        out[record_type.KIND] = [record_to_data(r) for r in model.records(record_type.KIND)]
    return out


def same_indexes(built: Model, fresh: Model) -> None:
    every = {r.id for r in fresh.all_records()} | {"C9", "T9", ""}
    for record_id in every:
        assert [r.id for r in built.threats_targeting(record_id)] == [r.id for r in fresh.threats_targeting(record_id)]
        assert [r.id for r in built.mitigations_for(record_id)] == [r.id for r in fresh.mitigations_for(record_id)]
        assert [(r.KIND, r.id) for r in built.referrers(record_id)] == [
            (r.KIND, r.id) for r in fresh.referrers(record_id)
        ]
        found, expected = built.find(record_id), fresh.find(record_id)
        assert (found and record_to_data(found)) == (expected and record_to_data(expected))
        assert built.position(record_id) == fresh.position(record_id)
        assert built.kind_named(record_id) == fresh.kind_named(record_id)
        assert built.id_count(record_id) == fresh.id_count(record_id)


def ids_of(document: Document) -> dict[str, int]:
    """How many records hold each id, read from the data (reading the model would rebuild it)."""
    counts: dict[str, int] = {}
    for record_type in RECORD_TYPES:
        for row in document.data.get(record_type.KIND, []):
            counts[row["id"]] = counts.get(row["id"], 0) + 1
    return counts


def apply(document: Document, op: Any) -> None:
    """One operation of the app, as one change: a delete may first drop the references to what it deletes."""
    if op[0] == "set":
        _, record_id, key, data = op
        value = data.draw(values_by_key[key])
        if record_id == "system":
            key = "name" if key not in ("name", "description") else key
        if record_id == "system" or record_id in ids_of(document):
            document.set_field(record_id, key, value)
    elif op[0] == "add":
        _, kind, data = op
        keys = FIELDS_BY_KIND.get(kind, ["name", "kind"])
        document.add_record(kind, {key: data.draw(values_by_key[key]) for key in keys})
    else:
        _, kind, last, drop_references = op  # the last record of its kind (rebuilt in part), or the first (whole)
        counts = ids_of(document)
        rows = [r for r in document.data.get(kind, []) if counts[r["id"]] == 1]
        if not rows:
            return
        record_id = rows[-1 if last else 0]["id"]
        if drop_references:
            for kind_named, field in (("threats", "targets"), ("mitigations", "threats")):
                for row in list(document.data.get(kind_named, [])):
                    if record_id in row.get(field, []) and counts[row["id"]] == 1:
                        document.set_field(row["id"], field, [i for i in row[field] if i != record_id])
        document.delete_record(record_id)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=10))
def test_an_edited_document_rebuilds_to_what_a_full_rebuild_gives(operations: list[Any]) -> None:
    document = Document.from_text(MODEL)
    # every index built before the edits, so each edit carries them over rather than building them afresh
    same_indexes(document.model, full(document.data)[0])
    done: list[Any] = []
    undone: list[Any] = []
    for op, read in operations:
        if op[0] == "undo" and done:
            undone.append(done.pop())
            document.undo(undone[-1])
        elif op[0] == "redo" and undone:
            done.append(undone.pop())
            document.redo(done[-1])
        elif op[0] not in ("undo", "redo"):
            document.begin_change()
            apply(document, op)
            change = document.end_change()
            if change:
                done.append(change)
                undone.clear()
        if read:
            model, findings = full(document.data)
            assert plain(document.model) == plain(model)
            assert document.findings == findings
            same_indexes(document.model, model)
    model, findings = full(document.data)
    assert plain(document.model) == plain(model)
    assert document.findings == findings
    same_indexes(document.model, model)


def test_an_added_record_is_found_by_every_index() -> None:
    document = Document.from_text(MODEL)
    assert len(document.model.threats) == 4
    document.add_record("threats", {"title": "New", "targets": ["C1"]})
    assert [t.title for t in document.model.threats_targeting("C1")] == ["Replay", "New"]
    assert document.findings == full(document.data)[1]
