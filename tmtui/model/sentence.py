"""Domain helpers every view shares: a threat's grammar as one sentence, and threats in the order of their risk."""

from __future__ import annotations

from collections.abc import Iterable

from tmtui.model.enums import ThreatStatus
from tmtui.model.ids import id_sort_key
from tmtui.model.records import Threat
from tmtui.model.risk import risk_of


def threat_sentence(threat: Threat) -> str:
    """The threat grammar as one sentence: "<source> <prerequisites> can <action>, which leads to <impact>"."""
    if not threat.action:
        return ""
    words = [threat.source or "A threat source", threat.prerequisites, "can", threat.action.rstrip(".")]
    sentence = " ".join(w.strip() for w in words if w and w.strip())
    if threat.impact:
        sentence += f", which leads to {threat.impact.strip().rstrip('.')}"
    return sentence + "."


def threats_by_risk(threats: Iterable[Threat]) -> list[Threat]:
    """Highest risk first; within a risk, open before decided, then by id."""
    return sorted(
        threats,
        key=lambda t: (-risk_of(t).rank, t.effective_status != ThreatStatus.OPEN, id_sort_key(t.id)),
    )
