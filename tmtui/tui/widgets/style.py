"""Colours for risk and status, shared by the tables, the forms and the bars."""

from __future__ import annotations

from rich.text import Text

from tmtui.model import Risk
from tmtui.tui.text import literal

RISK_STYLE = {
    Risk.CRITICAL: "bold white on red",
    Risk.HIGH: "bold red",
    Risk.MEDIUM: "yellow",
    Risk.LOW: "green",
    Risk.NOTE: "dim green",
    Risk.UNRATED: "dim",
}

# Bars are drawn in the risk's colour alone: a background would turn the block characters into a box.
RISK_BAR = {
    Risk.CRITICAL: "red",
    Risk.HIGH: "dark_orange",
    Risk.MEDIUM: "yellow",
    Risk.LOW: "green",
    Risk.NOTE: "dark_green",
    Risk.UNRATED: "grey50",
}

STATUS_STYLE = {
    "open": "bold",
    "mitigated": "green",
    "done": "green",
    "in_progress": "cyan",
    "planned": "cyan",
    "proposed": "",
    "wont_do": "dim",
    "accepted": "magenta",
    "transferred": "blue",
    "avoided": "blue",
    "not_applicable": "dim",
}


def risk_text(risk: Risk, prefix: str = "") -> Text:
    text = Text(prefix)
    text.append(f" {risk.value} " if risk is Risk.CRITICAL else risk.value, style=RISK_STYLE[risk])
    return text


def status_text(status: str) -> Text:
    """A status as the file spells it (an unknown one too), coloured when it is known."""
    return literal(status.replace("_", " "), style=STATUS_STYLE.get(status, ""))
