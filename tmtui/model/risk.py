"""Risk is computed from likelihood and severity on the OWASP Risk Rating matrix; it is never stored."""

from __future__ import annotations

from tmtui.model.enums import Level, Risk
from tmtui.model.records import Threat

# (severity, likelihood) -> risk, as in the OWASP Risk Rating Methodology's overall severity table.
_MATRIX: dict[tuple[str, str], Risk] = {
    (Level.HIGH, Level.LOW): Risk.MEDIUM,
    (Level.HIGH, Level.MEDIUM): Risk.HIGH,
    (Level.HIGH, Level.HIGH): Risk.CRITICAL,
    (Level.MEDIUM, Level.LOW): Risk.LOW,
    (Level.MEDIUM, Level.MEDIUM): Risk.MEDIUM,
    (Level.MEDIUM, Level.HIGH): Risk.HIGH,
    (Level.LOW, Level.LOW): Risk.NOTE,
    (Level.LOW, Level.MEDIUM): Risk.LOW,
    (Level.LOW, Level.HIGH): Risk.MEDIUM,
}

_UNRATED = Risk.UNRATED  # a name looked up, not an enum's attribute: asked for each threat of a report


def risk_from(likelihood: str | None, severity: str | None) -> Risk:
    """Unrated when either input is unset or not one of low/medium/high."""
    return _MATRIX.get((severity or "", likelihood or ""), _UNRATED)


def risk_of(threat: Threat) -> Risk:
    return risk_from(threat.likelihood, threat.severity)


def parse_risk(text: str) -> Risk:
    """The `--fail-on` argument: one of note, low, medium, high, critical."""
    try:
        risk = Risk(text.lower())
    except ValueError:
        risk = Risk.UNRATED
    if risk is Risk.UNRATED:
        raise ValueError(f"expected one of note, low, medium, high, critical; got {text!r}")
    return risk
