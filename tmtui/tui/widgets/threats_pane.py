"""Pane 2, "What could go wrong?": the threats sorted by risk, filtered by status, STRIDE and target."""

from __future__ import annotations

from operator import attrgetter

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select

from tmtui.model import Model, Stride, Threat, ThreatStatus
from tmtui.model.sentence import risk_order, threats_by_risk
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import SuggestionsAsked
from tmtui.tui.text import literal
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.filter_select import FilterSelect
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import RecordList


def empty_threats_hint(model: Model) -> str:
    quiet = next((c for c in model.components if not model.threats_targeting(c.id)), None)
    example = f"{quiet.id} ({quiet.name})" if quiet else "your most exposed component"
    return (
        f"No threats yet — press n, or ask: what could go wrong with {example}? "
        "s suggests likely threats from what you built, b starts a brainstorm with the team, "
        "t takes one threat from the news."
    )


_ID = attrgetter("id")  # in C, for each threat of a redraw


class ThreatsPane(Pane):
    BINDINGS = bindings("threats-pane")

    def __init__(self, session, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self._targets_shown: list[tuple[str, str]] = []  # (id, label) of the components and flows in the filter
        self._risk_order: dict[str, tuple[int, bool, tuple[str, int, str]]] = {}  # by id, as of the last draw
        self._drawn: tuple[list[str], list[str]] = ([], [])  # the ids of the last draw: as given, and as sorted

    def compose_content(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield FilterSelect(
                [(s.value.replace("_", " "), s.value) for s in ThreatStatus], prompt="Any status", id="filter-status"
            )
            yield FilterSelect([(s.label, s.value) for s in Stride], prompt="Any STRIDE", id="filter-stride")
            yield FilterSelect([], prompt="Any target", id="filter-target")
        yield RecordList("threats", columns_for("threats"), "No threats yet — press n.", id="threats")

    def main_list(self) -> RecordList:
        return self.query_one("#threats", RecordList)

    def action_suggest(self) -> None:
        self.post_message(SuggestionsAsked())

    @on(Select.Changed, ".filters Select")
    def _filter_changed(self) -> None:
        self.changed = frozenset()  # the model is as it was: rows come and go, none is recomputed
        self.refresh_from_model()

    def _filter(self, key: str) -> str | None:
        value = self.query_one(f"#filter-{key}", Select).value
        return None if value is Select.NULL else str(value)

    def _by_risk(self, threats: list[Threat]) -> list[Threat]:
        """`threats_by_risk`, with the order of each threat the edit did not change kept from the last draw: working
        out a risk costs more than sorting thousands of threats."""
        ids = list(map(_ID, threats))
        if len(set(ids)) != len(ids):  # ids repeat in a broken file: each needs its own key
            self._risk_order, self._drawn = {}, ([], [])
            return threats_by_risk(threats)
        by_id = dict(zip(ids, threats, strict=True))
        # the same threats: when no edited one moved in the order (a title, a note), the last order stands
        if (
            self.changed is not None
            and ids == self._drawn[0]
            and all(self._risk_order.get(i) == risk_order(by_id[i]) for i in self.changed if i in by_id)
        ):
            return list(map(by_id.__getitem__, self._drawn[1]))
        order = dict(self._risk_order) if self.changed is not None else {}
        for record_id in self.changed or ():
            order.pop(record_id, None)
        for threat in [t for t in threats if t.id not in order]:
            order[threat.id] = risk_order(threat)
        self._risk_order = order
        ordered = sorted(threats, key=lambda t: order[t.id])
        self._drawn = (ids, [t.id for t in ordered])
        return ordered

    def refresh_from_model(self) -> None:
        model = self.session.model
        targets = self.query_one("#filter-target", Select)
        shown_targets = [(r.id, r.label) for r in [*model.components, *model.flows]]
        if shown_targets != self._targets_shown:
            self._targets_shown = shown_targets
            options = [(literal(f"{record_id} {label}"), record_id) for record_id, label in shown_targets]
            chosen = targets.value
            with targets.prevent(Select.Changed):
                targets.set_options(options)
                if chosen is not Select.NULL and chosen in {v for _, v in options}:
                    targets.value = chosen
        status, stride, target = self._filter("status"), self._filter("stride"), self._filter("target")
        shown = (
            [
                t
                for t in model.threats
                if (status is None or t.effective_status == status)
                and (stride is None or stride in t.stride)
                and (target is None or target in t.targets)
            ]
            if status is not None or stride is not None or target is not None
            else list(model.threats)  # no filter, as nearly always: a copy in C, not a test of each threat
        )
        threat_list = self.main_list()
        if not shown:  # the hint reads every component, so it is worked out only when it shows
            filtered = status or stride or target
            threat_list.set_hint(
                "No threat matches these filters." if filtered and model.threats else empty_threats_hint(model)
            )
        threat_list.show(self._by_risk(shown), model, self.session.findings, self.changed)
        self.stale = False
