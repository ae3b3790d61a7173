"""Text from a model is data: control characters are made visible before anything shows or prints it.

A title can arrive in a pull request from a stranger. Raw, `\\x1b]52;…` would write to the reader's clipboard
and `\\x1b[2J` would clear their screen, so every place that shows model text (the app, the command line)
passes it through `visible` first. Tab and newline stay: they are layout, not commands.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, and C1 (0x80-0x9f, which some terminals read as ESC + a letter).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ … ␛ …
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"  # C1 has no pictures of its own


def visible(text: str) -> str:
    """`text` with every control character shown as a visible stand-in (`␛` for ESC); tab and newline kept."""
    return _CONTROL.sub(_picture, text)


def has_control(text: str) -> bool:
    """Whether `text` holds a character that `visible` would replace."""
    return _CONTROL.search(text) is not None
