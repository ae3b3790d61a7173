"""What changed between two versions of a model: records added, removed and changed, and risk that moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tmtui.model.enums import Risk
from tmtui.model.records import Model, Record, Threat, field_specs
from tmtui.model.risk import risk_of


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RecordChange:
    record_id: str
    kind: str  # singular: "threat"
    label: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RiskMove:
    record_id: str
    label: str
    old: Risk
    new: Risk


@dataclass
class ModelDiff:
    added: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    risk_moved: list[RiskMove] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _values(record: Any) -> dict[str, Any]:
    values = {spec.key: getattr(record, spec.name) for spec in field_specs(type(record)) if spec.key != "id"}
    values.update({key: value for key, value in record.extra.items()})
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def _field_changes(old: Any, new: Any) -> tuple[FieldChange, ...]:
    before, after = _values(old), _values(new)
    return tuple(
        FieldChange(key, before.get(key), after.get(key))
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    )


def diff_models(old: Model, new: Model) -> ModelDiff:
    result = ModelDiff()
    system = _field_changes(old.system, new.system)
    if system:
        result.changed.append(RecordChange("system", "system", new.system.name, system))
    old_records = {r.id: r for r in old.all_records() if r.id}
    new_records = {r.id: r for r in new.all_records() if r.id}
    for record_id, record in new_records.items():
        if record_id not in old_records:
            result.added.append(_summary(record))
        else:
            old_record = old_records[record_id]
            changes = _field_changes(old_record, record)
            if changes:
                result.changed.append(_summary(record, changes))
            if isinstance(record, Threat) and isinstance(old_record, Threat):
                before, after = risk_of(old_record), risk_of(record)
                if before is not after:
                    result.risk_moved.append(RiskMove(record_id, record.label, before, after))
    result.removed = [_summary(r) for record_id, r in old_records.items() if record_id not in new_records]
    return result


def _summary(record: Record, changes: tuple[FieldChange, ...] = ()) -> RecordChange:
    return RecordChange(record.id, record.SINGULAR, record.label, changes)
