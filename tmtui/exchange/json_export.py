"""The model as JSON: every record with its computed risk, and the figures of "How well did we do?"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tmtui.exchange.escape import json_safe
from tmtui.model import RECORD_TYPES, Model, Threat, compute_metrics, risk_of
from tmtui.model.build import record_to_data
from tmtui.model.fieldwise import fields


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(model: Model) -> str:
    data: dict[str, Any] = {"schema": model.schema, "system": record_to_data(model.system)}
    for record_type in RECORD_TYPES:
        rows = []
        for record in model.records(record_type.KIND):
            row = record_to_data(record)
            if isinstance(record, Threat):
                row["risk"] = risk_of(record).value
            rows.append(row)
        data[record_type.KIND] = rows
    metrics = compute_metrics(model)
    figures = {f.name: getattr(metrics, f.name) for f in fields(metrics)}
    data["metrics"] = {k: {str(a): b for a, b in v.items()} if isinstance(v, dict) else v for k, v in figures.items()}
    return json_safe(_written(data)) + "\n"


def _written(data: dict[str, Any]) -> str:
    """`data` as JSON a person can read and diff: one key per line, each record of a list on a line of its own.
    (Records are written by the json module's encoder in C, which it does not use when asked to indent.)"""
    record = json.JSONEncoder(ensure_ascii=False, default=_default).encode
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            rows = ",\n".join(f"    {record(row)}" for row in value)
            lines.append(f"  {record(key)}: [\n{rows}\n  ]")
        else:
            # JSON text holds no raw newline inside a string, so every newline here is between two of its parts
            pretty = json.dumps(value, indent=2, ensure_ascii=False, default=_default).replace("\n", "\n  ")
            lines.append(f"  {record(key)}: {pretty}")
    return "{\n" + ",\n".join(lines) + "\n}"
