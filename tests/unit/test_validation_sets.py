"""`validate` checks each field's distinct values at once and looks closer only at the records whose values are
wrong: whatever the model, it must find exactly what checking every record one by one finds."""

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tmtui.model import RECORD_TYPES, Finding, Model, model_from_data, validate
from tmtui.model.fieldwise import fields
from tmtui.model.validation import validate_record

ids = st.sampled_from(["", "T1", "T2", "C1", "C2", "A1", "M1", "F1", "R1", "US1", "AS1", "T1\nT2", "TT1", "T٣", "x"])
texts = st.sampled_from(["", "Web", "two\nlines"])
levels = st.sampled_from(["low", "high", "bogus", ""])


def maybe(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), values.map(lambda value: {key: value}))


def record(*fields: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(maybe("id", ids), *fields).map(lambda parts: {k: v for part in parts for k, v in part.items()})


RECORDS = {
    "assets": record(maybe("name", texts), maybe("sensitivity", levels)),
    "components": record(
        maybe("name", texts),
        maybe("kind", st.sampled_from(["process", "store", "nonsense"])),
        maybe("boundary", ids),
        maybe("assets", st.lists(ids, max_size=3)),
    ),
    "flows": record(maybe("label", texts), maybe("from", ids), maybe("to", ids), maybe("data", st.lists(ids))),
    "stories": record(maybe("text", texts)),
    "threats": record(
        maybe("title", texts),
        maybe("stride", st.lists(st.sampled_from(["spoofing", "tampering", "bogus", ""]), max_size=3)),
        maybe("targets", st.lists(ids, max_size=3)),
        maybe("stories", st.lists(ids, max_size=2)),
        maybe("likelihood", levels),
        maybe("status", st.sampled_from(["open", "mitigated", "accepted", "done", ""])),
    ),
    "mitigations": record(
        maybe("title", texts),
        maybe("threats", st.lists(ids, max_size=3)),
        maybe("status", st.sampled_from(["done", "planned", "mitigated", ""])),
    ),
    "reviews": record(maybe("notes", texts)),
}
models = st.fixed_dictionaries({kind: st.lists(records, max_size=4) for kind, records in RECORDS.items()})


def checked_one_by_one(model: Model) -> list[Finding]:
    """What checking every record one by one finds, the way validation worked before it looked at sets."""
    return [
        finding
        for record_type in RECORD_TYPES
        for index, record in enumerate(model.records(record_type.KIND))
        for finding in validate_record(model, record, index, control_possible=False)
    ]


@settings(max_examples=400)
@given(models)
def test_validation_finds_what_checking_every_record_finds(data: dict[str, Any]) -> None:
    model, _ = model_from_data(data)
    one_by_one = checked_one_by_one(model)
    assert validate(model, control_possible=False) == one_by_one
    assert validate(model, warnings=False) == [f for f in one_by_one if f.is_error]


@settings(max_examples=200)
@given(models)
def test_records_built_from_data_are_what_their_dataclass_would_make(data: dict[str, Any]) -> None:
    """`model_from_data` fills a record's attributes without calling its `__init__`: the same attributes, each
    list and table its own."""
    model, _ = model_from_data(data)
    for record in [model.system, *model.all_records()]:
        made = type(record)(**{f.name: getattr(record, f.name) for f in fields(record)})
        assert made == record and vars(made).keys() == vars(record).keys()
    for kind in ("threats", "components"):
        records = model.records(kind)
        for one, other in itertools.pairwise(records):
            for name, value in vars(one).items():
                assert not isinstance(value, list | dict) or value is not vars(other)[name]


def test_a_record_without_an_id_gets_one_finding_for_it() -> None:
    model, _ = model_from_data({"threats": [{"title": "No id"}]})
    assert [f.message for f in validate(model)] == ["this threat has no id"]


def test_a_model_built_in_code_with_values_no_file_gives_is_checked_record_by_record() -> None:
    """The set-wise check reads lists as lists and records of the kind's own type: anything else is checked one
    record at a time, as before, whatever it finds."""
    from tmtui.model import Component, Mitigation, Threat

    for model in (
        Model(threats=[Threat(id="T1", title="t", stride="")]),  # type: ignore[arg-type]
        Model(threats=[Threat(id="T1", title="t", stride=("spoofing",))]),  # type: ignore[arg-type]
        Model(components=[Component(id="C", name="c")], threats=[Threat(id="T1", title="t", targets="C1")]),  # type: ignore[arg-type]
        Model(threats=[Mitigation(id="M1", title="t")]),  # type: ignore[list-item]
    ):
        assert validate(model, control_possible=False) == checked_one_by_one(model)
