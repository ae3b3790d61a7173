"""`/` in a list: a line to type in that narrows the list to what matches, and escape to end it."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from tmtui.model import Record
from tmtui.model.fieldwise import fields
from tmtui.tui.keymap import bindings


class FilterInput(Input):
    """Narrows the list it belongs to as you type; escape (or clearing it and leaving) ends the filter."""

    BINDINGS = bindings("filter")

    class Ended(Message):
        """The filter was closed: the list shows everything again."""

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="filter: type to narrow, escape ends", compact=True, **kwargs)

    def action_end_filter(self) -> None:
        self.value = ""
        self.post_message(self.Ended())


def record_text(record: Record) -> str:
    """Every text of a record (id, title, notes, links…), lower-cased, for `matches`."""
    parts: list[str] = []
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(v for v in value if isinstance(v, str))
    parts.append(record.label)
    return "\n".join(parts).lower()


def matches(text: str, query: str) -> bool:
    """Whether every word of `query` appears in `text` (already lower-cased), in any order."""
    return all(word in text for word in query.lower().split())
