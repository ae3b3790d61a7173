"""The model's dataclasses take `__eq__`, `__repr__` and `__hash__` from `tmtui.model.fieldwise` instead of having
@dataclass compile them for each class: they must behave as dataclass's own do."""

import dataclasses

import pytest

from tmtui.model import Finding, Model, Severity
from tmtui.model.coverage import Cell, CellState
from tmtui.model.records import Assumption, Story


def test_model_classes_compare_and_show_as_dataclasses_do() -> None:
    """Their `__eq__` and `__repr__` are written once for all, not made by @dataclass: the same behaviour."""
    story, assumption = Story(id="X1", text="same"), Assumption(id="X1", text="same")
    assert story != assumption  # the same fields, another class
    assert Story(id="X1", text="same", extra={"note": 1}) == story  # `extra` is not compared
    assert Story(id="X1", text="other") != story
    assert repr(story) == "Story(id='X1', extra={}, text='same')"
    assert repr(Model(stories=[story])).startswith("Model(schema=1, system=System(name='', description=''")
    assert Model(stories=[story]) == Model(stories=[Story(id="X1", text="same")])
    with pytest.raises(TypeError):
        hash(story)


def test_frozen_classes_hash_and_compare_by_their_fields_and_refuse_changes() -> None:
    one = Finding(Severity.ERROR, "bad", kind="threats", index=2, field="title")
    same = Finding(Severity.ERROR, "bad", kind="threats", index=2, field="title")
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    assert one != dataclasses.replace(one, line=3)
    assert repr(one) == (
        "Finding(severity=<Severity.ERROR: 'error'>, message='bad', kind='threats', index=2, record_id=None, "
        "field='title', line=None, column=None)"
    )
    assert Cell(CellState.OPEN, ("T1",)) == Cell(CellState.OPEN, ("T1",)) != Cell(CellState.OPEN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.line = 4  # type: ignore[misc]


def test_a_record_that_holds_itself_is_shown_without_recursing() -> None:
    story = Story(id="X1", text="loop")
    story.extra["me"] = story
    assert repr(story) == "Story(id='X1', extra={'me': ...}, text='loop')"
