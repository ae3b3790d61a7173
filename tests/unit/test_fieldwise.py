"""`@fieldwise` classes behave as `@dataclass` ones do: the same constructor, equality, repr, hash and frozenness,
without importing `dataclasses` (and `inspect` with it) into every command."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any, ClassVar

import pytest

from tmtui.model import Finding, Model, Severity
from tmtui.model.coverage import Cell, CellState
from tmtui.model.fieldwise import FrozenInstanceError, field, fields, fieldwise, replace
from tmtui.model.records import Assumption, Story


@fieldwise()
class Base:
    KIND: ClassVar[str] = "base"
    first: int
    second: str = "two"
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False, repr=False)


@fieldwise()
class Derived(Base):
    third: int = 3
    second: str = "again"  # declared again: keeps its place, takes the new default


@dataclasses.dataclass
class DataBase:
    KIND: ClassVar[str] = "base"
    first: int
    second: str = "two"
    tags: list[str] = dataclasses.field(default_factory=list)
    note: str = dataclasses.field(default="", compare=False, repr=False)


@dataclasses.dataclass
class DataDerived(DataBase):
    third: int = 3
    second: str = "again"


def _calls() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    return [
        ((1,), {}),
        ((1, "b"), {}),
        ((1,), {"tags": ["x"], "note": "n"}),
        ((), {"first": 5, "third": 9}),
        ((1, "b", ["t"], "n", 4), {}),
        ((1, "b", ["t"], "n", 4, 5), {}),  # too many
        ((), {}),  # first missing
        ((1,), {"first": 2}),  # twice
        ((1,), {"fourth": 2}),  # unknown
    ]


@pytest.mark.parametrize(("args", "kwargs"), _calls())
def test_constructors_equality_and_repr_match_a_dataclass(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        expected = DataDerived(*args, **kwargs)
    except TypeError:
        with pytest.raises(TypeError):
            Derived(*args, **kwargs)
        return
    made = Derived(*args, **kwargs)
    assert vars(made) == vars(expected)
    assert list(vars(made)) == list(vars(expected))  # the same order, as `vars()` and a copy see it
    assert repr(made) == repr(expected).replace("DataDerived", "Derived")
    assert [f.name for f in fields(made)] == [f.name for f in dataclasses.fields(expected)]
    assert made == Derived(*args, **kwargs) and made != Base(1)
    assert (made == replace(made, note="other")) is True  # `note` is not compared
    assert (made == replace(made, third=-1)) is False
    assert Derived.KIND == "base" and "KIND" not in [f.name for f in fields(Derived)]
    assert Derived(1).tags is not Derived(1).tags  # a fresh list for each
    with pytest.raises(TypeError):
        hash(made)  # equal by value and changeable, as a dataclass


def test_declaring_a_class_wrongly_fails_as_a_dataclass_does() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @fieldwise()
        class Shared:
            tags: list[str] = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(TypeError, match="follows default"):

        @fieldwise()
        class Order:
            first: int = 1
            second: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="both"):
        field(default=1, default_factory=int)
    with pytest.raises(TypeError):
        fields(object())
    with pytest.raises(TypeError):
        replace(Base(1), nothing=1)


def test_model_classes_compare_and_show_as_dataclasses_do() -> None:
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
    assert one != replace(one, line=3)
    assert repr(one) == (
        "Finding(severity=<Severity.ERROR: 'error'>, message='bad', kind='threats', index=2, record_id=None, "
        "field='title', line=None, column=None)"
    )
    assert Cell(CellState.OPEN, ("T1",)) == Cell(CellState.OPEN, ("T1",)) != Cell(CellState.OPEN)
    with pytest.raises(FrozenInstanceError):
        one.line = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del one.line


def test_a_record_that_holds_itself_is_shown_without_recursing() -> None:
    story = Story(id="X1", text="loop")
    story.extra["me"] = story
    assert repr(story) == "Story(id='X1', extra={'me': ...}, text='loop')"


def test_a_command_imports_neither_dataclasses_nor_inspect() -> None:
    """What `@fieldwise` is for: `tmtui check`, run on every commit, starts without them."""
    probe = (
        "import sys, tmtui.cli, tmtui.exchange.markdown; print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_instances_take_no_more_memory_than_a_dataclass_s() -> None:
    """Fields set one by one keep Python's compact per-class layout; a dict filled at once took twice the memory
    for each finding of a large model."""
    import gc
    import tracemalloc

    def size_of(make: Any) -> float:
        make()
        gc.collect()
        tracemalloc.start()
        try:
            kept = [make() for _ in range(2000)]
            return tracemalloc.get_traced_memory()[0] / len(kept)
        finally:
            tracemalloc.stop()

    fieldwise_size = size_of(lambda: Derived(1, "b", [], "n", 4))
    dataclass_size = size_of(lambda: DataDerived(1, "b", [], "n", 4))
    assert fieldwise_size <= dataclass_size * 1.1
    assert size_of(lambda: Derived(first=1)) <= size_of(lambda: DataDerived(first=1)) * 1.1
