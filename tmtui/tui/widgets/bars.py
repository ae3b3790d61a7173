"""Figures drawn as horizontal bars, so a team sees the shape of its risk at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BAR_WIDTH = 16


def bar_chart(title: str, rows: Sequence[tuple[str, int, str]], room: int = 0) -> Text:
    """`rows` are (label, count, style); bars are scaled to the largest count and fit in `room` cells."""
    out = Text(title + "\n", style="bold")
    largest = max((count for _, count, _ in rows), default=0)
    label_width = max((len(label) for label, _, _ in rows), default=0)
    digits = len(str(largest))
    width = max(3, min(BAR_WIDTH, room - label_width - digits - 2)) if room else BAR_WIDTH
    for label, count, style in rows:
        length = round(width * count / largest) if largest else 0
        if count and not length:
            length = 1
        out.append(f"{label:<{label_width}} ")
        out.append("█" * length, style=style or "")
        out.append("·" * (width - length), style="dim")
        out.append(f" {count}\n")
    return out


def percent_bar(title: str, percent: int, width: int = BAR_WIDTH + 10) -> Text:
    filled = round(width * max(0, min(percent, 100)) / 100)
    out = Text(f"{title} ", style="bold")
    out.append("█" * filled, style="green")
    out.append("░" * (width - filled), style="dim")
    out.append(f" {percent}%")
    return out
