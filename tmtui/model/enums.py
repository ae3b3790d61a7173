"""The closed vocabularies of the model file (SPEC section 2)."""

from enum import StrEnum


class Level(StrEnum):
    """Sensitivity, likelihood and severity share one low/medium/high scale."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ComponentKind(StrEnum):
    PROCESS = "process"
    STORE = "store"
    EXTERNAL = "external"


class Stride(StrEnum):
    SPOOFING = "spoofing"
    TAMPERING = "tampering"
    REPUDIATION = "repudiation"
    INFORMATION_DISCLOSURE = "information_disclosure"
    DENIAL_OF_SERVICE = "denial_of_service"
    ELEVATION_OF_PRIVILEGE = "elevation_of_privilege"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def letter(self) -> str:
        return "STRIDE"[_STRIDE_ORDER[self]]


class ThreatStatus(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    ACCEPTED = "accepted"
    TRANSFERRED = "transferred"
    AVOIDED = "avoided"
    NOT_APPLICABLE = "not_applicable"


class MitigationStatus(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"


class Risk(StrEnum):
    """Computed from likelihood and severity; ordered from least to most."""

    UNRATED = "unrated"
    NOTE = "note"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RISK_RANK[self]


# Looked up, not searched, for each threat of a report or a sort
_STRIDE_ORDER = {category: number for number, category in enumerate(Stride)}
_RISK_RANK = {risk: number for number, risk in enumerate(Risk)}
