"""`__eq__`, `__repr__` and `__hash__` as `@dataclass` writes them, written once for all the model's dataclasses.

`@dataclass` compiles each of these anew for every class it makes (six functions for a frozen one), which was a
fifth of what importing the model costs every command. A class opts out of dataclass's own with
`@dataclass(eq=False, repr=False)` and inherits these, which compare and show the same fields the same way.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any

_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _shown_and_compared(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The fields a dataclass's repr shows, and a getter of the tuple its `__eq__` compares and hashes."""
    known = _FIELDS.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)
        compared = [f.name for f in fields if f.compare]
        getter = attrgetter(*compared) if len(compared) > 1 else lambda item: tuple(getattr(item, n) for n in compared)
        known = _FIELDS[cls] = (tuple(f.name for f in fields if f.repr), getter)
    return known


class Fieldwise:
    """Equal when of the same class with equal compared fields; shown as `Class(field=value, …)`; unhashable."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _shown_and_compared(self.__class__)[1]
        return compared(self) == compared(other)

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = _shown_and_compared(self.__class__)[0]
        return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"


class FrozenFieldwise(Fieldwise):
    """`Fieldwise`, hashed by its compared fields, for a `@dataclass(frozen=True, eq=False, repr=False)`."""

    def __hash__(self) -> int:
        return hash(_shown_and_compared(self.__class__)[1](self))
