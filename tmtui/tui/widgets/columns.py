"""The columns each kind of record shows in its table."""

from __future__ import annotations

from functools import cache

from rich.text import Text

from tmtui.model import Model, Risk, Stride, risk_of
from tmtui.tui.text import literal
from tmtui.tui.widgets.record_list import Column
from tmtui.tui.widgets.style import risk_text, status_text


def _ids(values: list[str]) -> str:
    return ", ".join(values)


# A column of a few distinct values (a risk, a status, STRIDE letters) shares one cell per value: the table never
# changes a cell it is given, and making thousands of them again was a sixth of filling a list.
@cache
def _letters(values: tuple[str, ...]) -> Text:
    letters = []
    for value in values:
        try:
            letters.append(Stride(value).letter)
        except ValueError:
            letters.append("?")
    return literal("".join(letters))


@cache
def _risk_cell(risk: Risk) -> Text:
    return risk_text(risk)


@cache
def _status_cell(status: str) -> Text:
    return status_text(status)


def _name_of(model: Model, record_id: str | None) -> str:
    if not record_id:
        return ""
    record = model.find(record_id)
    return record.label if record is not None else f"{record_id}?"


def _flag(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


ID = Column("Id", lambda r, m: literal(r.id, style="bold"))

COLUMNS: dict[str, list[Column]] = {
    "assets": [
        ID,
        Column("Asset", lambda r, m: r.name, flexible=True),
        Column("Sensitivity", lambda r, m: r.sensitivity or ""),
    ],
    "boundaries": [
        ID,
        Column("Trust boundary", lambda r, m: r.name, flexible=True),
        Column("Components", lambda r, m: _ids([c.id for c in m.components if c.boundary == r.id]), reads_model=True),
    ],
    "components": [
        ID,
        Column("Component", lambda r, m: r.name, flexible=True),
        Column("Kind", lambda r, m: r.kind or ""),
        Column("Boundary", lambda r, m: _name_of(m, r.boundary), reads_model=True),
        Column("Threats", lambda r, m: str(len(m.threats_targeting(r.id))), reads_model=True),
    ],
    "flows": [
        ID,
        Column("Flow", lambda r, m: r.label, flexible=True),
        Column("From → To", lambda r, m: f"{r.source or '?'} → {r.target or '?'}"),
        Column("Protocol", lambda r, m: r.protocol),
        Column("Enc", lambda r, m: _flag(r.encrypted)),
    ],
    "stories": [ID, Column("User story", lambda r, m: r.text, flexible=True)],
    "assumptions": [ID, Column("Assumption", lambda r, m: r.text, flexible=True)],
    "threats": [
        ID,
        Column("Threat", lambda r, m: r.title, flexible=True),
        Column("STRIDE", lambda r, m: _letters(tuple(r.stride))),
        Column("Targets", lambda r, m: _ids(r.targets)),
        Column("Risk", lambda r, m: _risk_cell(risk_of(r))),
        Column("Status", lambda r, m: _status_cell(r.effective_status)),
    ],
    "mitigations": [
        ID,
        Column("Mitigation", lambda r, m: r.title, flexible=True),
        Column("Status", lambda r, m: _status_cell(r.effective_status)),
        Column("Owner", lambda r, m: r.owner),
        Column("Threats", lambda r, m: _ids(r.threats)),
    ],
    "unmitigated": [
        ID,
        Column("Open threat", lambda r, m: r.title, flexible=True),
        Column("Risk", lambda r, m: _risk_cell(risk_of(r))),
    ],
    "reviews": [
        ID,
        Column("Date", lambda r, m: r.label),
        Column("Participants", lambda r, m: ", ".join(r.participants), flexible=True),
        Column("Threats", lambda r, m: str(r.metrics.get("threats", ""))),
        Column("Open", lambda r, m: str(r.metrics.get("open", ""))),
        Column(
            "Mitigated", lambda r, m: f"{r.metrics['mitigated_percent']}%" if "mitigated_percent" in r.metrics else ""
        ),
    ],
}


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]
