"""The figures of "How well did we do?": coverage and risk, computed from the model alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import chain, compress

from tmtui.model.enums import MitigationStatus, Risk, ThreatStatus
from tmtui.model.fieldwise import field, fieldwise
from tmtui.model.records import Model, Review
from tmtui.model.risk import risk_of
from tmtui.model.sentence import has_complete_grammar

_HIGH_RISKS = (Risk.HIGH, Risk.CRITICAL)
# How much a threat weighs in the risk-weighted resolved percent. Unrated counts as medium: leaving a threat
# unrated must not make it matter less.
RISK_WEIGHT: dict[Risk, int] = {
    Risk.UNRATED: 3,
    Risk.NOTE: 1,
    Risk.LOW: 2,
    Risk.MEDIUM: 3,
    Risk.HIGH: 4,
    Risk.CRITICAL: 5,
}


@fieldwise(frozen=True)
class Metrics:
    """The figures of "How well did we do?", computed from the model."""

    threats: int
    open: int
    open_high_risk: int  # open threats whose risk is high or critical
    mitigated_percent: int  # threats whose status is mitigated, of all threats, rounded
    resolved_percent: int = 0  # threats no longer open (any decided status), of all threats, rounded
    resolved_weighted_percent: int = 0  # the same, each threat weighted by its risk (RISK_WEIGHT)
    open_by_risk: dict[Risk, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_risk: dict[Risk, int] = field(default_factory=dict)
    mitigations_by_status: dict[str, int] = field(default_factory=dict)
    threats_without_mitigation: list[str] = field(default_factory=list)  # open ones, ids
    components_without_threats: list[str] = field(default_factory=list)
    threats_with_complete_grammar: int = 0  # source, action and impact written

    def snapshot(self) -> dict[str, int]:
        """The figures a recorded review keeps, as in `[reviews.metrics]`."""
        return {
            "threats": self.threats,
            "open": self.open,
            "open_high_risk": self.open_high_risk,
            "mitigated_percent": self.mitigated_percent,
        }


def compute_metrics(model: Model) -> Metrics:
    """The figures of a model; duplicate ids and unknown values are counted as they are, never a crash."""
    # paired with their threats, not keyed by id: a model with a duplicate id still counts every threat; each
    # threat's risk and status worked out once, every figure counted from those (one pass each, in C where it can)
    threats = model.threats
    risks = [risk_of(t) for t in threats]
    statuses = [t.effective_status for t in threats]
    still_open, wont_do = ThreatStatus.OPEN, MitigationStatus.WONT_DO  # looked up once, not per record
    is_open = [status == still_open for status in statuses]
    open_risks = list(compress(risks, is_open))
    status_counts = Counter(statuses)
    mitigation_counts = Counter(m.effective_status for m in model.mitigations)
    addressed = {tid for m in model.mitigations if m.status != wont_do for tid in m.threats}
    targeted = set(chain.from_iterable(t.targets for t in threats))
    open_by_risk = Counter(open_risks)
    all_risks = Counter(risks)
    weight = sum(RISK_WEIGHT[risk] * count for risk, count in all_risks.items())
    open_weight = sum(RISK_WEIGHT[risk] * count for risk, count in open_by_risk.items())
    return Metrics(
        threats=len(threats),
        open=len(open_risks),
        open_high_risk=sum(open_by_risk[risk] for risk in _HIGH_RISKS),
        mitigated_percent=_percent(status_counts[ThreatStatus.MITIGATED], len(threats)),
        resolved_percent=_percent(len(threats) - len(open_risks), len(threats)),
        resolved_weighted_percent=_percent(weight - open_weight, weight),
        open_by_risk={r: open_by_risk.get(r, 0) for r in reversed(Risk)},
        by_status={s.value: status_counts.get(s, 0) for s in ThreatStatus},
        by_risk={r: all_risks.get(r, 0) for r in reversed(Risk)},
        mitigations_by_status={s.value: mitigation_counts.get(s, 0) for s in MitigationStatus},
        threats_without_mitigation=[t.id for t in compress(threats, is_open) if t.id not in addressed],
        components_without_threats=[c.id for c in model.components if c.id not in targeted],
        threats_with_complete_grammar=sum(map(has_complete_grammar, threats)),
    )


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# The figures a review keeps, and how each reads: (key, label, better when it goes down; None: neither).
SNAPSHOT_FIGURES: tuple[tuple[str, str, bool | None], ...] = (
    ("threats", "threats", None),
    ("open", "open", True),
    ("open_high_risk", "open at high risk or above", True),
    ("mitigated_percent", "mitigated %", False),
)


@fieldwise(frozen=True)
class FigureChange:
    """One figure of a review beside its value now."""

    key: str
    label: str
    before: int | None  # None: the review did not keep this figure (or kept something that is not a number)
    after: int
    better_when_lower: bool | None

    @property
    def delta(self) -> int:
        return self.after - self.before if self.before is not None else 0

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "" (no change, or a figure that is neither)."""
        if not self.delta or self.better_when_lower is None:
            return ""
        return "better" if (self.delta < 0) == self.better_when_lower else "worse"


def reviews_in_order(model: Model) -> list[Review]:
    """Reviews that kept figures, oldest first: by date, then by their place in the file (undated ones first)."""
    kept = [(index, r) for index, r in enumerate(model.reviews) if isinstance(r.metrics, dict) and r.metrics]
    kept.sort(key=lambda pair: (pair[1].date or dt.date.min, pair[0]))
    return [r for _, r in kept]


def figure(value: object) -> int | None:
    """A figure as a review kept it: an integer, or None for anything else a person may have written there."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def since_review(review: Review, metrics: Metrics) -> list[FigureChange]:
    """Each figure as the review kept it against now."""
    now = metrics.snapshot()
    return [
        FigureChange(key, label, figure(review.metrics.get(key)), now[key], lower)
        for key, label, lower in SNAPSHOT_FIGURES
    ]
