"""What widgets tell the app: small messages that bubble up and are handled with `@on` in the app or a screen.

Widgets never call app methods to change the model or open screens; the app owns screens, dialogs and saving.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tmtui.session import FieldConflict


class FieldCommitted(Message):
    """A form changed the model through the session (a field set, or a new record added): redraw and save."""

    def __init__(self, record_id: str, key: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.key = key


class EditRefused(Message):
    """The session refused an edit; `reason` says why in words for a person."""

    def __init__(self, reason: str, title: str = "Not saved") -> None:
        super().__init__()
        self.reason = reason
        self.title = title


class FieldConflicted(Message):
    """A typed field's base changed elsewhere meanwhile (or its record is gone): the person chooses.

    `keep` is the whole record as the form shows it, with the typed value, for re-adding a deleted record.
    """

    def __init__(self, conflict: FieldConflict, kind: str, keep: dict[str, Any]) -> None:
        super().__init__()
        self.conflict = conflict
        self.kind = kind
        self.keep = keep


class OpenRecord(Message):
    """Open the form of a record (an empty `record_id`: the file gave it no id)."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id


class DeleteRecord(Message):
    """Delete a record, once the person has said yes."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id


class NewMitigationFor(Message):
    """Start a mitigation linked to a threat."""

    def __init__(self, threat_id: str) -> None:
        super().__init__()
        self.threat_id = threat_id


class RecordReview(Message):
    """Record a review of today with the figures as they are now."""


class LeaveForm(Message):
    """Escape in a form that is part of a pane (the system summary): its field is committed, focus goes back."""


class NewThreatFor(Message):
    """Start a threat that targets an element, with one STRIDE category preset (a gap in the coverage grid)."""

    def __init__(self, target_id: str, stride: str) -> None:
        super().__init__()
        self.target_id = target_id
        self.stride = stride


class SuggestionsAsked(Message):
    """Open the suggestions view, for the whole model or for one component or flow (`target`)."""

    def __init__(self, target: str | None = None) -> None:
        super().__init__()
        self.target = target
