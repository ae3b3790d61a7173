"""The coverage grid of pane 4: components and flows × S T R I D E, each cell one key away from what closes it.

A cell reads without colour too (✓ answered, ! open, ? not yet considered, · not expected for the element's
kind). Enter on the element opens its record; on a cell with threats, the first open one (else the first); on any
other cell, a new threat that targets the element with that STRIDE category preset.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tmtui.model import Stride
from tmtui.model.coverage import Cell, CellState, Coverage, ElementCoverage
from tmtui.tui.messages import NewThreatFor, OpenRecord
from tmtui.tui.text import literal

CELL_STYLE = {
    CellState.ANSWERED: "bold green",
    CellState.OPEN: "bold red",
    CellState.NOT_CONSIDERED: "bold yellow",
    CellState.NOT_EXPECTED: "dim",
}
CELL_WORDS = {
    CellState.ANSWERED: "answered",
    CellState.OPEN: "open",
    CellState.NOT_CONSIDERED: "not yet",
    CellState.NOT_EXPECTED: "n/a",
}
CELL_MEANING = {
    CellState.ANSWERED: "answered",
    CellState.OPEN: "open threat",
    CellState.NOT_CONSIDERED: "not yet considered",
    CellState.NOT_EXPECTED: "not expected here",
}
ELEMENT_WIDTH = (12, 28)  # the element column's narrowest and widest, in cells
STRIDE_COLUMNS = 6 * 3  # a one-cell mark with a cell of padding either side
FRAME = 2 + 1  # the border, and a one-cell scrollbar


def legend() -> Text:
    out = Text()
    for state, style in CELL_STYLE.items():
        if out:
            out.append("  ")
        out.append(state.mark, style=style)
        out.append(f" {CELL_WORDS[state]}")
    return out


def grid_width(coverage: Coverage, widest: int) -> int:
    """The width the grid needs for `coverage`, its element column at most `widest` cells."""
    return element_width(coverage, widest) + 2 + STRIDE_COLUMNS + FRAME


def element_width(coverage: Coverage, widest: int) -> int:
    longest = max((len(_name(e)) for e in coverage.elements), default=0)
    return max(ELEMENT_WIDTH[0], min(widest, longest))


def _name(element: ElementCoverage) -> str:
    return f"{element.record_id or '(no id)'} {element.label}".strip()


def cell_text(cell: Cell) -> Text:
    return Text(cell.state.mark, style=CELL_STYLE[cell.state], justify="center")


class CoverageGrid(DataTable):
    """One row per element, one column per STRIDE category; the header stays as the rows scroll."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, fixed_columns=1, **kwargs)
        self.elements: tuple[ElementCoverage, ...] = ()

    def show(self, coverage: Coverage, widest: int = ELEMENT_WIDTH[1]) -> None:
        """Fill the grid, its element column at most `widest` cells, keeping the cursor where it was."""
        cursor = self.cursor_coordinate
        self.elements = coverage.elements
        width = element_width(coverage, widest)
        self.clear(columns=True)
        self.add_column("Element", width=width, key="element")
        for stride in Stride:
            self.add_column(stride.letter, width=1, key=stride.value)
        for element in self.elements:
            label = literal(_name(element))
            label.truncate(width, overflow="ellipsis")
            self.add_row(label, *(cell_text(element.cells[s]) for s in Stride))
        if self.row_count:
            self.move_cursor(row=min(cursor.row, self.row_count - 1), column=cursor.column, animate=False)

    def described(self, width: int = 0) -> Text:
        """What the cell under the cursor means and what enter does there, in `width` cells when it can."""
        place = self._place()
        if place is None:
            return legend()
        element, stride = place
        if stride is None:
            return literal(element.record_id or "(no id)", style="bold") + Text(f" {element.element} · ⏎ opens it")
        full = self._cell_line(element, stride, stride.label)
        return full if not width or full.cell_len <= width else self._cell_line(element, stride, stride.letter)

    @staticmethod
    def _cell_line(element: ElementCoverage, stride: Stride, name: str) -> Text:
        cell = element.cells[stride]
        out = literal(element.record_id, style="bold")
        out.append(f" {name}: ")
        out.append(CELL_MEANING[cell.state], style=CELL_STYLE[cell.state])
        if cell.threats:
            out.append_text(literal(f" · ⏎ opens {cell.threats[0]}"))
            if len(cell.threats) > 1:
                out.append(f" (+{len(cell.threats) - 1})")
        else:
            out.append(" · ⏎ new threat")
        return out

    def _place(self) -> tuple[ElementCoverage, Stride | None] | None:
        if not self.elements or not 0 <= self.cursor_row < len(self.elements):
            return None
        column = self.cursor_column
        return self.elements[self.cursor_row], list(Stride)[column - 1] if column > 0 else None

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        place = self._place()
        if place is None:
            return
        element, stride = place
        if stride is None or not element.record_id:
            self.post_message(OpenRecord(element.kind, element.record_id))
            return
        cell = element.cells[stride]
        if cell.threats:
            self.post_message(OpenRecord("threats", cell.threats[0]))
        else:
            self.post_message(NewThreatFor(element.record_id, stride.value))
