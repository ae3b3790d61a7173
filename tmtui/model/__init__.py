"""The pure domain: records, ids, risk, metrics and validation. No I/O and no Textual here."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tmtui.model.build import SCHEMA_VERSION, SchemaTooNewError, model_from_data, rebuild
from tmtui.model.enums import (
    ComponentKind,
    Level,
    MitigationStatus,
    Risk,
    Stride,
    ThreatStatus,
)
from tmtui.model.findings import Finding, Severity
from tmtui.model.ids import id_sort_key, next_id, split_id
from tmtui.model.records import (
    RECORD_TYPE_BY_KIND,
    RECORD_TYPE_BY_PREFIX,
    RECORD_TYPES,
    Asset,
    Assumption,
    Boundary,
    Component,
    FieldSpec,
    Flow,
    Mitigation,
    Model,
    Record,
    Review,
    Story,
    System,
    Threat,
    field_specs,
    spec_for,
)
from tmtui.model.risk import parse_risk, risk_from, risk_of
from tmtui.model.validation import revalidate, validate

if TYPE_CHECKING:
    from tmtui.model.metrics import Metrics, compute_metrics
    from tmtui.model.sentence import threat_sentence, threats_by_risk

# Imported when first asked for: `tmtui check`, run on every commit in CI, needs neither.
_LATER = {
    "Metrics": "tmtui.model.metrics",
    "compute_metrics": "tmtui.model.metrics",
    "threat_sentence": "tmtui.model.sentence",
    "threats_by_risk": "tmtui.model.sentence",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "RECORD_TYPES",
    "RECORD_TYPE_BY_KIND",
    "RECORD_TYPE_BY_PREFIX",
    "SCHEMA_VERSION",
    "Asset",
    "Assumption",
    "Boundary",
    "Component",
    "ComponentKind",
    "FieldSpec",
    "Finding",
    "Flow",
    "Level",
    "Metrics",
    "Mitigation",
    "MitigationStatus",
    "Model",
    "Record",
    "Review",
    "Risk",
    "SchemaTooNewError",
    "Severity",
    "Story",
    "Stride",
    "System",
    "Threat",
    "ThreatStatus",
    "compute_metrics",
    "field_specs",
    "id_sort_key",
    "model_from_data",
    "next_id",
    "parse_risk",
    "rebuild",
    "revalidate",
    "risk_from",
    "risk_of",
    "spec_for",
    "split_id",
    "threat_sentence",
    "threats_by_risk",
    "validate",
]
