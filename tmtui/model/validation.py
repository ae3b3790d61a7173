"""Checks that need the whole model: required fields, ids, references, vocabularies, consistency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from tmtui.model.enums import MitigationStatus, ThreatStatus
from tmtui.model.findings import Finding, Severity
from tmtui.model.ids import split_id
from tmtui.model.records import RECORD_TYPE_BY_KIND, RECORD_TYPES, Model, Record, System, field_specs
from tmtui.model.text import has_control

CONTROL_MESSAGE = "holds control characters (shown as ␛ and the like), which could act on a terminal"


def validate(model: Model) -> list[Finding]:
    """Every problem of the model, errors and warnings, in file order of the records."""
    findings: list[Finding] = []
    kinds_of = {r.id: r.KIND for r in model.all_records() if r.id}
    counts = Counter(r.id for r in model.all_records() if r.id)
    done = {t for m in model.mitigations if m.status == MitigationStatus.DONE for t in m.threats}
    findings.extend(
        Finding(Severity.WARNING, f"{key} {CONTROL_MESSAGE}", kind="system", field=key)
        for key in _fields_with_control(model.system)
    )
    for record_type in RECORD_TYPES:
        for index, record in enumerate(model.records(record_type.KIND)):
            findings.extend(_check_record(record, index, kinds_of, counts))
            findings.extend(_check_consistency(record, index, done))
            findings.extend(
                _finding(record, index, Severity.WARNING, f"{key} {CONTROL_MESSAGE}", key)
                for key in _fields_with_control(record)
            )
    return findings


def _fields_with_control(record: Record | System) -> Iterator[str]:
    """The keys of a record (its id, every known field and every extra key) whose text has control characters."""
    for spec in field_specs(type(record)):
        if _has_control(getattr(record, spec.name)):
            yield spec.key
    for key, value in record.extra.items():
        if has_control(key) or _has_control(value):
            yield key


def _has_control(value: Any) -> bool:
    """Whether text anywhere in `value` (a string, or lists and tables of them, keys included) has a control
    character. Nesting is bounded: the document layer refuses files nested deeper than it allows."""
    if isinstance(value, str):
        return has_control(value)
    if isinstance(value, list):
        return any(_has_control(item) for item in value)
    if isinstance(value, dict):
        return any(has_control(str(key)) or _has_control(item) for key, item in value.items())
    return False


def _finding(record: Record, index: int, severity: Severity, message: str, field: str | None = None) -> Finding:
    return Finding(severity, message, kind=record.KIND, index=index, record_id=record.id or None, field=field)


def _check_record(record: Record, index: int, kinds_of: dict[str, str], counts: Counter[str]) -> list[Finding]:
    out: list[Finding] = []
    what = record.SINGULAR
    if not record.id:
        out.append(_finding(record, index, Severity.ERROR, f"this {what} has no id", "id"))
    else:
        parts = split_id(record.id)
        if counts[record.id] > 1:
            out.append(_finding(record, index, Severity.ERROR, f"duplicate id {record.id}", "id"))
        if not parts or parts[0] != record.PREFIX:
            out.append(
                _finding(
                    record,
                    index,
                    Severity.WARNING,
                    f"id {record.id!r} is not {record.PREFIX} and a number (like {record.PREFIX}1)",
                    "id",
                )
            )
    for spec in record.specs():
        value = getattr(record, spec.name)
        if spec.required and value in ("", None):
            out.append(_finding(record, index, Severity.ERROR, f"this {what} needs a {spec.key}", spec.key))
        if spec.choices is not None:
            allowed = [c.value for c in spec.choices]
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item not in allowed:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} {item!r} is not one of {', '.join(allowed)}",
                            spec.key,
                        )
                    )
        if spec.refs:
            for ref in value if isinstance(value, list) else [value]:
                if ref is None:
                    continue
                kinds = [RECORD_TYPE_BY_KIND[k].SINGULAR for k in spec.refs]
                if ref not in kinds_of:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} names {ref}, but there is no {' or '.join(kinds)} with that id",
                            spec.key,
                        )
                    )
                elif kinds_of[ref] not in spec.refs:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} names {ref}, which is a {RECORD_TYPE_BY_KIND[kinds_of[ref]].SINGULAR}, "
                            f"not a {' or '.join(kinds)}",
                            spec.key,
                        )
                    )
    return out


def _check_consistency(record: Record, index: int, done: set[str]) -> list[Finding]:
    """`done`: the ids of threats that a done mitigation addresses."""
    out: list[Finding] = []
    mitigated = record.KIND == "threats" and getattr(record, "status", None) == ThreatStatus.MITIGATED
    if mitigated and record.id not in done:
        out.append(
            _finding(record, index, Severity.WARNING, "marked mitigated, but no linked mitigation is done", "status")
        )
    if record.KIND == "flows":
        for key in ("from", "to"):
            if getattr(record, "source" if key == "from" else "target") is None:
                out.append(_finding(record, index, Severity.WARNING, f"this data flow has no {key!r} end", key))
    return out
