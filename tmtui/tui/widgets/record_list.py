"""A list of records as a table, with a mark on the rows that have problems and an empty state that teaches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowKey
from textual.widgets.data_table import Row as TableRow

from tmtui.model import Finding, Model, Record
from tmtui.model.text import visible
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import DeleteRecord, OpenRecord
from tmtui.tui.text import literal
from tmtui.tui.widgets.list_filter import FilterInput, matches, record_text

Cell = str | Text  # a str is model text, shown literally
Changed = frozenset[str] | None  # the ids of the records an edit changed; None when any may have
MIN_CAPPED = 12  # cells a fixed column may always take, however narrow the list


_ID = attrgetter("id")  # in C, for each record of a redraw
_SEARCHED = 8  # changed records found by a search each; more, by an index of all


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any, Model], Cell]  # takes the record of the list's kind
    flexible: bool = False  # takes the width that is left (a title), cut with an ellipsis
    reads_model: bool = False  # the value reads other records too (a count, a name), so it may change with them


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

    def add_rows(self, rows: Iterable[Iterable[Cell]]) -> list[RowKey]:
        """`add_row` for each of `rows`, with what `add_row` does for the whole table (check the cursor, ask for
        the table to be measured when idle) done once, and the table sized at once: sized when idle, a table
        of thousands of rows was drawn, then drawn again at another width once its scrollbar appeared. Each
        row has a height of one and no label."""
        columns = [column.key for column in self.ordered_columns]
        was_empty = not self.rows
        keys = []
        for index, cells in enumerate(rows, start=len(self.rows)):
            key = RowKey(None)
            self._row_locations[key] = index
            self._data[key] = dict(zip(columns, cells, strict=True))
            self.rows[key] = TableRow(key, 1)
            keys.append(key)
        if not keys:
            return keys
        self.cursor_coordinate = self.cursor_coordinate  # kept in the table, as `add_row` does
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self._update_dimensions(keys)
        self._refresh_scrollbars()  # known before the next layout, which would otherwise draw the table without
        self.refresh()
        return keys

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """The table's scrollable size after rows were added. The list gives every column its width and every row
        a height of one, so measuring each new cell (what DataTable does to size auto-width columns, a third of the
        first paint of thousands of rows) would change nothing."""
        if any(column.auto_width for column in self.columns.values()) or self._labelled_row_exists:
            super()._update_dimensions(new_rows)
            return
        if any(row.auto_height or row.label is not None for row in map(self.rows.get, new_rows) if row is not None):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        self.virtual_size = Size(width, self._total_row_height + (self.header_height if self.show_header else 0))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # a click, or enter where DataTable's own binding answers first
        event.stop()
        self.action_edit_record()


@dataclass(slots=True)
class Row:
    """A row as the list last put it in the table: its cells in full (before cutting to a width) and their widths."""

    identity: tuple[str, int]  # the record's id and which record with that id it is (a broken file repeats ids)
    cells: tuple[Text, ...]
    lengths: tuple[int, ...]
    symbol: str  # of the mark: "!" an error, "?" a warning
    mark: Text | None = None  # one object per row, made when the row is shown: the table's sort finds a row by it
    key: RowKey | None = None


class RecordList(Vertical):
    """A titled table of one kind of record with an empty-state hint underneath.

    After an edit the table is updated, not refilled: the cells of a changed record are updated in place, rows come
    and go one by one, and only new columns clear it. Textual measures every cell it is given, so a refill of
    thousands of rows costs a second where an update costs a row."""

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
        self._symbols: dict[str, str] = {}  # the mark of each record id with problems: "!" an error, "?" a warning
        self._rows: list[Row] = []  # as the table shows them, in order
        self._widths: list[int] = []  # of `columns`, as the table has them
        self._longest: list[int] = []  # the longest cell of each column in `_rows`
        self._fitted: tuple[int, int] | None = None  # the size the widths were computed for

    def compose(self) -> ComposeResult:
        if self.heading:
            yield Static(self.heading, classes="list-title")
        yield FilterInput(classes="list-filter")
        yield self.table_class(self.kind, id=f"{self.id}-table" if self.id else None)
        yield Static(literal(self.empty_hint), classes="empty-hint")

    def set_hint(self, text: str) -> None:
        """What the list says when it is empty."""
        self.empty_hint = text
        if self.has_class("empty"):
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
            self._render_rows(frozenset())

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
            self._render_rows(frozenset())

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def show(
        self, records: Sequence[Record], model: Model, findings: Sequence[Finding], changed: Changed = None
    ) -> None:
        """Show these records, keeping the cursor on the same record where it still exists. `changed`: the ids of
        the records that changed since the last call (None: any may have); the rows of the others are kept."""
        self._records = list(records)
        self._model = model
        symbols: dict[str, str] = {}
        for finding in findings:
            if finding.record_id and symbols.get(finding.record_id) != "!":
                symbols[finding.record_id] = "!" if finding.is_error else "?"
        marks_changed = symbols != self._symbols
        self._symbols = symbols
        if changed is None or marks_changed or not self._update_in_place(changed):
            self._render_rows(changed)

    def on_resize(self) -> None:
        if self._model is not None and self._fitted != (self.size.width, self.size.height):
            self._fit(self._rows, self._longest)

    def _render_rows(self, changed: Changed) -> None:
        model = self._model
        assert model is not None
        query = self.query_text
        shown = [r for r in self._records if matches(record_text(r), query)] if query else self._records
        rows = self._rows_for(shown, model, changed)
        table = self.table
        selected = table.selected_id
        if [column.key.value for column in table.ordered_columns] != ["mark", *(c.title for c in self.columns)]:
            self._refill(rows, columns=True)
        else:
            self._fit(rows)
            self._update(rows)
        table.row_ids = [row.identity[0] for row in rows]
        if selected is not None and table.selected_id != selected:
            table.select(selected)
        self.set_class(not shown, "empty")
        if not shown:
            self._show_hint()

    def _update_in_place(self, changed: frozenset[str]) -> bool:
        """The common edit, in time proportional to what changed: the same records in the same order (or new ones
        after them: a record added), no marks changed, and the cells of the changed ones updated in place. False
        when it is not that edit."""
        if any(column.reads_model for column in self.columns) or self.query_text or not self._rows:
            return False
        ids = list(map(_ID, self._records))
        shown = self.table.row_ids
        added = ids[len(shown) :]
        if ids[: len(shown)] != shown or not changed.issuperset(added) or len(set(ids)) != len(ids) or "" in changed:
            return False
        assert self._model is not None
        if len(changed) <= _SEARCHED:  # an edit: a search in C for each changed id, not an index of every id
            at = {record_id: ids.index(record_id) for record_id in changed if record_id in ids}
        else:
            index = {record_id: n for n, record_id in enumerate(ids)}
            at = {record_id: index[record_id] for record_id in changed if record_id in index}
        rows = list(self._rows)
        touched = [n for n in at.values() if n < len(shown)]
        for n in touched:
            old = rows[n]
            rows[n] = self._row(old.identity, self._records[n], self._model, old.symbol)
            rows[n].key, rows[n].mark = old.key, old.mark
        new_rows = [
            self._row((r.id, 0), r, self._model, self._symbols.get(r.id, " ")) for r in self._records[len(shown) :]
        ]
        longest: list[int] | None = list(self._longest)
        for before_lengths, after_lengths in [
            *((self._rows[n].lengths, rows[n].lengths) for n in touched),
            *((None, r.lengths) for r in new_rows),
        ]:
            for i, after in enumerate(after_lengths):
                before = before_lengths[i] if before_lengths is not None else 0
                if longest is not None and after > longest[i]:
                    longest[i] = after
                elif after < before == self._longest[i]:
                    longest = None  # the longest cell got shorter: which is the longest now needs every row
        self._fit([*rows, *new_rows], longest)  # first: the changed cells are cut to the widths they bring
        for n in touched:
            self._update_cells(self._rows[n], rows[n])
        table = self.table
        for row in new_rows:
            row.mark = _mark(row.symbol)
            row.key = table.add_row(row.mark, *self._cut_row(row))
        self._rows = [*rows, *new_rows]
        table.row_ids = ids
        return True

    def _row(self, identity: tuple[str, int], record: Record, model: Model, symbol: str) -> Row:
        cells = tuple([_as_text(column.value(record, model)) for column in self.columns])
        return Row(identity, cells, tuple([cell.cell_len for cell in cells]), symbol)

    def _rows_for(self, shown: Sequence[Record], model: Model, changed: Changed) -> list[Row]:
        """The rows of `shown`, reusing the cells of each record that did not change when no column reads other
        records (a component's threat count does)."""
        seen: dict[str, int] = {}
        reusable: dict[tuple[str, int], Row] = {}
        if changed is not None:
            reusable = {row.identity: row for row in self._rows if row.identity[0] not in changed}
        # a column that reads other records (a component's threat count) may change in an unchanged record's row:
        # its value is worked out again and compared, which costs far less than making every cell again
        reading = [n for n, column in enumerate(self.columns) if column.reads_model]
        rows = []
        for record in shown:
            nth = seen[record.id] = seen.get(record.id, -1) + 1
            identity = (record.id, nth)
            symbol = self._symbols.get(record.id, " ") if record.id else "!"
            old = reusable.get(identity)
            if old is not None and record.id and all(self._same_cell(old, n, record, model) for n in reading):
                rows.append(Row(identity, old.cells, old.lengths, symbol))
            else:
                rows.append(self._row(identity, record, model, symbol))
        return rows

    def _same_cell(self, row: Row, n: int, record: Record, model: Model) -> bool:
        """Whether column `n` of `record` would show what `row` shows there now."""
        value = self.columns[n].value(record, model)
        return isinstance(value, str) and visible(value) == row.cells[n].plain

    def _widths_for(self, rows: Sequence[Row], longest: list[int] | None = None) -> list[int]:
        """The widths of the columns for `rows` at this size; `longest`: their longest cells, if known."""
        # Every width is given, never left to the table: a table filled while a form covered it measured its
        # columns by their titles alone ("cri" for critical). A fixed column holding model text (a boundary's
        # name, an owner) gets at most a quarter of the width, so it never pushes the others out of sight.
        most = max(MIN_CAPPED, (self.size.width or 80) // 4)
        if longest is None:
            longest = [max(lengths) for lengths in zip(*(row.lengths for row in rows), strict=True)]
        self._longest = longest = longest or [0] * len(self.columns)
        widths = [max(cell_len(c.title), min(n, most)) for c, n in zip(self.columns, longest, strict=True)]
        fixed = sum(width + 2 for width, c in zip(widths, self.columns, strict=True) if not c.flexible)
        # what is left inside the border after the mark column, the cell padding and a scrollbar if rows overflow
        inner = self.size.width - 2
        scrollbar = 2 if len(rows) > self.size.height - 4 else 0
        room = max(12, inner - fixed - 5 - scrollbar) if self.size.width else 40
        return [room if c.flexible else width for c, width in zip(self.columns, widths, strict=True)]

    def _refill(self, rows: list[Row], columns: bool = False) -> None:
        """Clear the table and fill it again: for new columns, or when most rows go (a filter typed)."""
        table = self.table
        table.clear(columns=columns)
        if columns:
            self._widths = self._widths_for(rows)
            self._fitted = (self.size.width, self.size.height)
            table.add_column(" ", key="mark", width=1)
            for column, width in zip(self.columns, self._widths, strict=True):
                table.add_column(column.title, key=column.title, width=width)
        marks = [_mark(row.symbol) for row in rows]
        keys = table.add_rows([mark, *self._cut_row(row)] for mark, row in zip(marks, rows, strict=True))
        for row, mark, key in zip(rows, marks, keys, strict=True):
            row.mark, row.key = mark, key
        self._rows = rows

    def _fit(self, rows: list[Row], longest: list[int] | None = None) -> None:
        """Give the columns the widths `rows` need at this size; only cells cut to the old width are cut again."""
        self._fitted = (self.size.width, self.size.height)
        widths = self._widths_for(rows, longest)
        if widths == self._widths:
            return
        if not self._rows:
            self._refill(rows, columns=True)
            return
        table = self.table
        for index, (column, old, new) in enumerate(zip(self.columns, self._widths, widths, strict=True)):
            if old == new:
                continue
            table.columns[ColumnKey(column.title)].width = new
            for row in self._rows:
                if row.key is not None and row.lengths[index] > min(old, new):
                    table.update_cell(row.key, column.title, _cut(row.cells[index], new))
        self._widths = widths
        first = self._rows[0]
        assert first.key is not None
        # a width set on a column is read when the table next measures itself, which an update asks for
        table.update_cell(first.key, "mark", first.mark, update_width=True)

    def _update(self, rows: list[Row]) -> None:
        """Make the table show `rows`: changed cells updated in place, rows removed and added, and a sort when the
        order changed. When most rows go (a filter), clearing is cheaper than removing one by one."""
        table = self.table
        wanted = {row.identity for row in rows}
        old_rows = {row.identity: row for row in self._rows}
        gone = [row for row in self._rows if row.identity not in wanted]
        if len(gone) > max(16, len(self._rows) // 4):
            self._refill(rows)
            return
        for row in gone:
            assert row.key is not None
            table.remove_row(row.key)
        order: list[RowKey] = [row.key for row in self._rows if row.identity in wanted and row.key is not None]
        for row in rows:
            old = old_rows.get(row.identity)
            if old is None:
                row.mark = _mark(row.symbol)
                row.key = table.add_row(row.mark, *self._cut_row(row))
                order.append(row.key)
                continue
            row.key = old.key
            assert row.key is not None
            if old.symbol != row.symbol:
                row.mark = _mark(row.symbol)
                table.update_cell(row.key, "mark", row.mark)
            else:
                row.mark = old.mark
            if row.cells is not old.cells:
                self._update_cells(old, row)
        if order != [row.key for row in rows]:
            position = {id(row.mark): n for n, row in enumerate(rows)}
            table.sort("mark", key=lambda mark: position[id(mark)])
        self._rows = rows

    def _update_cells(self, old: Row, row: Row) -> None:
        """Update the cells of `old`'s row in the table that differ in `row`."""
        assert row.key is not None
        for index, (before, after) in enumerate(zip(old.cells, row.cells, strict=True)):
            if before is not after and not _same(before, after):
                self.table.update_cell(row.key, self.columns[index].title, _cut(after, self._widths[index]))

    def _cut_row(self, row: Row) -> list[Text]:
        # the row knows the width of each cell: measuring again is most of a fill of thousands of rows that fit
        return [
            cell if length <= width else _cut(cell, width)
            for cell, length, width in zip(row.cells, row.lengths, self._widths, strict=True)
        ]

    def select(self, record_id: str) -> None:
        self.table.select(record_id)


MARK_STYLE = {"!": "bold red", "?": "bold yellow", " ": ""}


def _mark(symbol: str) -> Text:
    return Text(symbol, style=MARK_STYLE[symbol])


def _same(a: Text, b: Text) -> bool:
    """Whether two cells look the same (rich's own equality leaves out the style of the whole text)."""
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


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
