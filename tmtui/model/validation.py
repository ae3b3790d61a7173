"""Checks that need the whole model: required fields, ids, references, vocabularies, consistency."""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Collection, Iterable, Iterator, Sequence
from enum import StrEnum
from functools import cache
from itertools import chain
from operator import attrgetter
from typing import Any

from tmtui.model.enums import MitigationStatus, ThreatStatus
from tmtui.model.findings import Finding, Severity
from tmtui.model.ids import split_id
from tmtui.model.records import (
    KIND_RANK,
    RECORD_TYPE_BY_KIND,
    RECORD_TYPES,
    FieldSpec,
    Flow,
    Mitigation,
    Model,
    Record,
    System,
    Threat,
    field_specs,
)
from tmtui.model.text import has_control

CONTROL_MESSAGE = "holds control characters (shown as ␛ and the like), which could act on a terminal"


def validate(model: Model, *, control_possible: bool = True, warnings: bool = True) -> list[Finding]:
    """Every problem of the model, errors and warnings, in file order of the records.

    `control_possible=False`: the caller knows no text of the model holds a control character (the file has none,
    nor an escape that makes one), so the search for them, half the cost of validating, is skipped.
    `warnings=False`: the errors only, for a command that counts them (the checks that can only warn are skipped).
    """
    control_possible = control_possible and warnings  # a control character is a warning
    findings = _check_system(model) if control_possible else []
    for record_type in RECORD_TYPES:
        records = model.records(record_type.KIND)
        if control_possible:
            places: Iterable[int] = range(len(records))
        else:
            places = _records_to_check(model, record_type, records, warnings)
        for index in places:
            found = validate_record(model, records[index], index, control_possible=control_possible)
            findings.extend(found if warnings else [f for f in found if f.is_error])
    return findings


def _records_to_check(
    model: Model, record_type: type[Record], records: Sequence[Record], warnings: bool
) -> Iterable[int]:
    """The places of the records of one kind that may have a finding (all that have one, in order, and maybe a
    few more), found by checking each field's distinct values at once: a set of a thousand titles is built in C,
    where checking a thousand records one by one takes a Python loop each."""
    if records and set(map(type, records)) != {record_type}:  # a record of another type (or a subclass) in the list
        return range(len(records))
    try:
        suspects = _suspects(model, record_type, records, warnings)
    except TypeError:  # a value of a type no file gives (built in code, not read by `model_from_data`)
        return range(len(records))
    return sorted(suspects)


def _suspects(model: Model, record_type: type[Record], records: Sequence[Record], warnings: bool) -> set[int]:
    """Records of one kind that may have a finding: the rules of `_check_record` and `_check_consistency` asked
    of all values at once (a rule added there must be added here, or the property test fails)."""
    suspects: set[int] = set()
    ids = list(map(attrgetter("id"), records))
    repeated = {record_id for record_id in set(ids) if model.id_count(record_id) != 1}  # or missing: count 0
    if warnings:
        one_id, ids_in_lines = _id_patterns(record_type.PREFIX)
        joined = "\n".join(ids)
        # every id is its kind's prefix and ASCII digits (a newline inside an id would add a line: the count says so)
        plain = joined.count("\n") == len(ids) - 1 and ids_in_lines.fullmatch(joined + "\n")
        if not plain or repeated:
            suspects.update(
                i for i, record_id in enumerate(ids) if record_id in repeated or not one_id.fullmatch(record_id)
            )
    elif repeated:  # the form of an id can only warn
        suspects.update(i for i, record_id in enumerate(ids) if record_id in repeated)
    for spec in _checked_specs(record_type):
        value_of = attrgetter(spec.name)
        many = spec.type in ("choices", "refs")
        column = list(map(value_of, records))
        if many and set(map(type, column)) - {list}:  # `_check_record` reads any other value as one item
            raise TypeError(f"{spec.key} holds a value that is not a list")
        values = set(chain.from_iterable(column)) if many else set(column)
        wrong = values & {"", None} if spec.required else set()
        values.discard(None)
        if spec.choices is not None:
            wrong |= values - _allowed(spec.choices)
        if spec.refs:
            wrong |= {ref for ref in values if model.kind_named(ref) not in spec.refs}
        if wrong:
            suspects.update(
                i
                for i, record in enumerate(records)
                if (not wrong.isdisjoint(value_of(record)) if many else value_of(record) in wrong)
            )
    if not warnings:  # the checks below can only warn
        return suspects
    if record_type is Threat:
        done = MitigationStatus.DONE
        covered = set(chain.from_iterable(m.threats for m in model.mitigations if m.status == done))
        suspects.update(
            i
            for i, threat in enumerate(records)
            if getattr(threat, "status", None) == ThreatStatus.MITIGATED and threat.id not in covered
        )
    elif record_type is Flow:
        suspects.update(
            i
            for i, flow in enumerate(records)
            if getattr(flow, "source", None) is None or getattr(flow, "target", None) is None
        )
    return suspects


@cache
def _id_patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """An id of this prefix and a number, and lines of such ids."""
    number = f"{re.escape(prefix)}[0-9]+"
    return re.compile(number, re.ASCII), re.compile(f"(?:{number}\n)*", re.ASCII)


def validate_record(model: Model, record: Record, index: int, *, control_possible: bool = True) -> list[Finding]:
    """The problems of one record (at `index` in its kind's list). What needs the whole model (duplicate ids, the
    kind an id names, whether a done mitigation addresses a threat) comes from the model's indexes, so this costs
    the size of the record, not of the model."""
    findings = _check_record(record, index, model)
    findings.extend(_check_consistency(record, index, model))
    if control_possible:
        findings.extend(
            _finding(record, index, Severity.WARNING, f"{key} {CONTROL_MESSAGE}", key)
            for key in _fields_with_control(record)
        )
    return findings


def revalidate(before: Model, after: Model, previous: Sequence[Finding], touched: Collection[str]) -> list[Finding]:
    """`validate(after)`, given `previous == validate(before)` and that the edit from `before` to `after` changed
    only the records with ids in `touched` (`"system"` for the system): in place, or added at the end of their
    kind, or removed from its end; none moved. Only those records and the ones whose findings read them are
    checked again: the records sharing or naming an id that appeared, vanished or changed kind, and the threats a
    touched mitigation addresses before or after."""
    recheck: set[tuple[str, int]] = set()  # (kind, index): a place holds the same record in both models, or its edit
    for record_id in touched:
        if record_id == "system" or not record_id:
            continue
        ids = {record_id}
        resolves_the_same = before.kind_named(record_id) == after.kind_named(record_id)
        for model in (before, after):
            record = model.find(record_id)
            if isinstance(record, Mitigation):
                ids.update(record.threats)
            if not resolves_the_same or before.id_count(record_id) != after.id_count(record_id):
                recheck.update((r.KIND, model.index_of(r)) for r in model.referrers(record_id))
        for named in ids:
            recheck.update((record.KIND, index) for record, index in _records_with_id(after, named))
    # a place past the end of its kind held a record that is gone: its findings go, and nothing is checked there
    recheck = {(kind, index) for kind, index in recheck if index < len(after.records(kind))}
    gone = {t.KIND: len(after.records(t.KIND)) for t in RECORD_TYPES}
    findings = [
        f
        for f in previous
        if f.kind != "system" and (f.kind or "", f.index) not in recheck and (f.index or 0) < gone.get(f.kind or "", 1)
    ]
    found = _check_system(after) if "system" in touched else [f for f in previous if f.kind == "system"]
    for kind, index in sorted(recheck):
        found.extend(validate_record(after, after.records(kind)[index], index))
    # `previous` is in file order, and so are the findings kept from it: each new one goes in its place (after
    # those of the same place, so each record's findings keep the order validate gives them), not the whole list
    # sorted again, a call per finding of the model for each edit
    for finding in found:
        insort(findings, finding, key=_file_order)
    return findings


def _file_order(finding: Finding) -> tuple[int, int]:
    return KIND_RANK.get(finding.kind or "", 0), finding.index or 0


def _records_with_id(model: Model, record_id: str) -> list[tuple[Record, int]]:
    """Every record with this id and its index in its kind's list: one lookup, or a scan for a duplicated id
    (or none: a mitigation can name "", the id of every record that has none)."""
    if record_id and model.id_count(record_id) <= 1:
        record, index = model.find(record_id), model.position(record_id)
        return [(record, index)] if record is not None and index is not None else []
    return [
        (record, index)
        for record_type in RECORD_TYPES
        for index, record in enumerate(model.records(record_type.KIND))
        if record.id == record_id
    ]


def _check_system(model: Model) -> list[Finding]:
    return [
        Finding(Severity.WARNING, f"{key} {CONTROL_MESSAGE}", kind="system", field=key)
        for key in _fields_with_control(model.system)
    ]


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


@cache
def _allowed(choices: type[StrEnum]) -> frozenset[str]:
    return frozenset(choice.value for choice in choices)


_CHECKED_SPECS: dict[type, tuple[FieldSpec, ...]] = {}


def _checked_specs(record_type: type) -> tuple[FieldSpec, ...]:
    """The fields of a record type that validation looks at: required, a vocabulary, or ids."""
    checked = _CHECKED_SPECS.get(record_type)
    if checked is None:
        specs = field_specs(record_type)
        # the id has checks of its own, first (one finding for a missing id, not two)
        checked = tuple(s for s in specs if s.key != "id" and (s.required or s.choices is not None or s.refs))
        _CHECKED_SPECS[record_type] = checked
    return checked


@cache
def _kinds_named(refs: tuple[str, ...]) -> str:
    return " or ".join(RECORD_TYPE_BY_KIND[kind].SINGULAR for kind in refs)


def _check_record(record: Record, index: int, model: Model) -> list[Finding]:
    out: list[Finding] = []
    what = record.SINGULAR
    if not record.id:
        out.append(_finding(record, index, Severity.ERROR, f"this {what} has no id", "id"))
    else:
        if model.id_count(record.id) > 1:
            out.append(_finding(record, index, Severity.ERROR, f"duplicate id {record.id}", "id"))
        number = record.id[len(record.PREFIX) :]
        if not (record.id.startswith(record.PREFIX) and number.isascii() and number.isdigit()):
            parts = split_id(record.id)  # the prefix may be longer and start the same (TT1 is not T1)
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
    for spec in _checked_specs(type(record)):
        value = getattr(record, spec.name)
        if spec.required and value in ("", None):
            out.append(_finding(record, index, Severity.ERROR, f"this {what} needs a {spec.key}", spec.key))
        if spec.choices is not None:
            allowed = _allowed(spec.choices)
            for item in value if value.__class__ is list else (value,):
                if item is not None and item not in allowed:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} {item!r} is not one of {', '.join(c.value for c in spec.choices)}",
                            spec.key,
                        )
                    )
        if spec.refs:
            for ref in value if value.__class__ is list else (value,):
                if ref is None:
                    continue
                named = model.kind_named(ref)
                if named is None:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} names {ref}, but there is no {_kinds_named(spec.refs)} with that id",
                            spec.key,
                        )
                    )
                elif named not in spec.refs:
                    out.append(
                        _finding(
                            record,
                            index,
                            Severity.ERROR,
                            f"{spec.key} names {ref}, which is a {RECORD_TYPE_BY_KIND[named].SINGULAR}, "
                            f"not a {_kinds_named(spec.refs)}",
                            spec.key,
                        )
                    )
    return out


def _check_consistency(record: Record, index: int, model: Model) -> list[Finding]:
    out: list[Finding] = []
    mitigated = record.KIND == "threats" and getattr(record, "status", None) == ThreatStatus.MITIGATED
    if mitigated and not any(m.status == MitigationStatus.DONE for m in model.mitigations_for(record.id)):
        out.append(
            _finding(record, index, Severity.WARNING, "marked mitigated, but no linked mitigation is done", "status")
        )
    if record.KIND == "flows":
        for key in ("from", "to"):
            if getattr(record, "source" if key == "from" else "target") is None:
                out.append(_finding(record, index, Severity.WARNING, f"this data flow has no {key!r} end", key))
    return out
