"""Domain helpers every view shares: a threat's grammar as one sentence, what it still lacks, and threats in the order
of their risk."""

from __future__ import annotations

from collections.abc import Iterable

from tmtui.model.enums import Risk, ThreatStatus
from tmtui.model.ids import id_sort_key
from tmtui.model.records import Threat
from tmtui.model.risk import risk_of


def threat_sentence(threat: Threat) -> str:
    """The threat grammar as one sentence: "<source> <prerequisites> can <action>, which leads to <impact>"."""
    if not threat.action:
        return ""
    words = [threat.source or "A threat source", threat.prerequisites, "can", threat.action.rstrip(".")]
    sentence = " ".join(filter(None, map(str.strip, filter(None, words))))  # each word stripped, empty ones left out
    if threat.impact:
        sentence += f", which leads to {threat.impact.strip().rstrip('.')}"
    return sentence + "."


# The parts a complete threat statement needs (prerequisites may be left out), in the sentence's order, each with
# what to ask a person who has not written it yet.
GRAMMAR_QUESTIONS: dict[str, str] = {
    "source": "no threat source yet: who would do this?",
    "action": "no action yet: what would they do?",
    "impact": "no impact yet: what happens if this works?",
}


def missing_grammar(threat: Threat) -> list[str]:
    """The parts of the threat statement not written yet, of source, action and impact, in the sentence's order."""
    return [part for part in GRAMMAR_QUESTIONS if not _written(getattr(threat, part))]


def has_complete_grammar(threat: Threat) -> bool:
    """A complete threat statement: source, action and impact are written (prerequisites are optional)."""
    return not missing_grammar(threat)


def _written(value: object) -> bool:
    # a value of the wrong type in a hand-edited file is not a written part
    return isinstance(value, str) and bool(value.strip())


def risk_order(threat: Threat) -> tuple[int, bool, tuple[str, int, str]]:
    """The key `threats_by_risk` sorts by: highest risk first; within a risk, open before decided, then by id."""
    return (_NEGATIVE_RANK[risk_of(threat)], threat.effective_status != _OPEN, id_sort_key(threat.id))


def threats_by_risk(threats: Iterable[Threat]) -> list[Threat]:
    """Highest risk first; within a risk, open before decided, then by id."""
    return sorted(threats, key=risk_order)


# Looked up for each threat of a sort, where an enum's attribute or property costs a call
_NEGATIVE_RANK = {risk: -risk.rank for risk in Risk}
_OPEN = ThreatStatus.OPEN
