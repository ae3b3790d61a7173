"""Model text for widgets: always a `Text` object built from the characters, never a markup string.

`[bold]`, `[link=…]` and `[@click=app.quit]` in a title are characters a person typed (or a stranger sent in a
pull request); markup strings are for our own fixed labels only. Control characters are made visible too.
"""

from __future__ import annotations

from rich.text import Text

from tmtui.model.text import visible


def literal(text: str, style: str = "") -> Text:
    """`text` shown exactly as written (control characters as visible stand-ins), optionally styled."""
    return Text(visible(text), style=style, no_wrap=False, end="")
