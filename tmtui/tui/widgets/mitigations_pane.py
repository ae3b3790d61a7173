"""Pane 3, "What are we going to do about it?": mitigations, and the open threats that have none yet."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType

from tmtui.model import compute_metrics
from tmtui.model.sentence import threats_by_risk
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import NewMitigationFor
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import RecordList, RecordTable


class UnmitigatedTable(RecordTable):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("list"), *bindings("unmitigated")]

    def action_mitigate(self) -> None:
        if self.selected_id:
            self.post_message(NewMitigationFor(self.selected_id))


class MitigationsPane(Pane):
    def compose_content(self) -> ComposeResult:
        yield RecordList(
            "mitigations",
            columns_for("mitigations"),
            "No mitigations yet — pick an open threat below and press m.",
            id="mitigations",
        )
        yield RecordList(
            "threats",
            columns_for("unmitigated"),
            "Every open threat has a mitigation.",
            title="Open threats without a mitigation — m adds one",
            id="unmitigated",
            table_class=UnmitigatedTable,
        )

    def main_list(self) -> RecordList:
        return self.query_one("#mitigations", RecordList)

    def refresh_from_model(self) -> None:
        model = self.session.model
        findings = self.session.findings
        self.main_list().show(model.mitigations, model, findings, self.changed)
        without = set(compute_metrics(model).threats_without_mitigation)
        self.query_one("#unmitigated", RecordList).show(
            threats_by_risk(t for t in model.threats if t.id in without), model, findings, self.changed
        )
        self.stale = False
