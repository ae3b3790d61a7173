"""The read-only path (check, export, diff): `tomllib`, which is far faster than tomlkit, and no editing state."""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Any

from tmtui.document.source import (
    Source,
    TooDeepError,
    UnreadableError,
    check_depth,
    decode,
    may_hold_control,
    read_regular,
)
from tmtui.model import (
    Finding,
    Model,
    SchemaTooNewError,
    Severity,
    model_from_data,
    validate,
)
from tmtui.model.fieldwise import field, fieldwise

if TYPE_CHECKING:
    from pathlib import Path

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@fieldwise()
class Loaded:
    """A model read from text: records (None when the TOML does not parse) and every finding, placed on lines."""

    model: Model | None
    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]


def syntax_finding(error: tomllib.TOMLDecodeError, text: str) -> Finding:
    """A TOML syntax error as a finding with its line and column."""
    message = str(error)
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    else:  # "at end of document"
        message = message.replace(" (at end of document)", "")
        line = text.count("\n") + 1
        column = len(text.rsplit("\n", 1)[-1]) + 1
    message = message[:1].lower() + message[1:]
    return Finding(Severity.ERROR, f"TOML syntax: {message}", line=line, column=column)


def parse_data(source: Source, path: Path | str | None = None) -> tuple[dict[str, Any] | None, Finding | None]:
    """The file's data, or the finding that says why it does not parse. Raises UnreadableError for data nested
    deeper than tmtui reads (`source.MAX_NESTING`)."""
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        return None, syntax_finding(error, source.text)
    except RecursionError:  # far beyond the limit: the parser gave up first
        raise UnreadableError(path, str(TooDeepError())) from None
    except ValueError as error:  # an integer of more digits than Python converts
        message = str(error).split(";")[0]
        return None, Finding(Severity.ERROR, f"TOML syntax: a number too long to read ({message})", line=1, column=1)
    try:
        check_depth(data)
    except TooDeepError as error:
        raise UnreadableError(path, str(error)) from None
    return data, None


def load_text(source: Source, path: Path | str | None = None, *, placed: bool = True, warnings: bool = True) -> Loaded:
    """Parse, build records and validate. Raises UnreadableError for a schema newer than this app.

    `placed=False`: the findings are not given lines (their count is all the caller shows), which saves finding
    where the records are written. `warnings=False`: the errors only, for a caller that counts them."""
    data, syntax_error = parse_data(source, path)
    if data is None:
        return Loaded(model=None, findings=[syntax_error] if syntax_error else [])
    try:
        model, findings = model_from_data(data)
    except SchemaTooNewError as error:
        raise UnreadableError(path, str(error)) from None
    findings += validate(model, control_possible=warnings and may_hold_control(source.text), warnings=warnings)
    if placed:
        from tmtui.document.locate import place_findings  # only here: export and stats do without its import

        findings = place_findings(findings, source.text, data)
    return Loaded(model=model, findings=findings, data=data)


def read_model(path: str | Path, *, placed: bool = True, warnings: bool = True) -> Loaded:
    """Read a model file for display or checking. Raises UnreadableError when it is not a text file."""
    return load_text(decode(read_regular(path), path), path, placed=placed, warnings=warnings)


def read_model_bytes(data: bytes, path: Path | str | None = None) -> Loaded:
    return load_text(decode(data, path), path)
