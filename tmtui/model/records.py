"""Record classes for every table of the model file, and the field specs that describe them.

Each field carries a `FieldSpec` in its metadata, so conversion, validation, the forms of the app and
the exporters all read one description of the schema instead of repeating it.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar, Literal, TypeVar

from tmtui.model.enums import (
    ComponentKind,
    Level,
    MitigationStatus,
    Stride,
    ThreatStatus,
)
from tmtui.model.fieldwise import field, fields, fieldwise

FieldType = Literal["text", "choice", "choices", "ref", "refs", "strings", "flag", "date", "table"]


@fieldwise(frozen=True)
class FieldSpec:
    """How one key of a record is read, checked and edited."""

    name: str  # attribute on the record
    key: str  # key in the TOML file
    type: FieldType
    label: str
    required: bool = False
    multiline: bool = False
    choices: builtins.type[StrEnum] | None = None  # `type` is a field of this class
    refs: tuple[str, ...] = ()  # kinds (table names) an id may point to

    @property
    def empty(self) -> Any:
        if self.type in ("choices", "refs", "strings"):
            return []
        if self.type == "text":
            return ""
        if self.type == "table":
            return {}
        return None


def _spec(
    type_: FieldType,
    label: str,
    *,
    key: str | None = None,
    required: bool = False,
    multiline: bool = False,
    choices: type[StrEnum] | None = None,
    refs: tuple[str, ...] = (),
) -> Any:
    meta = {
        "spec": dict(
            key=key,
            type=type_,
            label=label,
            required=required,
            multiline=multiline,
            choices=choices,
            refs=refs,
        )
    }
    if type_ in ("choices", "refs", "strings"):
        return field(default_factory=list, metadata=meta)
    if type_ == "table":
        return field(default_factory=dict, metadata=meta)
    return field(default="" if type_ == "text" else None, metadata=meta)


@fieldwise()
class Record:
    """A row of one of the model's arrays of tables. `extra` holds keys this app does not know, untouched."""

    KIND: ClassVar[str] = ""
    PREFIX: ClassVar[str] = ""
    LABEL: ClassVar[str] = "name"
    SINGULAR: ClassVar[str] = ""

    id: str = field(default="", metadata={"spec": dict(key="id", type="text", label="Id", required=True)})
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return str(getattr(self, self.LABEL) or "")

    @classmethod
    def specs(cls) -> tuple[FieldSpec, ...]:
        return field_specs(cls)


@fieldwise()
class System:
    """The system being modeled: its name, what it is, who owns the model."""

    name: str = _spec("text", "Name")
    description: str = _spec("text", "Description", multiline=True)
    owners: list[str] = _spec("strings", "Owners")
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    KIND: ClassVar[str] = "system"
    LABEL: ClassVar[str] = "name"


@fieldwise()
class Asset(Record):
    """Something worth protecting (card numbers, a signing key), with how sensitive it is."""

    KIND: ClassVar[str] = "assets"
    PREFIX: ClassVar[str] = "A"
    SINGULAR: ClassVar[str] = "asset"

    name: str = _spec("text", "Name", required=True)
    description: str = _spec("text", "Description", multiline=True)
    sensitivity: str | None = _spec("choice", "Sensitivity", choices=Level)


@fieldwise()
class Boundary(Record):
    """A trust boundary: where data passes between parts trusted differently."""

    KIND: ClassVar[str] = "boundaries"
    PREFIX: ClassVar[str] = "B"
    SINGULAR: ClassVar[str] = "trust boundary"

    name: str = _spec("text", "Name", required=True)
    description: str = _spec("text", "Description", multiline=True)


@fieldwise()
class Component(Record):
    """A part of the system: a process, a data store, or something external to it."""

    KIND: ClassVar[str] = "components"
    PREFIX: ClassVar[str] = "C"
    SINGULAR: ClassVar[str] = "component"

    name: str = _spec("text", "Name", required=True)
    kind: str | None = _spec("choice", "Kind", choices=ComponentKind)
    boundary: str | None = _spec("ref", "Trust boundary", refs=("boundaries",))
    assets: list[str] = _spec("refs", "Assets", refs=("assets",))
    description: str = _spec("text", "Description", multiline=True)
    tags: list[str] = _spec("strings", "Tags")


@fieldwise()
class Flow(Record):
    """Data moving from one component to another, with what it carries and how it is protected."""

    KIND: ClassVar[str] = "flows"
    PREFIX: ClassVar[str] = "F"
    LABEL: ClassVar[str] = "label"
    SINGULAR: ClassVar[str] = "data flow"

    label: str = _spec("text", "Label", required=True)
    source: str | None = _spec("ref", "From", key="from", refs=("components",))
    target: str | None = _spec("ref", "To", key="to", refs=("components",))
    protocol: str = _spec("text", "Protocol")
    data: list[str] = _spec("refs", "Data carried", refs=("assets",))
    encrypted: bool | None = _spec("flag", "Encrypted")
    authenticated: bool | None = _spec("flag", "Authenticated")
    tags: list[str] = _spec("strings", "Tags")


@fieldwise()
class Story(Record):
    """A user story the system serves."""

    KIND: ClassVar[str] = "stories"
    PREFIX: ClassVar[str] = "US"
    LABEL: ClassVar[str] = "text"
    SINGULAR: ClassVar[str] = "user story"

    text: str = _spec("text", "Story", required=True, multiline=True)


@fieldwise()
class Assumption(Record):
    """Something taken as true about the system or its surroundings."""

    KIND: ClassVar[str] = "assumptions"
    PREFIX: ClassVar[str] = "AS"
    LABEL: ClassVar[str] = "text"
    SINGULAR: ClassVar[str] = "assumption"

    text: str = _spec("text", "Assumption", required=True, multiline=True)


@fieldwise()
class Threat(Record):
    """What could go wrong: the threat statement, what it targets, how likely and how bad, and its status."""

    KIND: ClassVar[str] = "threats"
    PREFIX: ClassVar[str] = "T"
    LABEL: ClassVar[str] = "title"
    SINGULAR: ClassVar[str] = "threat"

    title: str = _spec("text", "Title", required=True)
    stride: list[str] = _spec("choices", "STRIDE", choices=Stride)
    source: str = _spec("text", "Threat source")
    prerequisites: str = _spec("text", "Prerequisites")
    action: str = _spec("text", "Action")
    impact: str = _spec("text", "Impact")
    targets: list[str] = _spec("refs", "Targets", refs=("components", "flows"))
    assets: list[str] = _spec("refs", "Assets", refs=("assets",))
    goals: list[str] = _spec("strings", "Impacted goals")
    stories: list[str] = _spec("refs", "User stories", refs=("stories",))
    assumptions: list[str] = _spec("refs", "Assumptions", refs=("assumptions",))
    tags: list[str] = _spec("strings", "Tags")
    likelihood: str | None = _spec("choice", "Likelihood", choices=Level)
    severity: str | None = _spec("choice", "Severity", choices=Level)
    status: str | None = _spec("choice", "Status", choices=ThreatStatus)
    notes: str = _spec("text", "Notes", multiline=True)
    references: list[str] = _spec("strings", "References")  # links, CWE-79, CAPEC-66
    rule: str = _spec("text", "Suggested by")  # the library id of the suggestion it answers

    @property
    def effective_status(self) -> str:
        """A threat with no status is open: nothing has been decided about it yet."""
        return self.status or _OPEN


@fieldwise()
class Mitigation(Record):
    """What we are going to do about one or more threats, with its status, owner and ticket."""

    KIND: ClassVar[str] = "mitigations"
    PREFIX: ClassVar[str] = "M"
    LABEL: ClassVar[str] = "title"
    SINGULAR: ClassVar[str] = "mitigation"

    title: str = _spec("text", "Title", required=True)
    description: str = _spec("text", "Description", multiline=True)
    threats: list[str] = _spec("refs", "Threats addressed", refs=("threats",))
    status: str | None = _spec("choice", "Status", choices=MitigationStatus)
    owner: str = _spec("text", "Owner")
    ticket: str = _spec("text", "Ticket")
    assumptions: list[str] = _spec("refs", "Assumptions", refs=("assumptions",))

    @property
    def effective_status(self) -> str:
        return self.status or _PROPOSED


@fieldwise()
class Review(Record):
    """A review of the model: when, who took part, and the figures at that moment."""

    KIND: ClassVar[str] = "reviews"
    PREFIX: ClassVar[str] = "R"
    LABEL: ClassVar[str] = "date"
    SINGULAR: ClassVar[str] = "review"

    date: dt.date | None = _spec("date", "Date", required=True)
    participants: list[str] = _spec("strings", "Participants")
    notes: str = _spec("text", "Notes", multiline=True)
    metrics: dict[str, Any] = _spec("table", "Metrics snapshot")

    @property
    def label(self) -> str:
        return self.date.isoformat() if self.date else ""


# What `effective_status` falls back to, as names: an enum's attribute costs a call, and reports ask every record
_OPEN = ThreatStatus.OPEN
_PROPOSED = MitigationStatus.PROPOSED

RECORD_TYPES: tuple[type[Record], ...] = (
    Asset,
    Boundary,
    Component,
    Flow,
    Story,
    Assumption,
    Threat,
    Mitigation,
    Review,
)
RECORD_TYPE_BY_KIND: dict[str, type[Record]] = {t.KIND: t for t in RECORD_TYPES}
KIND_RANK: dict[str, int] = {t.KIND: n for n, t in enumerate(RECORD_TYPES, start=1)}  # file order of the kinds
RECORD_TYPE_BY_PREFIX: dict[str, type[Record]] = {t.PREFIX: t for t in RECORD_TYPES}


def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The editable fields of a record type, in file order (id first, `extra` left out)."""
    cached = _SPEC_CACHE.get(cls)
    if cached is None:
        cached = tuple(
            FieldSpec(name=f.name, **{**f.metadata["spec"], "key": f.metadata["spec"].get("key") or f.name})
            for f in fields(cls)
            if "spec" in f.metadata
        )
        _SPEC_CACHE[cls] = cached
    return cached


_SPEC_CACHE: dict[type, tuple[FieldSpec, ...]] = {}


def spec_for(cls: type, key: str) -> FieldSpec | None:
    return next((s for s in field_specs(cls) if s.key == key), None)


@fieldwise()
class Model:
    """Everything one model file says, as records. Built from plain data; never touches the file."""

    schema: int = 1
    system: System = field(default_factory=System)
    assets: list[Asset] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    threats: list[Threat] = field(default_factory=list)
    mitigations: list[Mitigation] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def records(self, kind: str) -> list[Record]:
        return getattr(self, kind)

    def all_records(self) -> list[Record]:
        return [r for t in RECORD_TYPES for r in self.records(t.KIND)]

    def find(self, record_id: str) -> Record | None:
        """The first record with this id, of any kind."""
        return self._by_id.get(record_id)

    def mitigations_for(self, threat_id: str) -> list[Mitigation]:
        """The mitigations whose `threats` name this threat, in file order."""
        return list(self._mitigations_by_threat.get(threat_id, ()))

    def threats_targeting(self, record_id: str) -> list[Threat]:
        """The threats whose `targets` name this record, in file order."""
        return list(self._threats_by_target.get(record_id, ()))

    def id_count(self, record_id: str) -> int:
        """How many records of any kind have this id (more than one is an error in the file)."""
        return self._id_counts.get(record_id, 0)

    def kind_named(self, record_id: str) -> str | None:
        """The kind a reference to this id resolves to: that of the last record with the id, as validation reads it."""
        return self._kind_by_id.get(record_id)

    def position(self, record_id: str) -> int | None:
        """The index in its kind's list of the first record with this id."""
        return self._positions.get(record_id)

    def referrers(self, record_id: str) -> list[Record]:
        """The records whose reference fields (targets, threats, boundary…) name this id, in file order."""
        return list(self._referrers.get(record_id, ()))

    def carry_indexes(self, new: Model, changes: list[tuple[Record | None, Record | None]]) -> None:
        """Give `new` the indexes this model has built, patched, so an edit does not rebuild them. `new` is this
        model with, for each (old, new) pair, `old` replaced in place by a record of the same id, or (old None) a
        record appended to its kind, or (new None) the last record of its kind removed."""
        built = self.__dict__
        resized = [(old, record) for old, record in changes if old is None or record is None]
        if not resized:
            for name in ("_id_counts", "_kind_by_id", "_positions"):  # the same ids at the same places
                if name in built:
                    new.__dict__[name] = built[name]
        elif all(self.id_count(_id_of(old, record)) == (0 if old is None else 1) for old, record in resized):
            # an id that only this record holds comes or goes: each index gains or loses just that key
            for name in ("_id_counts", "_kind_by_id", "_positions"):
                if name in built:
                    index = dict(built[name])
                    for old, record in resized:
                        if record is None:
                            del index[_id_of(old, record)]
                        else:
                            value = {"_id_counts": 1, "_kind_by_id": record.KIND}.get(name)
                            index[record.id] = _last_index(new.records(record.KIND), record) if value is None else value
                    new.__dict__[name] = index
        else:
            return  # a duplicated id comes or goes: `new` builds its indexes when first asked
        if "_by_id" in built:
            by_id = dict(built["_by_id"])
            for old, record in changes:
                if record is None:
                    del by_id[_id_of(old, record)]
                elif old is None or by_id.get(old.id) is old:
                    by_id[record.id] = record
            new.__dict__["_by_id"] = by_id
        for name, named in (
            ("_referrers", _referenced_ids),
            ("_mitigations_by_threat", lambda r: r.threats if isinstance(r, Mitigation) else []),
            ("_threats_by_target", lambda r: r.targets if isinstance(r, Threat) else []),
        ):
            if name in built:
                new.__dict__[name] = _regroup(built[name], changes, named, new._order)

    def index_of(self, record: Record) -> int:
        """Where this very record is in its kind's list: a lookup by id, or a scan when the id is repeated or
        missing (the first record with the id is then another one)."""
        records = self.records(record.KIND)
        index = self.position(record.id)
        if index is None or records[index] is not record:
            index = next(i for i, r in enumerate(records) if r is record)
        return index

    def _order(self, record: Record) -> tuple[int, int]:
        """Where a record stands in file order: its kind's place in the schema, then its index in that kind."""
        return KIND_RANK[record.KIND], self.index_of(record)

    # The model is rebuilt after every edit rather than mutated, so each index is built once, on first use (or
    # carried over from the model before one edit), and a lookup costs a dict access instead of a scan.

    @cached_property
    def _by_id(self) -> dict[str, Record]:
        index: dict[str, Record] = {}
        for record in self.all_records():
            index.setdefault(record.id, record)
        return index

    @cached_property
    def _id_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.all_records():
            if record.id:
                counts[record.id] = counts.get(record.id, 0) + 1
        return counts

    @cached_property
    def _kind_by_id(self) -> dict[str, str]:
        return {record.id: record.KIND for record in self.all_records() if record.id}

    @cached_property
    def _positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for record_type in RECORD_TYPES:
            for index, record in enumerate(self.records(record_type.KIND)):
                positions.setdefault(record.id, index)
        return positions

    @cached_property
    def _referrers(self) -> dict[str, list[Record]]:
        return _group(self.all_records(), _referenced_ids)

    @cached_property
    def _mitigations_by_threat(self) -> dict[str, list[Mitigation]]:
        return _group(self.mitigations, lambda m: m.threats)

    @cached_property
    def _threats_by_target(self) -> dict[str, list[Threat]]:
        return _group(self.threats, lambda t: t.targets)


R = TypeVar("R", bound=Record)


def _last_index(records: list[Any], record: Record) -> int:
    """Where an added record stands: added records are at the end of their kind, so the search starts there."""
    return next(i for i in range(len(records) - 1, -1, -1) if records[i] is record)


def _id_of(old: Record | None, new: Record | None) -> str:
    """The id of a change's record: both sides have the same one, and at least one side is there."""
    record = old or new
    assert record is not None
    return record.id


def _referenced_ids(record: Record) -> list[str]:
    """The ids a record's reference fields (targets, threats, boundary…) name."""
    out: list[str] = []
    for spec in field_specs(type(record)):
        if spec.refs:
            value = getattr(record, spec.name)
            out.extend(value if isinstance(value, list) else [value] if value else [])
    return out


def _regroup(
    index: dict[str, list[R]],
    changes: list[tuple[Record | None, Record | None]],
    ids: Callable[[Any], list[str]],
    order: Callable[[Record], tuple[int, int]],
) -> dict[str, list[R]]:
    """A `_group` index patched for records replaced, added or removed (None on one side): lists that named an old
    record lose it, lists that name a new one gain it in file order. Only the lists that change are copied.

    Every old record of the batch goes before any list is sorted: `order` places records of the new model only.
    """
    out = dict(index)
    gone = {id(old) for old, _ in changes if old is not None}
    gained: dict[str, list[Any]] = {}
    touched: dict[str, None] = {}
    for old, new in changes:
        if old is not None:
            touched.update(dict.fromkeys(ids(old)))
        if new is not None:
            for named in dict.fromkeys(ids(new)):
                gained.setdefault(named, []).append(new)
                touched[named] = None
    for named in touched:
        kept = [r for r in out.get(named, ()) if id(r) not in gone]
        if named in gained:
            kept.extend(gained[named])
            kept.sort(key=order)
        if kept:
            out[named] = kept
        else:
            out.pop(named, None)
    return out


def _group(records: list[R], ids: Callable[[R], list[str]]) -> dict[str, list[R]]:
    """Each id named by `ids(record)` to the records naming it, in file order, each record once per id."""
    index: dict[str, list[R]] = {}
    for record in records:
        for named in dict.fromkeys(ids(record)):
            index.setdefault(named, []).append(record)
    return index
