"""The only code that reads or writes TOML: fast reads with tomllib (and, for the app's first screen, the quick read
of quick.py, checked against tomllib before any edit), edits and saves with tomlkit."""

from tmtui.document.read import Loaded, load_text, read_model, read_model_bytes
from tmtui.document.source import Source, UnreadableError, decode

__all__ = ["Loaded", "Source", "UnreadableError", "decode", "load_text", "read_model", "read_model_bytes"]
