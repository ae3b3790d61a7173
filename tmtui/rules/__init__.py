"""Threat suggestions from the model: STRIDE per element, context rules and the threat library (issue 9).

Pure Python over `tmtui.model`: no Textual, no TOML, no files. The document layer reads library files and hands
their data to `Library.from_data`.
"""

from tmtui.rules.candidates import Candidate, SuggestedMitigation, accepted_threat, ruled_out_threat
from tmtui.rules.library import Library, LibraryEntry, LibraryError
from tmtui.rules.suggest import suggest

__all__ = [
    "Candidate",
    "Library",
    "LibraryEntry",
    "LibraryError",
    "SuggestedMitigation",
    "accepted_threat",
    "ruled_out_threat",
    "suggest",
]
