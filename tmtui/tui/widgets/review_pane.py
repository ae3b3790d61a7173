"""Pane 4, "How well did we do?": the figures as bars, the trend since the last review, and the review log."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from tmtui.model import Metrics, MitigationStatus, Model, Risk, ThreatStatus, compute_metrics
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import RecordReview
from tmtui.tui.text import literal
from tmtui.tui.widgets.bars import bar_chart, percent_bar
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import RecordList
from tmtui.tui.widgets.style import RISK_BAR, STATUS_STYLE


def trend(model: Model, metrics: Metrics) -> Text:
    """Now against the last recorded review."""
    recorded = [r for r in model.reviews if r.metrics]
    if not recorded:
        return Text("No review recorded yet: press r after a session to keep today's figures.", style="dim")
    last = recorded[-1]
    now = metrics.snapshot()
    out = literal(f"Since {last.id} ({last.label}): ", style="bold")
    parts = []
    for key, label, better_when_lower in (
        ("threats", "threats", None),
        ("open", "open", True),
        ("open_high_risk", "open high risk", True),
        ("mitigated_percent", "mitigated %", False),
    ):
        before, after = last.metrics.get(key), now[key]
        if not isinstance(before, int):
            continue
        delta = after - before
        style = ""
        if delta and better_when_lower is not None:
            style = "green" if (delta < 0) == better_when_lower else "red"
        part = Text(f"{label} {before} → {after}")
        if delta:
            part.append(f" ({delta:+d})", style=style)
        parts.append(part)
    return out + Text("  ·  ").join(parts)


class ReviewPane(Pane):
    BINDINGS = bindings("review-pane")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="figures"):
            yield Static("", id="headline")
            with Horizontal(id="charts"):
                yield Static("", id="by-risk", classes="chart")
                yield Static("", id="by-status", classes="chart")
                yield Static("", id="by-mitigation", classes="chart")
            yield Static("", id="gaps")
            yield Static("", id="trend")
        yield RecordList(
            "reviews",
            columns_for("reviews"),
            "No reviews yet — press r after a session to record who took part and today's figures.",
            title="Review log — r records a review",
            id="reviews",
        )

    def main_list(self) -> RecordList:
        return self.query_one("#reviews", RecordList)

    def action_record_review(self) -> None:
        self.post_message(RecordReview())

    def on_resize(self) -> None:
        if not self.stale:
            self.refresh_from_model()

    def refresh_from_model(self) -> None:
        model = self.session.model
        room = max(20, (self.size.width - 2) // 3 - 2) if self.size.width else 0
        metrics = compute_metrics(model)
        headline = Text(f"{metrics.threats} threats · {metrics.open} open · ", style="bold")
        headline.append(
            f"{metrics.open_high_risk} open at high risk or above",
            style="bold red" if metrics.open_high_risk else "bold green",
        )
        headline.append("\n")
        headline.append_text(percent_bar("Mitigated", metrics.mitigated_percent))
        self.query_one("#headline", Static).update(headline)
        self.query_one("#by-risk", Static).update(
            bar_chart(
                "Open threats by risk",
                [(r.value, metrics.open_by_risk.get(r, 0), RISK_BAR[r]) for r in reversed(Risk)],
                room,
            )
        )
        self.query_one("#by-status", Static).update(
            bar_chart(
                "Threats by status",
                [(s.value.replace("_", " "), metrics.by_status[s.value], STATUS_STYLE[s.value]) for s in ThreatStatus],
                room,
            )
        )
        self.query_one("#by-mitigation", Static).update(
            bar_chart(
                "Mitigations by status",
                [
                    (
                        s.value.replace("_", " "),
                        metrics.mitigations_by_status[s.value],
                        STATUS_STYLE[s.value] or "white",
                    )
                    for s in MitigationStatus
                ],
                room,
            )
        )
        gaps = Text()
        gaps.append("Open threats without a mitigation: ", style="bold")
        gaps.append_text(
            literal(
                ", ".join(metrics.threats_without_mitigation) or "none",
                style="red" if metrics.threats_without_mitigation else "green",
            )
        )
        gaps.append("\nComponents no threat targets: ", style="bold")
        gaps.append_text(
            literal(
                ", ".join(metrics.components_without_threats) or "none",
                style="yellow" if metrics.components_without_threats else "green",
            )
        )
        self.query_one("#gaps", Static).update(gaps)
        self.query_one("#trend", Static).update(trend(model, metrics))
        self.main_list().show(model.reviews, model, self.session.findings)
        self.stale = False
