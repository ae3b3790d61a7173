"""The figures of "How well did we do?": coverage and risk, computed from the model alone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tmtui.model.enums import MitigationStatus, Risk, ThreatStatus
from tmtui.model.records import Model
from tmtui.model.risk import risk_of

_HIGH_RISKS = (Risk.HIGH, Risk.CRITICAL)


@dataclass(frozen=True)
class Metrics:
    threats: int
    open: int
    open_high_risk: int  # open threats whose risk is high or critical
    mitigated_percent: int  # threats whose status is mitigated, of all threats, rounded
    open_by_risk: dict[Risk, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_risk: dict[Risk, int] = field(default_factory=dict)
    mitigations_by_status: dict[str, int] = field(default_factory=dict)
    threats_without_mitigation: list[str] = field(default_factory=list)  # open ones, ids
    components_without_threats: list[str] = field(default_factory=list)

    def snapshot(self) -> dict[str, int]:
        """The figures a recorded review keeps, as in `[reviews.metrics]`."""
        return {
            "threats": self.threats,
            "open": self.open,
            "open_high_risk": self.open_high_risk,
            "mitigated_percent": self.mitigated_percent,
        }


def compute_metrics(model: Model) -> Metrics:
    risks = {t.id: risk_of(t) for t in model.threats}
    open_threats = [t for t in model.threats if t.effective_status == ThreatStatus.OPEN]
    mitigated = sum(1 for t in model.threats if t.effective_status == ThreatStatus.MITIGATED)
    addressed = {tid for m in model.mitigations if m.status != MitigationStatus.WONT_DO for tid in m.threats}
    targeted = {target for t in model.threats for target in t.targets}
    open_by_risk = Counter(risks[t.id] for t in open_threats)
    return Metrics(
        threats=len(model.threats),
        open=len(open_threats),
        open_high_risk=sum(1 for t in open_threats if risks[t.id] in _HIGH_RISKS),
        mitigated_percent=round(100 * mitigated / len(model.threats)) if model.threats else 0,
        open_by_risk={r: open_by_risk.get(r, 0) for r in reversed(Risk)},
        by_status={s.value: sum(1 for t in model.threats if t.effective_status == s) for s in ThreatStatus},
        by_risk={r: sum(1 for v in risks.values() if v is r) for r in reversed(Risk)},
        mitigations_by_status={
            s.value: sum(1 for m in model.mitigations if m.effective_status == s) for s in MitigationStatus
        },
        threats_without_mitigation=[t.id for t in open_threats if t.id not in addressed],
        components_without_threats=[c.id for c in model.components if c.id not in targeted],
    )
