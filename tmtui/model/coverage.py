"""Coverage: which parts of the system someone has thought about, per element and STRIDE category (STRIDE per element).

A category an element should be checked for (external entity: S R; process: all six; store: T R I D; flow: T I D)
is *answered* when every threat on it in that category is decided, *open* while one of them is still open, and
*not considered* while no threat (a ruled-out one with status `not_applicable` included) names it. Built from the
model alone, and never fails on a model that `check` flags: dangling or duplicate ids and unknown values are skipped.
"""

from __future__ import annotations

from enum import StrEnum

from tmtui.model.enums import ComponentKind, Stride, ThreatStatus
from tmtui.model.fieldwise import field, fieldwise
from tmtui.model.records import Component, Flow, Model, Threat

ALL = tuple(Stride)
# STRIDE per element (Microsoft SDL): the categories each kind of data-flow element is exposed to.
EXPECTED: dict[str, tuple[Stride, ...]] = {
    ComponentKind.EXTERNAL: (Stride.SPOOFING, Stride.REPUDIATION),
    ComponentKind.PROCESS: ALL,
    ComponentKind.STORE: (
        Stride.TAMPERING,
        Stride.REPUDIATION,
        Stride.INFORMATION_DISCLOSURE,
        Stride.DENIAL_OF_SERVICE,
    ),
    "flow": (Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE, Stride.DENIAL_OF_SERVICE),
}


class CellState(StrEnum):
    ANSWERED = "answered"  # threats in this category, none of them open
    OPEN = "open"  # at least one threat in this category is open
    NOT_CONSIDERED = "not_considered"  # expected, but no threat names it yet
    NOT_EXPECTED = "not_expected"  # not expected for this kind of element, and no threat names it

    @property
    def mark(self) -> str:
        """How the cell reads without colour, in the report and in the app alike."""
        return _CELL_MARKS[self]


_CELL_MARKS = {
    CellState.ANSWERED: "✓",
    CellState.OPEN: "!",
    CellState.NOT_CONSIDERED: "?",
    CellState.NOT_EXPECTED: "·",
}


@fieldwise(frozen=True)
class Cell:
    """One element × STRIDE category of the grid: its state and the threats in it."""

    state: CellState
    threats: tuple[str, ...] = ()  # ids of the threats on this element in this category, open ones first

    @property
    def considered(self) -> bool:
        return self.state in (CellState.ANSWERED, CellState.OPEN)


@fieldwise(frozen=True)
class ElementCoverage:
    """One row of the grid: a component or a flow, and its six STRIDE cells."""

    record_id: str
    kind: str  # the record kind: "components" or "flows"
    element: str  # process, store, external (an unknown or missing kind counts as process) or flow
    label: str
    cells: dict[Stride, Cell]

    @property
    def expected(self) -> tuple[Stride, ...]:
        return EXPECTED[self.element]

    @property
    def gaps(self) -> list[Stride]:
        return [s for s in self.expected if self.cells[s].state is CellState.NOT_CONSIDERED]


@fieldwise(frozen=True)
class Coverage:
    """The grid of elements × STRIDE, with its totals and what no threat covers."""

    elements: tuple[ElementCoverage, ...] = ()
    expected: int = 0  # expected (element, category) cells
    answered: int = 0  # of the expected cells
    open: int = 0  # of the expected cells
    elements_without_threats: list[str] = field(default_factory=list)
    assets_without_threats: list[str] = field(default_factory=list)

    @property
    def considered(self) -> int:
        return self.answered + self.open

    @property
    def not_considered(self) -> int:
        return self.expected - self.considered

    @property
    def percent(self) -> int:
        """Expected cells with at least one threat, of all expected cells; 0 for a model with no elements."""
        return round(100 * self.considered / self.expected) if self.expected else 0

    def gaps(self) -> list[tuple[str, Stride]]:
        """(element id, category) of each expected cell that no threat names yet, in grid order."""
        return [(e.record_id, s) for e in self.elements for s in e.gaps]


def element_kind(record: Component | Flow) -> str:
    if isinstance(record, Flow):
        return "flow"
    return record.kind if record.kind in EXPECTED and record.kind != "flow" else ComponentKind.PROCESS


_STRIDE_BY_VALUE = {s.value: s for s in Stride}  # looked up, not made: an enum call costs a microsecond


def _categories(threat: Threat) -> set[Stride]:
    return {_STRIDE_BY_VALUE[s] for s in threat.stride if s in _STRIDE_BY_VALUE}


_EMPTY = {True: Cell(CellState.NOT_CONSIDERED), False: Cell(CellState.NOT_EXPECTED)}  # most cells: shared
# The cells of an element no threat targets, by its kind: copied for each such element
_UNTOUCHED = {kind: {stride: _EMPTY[stride in expected] for stride in ALL} for kind, expected in EXPECTED.items()}


_THREAT_OPEN = ThreatStatus.OPEN  # a name: an enum's attribute costs a call for each threat of each cell


def _cell(threats: list[Threat]) -> Cell:
    """The cell of the threats in one category of an element (at least one)."""
    still_open: list[str] = []
    decided: list[str] = []
    for threat in threats:
        (still_open if threat.effective_status == _THREAT_OPEN else decided).append(threat.id)
    if still_open:
        return Cell(CellState.OPEN, (*still_open, *decided))
    return Cell(CellState.ANSWERED, tuple(decided))


def compute_coverage(model: Model) -> Coverage:
    # element id -> category -> its threats, built in one pass over the threats
    by_target: dict[str, dict[Stride, list[Threat]]] = {}
    categories_of: dict[tuple[str, ...], set[Stride]] = {}  # most threats name one of a few sets of categories
    for threat in model.threats:
        stride = tuple(threat.stride)
        categories = categories_of.get(stride)
        if categories is None:
            categories = categories_of[stride] = _categories(threat)
        for target in dict.fromkeys(threat.targets):  # a target named twice counts once
            if target:
                by_stride = by_target.setdefault(target, {})
                for category in categories:
                    by_stride.setdefault(category, []).append(threat)
    rows = []
    answered = still_open = expected_cells = 0
    elements: list[Component | Flow] = [*model.components, *model.flows]
    for record in elements:
        kind = element_kind(record)
        expected = EXPECTED[kind]
        expected_cells += len(expected)
        cells = dict(_UNTOUCHED[kind])  # in the grid's order; the cells threats name are made below
        for category, threats in by_target.get(record.id, {}).items():
            made = cells[category] = _cell(threats)
            if category in expected:
                if made.state is CellState.ANSWERED:
                    answered += 1
                else:
                    still_open += 1
        rows.append(ElementCoverage(record.id, record.KIND, kind, record.label, cells))
    mentioned = {asset for t in model.threats for asset in t.assets}
    return Coverage(
        elements=tuple(rows),
        expected=expected_cells,
        answered=answered,
        open=still_open,
        elements_without_threats=[r.record_id for r in rows if not (r.record_id and r.record_id in by_target)],
        assets_without_threats=[a.id for a in model.assets if a.id not in mentioned],
    )
