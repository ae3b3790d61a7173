"""STRIDE per element, the base of every suggestion: the categories that fit each kind of element, in plain words.

External entity → spoofing, repudiation; process → all six; store → tampering, repudiation, information
disclosure, denial of service; flow → tampering, information disclosure, denial of service (only the last when
the flow is marked encrypted: the model already answers reading and changing it on the way).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from tmtui.model import Stride
from tmtui.rules.candidates import RANK_STRIDE, Candidate, SuggestedMitigation, candidate_key, capitalised
from tmtui.rules.facts import Facts, encrypted

CATEGORIES: dict[str, tuple[Stride, ...]] = {
    "external": (Stride.SPOOFING, Stride.REPUDIATION),
    "process": tuple(Stride),
    "store": (Stride.TAMPERING, Stride.REPUDIATION, Stride.INFORMATION_DISCLOSURE, Stride.DENIAL_OF_SERVICE),
    "flow": (Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE, Stride.DENIAL_OF_SERVICE),
}

_ANSWERED_BY_ENCRYPTION = (Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE)

_KIND_WORDS = {
    "external": "an external entity",
    "process": "a process",
    "store": "a data store",
    "flow": "a data flow",
}
_KIND_PLURALS = {
    "external": "external entities",
    "process": "processes",
    "store": "data stores",
    "flow": "data flows",
}


@dataclass(frozen=True)
class _Template:
    title: str
    source: str
    prerequisites: str
    action: str
    impact: str
    goal: str
    mitigation: SuggestedMitigation


def _m(title: str, description: str) -> SuggestedMitigation:
    return SuggestedMitigation(title, description)


_AUTHENTICATE = _m(
    "Authenticate every caller",
    "Check who is on the other end with credentials that cannot be guessed or replayed, before acting on a request.",
)
_AUDIT = _m(
    "Keep an audit trail",
    "Record who did what and when, in a log that the actors it records cannot change or delete.",
)
_INTEGRITY = _m(
    "Check integrity and limit who can write",
    "Give write access only to those that need it and detect changes with signatures, checksums or reviews.",
)
_CONFIDENTIALITY = _m(
    "Encrypt and restrict access",
    "Encrypt the data where it rests or travels and grant read access only to those that need it.",
)
_AVAILABILITY = _m(
    "Limit rates and plan capacity",
    "Cap what one caller can use, set timeouts and quotas, and watch for exhaustion before users notice.",
)
_PRIVILEGE = _m(
    "Least privilege and authorisation on every action",
    "Check what the caller may do on each request, and run with the fewest rights the work needs.",
)

_TEMPLATES: dict[tuple[str, Stride], _Template] = {
    ("external", Stride.SPOOFING): _Template(
        "Someone pretends to be {target}",
        "An attacker",
        "who obtains or guesses the credentials {target} uses",
        "pretend to be {target}",
        "actions taken in its name that it never asked for",
        "integrity",
        _AUTHENTICATE,
    ),
    ("external", Stride.REPUDIATION): _Template(
        "{target} denies an action it took",
        "{target}",
        "when what it did is not recorded in a way it cannot dispute",
        "deny having made a request",
        "a dispute we cannot settle",
        "accountability",
        _AUDIT,
    ),
    ("process", Stride.SPOOFING): _Template(
        "Someone pretends to be {target}",
        "An attacker",
        "who can reach the callers of {target}",
        "stand in for {target}",
        "callers handing over data or trust meant for {target}",
        "integrity",
        _AUTHENTICATE,
    ),
    ("process", Stride.TAMPERING): _Template(
        "Someone changes how {target} behaves",
        "An attacker",
        "who can send input to {target} or change its code or configuration",
        "make {target} act on data or code it should not trust",
        "wrong results or actions taken by {target}",
        "integrity",
        _INTEGRITY,
    ),
    ("process", Stride.REPUDIATION): _Template(
        "An action through {target} cannot be traced to who did it",
        "A user or caller of {target}",
        "when {target} does not record who asked for what",
        "deny having made a request",
        "a dispute or an incident we cannot investigate",
        "accountability",
        _AUDIT,
    ),
    ("process", Stride.INFORMATION_DISCLOSURE): _Template(
        "{target} reveals data it should not",
        "An attacker",
        "who can call {target} or read its errors and logs",
        "obtain data {target} handles",
        "disclosure of data to someone not allowed to see it",
        "confidentiality",
        _CONFIDENTIALITY,
    ),
    ("process", Stride.DENIAL_OF_SERVICE): _Template(
        "{target} is made unavailable",
        "An attacker",
        "who can send requests to {target}",
        "exhaust its CPU, memory, connections or money",
        "users unable to use {target}",
        "availability",
        _AVAILABILITY,
    ),
    ("process", Stride.ELEVATION_OF_PRIVILEGE): _Template(
        "Someone gains more rights in {target} than they were given",
        "A user or caller of {target}",
        "where {target} does not check what each caller may do",
        "perform actions reserved for others",
        "control over data or functions they should not have",
        "integrity",
        _PRIVILEGE,
    ),
    ("store", Stride.TAMPERING): _Template(
        "Someone changes the data in {target}",
        "An attacker or insider",
        "with write access to {target}, direct or through a process",
        "change or delete records",
        "wrong data that everything after it trusts",
        "integrity",
        _INTEGRITY,
    ),
    ("store", Stride.REPUDIATION): _Template(
        "Changes to {target} cannot be traced to who made them",
        "An insider or a process with write access",
        "when {target} does not record who changed what",
        "change data and deny it",
        "an incident we cannot investigate",
        "accountability",
        _AUDIT,
    ),
    ("store", Stride.INFORMATION_DISCLOSURE): _Template(
        "Someone reads data in {target} they should not",
        "An attacker or insider",
        "who reaches {target}, a copy of it or its backups",
        "read the data it keeps",
        "disclosure of the data in {target}",
        "confidentiality",
        _CONFIDENTIALITY,
    ),
    ("store", Stride.DENIAL_OF_SERVICE): _Template(
        "{target} is filled, locked or made unavailable",
        "An attacker or a runaway process",
        "that can write to or query {target}",
        "fill its space, hold its locks or exhaust its connections",
        "everything that depends on {target} stopping",
        "availability",
        _AVAILABILITY,
    ),
    ("flow", Stride.TAMPERING): _Template(
        "Someone changes {target} in transit",
        "An attacker on the network path",
        "where the data of {target} is not protected against change",
        "alter or replay it",
        "the receiver acting on data nobody sent",
        "integrity",
        _INTEGRITY,
    ),
    ("flow", Stride.INFORMATION_DISCLOSURE): _Template(
        "Someone reads {target} in transit",
        "An attacker on the network path",
        "where the data of {target} travels readable",
        "read it",
        "disclosure of what it carries",
        "confidentiality",
        _CONFIDENTIALITY,
    ),
    ("flow", Stride.DENIAL_OF_SERVICE): _Template(
        "{target} is blocked or flooded",
        "An attacker",
        "who can reach the path or the receiver of {target}",
        "block or flood it",
        "the data of {target} not arriving in time",
        "availability",
        _AVAILABILITY,
    ),
}


def stride_candidates(facts: Facts, element: str, skip: Set[str] = frozenset()) -> list[Candidate]:
    """The STRIDE-per-element candidates of one component or flow, one per category its kind is exposed to and
    not in `skip` (those are never built: a large model would build thousands only to drop them)."""
    kind = facts.kind(element)
    label = facts.label(element)
    flow = facts.flows.get(element)
    out: list[Candidate] = []
    for category in CATEGORIES[kind]:
        if category.value in skip:
            continue
        if flow is not None and encrypted(flow) and category in _ANSWERED_BY_ENCRYPTION:
            continue  # the model already says how reading and changing it in transit is prevented
        template = _TEMPLATES[(kind, category)]
        rule = f"stride.{category.value}"

        def fill(text: str) -> str:
            return text.replace("{target}", label)

        out.append(
            Candidate(
                key=candidate_key(rule, (element,)),
                rule=rule,
                title=capitalised(fill(template.title)),
                stride=(category.value,),
                targets=(element,),
                source=fill(template.source),
                prerequisites=fill(template.prerequisites),
                action=fill(template.action),
                impact=fill(template.impact),
                goals=(template.goal,),
                mitigations=(template.mitigation,),
                references=(),
                reason=(
                    f"{facts.describe(element)} is {_KIND_WORDS[kind]}, "
                    f"and {_KIND_PLURALS[kind]} are open to {category.label.lower()}."
                ),
                rank=RANK_STRIDE,
            )
        )
    return out
