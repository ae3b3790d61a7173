"""A list of records as a table, with a mark on the rows that have problems and an empty state that teaches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tmtui.model import Finding, Model, Record
from tmtui.tui.keymap import bindings

Cell = str | Text


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Record, Model], Cell]
    flexible: bool = False  # takes the width that is left (a title), cut with an ellipsis


class RecordTable(DataTable):
    """The table itself; it is what takes focus, so `n`, `enter` and `delete` act on its kind."""

    BINDINGS = bindings("list")

    def __init__(self, kind: str, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.kind = kind
        # Rows are keyed by position: a broken file can hold the same id twice, or a record with none.
        self.row_ids: list[str] = []

    @property
    def selected_id(self) -> str | None:
        if not self.row_ids or not 0 <= self.cursor_row < len(self.row_ids):
            return None
        return self.row_ids[self.cursor_row]

    def select(self, record_id: str) -> None:
        if record_id in self.row_ids:
            self.move_cursor(row=self.row_ids.index(record_id), animate=False)

    def action_edit_record(self) -> None:
        self.app.action_edit_record()

    def action_delete_record(self) -> None:
        self.app.action_delete_record()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # a click, or enter where DataTable's own binding answers first
        event.stop()
        self.app.action_edit_record()


class RecordList(Vertical):
    """A titled table of one kind of record with an empty-state hint underneath."""

    DEFAULT_CLASSES = "record-list"

    def __init__(
        self,
        kind: str,
        columns: Sequence[Column],
        empty_hint: str,
        title: str = "",
        table_class: type[RecordTable] = RecordTable,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.table_class = table_class
        self.kind = kind
        self.columns = columns
        self.empty_hint = empty_hint
        self.heading = title
        self._records: list[Record] = []
        self._model: Model | None = None
        self._problems: dict[str, list[Finding]] = {}

    def compose(self) -> ComposeResult:
        if self.heading:
            yield Static(self.heading, classes="list-title")
        yield self.table_class(self.kind, id=f"{self.id}-table" if self.id else None)
        yield Static(self.empty_hint, classes="empty-hint")

    def set_hint(self, text: str) -> None:
        """What the list says when it is empty."""
        self.empty_hint = text
        self.query_one(".empty-hint", Static).update(text)

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def show(self, records: Sequence[Record], model: Model, findings: Sequence[Finding]) -> None:
        """Fill the table, keeping the cursor on the same record where it still exists."""
        self._records = list(records)
        self._model = model
        self._problems = {}
        for finding in findings:
            if finding.record_id:
                self._problems.setdefault(finding.record_id, []).append(finding)
        self._render_rows()

    def on_resize(self) -> None:
        if self._model is not None:
            self._render_rows()

    def _render_rows(self) -> None:
        table = self.table
        model = self._model
        assert model is not None
        selected = table.selected_id
        table.clear(columns=True)
        table.add_column(" ", key="mark", width=1)
        rows = [[column.value(record, model) for column in self.columns] for record in self._records]
        fixed = sum(
            max([len(c.title), *(_width(row[i]) for row in rows)]) + 2
            for i, c in enumerate(self.columns)
            if not c.flexible
        )
        # what is left inside the border after the mark column, the cell padding and a scrollbar if rows overflow
        inner = self.size.width - 2
        scrollbar = 2 if len(rows) > self.size.height - 4 else 0
        room = max(12, inner - fixed - 5 - scrollbar) if self.size.width else 40
        for column in self.columns:
            table.add_column(column.title, key=column.title, width=room if column.flexible else None)
        for record, row in zip(self._records, rows, strict=True):
            cells = [
                _cut(cell, room) if column.flexible else cell for column, cell in zip(self.columns, row, strict=True)
            ]
            table.add_row(self._mark(record.id), *cells)
        table.row_ids = [record.id for record in self._records]
        if selected is not None:
            table.select(selected)
        self.set_class(not self._records, "empty")

    def _mark(self, record_id: str) -> Text:
        if not record_id:
            return Text("!", style="bold red")
        problems = self._problems.get(record_id, [])
        if any(p.is_error for p in problems):
            return Text("!", style="bold red")
        if problems:
            return Text("?", style="bold yellow")
        return Text(" ")

    def select(self, record_id: str) -> None:
        self.table.select(record_id)


def _width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else len(cell)


def _cut(cell: Cell, width: int) -> Cell:
    text = cell.plain if isinstance(cell, Text) else cell
    if len(text) <= width:
        return cell
    return text[: max(1, width - 1)] + "…"
