"""Pane 4, "How well did we do?": the coverage grid, the figures as bars, the trend since the last review, and the
review log."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur, DescendantFocus
from textual.widgets import DataTable, Static

from tmtui.model import Metrics, MitigationStatus, Model, Risk, ThreatStatus, compute_metrics
from tmtui.model.coverage import Coverage, compute_coverage
from tmtui.model.metrics import reviews_in_order, since_review
from tmtui.tui.keymap import bindings
from tmtui.tui.messages import RecordReview
from tmtui.tui.text import literal
from tmtui.tui.widgets.bars import BAR_WIDTH, bar_chart, percent_bar
from tmtui.tui.widgets.columns import columns_for
from tmtui.tui.widgets.coverage_grid import CoverageGrid, grid_width, legend
from tmtui.tui.widgets.pane import Pane
from tmtui.tui.widgets.record_list import RecordList
from tmtui.tui.widgets.style import RISK_BAR, STATUS_STYLE

# The figures' names in the pane, where the line is narrow.
SHORT_LABEL = {"open_high_risk": "open high risk"}


def trend(model: Model, metrics: Metrics) -> Text:
    """Now against the last recorded review (the latest by date)."""
    reviews = reviews_in_order(model)
    if not reviews:
        return Text("No review recorded yet: press r after a session to keep today's figures.", style="dim")
    last = reviews[-1]
    out = literal(f"Since {last.id} ({last.label}): ", style="bold")
    parts = []
    for change in since_review(last, metrics):
        if change.before is None:
            continue
        part = Text(f"{SHORT_LABEL.get(change.key, change.label)} {change.before} → {change.after}")
        if change.delta:
            part.append(f" ({change.delta:+d})", style={"better": "green", "worse": "red"}.get(change.verdict, ""))
        parts.append(part)
    return out + Text("  ·  ").join(parts)


class ReviewPane(Pane):
    """The coverage grid beside the figures, over the review log."""

    BINDINGS = bindings("review-pane")
    DEFAULT_CSS = """
    ReviewPane #review-top { height: 2fr; min-height: 8; }
    ReviewPane #coverage { width: 45; height: 1fr; margin-right: 1; }
    ReviewPane #coverage-title, ReviewPane #coverage-hint { height: 1; padding: 0 1; }
    ReviewPane #coverage-title { text-style: bold; color: $text-muted; }
    ReviewPane CoverageGrid { height: 1fr; border: round $panel; scrollbar-size-vertical: 1; }
    ReviewPane CoverageGrid:focus { border: round $primary; }
    ReviewPane #review-figures { width: 1fr; height: 1fr; padding: 0 1; }
    ReviewPane #review-figures .chart { width: 1fr; height: auto; margin-top: 1; }
    """

    def compose_content(self) -> ComposeResult:
        with Horizontal(id="review-top"):
            with Vertical(id="coverage"):
                yield Static("", id="coverage-title")
                yield CoverageGrid(id="coverage-grid")
                yield Static("", id="coverage-hint")
            with VerticalScroll(id="review-figures"):
                yield Static("", id="headline")
                yield Static("", id="trend")
                yield Static("", id="gaps")
                yield Static("", id="by-risk", classes="chart")
                yield Static("", id="by-status", classes="chart")
                yield Static("", id="by-mitigation", classes="chart")
        yield RecordList(
            "reviews",
            columns_for("reviews"),
            "No reviews yet — press r after a session to record who took part and today's figures.",
            title="Review log — r records a review",
            id="reviews",
        )

    def main_list(self) -> RecordList:
        return self.query_one("#reviews", RecordList)

    @property
    def grid(self) -> CoverageGrid:
        return self.query_one(CoverageGrid)

    def action_record_review(self) -> None:
        self.post_message(RecordReview())

    def action_coverage(self) -> None:
        self.grid.focus()

    def on_resize(self) -> None:
        if not self.stale:
            self.refresh_from_model()

    @on(DataTable.CellHighlighted, "#coverage-grid")
    def _cell_highlighted(self) -> None:
        self._show_hint()

    @on(DescendantFocus)
    @on(DescendantBlur)
    def _focus_moved(self) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        grid = self.grid
        hint = self.query_one("#coverage-hint", Static)
        hint.update(grid.described(hint.content_region.width) if grid.has_focus else legend())

    def refresh_from_model(self) -> None:
        model = self.session.model
        metrics = compute_metrics(model)
        coverage = compute_coverage(model)
        widest = 28 if self.size.width >= 100 else 22
        coverage_width = max(40, grid_width(coverage, widest))
        self.query_one("#coverage").styles.width = coverage_width
        room = max(24, self.size.width - coverage_width - 2) if self.size.width else 0
        title = Text(f"Coverage {coverage.percent}%", style="bold")
        title.append(f" · {coverage.not_considered} gaps · c: to the grid")
        self.query_one("#coverage-title", Static).update(title)
        self.grid.show(coverage, widest)
        self._show_hint()
        headline = Text(f"{metrics.threats} threats · {metrics.open} open · ", style="bold")
        headline.append(
            f"{metrics.open_high_risk} open at high risk or above",
            style="bold red" if metrics.open_high_risk else "bold green",
        )
        headline.append("\n")
        # "Mitigated " before the bar, " 100%" after it, and the figures' padding and scrollbar around it
        bar = max(10, min(BAR_WIDTH + 10, room - 19)) if room else BAR_WIDTH + 10
        headline.append_text(percent_bar("Mitigated", metrics.mitigated_percent, bar))
        headline.append("\n")
        headline.append_text(percent_bar("Resolved ", metrics.resolved_percent, bar))
        self.query_one("#headline", Static).update(headline)
        self.query_one("#trend", Static).update(trend(model, metrics))
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
        self.query_one("#gaps", Static).update(gaps(metrics, coverage))
        self.main_list().show(model.reviews, model, self.session.findings)
        self.stale = False


def gaps(metrics: Metrics, coverage: Coverage) -> Text:
    """The lists of what nobody has worked on yet: ids, so a person can go and find them."""
    out = Text()
    for title, ids, style in (
        ("Open threats without a mitigation: ", metrics.threats_without_mitigation, "red"),
        ("Elements no threat targets: ", coverage.elements_without_threats, "yellow"),
        ("Assets no threat names: ", coverage.assets_without_threats, "yellow"),
    ):
        if out:
            out.append("\n")
        out.append(title, style="bold")
        out.append_text(literal(", ".join(i or "(no id)" for i in ids) or "none", style=style if ids else "green"))
    out.append(f"\n{metrics.threats_with_complete_grammar} of {metrics.threats} threats", style="bold")
    out.append(" have a complete threat statement")
    return out
