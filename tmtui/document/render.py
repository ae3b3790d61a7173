"""Edits of one segment's text with tomlkit: the segment is parsed as a small document, edited by key with the
file's own string style, trailing comments and lists of ids kept, and rendered back.

Only the document layer's edit path imports this module, so opening a file never loads tomlkit.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.exceptions import InvalidStringError, TOMLKitError
from tomlkit.items import AoT, Array, Item, String, StringType, Table, Trivia
from tomlkit.toml_document import TOMLDocument

from tmtui.document.comments import rehome_comments


class RenderError(Exception):
    """The segment cannot be edited safely; the message says why in words a person understands."""


def parse_segment(text: str, what: str) -> TOMLDocument:
    """The segment's text as a tomlkit document that renders back to exactly `text`, comments re-homed."""
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as error:
        raise RenderError(f"tomlkit cannot edit {what} safely: {error}") from None
    if document.as_string() != text:
        raise RenderError(f"tmtui cannot edit {what} without changing more than the edit (a tomlkit limit)")
    rehome_comments(document)
    return document


def keys_of(document: TOMLDocument, name: str, array: bool) -> Container:
    """The container of keys of the one record (`[[name]]`) or table (`[name]`) a segment holds. Edits go to it,
    not to the Table, whose dict view tomlkit lets go stale after an insert."""
    item = document.item(name) if name in document else None
    if array and isinstance(item, AoT) and len(item.body) == 1:
        return item.body[0].value
    if not array and isinstance(item, Table):
        return item.value
    raise RenderError(f"the [{name}] table is not written as one block; fix it by hand")


def record_text(kind: str, fields: list[tuple[str, Any]]) -> str:
    """A new `[[kind]]` table holding `fields` in the given order, as tomlkit writes it."""
    table = tomlkit.table()
    for key, value in fields:
        set_item(table.value, key, value)
    records = tomlkit.aot()
    records.append(table)
    document = tomlkit.document()
    document.append(kind, records)
    return document.as_string()


def set_item(container: Container, key: str, value: Any) -> None:
    """Set `key` in a table's container, keeping the old item's style and comments where there is one."""
    old_item = container.item(key) if key in container else None
    if isinstance(old_item, OutOfOrderTableProxy):
        raise RenderError(f"the table {key} is split around other tables; keep it together by hand")
    if isinstance(value, dict):
        if isinstance(old_item, Table):
            sub = old_item.value
            for sub_key in [k for k in sub if k not in value]:
                sub.remove(sub_key)
            for sub_key, sub_value in value.items():
                if sub.get(sub_key) != sub_value:
                    set_item(sub, sub_key, sub_value)
            return
        new_table = tomlkit.table()
        for sub_key, sub_value in value.items():
            new_table.add(sub_key, sub_value)
        new_item: Item = new_table
    elif isinstance(value, list) and isinstance(old_item, Array):
        _edit_array(old_item, value)
        return
    elif isinstance(value, str):
        new_item = _string_like(old_item, value)
    else:
        new_item = tomlkit.item(value)
    if old_item is not None and not isinstance(new_item, Table):
        _copy_trivia(old_item, new_item)
        container[key] = new_item
        return
    if old_item is not None:
        container.remove(key)
    _insert_key(container, key, new_item)


def _string_like(old: Item | None, value: str) -> String:
    """A string in the old item's style (literal, multi-line...) when the value can be written in it."""
    multiline = "\n" in value
    style = old.type if isinstance(old, String) else None
    candidates = []
    if "\r" in value:
        # a multi-line string would hold the CR raw, and TOML reads CRLF inside one back as LF
        candidates.append(StringType.SLB)
    elif style is not None and (style.is_multiline() or not multiline):
        candidates.append(style)
    candidates.append(StringType.MLB if multiline else StringType.SLB)
    for candidate in candidates:
        try:
            new = String.from_raw(value, candidate)
        except InvalidStringError:
            continue
        if (
            candidate is style
            and old is not None
            and style.is_multiline()
            and old.as_string()[3:4] == "\n"
            and new.as_string()[3:4] != "\n"
        ):
            # keep the habit of starting the text on the line after the opening quotes
            new = String(candidate, value, "\n" + new.as_string()[3:-3], Trivia())
        return new
    raise RenderError(f"cannot write {value!r} as a TOML string")  # pragma: no cover - MLB takes any text


def _edit_array(array: Array, values: list[Any]) -> None:
    """Change an array in place (remove what went, insert what came) so comments inside it stay."""
    current = list(array.unwrap())
    remaining = Counter(values)
    for index, value in enumerate(list(current)):
        remaining[value] -= 1
        current[index] = (value, remaining[value] >= 0)
    for index in reversed(range(len(current))):
        if not current[index][1]:
            del array[index]
    kept = [value for value, keep in current if keep]
    for index, value in enumerate(values):
        if index < len(kept) and kept[index] == value:
            continue
        if value in kept[index:]:  # a reorder: rebuild, which loses the comments inside the array
            array.clear()
            array.extend(values)
            return
        array.insert(index, value)
        kept.insert(index, value)


def _copy_trivia(old: Item, new: Item) -> None:
    new.trivia.indent = old.trivia.indent
    new.trivia.comment_ws = old.trivia.comment_ws
    new.trivia.comment = old.trivia.comment
    new.trivia.trail = old.trivia.trail


def _insert_key(container: Container, key: str, item: Item) -> None:
    """Add a new key after the table's last key and before its sub-tables and trailing comments."""
    body = container.body
    last_key = None
    first_table = None
    for i, (k, v) in enumerate(body):
        if isinstance(v, (Table, AoT)):
            if first_table is None:
                first_table = i
        elif k is not None and first_table is None:
            last_key = i
    if isinstance(item, Table):
        item.trivia.indent = ""
        container.append(key, item)
        return
    if last_key is not None:
        item.trivia.indent = body[last_key][1].trivia.indent
    position = (last_key + 1) if last_key is not None else (first_table or 0)
    if position >= len(body):
        container.append(key, item)
    else:
        container._insert_at(position, key, item)
