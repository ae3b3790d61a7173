"""The threat library: entries read from plain data (the packaged library.toml and the user's), checked word by word.

Entries are validated here, once, so that matching never meets a malformed one and the author of a user library
learns which entry is wrong and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tmtui.model import Stride
from tmtui.model.text import has_control
from tmtui.rules.candidates import SuggestedMitigation
from tmtui.rules.vocabulary import CONDITIONS, ELEMENT_KINDS, TAGS

GOALS = ("confidentiality", "integrity", "availability", "accountability")
GRAMMAR = ("source", "prerequisites", "action", "impact")
PLACEHOLDER = "{target}"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$")
_RESERVED_AREAS = ("stride", "context")
_ENTRY_KEYS = frozenset(
    {"id", "title", "stride", "applies_to", "tags", "conditions", *GRAMMAR, "goals", "cwe", "capec", "mitigations"}
)
_MITIGATION_KEYS = frozenset({"title", "description"})

# The element kinds on which each condition can hold: an entry whose kinds can never meet its conditions would
# never fire, which is a mistake in the entry, not a quiet no-op.
CONDITION_KINDS: dict[str, frozenset[str]] = {
    "crosses_boundary": frozenset({"flow"}),
    "unencrypted": frozenset({"flow"}),
    "unauthenticated": frozenset({"flow"}),
    "sensitive": frozenset({"process", "store", "external", "flow"}),
    "from_external": frozenset({"process", "store", "external", "flow"}),
    "internet_facing": frozenset({"process"}),
    "no_boundary": frozenset({"process", "store", "external"}),
    "to_store": frozenset({"flow"}),
    "from_store": frozenset({"flow"}),
}


# Library text becomes the text of threats in a model: a control character (a terminal escape) is refused at the
# door rather than carried into every file that takes a suggestion.
CONTROL_REFUSED = "holds a control character (a terminal escape, say), which a threat must not carry"


class LibraryError(ValueError):
    """A library that does not follow the entry format; the message names the entry and what was expected."""

    def __init__(self, message: str, index: int | None = None, user: bool = False, key: str | None = None) -> None:
        self.message = message
        self.index = index  # the entry's position in `entries`, or None for a top-level key
        self.user = user  # raised by the user's library rather than the packaged one
        self.key = key  # the top-level key at fault, when it is not an entry
        super().__init__(message)


@dataclass(frozen=True)
class LibraryEntry:
    """One threat the library knows: where it applies, the grammar of the threat, and what to do about it."""

    id: str
    title: str
    stride: tuple[str, ...]
    applies_to: frozenset[str]
    tags: frozenset[str]
    conditions: frozenset[str]
    source: str
    prerequisites: str
    action: str
    impact: str
    goals: tuple[str, ...]
    cwe: tuple[int, ...]
    capec: tuple[int, ...]
    mitigations: tuple[SuggestedMitigation, ...]

    @property
    def references(self) -> tuple[str, ...]:
        return (*(f"CWE-{n}" for n in self.cwe), *(f"CAPEC-{n}" for n in self.capec))

    def matches(self, kind: str, tags: frozenset[str], conditions: frozenset[str]) -> bool:
        """Whether the entry fires on an element of this kind, with these tags and these facts."""
        return (
            kind in self.applies_to
            and self.conditions <= conditions
            and (not self.tags or not self.tags.isdisjoint(tags))
        )


class Library:
    """The entries suggestions are matched against: the packaged ones, with the user's added, replaced or disabled."""

    def __init__(self, entries: Iterable[LibraryEntry]) -> None:
        self.entries: tuple[LibraryEntry, ...] = tuple(entries)
        self._by_id = {entry.id: entry for entry in self.entries}
        # Each element meets only the entries of its kind that need no tag or one of its tags, found by lookup:
        # a large model has hundreds of elements and the library a hundred entries.
        self._untagged: dict[str, list[int]] = {kind: [] for kind in ELEMENT_KINDS}
        self._by_tag: dict[tuple[str, str], list[int]] = {}
        for index, entry in enumerate(self.entries):
            for kind in entry.applies_to:
                if entry.tags:
                    for tag in entry.tags:
                        self._by_tag.setdefault((kind, tag), []).append(index)
                else:
                    self._untagged[kind].append(index)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> LibraryEntry | None:
        return self._by_id.get(entry_id)

    def matching(self, kind: str, tags: frozenset[str], conditions: frozenset[str]) -> list[LibraryEntry]:
        """The entries that fire on an element of this kind, tags and facts, in the library's order. The index
        narrows the entries to look at; `LibraryEntry.matches` decides."""
        indexes = set(self._untagged.get(kind, ()))
        for tag in tags:
            indexes.update(self._by_tag.get((kind, tag), ()))
        return [self.entries[i] for i in sorted(indexes) if self.entries[i].matches(kind, tags, conditions)]

    @classmethod
    def from_data(cls, builtin: dict[str, Any], user: dict[str, Any] | None = None) -> Library:
        """Check and combine the packaged library and the user's; LibraryError names the first wrong entry."""
        entries = {entry.id: entry for entry in _parse(builtin, user=False)}
        if user is not None:
            for entry_id in _disabled(user):
                if entry_id not in entries:
                    raise LibraryError(
                        f"disable names {entry_id!r}, which is not an entry of the built-in library",
                        user=True,
                        key="disable",
                    )
                del entries[entry_id]
            for entry in _parse(user, user=True):
                entries[entry.id] = entry  # an id of the built-in library is replaced in place
        return cls(entries.values())


def _disabled(data: dict[str, Any]) -> list[str]:
    value = data.get("disable", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LibraryError("disable should be an array of entry ids", user=True, key="disable")
    return list(dict.fromkeys(value))


def _parse(data: dict[str, Any], user: bool) -> list[LibraryEntry]:
    allowed = {"schema", "entries", "disable"} if user else {"schema", "entries"}
    for key in data:
        if key not in allowed:
            raise LibraryError(f"unknown key {key!r} (expected: {', '.join(sorted(allowed))})", user=user, key=key)
    schema = data.get("schema", 1)
    if schema != 1 or isinstance(schema, bool):
        raise LibraryError(f"schema should be 1, not {schema!r}", user=user, key="schema")
    raw = data.get("entries", [])
    if not isinstance(raw, list):
        raise LibraryError("entries should be an array of tables ([[entries]])", user=user, key="entries")
    seen: set[str] = set()
    out: list[LibraryEntry] = []
    for index, item in enumerate(raw):
        entry = _entry(item, index, user)
        if entry.id in seen:
            raise LibraryError(f"entry {index + 1} ({entry.id}): the id is used by an earlier entry", index, user)
        seen.add(entry.id)
        out.append(entry)
    return out


def _entry(item: Any, index: int, user: bool) -> LibraryEntry:
    def fail(message: str) -> LibraryError:
        return LibraryError(f"entry {index + 1}{name}: {message}", index, user)

    name = ""
    if not isinstance(item, dict):
        raise fail("should be a table ([[entries]])")
    entry_id = item.get("id")
    if isinstance(entry_id, str):
        name = f" ({entry_id})"
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise fail('id should be lowercase "<area>.<slug>", such as "web.sql-injection"')
    if entry_id.split(".", 1)[0] in _RESERVED_AREAS:
        raise fail(f"ids starting {entry_id.split('.', 1)[0]}. are kept for tmtui's own rules")
    unknown = sorted(set(item) - _ENTRY_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (expected: {', '.join(sorted(_ENTRY_KEYS))})")

    def text(key: str, placeholder: bool) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} should be a non-empty string")
        if has_control(value):
            raise fail(f"{key} {CONTROL_REFUSED}")
        rest = value.replace(PLACEHOLDER, "") if placeholder else value
        if "{" in rest or "}" in rest:
            allowed = f"only {PLACEHOLDER} may appear in braces" if placeholder else "no braces are allowed here"
            raise fail(f"{key} has a brace that is not a placeholder: {allowed}")
        return value.strip()

    def words(key: str, vocabulary: Iterable[str], required: bool) -> tuple[str, ...]:
        value = item.get(key, [])
        known = list(vocabulary)
        expected = f"{key} should be an array of: {', '.join(known)}"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(expected)
        if required and not value:
            raise fail(f"{key} should name at least one of: {', '.join(known)}")
        for word in value:
            if word not in known:
                raise fail(f"{key} has {word!r}, which is not one of: {', '.join(known)}")
        if len(set(value)) != len(value):
            raise fail(f"{key} names a word twice")
        return tuple(value)

    def numbers(key: str) -> tuple[int, ...]:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(type(v) is int and v > 0 for v in value):
            raise fail(f"{key} should be an array of positive numbers, such as [89]")
        return tuple(value)

    title = text("title", placeholder=True)
    stride = words("stride", (s.value for s in Stride), required=True)
    applies_to = frozenset(words("applies_to", ELEMENT_KINDS, required=True))
    tags = frozenset(words("tags", TAGS, required=False))
    conditions = frozenset(words("conditions", CONDITIONS, required=False))
    if not tags and not conditions:
        raise fail("needs tags or conditions (or both): an entry with neither would fire on every element")
    if not any(all(kind in CONDITION_KINDS[c] for c in conditions) for kind in applies_to):
        raise fail(
            f"no kind in applies_to ({', '.join(sorted(applies_to))}) can meet all of conditions "
            f"({', '.join(sorted(conditions))}), so the entry would never fire"
        )
    grammar = {key: text(key, placeholder=True) for key in GRAMMAR}
    goals = words("goals", GOALS, required=False)
    mitigations = item.get("mitigations")
    if not isinstance(mitigations, list) or not mitigations:
        raise fail("needs at least one [[entries.mitigations]] with a title and a description")
    suggested: list[SuggestedMitigation] = []
    for number, mitigation in enumerate(mitigations, 1):
        if not isinstance(mitigation, dict):
            raise fail(f"mitigation {number} should be a table with a title and a description")
        extra = sorted(set(mitigation) - _MITIGATION_KEYS)
        if extra:
            raise fail(f"mitigation {number} has an unknown key {extra[0]!r} (expected: description, title)")
        parts = []
        for key in ("title", "description"):
            value = mitigation.get(key)
            if not isinstance(value, str) or not value.strip():
                raise fail(f"mitigation {number} should have a non-empty {key}")
            if has_control(value):
                raise fail(f"mitigation {number} {key} {CONTROL_REFUSED}")
            if "{" in value or "}" in value:
                raise fail(f"mitigation {number} {key} has a brace: placeholders are not filled in mitigations")
            parts.append(value.strip())
        suggested.append(SuggestedMitigation(title=parts[0], description=parts[1]))
    return LibraryEntry(
        id=entry_id,
        title=title,
        stride=stride,
        applies_to=applies_to,
        tags=tags,
        conditions=conditions,
        goals=goals,
        cwe=numbers("cwe"),
        capec=numbers("capec"),
        mitigations=tuple(suggested),
        **grammar,
    )
