"""Record ids: a prefix and a number (`T12`). New ids take the next number of their prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ID = re.compile(r"^([A-Z]+)(\d+)$")


MAX_ID_DIGITS = 100  # a number longer than this is no count of records: read as no number (Python refuses to
# turn more than 4,300 digits into an int, which stopped every export of a file with such an id)


def split_id(record_id: str) -> tuple[str, int] | None:
    """`("T", 12)` for `T12`; None for an id that is not a prefix and a number (of at most MAX_ID_DIGITS)."""
    if record_id.isascii() and record_id[-1:] != "\n":
        # string methods in C, where the pattern costs a match and its groups: reports and sorts ask for every id
        prefix = record_id.rstrip("0123456789")
        number = record_id[len(prefix) :]
        if number and len(number) <= MAX_ID_DIGITS and prefix.isalpha() and prefix.isupper():
            return prefix, int(number)
        return None
    match = _ID.match(record_id)  # any other digit `\d` reads, and `$` before a final newline
    return (match.group(1), int(match.group(2))) if match and len(match.group(2)) <= MAX_ID_DIGITS else None


def highest_number(prefix: str, ids: Iterable[str]) -> int:
    numbers = [parts[1] for parts in map(split_id, ids) if parts and parts[0] == prefix]
    return max(numbers, default=0)


def next_id(prefix: str, ids: Iterable[str], at_least: int = 0) -> str:
    """The next free id of `prefix`: one past the highest number in use, and past `at_least`.

    `at_least` is the highest number ever handed out in this session, so a deleted id is not given again.
    """
    return f"{prefix}{max(highest_number(prefix, ids), at_least) + 1}"


def id_sort_key(record_id: str) -> tuple[str, int, str]:
    """Sorts T2 before T10."""
    parts = split_id(record_id)
    return (parts[0], parts[1], "") if parts else ("~", 0, record_id)
