"""The command palette's commands about the model: add a record, record a review, open a record or a recent model.

Record titles are model text, so every prompt here is built from its characters (never read as markup), and the
model is read only when the palette asks, so a large one costs nothing until then.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider

from tmtui.model import RECORD_TYPES
from tmtui.state import recent_models
from tmtui.tui.text import literal

if TYPE_CHECKING:
    from tmtui.tui.app import TmtuiApp

PROMPT_WIDTH = 64  # cells of a record's title in the palette, before "…"

Command = tuple[str, str, Callable[[], object]]  # title (model text allowed), help (our words), what it does


def add_a(singular: str) -> str:
    """ "Add an asset", "Add a user story": the article people would write."""
    return f"Add {'an' if singular.startswith(('a', 'e', 'i', 'o')) else 'a'} {singular}"


def prompt(title: str) -> Text:
    """A title as the palette shows it: literal, on one line, clipped by cell width."""
    text = literal(" ".join(title.splitlines()))
    text.truncate(PROMPT_WIDTH, overflow="ellipsis")
    return text


def highlighted(matcher: Matcher, shown: Text) -> Text:
    """`shown` with the letters the query matched in the matcher's style."""
    out = shown.copy()
    _, offsets = matcher.fuzzy_search.match(matcher.query, shown.plain)
    for offset in offsets:
        if not shown.plain[offset].isspace():
            out.stylize(matcher.match_style.rich_style, offset, offset + 1)
    return out


class ModelCommands(Provider):
    """Commands built from the open model, searched like the app's own."""

    def commands(self) -> list[Command]:
        app = cast("TmtuiApp", self.app)
        if app.session is None:
            return []
        out: list[Command] = [
            (add_a(t.SINGULAR), f"A new {t.SINGULAR}, in its form", partial(app.new_record_of, t.KIND))
            for t in RECORD_TYPES
            if t.KIND != "reviews"
        ]
        out.append(("Record a review", "Keep today's figures in the review log", app.record_review))
        current = app.model_path.resolve()
        out += [
            (f"Open recent: {path}", "Switch to this model", partial(app.switch_model, path))
            for path in recent_models()
            if path != current
        ]
        out += [
            (f"Open {r.id} {r.label}", f"Edit this {r.SINGULAR}", partial(app.open_record, r.KIND, r.id))
            for r in app.session.model.all_records()
        ]
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            shown = prompt(title)
            yield DiscoveryHit(shown, callback, text=shown.plain, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            shown = prompt(title)
            score = matcher.match(shown.plain)
            if score > 0:
                yield Hit(score, highlighted(matcher, shown), callback, text=shown.plain, help=help_text)
