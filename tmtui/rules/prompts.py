"""The brainstorm's questions: STRIDE per element asked in plain words, and what becomes of the ideas people answer.

Each kind of element (external entity, process, store, data flow) is asked the STRIDE categories it is exposed to,
one question each, naming the element; an idea is a threat tagged `brainstorm`; triage merges duplicates. Pure:
it reads a `Model` and returns values, and never parses the names it puts in a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tmtui.model import Component, Flow, Model, Stride, Threat, ThreatStatus
from tmtui.model.coverage import EXPECTED, element_kind

IDEA_TAG = "brainstorm"


@dataclass(frozen=True)
class Question:
    """One question as written, before an element's name is put in: `{name}`, or for a flow `{source}` and
    `{target}`; and one line of examples that help people think of an answer."""

    template: str
    hint: str


# Element kind × STRIDE category → the question. The categories of each kind are coverage's (STRIDE per element).
QUESTIONS: dict[str, dict[Stride, Question]] = {
    "external": {
        Stride.SPOOFING: Question(
            "Could someone pretend to be {name}?",
            "A stolen password or API key, a forged sender, a look-alike domain, a call nobody checks.",
        ),
        Stride.REPUDIATION: Question(
            "Could {name} do something and later deny it was them?",
            "No record of who asked for what, a shared account, logs anyone can edit, no signed receipt.",
        ),
    },
    "process": {
        Stride.SPOOFING: Question(
            "Could someone pretend to be {name}, or make it trust the wrong caller?",
            "A fake service calling it, a stolen session or token, a caller it never checks.",
        ),
        Stride.TAMPERING: Question(
            "Could someone change what {name} does, or the data it works on?",
            "Injected SQL or commands, changed settings, a poisoned dependency, input it trusts too much.",
        ),
        Stride.REPUDIATION: Question(
            "Could someone do something through {name} and later deny it?",
            "Actions nobody logs, logs without who or when, logs an attacker can erase.",
        ),
        Stride.INFORMATION_DISCLOSURE: Question(
            "Could {name} let out something it should keep to itself?",
            "Detailed error messages, a debug page, secrets in logs, another customer's data.",
        ),
        Stride.DENIAL_OF_SERVICE: Question(
            "Could {name} be slowed down, crashed or overwhelmed?",
            "A flood of requests, a huge upload, an expensive query, a dependency that hangs, a bill that explodes.",
        ),
        Stride.ELEVATION_OF_PRIVILEGE: Question(
            "Could someone make {name} do more than they are allowed to?",
            "A missing permission check, an admin page anyone can reach, running as root, fetching any URL asked.",
        ),
    },
    "store": {
        Stride.TAMPERING: Question(
            "Could someone change or delete what is kept in {name}?",
            "Direct access to the database or bucket, a write path without checks, a restored old backup.",
        ),
        Stride.REPUDIATION: Question(
            "Could data in {name} change without a trace of who changed it?",
            "No audit trail, a shared admin account, history that can be rewritten.",
        ),
        Stride.INFORMATION_DISCLOSURE: Question(
            "Could the wrong person read what is kept in {name}?",
            "A public bucket, an unencrypted backup, a copy in a test environment, credentials shared too widely.",
        ),
        Stride.DENIAL_OF_SERVICE: Question(
            "Could {name} be made unavailable, or fill up?",
            "The disk fills, a table is locked, connections run out, someone deletes it, a quota is reached.",
        ),
    },
    "flow": {
        Stride.TAMPERING: Question(
            "Could someone change what {source} sends to {target} on the way?",
            "No TLS, TLS not checked, a proxy in the middle, a message replayed or reordered.",
        ),
        Stride.INFORMATION_DISCLOSURE: Question(
            "Could someone read what {source} sends to {target} on the way?",
            "Plain HTTP, secrets in the URL, logs of the traffic, a shared network.",
        ),
        Stride.DENIAL_OF_SERVICE: Question(
            "Could someone block, delay or flood what {source} sends to {target}?",
            "A flood of messages, a full queue, a network cut, retries that pile up.",
        ),
    },
}

ELEMENT_NOUNS = {
    "external": "an external entity",
    "process": "a process",
    "store": "a data store",
    "flow": "a data flow",
}
UNKNOWN_SOURCE = "an unknown sender"
UNKNOWN_TARGET = "an unknown receiver"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Element:
    """A component or flow the brainstorm stops at; `name` is its name (a flow's label), as written."""

    record_id: str
    kind: str  # the record kind: "components" or "flows"
    element: str  # external, process, store or flow
    name: str
    source: str = ""  # a flow's two ends, by name (or a stand-in when an end is missing)
    target: str = ""

    @property
    def noun(self) -> str:
        return ELEMENT_NOUNS[self.element]


@dataclass(frozen=True)
class Prompt:
    """One question about one element, in one STRIDE category, with the element's names in it."""

    element: Element
    category: Stride
    parts: tuple[tuple[str, bool], ...]  # the question in pieces, each marked True where it is a name put in
    hint: str

    @property
    def question(self) -> str:
        return "".join(text for text, _ in self.parts)


def elements(model: Model) -> list[Element]:
    """The elements to ask about: components in file order, then flows. A record without an id is left out: an
    idea could not name it as its target."""
    out: list[Element] = []
    records: list[Component | Flow] = [*model.components, *model.flows]
    for record in records:
        if not record.id:
            continue
        source = target = ""
        if isinstance(record, Flow):
            source = _name_of(model, record.source) or UNKNOWN_SOURCE
            target = _name_of(model, record.target) or UNKNOWN_TARGET
        name = record.label or record.id
        out.append(Element(record.id, record.KIND, element_kind(record), name, source, target))
    return out


def prompts_for(element: Element) -> list[Prompt]:
    """The questions for one element, in STRIDE order, each with the element's names put in."""
    names = {"name": element.name, "source": element.source, "target": element.target}
    asked = QUESTIONS[element.element]
    return [Prompt(element, c, fill(asked[c].template, names), asked[c].hint) for c in EXPECTED[element.element]]


def fill(template: str, names: dict[str, str]) -> tuple[tuple[str, bool], ...]:
    """`template` in pieces, each `{placeholder}` replaced by its name (marked True) in one pass over the template:
    a name that holds `{target}` or `[bold]` stays as written, never read as a placeholder or anything else."""
    parts: list[tuple[str, bool]] = []
    written = 0
    for match in _PLACEHOLDER.finditer(template):
        parts += [(template[written : match.start()], False), (names[match.group(1)], True)]
        written = match.end()
    parts.append((template[written:], False))
    return tuple(part for part in parts if part[0])


def idea_fields(title: str, prompt: Prompt) -> dict[str, Any]:
    """The threat an idea becomes: its words as the title, on the element and in the category it answered."""
    return {
        "title": title,
        "stride": [prompt.category.value],
        "targets": [prompt.element.record_id],
        "tags": [IDEA_TAG],
    }


def is_idea(threat: Threat) -> bool:
    return IDEA_TAG in threat.tags


def untriaged(threat: Threat) -> bool:
    """An idea nobody has rated or decided yet: still open, and likelihood or severity unset."""
    return (
        is_idea(threat)
        and threat.effective_status == ThreatStatus.OPEN
        and (threat.likelihood is None or threat.severity is None)
    )


def ideas_to_triage(model: Model, captured: set[str]) -> list[str]:
    """The ids of the ideas a triage goes through, in file order: those captured in this brainstorm, and every
    earlier idea still untriaged (a brainstorm cut short by a dropped connection is triaged with the next)."""
    return [t.id for t in model.threats if t.id and is_idea(t) and (t.id in captured or untriaged(t))]


def ideas_on(model: Model, prompt: Prompt) -> list[Threat]:
    """The threats already on this element in this category, ideas or not: what the group has already said."""
    return [t for t in model.threats_targeting(prompt.element.record_id) if prompt.category.value in t.stride]


def merged(kept: Threat, gone: Threat) -> dict[str, Any]:
    """The fields of `kept` once `gone`, the same idea said twice, is merged into it: `gone`'s title (and notes)
    go into its notes, and its targets and STRIDE categories join `kept`'s."""
    said = [f"Also raised as: {gone.title}", *([gone.notes.strip()] if gone.notes.strip() else [])]
    notes = "\n".join([*([kept.notes.rstrip()] if kept.notes.strip() else []), *said])
    targets = list(dict.fromkeys([*kept.targets, *gone.targets]))
    stride: list[str] = [s.value for s in Stride if s.value in kept.stride or s.value in gone.stride]
    stride += [s for s in dict.fromkeys([*kept.stride, *gone.stride]) if s not in stride]  # unknown values kept
    return {"notes": notes, "targets": targets, "stride": stride}


def _name_of(model: Model, record_id: str | None) -> str:
    record = model.find(record_id) if record_id else None
    return (record.label or record.id) if isinstance(record, Component) else ""
