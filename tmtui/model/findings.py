"""What validation reports: an error or a warning about a record's field, in words a person understands."""

from __future__ import annotations

from enum import StrEnum

from tmtui.model.fieldwise import fieldwise


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@fieldwise(frozen=True)
class Finding:
    """A problem of the model: an error or a warning, with the record, key and line it is about."""

    severity: Severity
    message: str
    kind: str | None = None  # table name ("threats"), "system", or None for the whole file
    index: int | None = None  # position in the table's array, to find the line even when the id is missing
    record_id: str | None = None
    field: str | None = None  # TOML key
    line: int | None = None  # 1-based, filled in by the document layer, which knows the text
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        """`T3.targets`, `system.name` or empty: the record and field a finding is about."""
        owner = self.record_id or (self.kind if self.kind == "system" else "")
        if owner and self.field:
            return f"{owner}.{self.field}"
        return owner or ""
