"""Turns the plain data of a parsed model file into records, reporting values of the wrong type.

Values of the wrong type become the field's empty value on the record (the file keeps them as written); unknown
keys go to `extra`. Unknown enum values are kept as read, so validation can name them and the app can show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from tmtui.model.fieldwise import MISSING, fields, replace
from tmtui.model.findings import Finding, Severity
from tmtui.model.records import (
    KIND_RANK,
    RECORD_TYPE_BY_KIND,
    RECORD_TYPES,
    FieldSpec,
    Model,
    System,
    field_specs,
)

SCHEMA_VERSION = 1


class SchemaTooNewError(ValueError):
    """The file says a schema this version of tmtui does not know."""


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array"}
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    return names.get(type(value), type(value).__name__)


_EXPECTED = {
    "text": "a string",
    "choice": "a string",
    "ref": "a string (an id)",
    "choices": "an array of strings",
    "refs": "an array of ids",
    "strings": "an array of strings",
    "flag": "true or false",
    "date": "a date (2026-11-27)",
    "table": "a table",
}


_TEXT_TYPES = ("text", "choice", "ref")


def _is_valid(spec: FieldSpec, value: Any) -> bool:
    if spec.type in _TEXT_TYPES:
        return isinstance(value, str)
    if spec.type in ("choices", "refs", "strings"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if spec.type == "flag":
        return isinstance(value, bool)
    if spec.type == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, dict)


class _Plan:
    """What building one record type needs, worked out once: its fields by key, each with the Python type that a
    valid value has (a string, a list, …), the defaults that can be shared, and the fields whose default is made
    anew for each record (lists, tables)."""

    def __init__(self, cls: type) -> None:
        specs = field_specs(cls)
        self.specs = {spec.key: (number, spec) for number, spec in enumerate(specs)}
        self.shapes = {spec.key: _SHAPES.get(spec.type) for spec in specs}
        self.names_and_keys = tuple((spec.name, spec.key) for spec in specs)
        self.shared: dict[str, Any] = {}
        self.fresh: list[tuple[str, Callable[[], Any]]] = []
        for field in fields(cls):
            if field.default is not MISSING:
                self.shared[field.name] = field.default
            elif field.default_factory is not MISSING and field.name != "extra":  # extra: the keys read
                self.fresh.append((field.name, field.default_factory))


# The type of a valid value for the field types where that type alone decides (a list must also hold strings)
_SHAPES: dict[str, type] = {"text": str, "choice": str, "ref": str, "choices": list, "refs": list, "strings": list}


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


def _convert(cls: type, raw: Any, kind: str, index: int | None, findings: list[Finding]) -> Any:
    if not isinstance(raw, dict):
        findings.append(Finding(Severity.ERROR, f"expected a table, got {_type_name(raw)}", kind=kind, index=index))
        raw = {}
    plan = _plan(cls)
    values = dict(plan.shared)
    extra: dict[str, Any] = {}
    wrong: list[tuple[int, FieldSpec, Any]] = []
    specs, shapes = plan.specs, plan.shapes
    for key, value in raw.items():
        known = specs.get(key)
        if known is None:
            extra[key] = value
            continue
        shape = shapes[key]
        if shape is str and value.__class__ is str:
            values[known[1].name] = value
        elif shape is list and value.__class__ is list and all(item.__class__ is str for item in value):
            values[known[1].name] = list(value)
        elif _is_valid(known[1], value):
            values[known[1].name] = list(value) if isinstance(value, list) else value
        else:
            wrong.append((known[0], known[1], value))
    if wrong:
        record_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        for _, spec, value in sorted(wrong, key=lambda item: item[0]):  # in the order of the record's fields
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"{spec.key} should be {_EXPECTED[spec.type]}, not {_type_name(value)}",
                    kind=kind,
                    index=index,
                    record_id=record_id,
                    field=spec.key,
                )
            )
    for name, make in plan.fresh:
        if name not in values:
            values[name] = make()
    values["extra"] = extra
    # what the dataclass's __init__ would do, without its call of one argument per field: a third of the cost
    record: Any = object.__new__(cls)
    record.__dict__ = values
    return record


def model_from_data(data: dict[str, Any]) -> tuple[Model, list[Finding]]:
    """Records and the type findings of a parsed file. Raises SchemaTooNewError for a schema above ours."""
    findings: list[Finding] = []
    schema = data.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or isinstance(schema, bool):
        findings.append(
            Finding(Severity.ERROR, f"schema should be an integer, not {_type_name(schema)}", field="schema")
        )
        schema = SCHEMA_VERSION
    elif schema > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"this file uses schema {schema}, but this tmtui reads schema {SCHEMA_VERSION} at most; "
            "upgrade tmtui to open it"
        )
    system = _convert(System, data.get("system", {}), "system", None, findings)
    tables: dict[str, list[Any]] = {}  # each kind's list holds that kind's records
    for record_type in RECORD_TYPES:
        raw = data.get(record_type.KIND, [])
        if not isinstance(raw, list):
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"{record_type.KIND} should be an array of tables ([[{record_type.KIND}]]), not {_type_name(raw)}",
                    field=record_type.KIND,
                )
            )
            raw = []
        tables[record_type.KIND] = [
            _convert(record_type, item, record_type.KIND, i, findings) for i, item in enumerate(raw)
        ]
    known = {"schema", "system", *tables}
    extra = {k: v for k, v in data.items() if k not in known}
    return Model(schema=schema, system=system, extra=extra, **tables), findings


def rebuild(
    model: Model, findings: list[Finding], data: dict[str, Any], changed: Collection[tuple[str, int]]
) -> tuple[Model, list[Finding]]:
    """`model_from_data(data)`, given `(model, findings) == model_from_data(before)` where `data` differs from
    `before` only at the places in `changed` — (kind, index), or ("system", 0): a record replaced by one of the
    same id, or a record added at the end of its kind, or its kind's last record removed.

    One edit costs the records it changed and a copy of their kinds' lists, not a pass over the whole model.
    """
    out = [f for f in findings if (f.kind, f.index if f.kind != "system" else 0) not in changed]
    system = model.system
    lists: dict[str, Any] = {}
    changes: list[tuple[Any, Any]] = []

    def removed_last_first(place: tuple[str, int]) -> tuple[str, int]:
        kind, index = place  # places past the new end were removed: the highest first, then the rest in order
        return (kind, -index if index >= len(data.get(kind, ())) else index)

    for kind, index in sorted(changed, key=removed_last_first):
        if kind == "system":
            system = _convert(System, data.get("system", {}), "system", None, out)
            continue
        records = lists.setdefault(kind, list(model.records(kind)))
        rows = data.get(kind, [])
        if index < len(rows):
            record = _convert(RECORD_TYPE_BY_KIND[kind], rows[index], kind, index, out)
            changes.append((records[index] if index < len(records) else None, record))
            records[index : index + 1] = [record]
        else:
            changes.append((records.pop(index), None))
    # the order model_from_data gives: the schema, the system, then each kind's records in file order (a kind
    # that is not an array of tables is named, by its `field`, before its records)
    rank = {"schema": -1, "system": 0, **KIND_RANK}
    out.sort(key=lambda f: (rank.get(f.kind or f.field or "", 0), -1 if f.index is None else f.index))
    new = replace(model, system=system, **lists)
    model.carry_indexes(new, changes)
    return new, out


def record_to_data(record: Any) -> dict[str, Any]:
    """A record as the plain data of its table: known keys in schema order, empty ones left out, then `extra`."""
    out: dict[str, Any] = {}
    for name, key in _plan(type(record)).names_and_keys:
        value = getattr(record, name)
        if value is not None and (value or not isinstance(value, _EMPTIABLE)):
            out[key] = value
    out.update(record.extra)
    return out


_EMPTIABLE = (str, list, dict)  # an empty value of these types is left out; False and 0 are values
