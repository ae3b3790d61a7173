"""What changed between two versions of a model: records added, removed and changed, and risk that moved."""

from __future__ import annotations

from typing import Any

from tmtui.model.coverage import compute_coverage
from tmtui.model.enums import Risk
from tmtui.model.fieldwise import field, fieldwise
from tmtui.model.metrics import SNAPSHOT_FIGURES, FigureChange, compute_metrics
from tmtui.model.records import Model, Record, Threat, field_specs
from tmtui.model.risk import risk_of

# The figures a diff shows before → after: those a review keeps, and two more.
DIFF_FIGURES: tuple[tuple[str, str, bool | None], ...] = (
    *SNAPSHOT_FIGURES,
    ("resolved_percent", "resolved %", False),
    ("coverage_percent", "coverage %", False),
)


@fieldwise(frozen=True)
class FieldChange:
    """One key of a record that changed: its old and new value."""

    key: str
    old: Any
    new: Any


@fieldwise(frozen=True)
class RecordChange:
    """A record added, removed or changed, with the keys that changed."""

    record_id: str
    kind: str  # singular: "threat"
    label: str
    changes: tuple[FieldChange, ...] = ()

    @property
    def shown_id(self) -> str:
        return self.record_id or "(no id)"


@fieldwise(frozen=True)
class RiskMove:
    """A threat whose risk moved between two versions."""

    record_id: str
    label: str
    old: Risk
    new: Risk


@fieldwise()
class ModelDiff:
    """What changed between two versions of a model, matched by kind and id."""

    added: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    risk_moved: list[RiskMove] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)  # every figure, changed or not

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def figures_of(model: Model) -> dict[str, int]:
    metrics = compute_metrics(model)
    return {
        **metrics.snapshot(),
        "resolved_percent": metrics.resolved_percent,
        "coverage_percent": compute_coverage(model).percent,
    }


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


def _keyed(model: Model) -> dict[tuple[str, str, str, int], Record]:
    """Every record, by kind, id and which record of that id it is (an id the file repeats, which `check` flags,
    is matched in file order). A record without an id can only be told by what it holds: one that holds the same
    in both versions is unchanged, any other is removed or added."""
    records: dict[tuple[str, str, str, int], Record] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for record in model.all_records():
        content = "" if record.id else repr(sorted(_values(record).items(), key=lambda item: item[0]))
        name = (record.KIND, record.id, content)
        seen[name] = seen.get(name, -1) + 1
        records[(*name, seen[name])] = record
    return records


def diff_models(old: Model, new: Model) -> ModelDiff:
    """Records matched by kind and id, never by position, so moving or reformatting a record is no change."""
    result = ModelDiff()
    system = _field_changes(old.system, new.system)
    if system:
        result.changed.append(RecordChange("system", "system", new.system.name, system))
    old_records, new_records = _keyed(old), _keyed(new)
    for key, record in new_records.items():
        old_record = old_records.get(key)
        if old_record is None:
            result.added.append(_summary(record))
            continue
        changes = _field_changes(old_record, record)
        if changes:
            result.changed.append(_summary(record, changes))
        if isinstance(record, Threat) and isinstance(old_record, Threat):
            before, after = risk_of(old_record), risk_of(record)
            if before is not after:
                result.risk_moved.append(RiskMove(record.id, record.label, before, after))
    result.removed = [_summary(r) for key, r in old_records.items() if key not in new_records]
    old_figures, new_figures = figures_of(old), figures_of(new)
    result.figures = [
        FigureChange(key, label, old_figures[key], new_figures[key], lower) for key, label, lower in DIFF_FIGURES
    ]
    return result


def _summary(record: Record, changes: tuple[FieldChange, ...] = ()) -> RecordChange:
    return RecordChange(record.id, record.SINGULAR, record.label, changes)
