"""A suggested threat (a candidate) and the threat records that answer one: taken, or ruled out with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from tmtui.model import ThreatStatus

RANK_CONTEXT = 0
RANK_LIBRARY = 1
RANK_STRIDE = 2


@dataclass(frozen=True)
class SuggestedMitigation:
    """A mitigation the library proposes with a candidate; the app offers it as new or linked to an existing one."""

    title: str
    description: str


@dataclass(frozen=True)
class Candidate:
    """A threat the model suggests but does not yet answer, with the facts of the model it came from."""

    key: str  # f"{rule}:{'+'.join(targets)}", stable across runs
    rule: str  # a library id, "context.<slug>" or "stride.<category>"
    title: str
    stride: tuple[str, ...]
    targets: tuple[str, ...]  # component/flow ids; targets[0] is the element it is grouped under
    source: str
    prerequisites: str
    action: str
    impact: str
    goals: tuple[str, ...]
    mitigations: tuple[SuggestedMitigation, ...]
    references: tuple[str, ...]  # ("CWE-89", "CAPEC-66")
    reason: str
    rank: int  # RANK_CONTEXT, RANK_LIBRARY or RANK_STRIDE

    @property
    def element(self) -> str:
        """The component or flow the candidate is listed under."""
        return self.targets[0]


def candidate_key(rule: str, targets: tuple[str, ...]) -> str:
    return f"{rule}:{'+'.join(targets)}"


def capitalised(title: str) -> str:
    """A title that starts with a flow's label ("store charge …") still starts like a sentence."""
    return title[:1].upper() + title[1:]


def accepted_threat(candidate: Candidate) -> dict[str, object]:
    """The TOML keys of the threat that takes the candidate: title, stride, source, prerequisites, action,
    impact, targets, goals, references, rule (empty values left out)."""
    keys: dict[str, object] = {
        "title": candidate.title,
        "stride": list(candidate.stride),
        "source": candidate.source,
        "prerequisites": candidate.prerequisites,
        "action": candidate.action,
        "impact": candidate.impact,
        "targets": list(candidate.targets),
        "goals": list(candidate.goals),
        "references": list(candidate.references),
        "rule": candidate.rule,
    }
    return {key: value for key, value in keys.items() if value not in ("", [])}


def ruled_out_threat(candidate: Candidate, reason: str) -> dict[str, object]:
    """The keys of the threat that answers the candidate as not applicable: title, stride, targets, rule,
    status = "not_applicable", notes = reason."""
    keys: dict[str, object] = {
        "title": candidate.title,
        "stride": list(candidate.stride),
        "targets": list(candidate.targets),
        "rule": candidate.rule,
        "status": ThreatStatus.NOT_APPLICABLE.value,
        "notes": reason,
    }
    return {key: value for key, value in keys.items() if value not in ("", [])}
