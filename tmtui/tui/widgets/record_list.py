"""A list of records as a table, with a mark on the rows that have problems and an empty state that teaches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from tmtui.model import Finding, Model, Record
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import DeleteRecord, OpenRecord
from tmtui.tui.text import literal
from tmtui.tui.widgets.list_filter import FilterInput, matches, record_text

Cell = str | Text  # a str is model text, shown literally
MIN_CAPPED = 12  # cells a fixed column may always take, however narrow the list


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any, Model], Cell]  # takes the record of the list's kind
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
        if self.selected_id is not None:
            self.post_message(OpenRecord(self.kind, self.selected_id))

    def action_delete_record(self) -> None:
        if self.selected_id is not None:
            self.post_message(DeleteRecord(self.kind, self.selected_id))

    def action_filter(self) -> None:
        self.query_ancestor(RecordList).start_filter()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # a click, or enter where DataTable's own binding answers first
        event.stop()
        self.action_edit_record()


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
        yield FilterInput(classes="list-filter")
        yield self.table_class(self.kind, id=f"{self.id}-table" if self.id else None)
        yield Static(literal(self.empty_hint), classes="empty-hint")

    def set_hint(self, text: str) -> None:
        """What the list says when it is empty."""
        self.empty_hint = text
        self._show_hint()

    def _show_hint(self) -> None:
        hint = self.empty_hint
        if self.query_text and self._records:
            hint = f"Nothing matches “{self.query_text}” — escape ends the filter."
        self.query_one(".empty-hint", Static).update(literal(hint))

    @property
    def query_text(self) -> str:
        return self.query_one(FilterInput).value.strip()

    def start_filter(self) -> None:
        """`/`: show the filter line and type into it; the list narrows as you type."""
        self.add_class("filtering")
        self.query_one(FilterInput).focus()

    @on(Input.Changed, ".list-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._model is not None:
            self._render_rows()

    @on(Input.Submitted, ".list-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_text:
            self.end_filter()
        self.table.focus()

    @on(FilterInput.Ended)
    def _filter_ended(self, event: FilterInput.Ended) -> None:
        event.stop()
        self.end_filter()
        self.table.focus()

    def end_filter(self) -> None:
        """Every record again, the cursor kept on the one it was on."""
        self.remove_class("filtering")
        filter_input = self.query_one(FilterInput)
        if filter_input.value:
            with filter_input.prevent(Input.Changed):
                filter_input.value = ""
        if self._model is not None:
            self._render_rows()

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
        query = self.query_text
        shown = [r for r in self._records if matches(record_text(r), query)] if query else self._records
        selected = table.selected_id
        table.clear(columns=True)
        table.add_column(" ", key="mark", width=1)
        rows = [[_as_text(column.value(record, model)) for column in self.columns] for record in shown]
        # Every width is given, never left to the table: a table filled while a form covered it measured its
        # columns by their titles alone ("cri" for critical). A fixed column holding model text (a boundary's
        # name, an owner) gets at most a quarter of the width, so it never pushes the others out of sight.
        most = max(MIN_CAPPED, (self.size.width or 80) // 4)
        widths = [
            max([cell_len(c.title), *(min(row[i].cell_len, most) for row in rows)]) for i, c in enumerate(self.columns)
        ]
        fixed = sum(width + 2 for width, c in zip(widths, self.columns, strict=True) if not c.flexible)
        # what is left inside the border after the mark column, the cell padding and a scrollbar if rows overflow
        inner = self.size.width - 2
        scrollbar = 2 if len(rows) > self.size.height - 4 else 0
        room = max(12, inner - fixed - 5 - scrollbar) if self.size.width else 40
        widths = [room if c.flexible else width for c, width in zip(self.columns, widths, strict=True)]
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(column.title, key=column.title, width=width)
        for record, row in zip(shown, rows, strict=True):
            cells = [_cut(cell, width) for cell, width in zip(row, widths, strict=True)]
            table.add_row(self._mark(record.id), *cells)
        table.row_ids = [record.id for record in shown]
        if selected is not None:
            table.select(selected)
        self.set_class(not shown, "empty")
        self._show_hint()

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


def _as_text(cell: Cell) -> Text:
    """A cell as text to show: model text is never read as markup, and its control characters are made visible."""
    return cell if isinstance(cell, Text) else literal(cell)


def _cut(cell: Text, width: int) -> Text:
    """The cell clipped to `width` terminal cells with "…": a CJK character takes two."""
    if cell.cell_len <= width:
        return cell
    text = cell.copy()
    text.truncate(width, overflow="ellipsis")
    return text
