"""Pane 2, "What could go wrong?": the threats sorted by risk, filtered by status, STRIDE and target."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select

from tmtui.model import Model, Stride, ThreatStatus
from tmtui.model.sentence import threats_by_risk
from tmtui.tui.text import literal
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import RecordList


def empty_threats_hint(model: Model) -> str:
    quiet = next((c for c in model.components if not model.threats_targeting(c.id)), None)
    example = f"{quiet.id} ({quiet.name})" if quiet else "your most exposed component"
    return f"No threats yet — press n, or ask: what could go wrong with {example}?"


class ThreatsPane(Pane):
    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self._target_options: list[tuple[Text, str]] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Select(
                [(s.value.replace("_", " "), s.value) for s in ThreatStatus], prompt="Any status", id="filter-status"
            )
            yield Select([(s.label, s.value) for s in Stride], prompt="Any STRIDE", id="filter-stride")
            yield Select([], prompt="Any target", id="filter-target")
        yield RecordList("threats", columns_for("threats"), "No threats yet — press n.", id="threats")

    def main_list(self) -> RecordList:
        return self.query_one("#threats", RecordList)

    @on(Select.Changed, ".filters Select")
    def _filter_changed(self) -> None:
        self.changed = frozenset()  # the model is as it was: rows come and go, none is recomputed
        self.refresh_from_model()

    def _filter(self, key: str) -> str | None:
        value = self.query_one(f"#filter-{key}", Select).value
        return None if value is Select.NULL else str(value)

    def refresh_from_model(self) -> None:
        model = self.session.model
        targets = self.query_one("#filter-target", Select)
        options = [(literal(f"{r.id} {r.label}"), r.id) for r in [*model.components, *model.flows]]
        if options != self._target_options:
            self._target_options = options
            chosen = targets.value
            with targets.prevent(Select.Changed):
                targets.set_options(options)
                if chosen is not Select.NULL and chosen in {v for _, v in options}:
                    targets.value = chosen
        status, stride, target = self._filter("status"), self._filter("stride"), self._filter("target")
        shown = [
            t
            for t in model.threats
            if (status is None or t.effective_status == status)
            and (stride is None or stride in t.stride)
            and (target is None or target in t.targets)
        ]
        threat_list = self.main_list()
        if not shown:  # the hint reads every component, so it is worked out only when it shows
            filtered = status or stride or target
            threat_list.set_hint(
                "No threat matches these filters." if filtered and model.threats else empty_threats_hint(model)
            )
        threat_list.show(threats_by_risk(shown), model, self.session.findings, self.changed)
        self.stale = False
